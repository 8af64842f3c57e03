"""`answer()`: question → retrieval → sentence evidence → an answer with dated, verbatim quotes."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Mapping, Sequence

from index.interfaces import Archive, ArticleLookup, Retriever
from index.normalize import well_formed
from index.records import Hit
from qa.authorship import author_citation
from qa.compose import byline_answer, compose
from qa.evidence import candidates_from_hits, score_candidates
from qa.followup import resolve
from qa.question import Question, analyze, validate
from qa.records import Answer

_lock = threading.Lock()
_default: Archive | None = None


def default_archive() -> Archive:
    """The live index, opened once per process (the model loads once)."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                from index.retrieval import open_archive

                _default = open_archive()
    return _default


def answer(
    question: str,
    *,
    archive: Archive | None = None,
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
    archive = archive or default_archive()
    hits = retrieve(q, archive.retriever, k=k, since=since, until=until)
    retrieved = time.perf_counter()
    encoder = archive.encoder
    ranked = score_candidates(q, candidates_from_hits(hits), article_text=_article_texts(archive.articles, hits),
                              encoder=encoder, query_vector=encoder.encode_query(q.search_text) if encoder else None)
    byline = author_citation(q, ranked, archive.articles)
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


def _article_texts(articles: ArticleLookup, hits: Sequence[Hit]) -> dict[str, str]:
    """Title and text of each hit's article, for the subject checks. An archive that cannot
    look articles up gives the text of the article's retrieved chunks."""
    texts: dict[str, str] = {}
    for hit in hits:
        chunk = hit.chunk
        article = articles.article(chunk.article_id)
        if article is not None:
            texts[chunk.article_id] = article.title + "\n" + article.text
        else:
            texts[chunk.article_id] = texts.get(chunk.article_id, chunk.title) + "\n" + chunk.text
    return texts
