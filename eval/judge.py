"""What counts as right: relevant chunks and articles, and the checks an answer must pass.

Text is compared after `fold`, so "23 个" in a page matches the expected "23个".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from eval.dataset import Question
from index.interfaces import ArticleLookup
from index.normalize import fold
from index.records import Article, Chunk


def contains_answer(text: str, answers: Iterable[str], *, match: str = "any") -> bool:
    """Whether `text` holds one of `answers` (or, with match="all", every one of them)."""
    folded = fold(text)
    return (all if match == "all" else any)(fold(answer) in folded for answer in answers)


def right_source(question: Question, source: str) -> bool:
    return not question.sources or source in question.sources


def right_date(question: Question, iso: str | None) -> bool:
    """The date starts with one of the expected prefixes ("2022-05-23" matches "2022-05")."""
    if not question.dates:
        return True
    return iso is not None and any(iso.startswith(prefix) for prefix in question.dates)


def relevant_text(question: Question, *, source: str, text: str) -> bool:
    return question.answerable and right_source(question, source) and contains_answer(text, question.answers)


def chunk_qrels(questions: Iterable[Question], chunks: Iterable[Chunk]) -> dict[str, dict[str, int]]:
    """Answer-level judgments: chunks from a right source that contain a correct answer."""
    return _qrels(questions, [(c.id, c.source, c.text) for c in chunks])


def article_qrels(questions: Iterable[Question], articles: Iterable[Article]) -> dict[str, dict[str, int]]:
    """Article-level judgments: articles from a right source that contain a correct answer."""
    return _qrels(questions, [(a.id, a.source, a.text) for a in articles])


def _qrels(questions: Iterable[Question], docs: list[tuple[str, str, str]]) -> dict[str, dict[str, int]]:
    # fold every document once, not once per question
    folded = [(doc_id, source, fold(text)) for doc_id, source, text in docs]
    qrels: dict[str, dict[str, int]] = {}
    for q in questions:
        if not q.answerable:
            continue
        wanted = [fold(a) for a in q.answers]
        qrels[q.id] = {
            doc_id: 1
            for doc_id, source, text in folded
            if right_source(q, source) and any(w in text for w in wanted)
        }
    return qrels


@dataclass(frozen=True)
class Verdict:
    """Pass/fail of one answer per criterion; None where a criterion does not apply."""

    contains: bool | None  # the answer text holds a correct answer (answerable questions)
    dated: bool | None  # a citation quoting a correct answer carries a right date
    verbatim: bool  # every quote is exact article text
    found: bool  # found is true exactly when the question is answerable

    @property
    def passed(self) -> bool:
        return all(v is not False for v in (self.contains, self.dated, self.verbatim, self.found))

    def to_json(self) -> dict:
        return {**asdict(self), "passed": self.passed}


def judge_answer(question: Question, answer: Mapping, articles: ArticleLookup) -> Verdict:
    """Check an `Answer.to_json()` dict against the question and the indexed articles."""
    citations = answer.get("citations") or []
    contains = dated = None
    if question.answerable:
        contains = contains_answer(answer.get("answer") or "", question.answers, match=question.match)
        dated = any(
            contains_answer(c.get("quote", ""), question.answers) and right_date(question, c.get("date"))
            for c in citations
        )
    return Verdict(
        contains=contains,
        dated=dated,
        verbatim=all(_is_verbatim(c, articles) for c in citations),
        found=bool(answer.get("found")) == question.answerable,
    )


def _is_verbatim(citation: Mapping, articles: ArticleLookup) -> bool:
    article = articles.article(str(citation.get("article_id")))
    if article is None:
        return False
    start, end = citation.get("start"), citation.get("end")
    return isinstance(start, int) and isinstance(end, int) and article.text[start:end] == citation.get("quote")
