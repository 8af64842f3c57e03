"""Run a question set against one retriever mode and score retrieval and answers."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from eval.dataset import Question
from eval.judge import Verdict, article_qrels, chunk_qrels, judge_answer
from eval.metrics import METRICS, mean_scores, per_query
from index.interfaces import Archive, Retriever
from index.records import Hit

MODES = ("bm25", "dense", "hybrid")
DEPTH = 10  # retrieval metrics stop at @10

#: (question, archive, k) → an `Answer.to_json()` dict
AnswerFn = Callable[[str, Archive, int], Mapping]


def qa_answer(question: str, archive: Archive, k: int) -> dict:
    from qa import answer  # the answering layer is loaded only when answers are measured

    return answer(question, archive=archive, k=k).to_json()


class FixedMode:
    """A retriever that always searches in one mode, so the answerer can be compared per mode."""

    def __init__(self, retriever: Retriever, mode: str):
        self._inner = retriever
        self.mode = mode

    def search(self, query: str, **options) -> list[Hit]:
        return self._inner.search(query, **{**options, "mode": self.mode})


@dataclass
class QuestionResult:
    question: Question
    mode: str
    chunk_ids: list[str]
    article_ids: list[str]
    chunk_metrics: dict[str, float] | None  # None: nothing to retrieve (unanswerable)
    article_metrics: dict[str, float] | None
    answer: Mapping | None = None
    verdict: Verdict | None = None

    def to_json(self) -> dict:
        answer = self.answer or {}
        return {
            "mode": self.mode,
            **self.question.to_json(),
            "retrieved_chunks": self.chunk_ids,
            "retrieved_articles": self.article_ids,
            "chunk_metrics": self.chunk_metrics,
            "article_metrics": self.article_metrics,
            "answered": answer.get("answer"),
            "found": answer.get("found"),
            "citations": [
                {k: c.get(k) for k in ("article_id", "date", "quote")} for c in answer.get("citations", [])
            ],
            "verdict": self.verdict.to_json() if self.verdict else None,
        }


@dataclass
class RunResult:
    mode: str
    results: list[QuestionResult]
    chunk_run: dict[str, dict[str, float]]
    article_run: dict[str, dict[str, float]]
    seconds: float
    answers_measured: bool
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        judged = [r for r in self.results if r.chunk_metrics is not None]
        return {
            "mode": self.mode,
            "questions": len(self.results),
            "retrieval_questions": len(judged),
            "chunk": mean_scores({r.question.id: r.chunk_metrics for r in judged}),
            "article": mean_scores({r.question.id: r.article_metrics for r in judged}),
            "answers": answer_rates(self.results) if self.answers_measured else None,
            "seconds": round(self.seconds, 2),
        }


def answer_rates(results: Sequence[QuestionResult]) -> dict[str, float]:
    """Share of questions passing each answer criterion, over the questions it applies to."""
    verdicts = [r.verdict for r in results if r.verdict is not None]

    def rate(values: list[bool | None]) -> float:
        applicable = [v for v in values if v is not None]
        return sum(applicable) / len(applicable) if applicable else 0.0

    return {
        "contains_answer": rate([v.contains for v in verdicts]),
        "right_date": rate([v.dated for v in verdicts]),
        "quotes_verbatim": rate([v.verbatim for v in verdicts]),
        "found_correct": rate([v.found for v in verdicts]),
        "passed": rate([v.passed for v in verdicts]),
    }


def chunk_ranking(hits: Sequence[Hit]) -> dict[str, float]:
    return {h.chunk.id: float(h.score) for h in hits}


def article_ranking(hits: Sequence[Hit]) -> dict[str, float]:
    """Articles in the order of their best chunk; an article scores its best chunk's score."""
    ranked: dict[str, float] = {}
    for h in hits:
        ranked.setdefault(h.chunk.article_id, float(h.score))
    return ranked


def run_mode(
    questions: Sequence[Question],
    archive: Archive,
    *,
    mode: str,
    k: int = 8,
    answer_fn: AnswerFn | None = qa_answer,
    on_question: Callable[[], None] | None = None,
) -> RunResult:
    """Search (and, with `answer_fn`, answer) every question in `mode`."""
    retriever = archive.retriever
    chunk_judgments = chunk_qrels(questions, archive.articles.all_chunks())
    article_judgments = article_qrels(questions, archive.articles.all_articles())
    fixed = dataclasses.replace(archive, retriever=FixedMode(retriever, mode))
    started = time.perf_counter()
    results, chunk_run, article_run = [], {}, {}
    for q in questions:
        hits = retriever.search(q.question, k=DEPTH, mode=mode)
        chunk_run[q.id], article_run[q.id] = chunk_ranking(hits), article_ranking(hits)
        result = QuestionResult(
            question=q,
            mode=mode,
            chunk_ids=list(chunk_run[q.id]),
            article_ids=list(article_run[q.id]),
            chunk_metrics=_scores(q, chunk_judgments, chunk_run),
            article_metrics=_scores(q, article_judgments, article_run),
        )
        if answer_fn is not None:
            result.answer = answer_fn(q.question, fixed, k)
            result.verdict = judge_answer(q, result.answer, archive.articles)
        results.append(result)
        if on_question:
            on_question()
    return RunResult(
        mode=mode,
        results=results,
        chunk_run=chunk_run,
        article_run=article_run,
        seconds=time.perf_counter() - started,
        answers_measured=answer_fn is not None,
    )


def _scores(q: Question, qrels: Mapping[str, Mapping[str, int]], run: Mapping[str, Mapping[str, float]]) -> dict | None:
    if q.id not in qrels:
        return None
    return per_query({q.id: qrels[q.id]}, {q.id: list(run[q.id])}, METRICS)[q.id]
