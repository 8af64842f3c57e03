"""Question-set loading: one clear message per malformed line; the built-in set is well formed."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from eval.dataset import KINDS, DatasetError, Question, load_questions, parse_questions, write_questions
from index.errors import NewsQAError
from index.paths import BUNDLED_CORPUS
from index.reader import iter_corpus_files

GOOD = {"id": "q1", "question": "多少？", "answers": ["22个"], "sources": ["a.txt"], "dates": ["2022-10"], "kind": "numeric"}


def line(**changes) -> str:
    obj = {**GOOD, **changes}
    return json.dumps({k: v for k, v in obj.items() if v is not ...}, ensure_ascii=False)


def test_parses_a_good_line():
    (q,) = parse_questions([line()])
    assert q == Question(id="q1", question="多少？", answers=("22个",), kind="numeric", sources=("a.txt",), dates=("2022-10",))
    assert q.answerable


def test_sources_and_dates_are_optional_and_blank_lines_are_skipped():
    (q,) = parse_questions(["", line(sources=..., dates=..., answers=[], kind="entity"), "  "])
    assert q.sources == () and q.dates == () and not q.answerable


@pytest.mark.parametrize(
    "bad, message",
    [
        ("{not json", 'set.jsonl line 2: not valid JSON (Expecting property name enclosed in double quotes at column 2).'),
        ("[1, 2]", "set.jsonl line 2: expected a JSON object, found list."),
        (line(answers=...), 'set.jsonl line 2: missing field "answers".'),
        (line(answers="22个"), 'set.jsonl line 2: field "answers" must be a list of non-empty strings.'),
        (line(sources=[1]), 'set.jsonl line 2: field "sources" must be a list of non-empty strings.'),
        (line(kind="trivia"), "set.jsonl line 2: kind 'trivia' is not one of " + ", ".join(KINDS) + "."),
        (line(question=" "), 'set.jsonl line 2: field "question" must be a non-empty string.'),
        (line(kind="unanswerable"), 'set.jsonl line 2: an "unanswerable" question must have an empty "answers" list.'),
        (line(), "set.jsonl line 2: the id 'q1' is used twice."),
    ],
)
def test_malformed_lines_name_the_line_and_the_problem(bad, message):
    with pytest.raises(DatasetError) as caught:
        parse_questions([line(), bad], name="set.jsonl")
    assert str(caught.value) == message
    assert isinstance(caught.value, NewsQAError)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        load_questions(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="empty.jsonl holds no questions"):
        load_questions(tmp_path / "empty.jsonl")


def test_write_then_load_round_trips(tmp_path):
    questions = parse_questions([line(), line(id="q2", answers=[], kind="unanswerable")])
    write_questions(questions, tmp_path / "out.jsonl")
    assert load_questions(tmp_path / "out.jsonl") == questions


def test_builtin_dev_set_covers_every_kind_and_page():
    questions = load_questions()
    assert len(questions) >= 60
    kinds = Counter(q.kind for q in questions)
    assert {"numeric", "entity", "date", "timeline", "paraphrase", "english", "unanswerable"} <= set(kinds) <= set(KINDS)
    pages = {p.name for p in iter_corpus_files([BUNDLED_CORPUS])}
    cited = {s for q in questions for s in q.sources}
    assert cited == pages
    # a timeline question draws on at least two dated articles (an answer may hold in both)
    assert all(len(q.sources) >= 2 and q.answers for q in questions if q.kind == "timeline")


def test_builtin_answers_appear_in_their_pages():
    from index.normalize import fold

    pages = {p.name: fold(p.read_text(encoding="utf-8-sig")) for p in iter_corpus_files([BUNDLED_CORPUS])}
    for q in load_questions():
        for answer in q.answers:
            assert any(fold(answer) in pages[s] for s in q.sources), (q.id, answer)
        assert all(len(d) in (4, 7) for d in q.dates), q.id  # "YYYY" or "YYYY-MM" prefixes
