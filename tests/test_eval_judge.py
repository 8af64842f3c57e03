"""Relevance judgments and answer checks on a three-article fixture, plus a scored fake run."""

from __future__ import annotations

import datetime as dt

import pytest

from eval.dataset import Question
from eval.judge import article_qrels, chunk_qrels, judge_answer
from eval.runner import run_mode
from index.interfaces import Archive, ArticleTable
from index.records import Article, ArticleDate, Chunk, Hit, Precision


def _article(aid: str, source: str, day: dt.date, text: str) -> Article:
    return Article(id=aid, source=source, title="标题", kicker=None, byline=None,
                   date=ArticleDate(day, Precision.DAY, "dateline"), text=text)


def _chunk(a: Article, n: int, start: int, end: int) -> Chunk:
    return Chunk(id=f"{a.id}:{n:03d}", article_id=a.id, title=a.title, source=a.source, date=a.date,
                 start=start, end=end, text=a.text[start:end])


MAY = _article("p1#001", "p1.txt", dt.date(2022, 5, 23), "会议召开。截至目前已开工 20 个项目。")
OCT = _article("p2#001", "p2.txt", dt.date(2022, 10, 17), "今年已开工20个，进展顺利。")
OTHER = _article("p1#002", "p1.txt", dt.date(2022, 5, 19), "无关的文字。")
ARTICLES = {a.id: a for a in (MAY, OCT, OTHER)}
CHUNKS = [_chunk(MAY, 1, 0, 5), _chunk(MAY, 2, 5, len(MAY.text)), _chunk(OCT, 1, 0, len(OCT.text)),
          _chunk(OTHER, 1, 0, len(OTHER.text))]
LOOKUP = ArticleTable(list(ARTICLES.values()), CHUNKS)

ASKED = Question(id="q1", question="开工了多少个？", answers=("20个",), kind="numeric", sources=("p1.txt",), dates=("2022-05",))
NONE = Question(id="q2", question="占地多少亩？", answers=(), kind="unanswerable")


def test_judgments_need_the_answer_and_a_right_source():
    # "20 个" in the May article folds to "20个"; the October article has it too but is the wrong source
    assert chunk_qrels([ASKED, NONE], CHUNKS) == {"q1": {"p1#001:002": 1}}
    assert article_qrels([ASKED, NONE], ARTICLES.values()) == {"q1": {"p1#001": 1}}
    anywhere = Question(id="q3", question="?", answers=("20个",), kind="numeric")
    assert article_qrels([anywhere], ARTICLES.values()) == {"q3": {"p1#001": 1, "p2#001": 1}}


def _citation(article: Article, start: int, end: int, *, date: str | None = None, quote: str | None = None) -> dict:
    return {"article_id": article.id, "start": start, "end": end, "date": date or article.date.iso(),
            "quote": article.text[start:end] if quote is None else quote}


def test_a_good_answer_passes_every_criterion():
    answer = {"answer": "截至目前已开工20个项目。[1]", "found": True, "citations": [_citation(MAY, 5, len(MAY.text))]}
    verdict = judge_answer(ASKED, answer, LOOKUP)
    assert (verdict.contains, verdict.dated, verdict.verbatim, verdict.found) == (True, True, True, True)
    assert verdict.passed


def test_each_criterion_can_fail_on_its_own():
    wrong_date = {"answer": "已开工20个", "found": True, "citations": [_citation(OCT, 0, 7)]}
    v = judge_answer(ASKED, wrong_date, LOOKUP)
    assert (v.contains, v.dated, v.verbatim) == (True, False, True) and not v.passed

    edited_quote = {"answer": "20个", "found": True, "citations": [_citation(MAY, 5, 19, quote="截至目前开工20个项目")]}
    v = judge_answer(ASKED, edited_quote, LOOKUP)
    assert v.verbatim is False and v.dated is True  # the quote still holds the answer and the date

    refused = {"answer": "没有找到。", "found": False, "citations": []}
    v = judge_answer(ASKED, refused, LOOKUP)
    assert (v.contains, v.dated, v.verbatim, v.found) == (False, False, True, False)


def test_unanswerable_questions_only_check_refusal_and_quotes():
    v = judge_answer(NONE, {"answer": "没有找到。", "found": False, "citations": []}, LOOKUP)
    assert (v.contains, v.dated, v.verbatim, v.found, v.passed) == (None, None, True, True, True)
    unknown = {"answer": "x", "found": True, "citations": [{"article_id": "gone#001", "start": 0, "end": 1, "quote": "x"}]}
    v = judge_answer(NONE, unknown, LOOKUP)
    assert (v.verbatim, v.found, v.passed) == (False, False, False)


class FakeRetriever:
    """Returns the same three chunks for every query and records the modes asked for."""

    def __init__(self):
        self.modes: list[str] = []

    def search(self, query, *, k=10, mode="hybrid", **_):
        self.modes.append(mode)
        order = [CHUNKS[3], CHUNKS[1], CHUNKS[2]]  # OTHER, MAY:002, OCT
        return [Hit(chunk=c, score=1.0 / (i + 1)) for i, c in enumerate(order)][:k]


def test_run_mode_scores_retrieval_and_answers():
    retriever = FakeRetriever()

    def answer_fn(question, searcher, k):
        hits = searcher.retriever.search(question, k=k)  # goes through FixedMode, so the mode is forced
        if question == NONE.question:
            return {"answer": "没有找到。", "found": False, "citations": []}
        best = hits[1].chunk
        return {"answer": best.text, "found": True,
                "citations": [_citation(ARTICLES[best.article_id], best.start, best.end)]}

    archive = Archive(retriever=retriever, articles=LOOKUP)
    run = run_mode([ASKED, NONE], archive, mode="bm25", k=3, answer_fn=answer_fn)
    assert retriever.modes == ["bm25"] * 4  # two searches for metrics, two from the answerer
    first = run.results[0]
    assert first.chunk_ids == ["p1#002:001", "p1#001:002", "p2#001:001"]
    assert first.article_ids == ["p1#002", "p1#001", "p2#001"]
    # the one relevant chunk is at rank 2: recall@1 0, recall@5 1, MRR 1/2, nDCG 1/log2(3) = 0.630930
    assert first.chunk_metrics == pytest.approx(
        {"recall@1": 0.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 0.5, "ndcg@10": 0.630930}, abs=1e-6)
    assert run.results[1].chunk_metrics is None  # unanswerable: left out of retrieval means
    summary = run.summary()
    assert summary["retrieval_questions"] == 1 and summary["chunk"]["mrr@10"] == 0.5
    assert summary["answers"] == {"contains_answer": 1.0, "right_date": 1.0, "quotes_verbatim": 1.0,
                                  "found_correct": 1.0, "passed": 1.0}
    assert run.chunk_run["q1"] == {"p1#002:001": 1.0, "p1#001:002": 0.5, "p2#001:001": pytest.approx(1 / 3)}
