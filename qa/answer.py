"""`answer()`: question → retrieval → sentence evidence → an answer with dated, verbatim quotes."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Mapping, Sequence

from index.interfaces import Retriever
from index.normalize import well_formed
from index.records import Hit
from qa.authorship import author_citation
from qa.compose import byline_answer, compose
from qa.evidence import candidates_from_hits, score_candidates
from qa.followup import resolve
from qa.question import Question, analyze, validate
from qa.records import Answer

_lock = threading.Lock()
_default: Retriever | None = None


def default_retriever() -> Retriever:
    """The retriever over the live index, opened once per process (the model loads once)."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                from index.retrieval import open_retriever

                _default = open_retriever()
    return _default


def answer(
    question: str,
    *,
    retriever: Retriever | None = None,
    k: int = 8,
    since: dt.date | None = None,
    until: dt.date | None = None,
    history: Sequence[Mapping] = (),
) -> Answer:
    """Answer `question` from the archive with quotes. `history` holds earlier turns
    (`{"question": ..., "answer"?: ...}`), so a follow-up like 那示范区呢? is understood.

    Raises QuestionError for an empty, punctuation-only or over-long question.
    """
    validate(question)
    # undecodable command-line bytes arrive as lone surrogates: not text, and unprintable as JSON
    question = well_formed(question)
    started = time.perf_counter()
    q = analyze(resolve(question, history))
    retriever = retriever or default_retriever()
    hits = retrieve(q, retriever, k=k, since=since, until=until)
    retrieved = time.perf_counter()
    encoder = getattr(retriever, "encoder", None)
    encode_query = getattr(retriever, "encode_query", None)
    ranked = score_candidates(q, candidates_from_hits(hits), article_text=_article_texts(retriever, hits),
                              encoder=encoder, query_vector=encode_query(q.search_text) if encoder and encode_query else None)
    byline = author_citation(q, ranked, getattr(getattr(retriever, "store", None), "articles", None) or {})
    filtered = since is not None or until is not None
    result = byline_answer(q, byline) if byline is not None else compose(q, ranked, filtered=filtered)
    result.question = question
    done = time.perf_counter()
    result.timings = {"retrieval_ms": round((retrieved - started) * 1000, 1),
                      "compose_ms": round((done - retrieved) * 1000, 1)}
    return result


def retrieve(q: Question, retriever: Retriever, *, k: int, since: dt.date | None, until: dt.date | None) -> list[Hit]:
    """Hits for the question. A year or month in the question narrows a second search to that
    time, merged with the unrestricted one: reports published then come first, and a report
    from another time that names the date is still found. A question comparing periods
    (2022年5月和10月) gets one narrowed search per period, so neither side is crowded out."""
    hits = retriever.search(q.search_text, k=k, since=since, until=until)
    periods = q.time.periods
    if not periods and q.time.since is not None:
        periods = ((q.time.since, q.time.until),)
    narrowed: list[Hit] = []
    for period_since, period_until in periods:
        narrow_since = max(filter(None, (since, period_since)))
        narrow_until = min(filter(None, (until, period_until)))
        if narrow_since <= narrow_until:
            narrowed += retriever.search(q.search_text, k=k, since=narrow_since, until=narrow_until)
    merged: dict[str, Hit] = {}
    for hit in narrowed + hits:
        merged.setdefault(hit.chunk.id, hit)
    return list(merged.values())


def _article_texts(retriever: Retriever, hits: Sequence[Hit]) -> dict[str, str]:
    """Title and text of each hit's article, for the subject checks. A retriever without a
    store (any `Retriever` may stand in) gives the text of the article's retrieved chunks."""
    articles = getattr(getattr(retriever, "store", None), "articles", None)
    texts: dict[str, str] = {}
    for hit in hits:
        chunk = hit.chunk
        if articles is not None and chunk.article_id in articles:
            article = articles[chunk.article_id]
            texts[chunk.article_id] = article.title + "\n" + article.text
        else:
            texts[chunk.article_id] = texts.get(chunk.article_id, chunk.title) + "\n" + chunk.text
    return texts
