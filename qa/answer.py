"""`answer()`: question → analysis → retrieval → sentence evidence → features → score →
decision → an answer with dated, verbatim quotes. Each stage is one module; this one walks them.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np

from index.interfaces import Archive, Retriever
from index.normalize import well_formed
from index.records import Hit
from qa.analyze import AnswerType, Question, validate
from qa.authorship import author_citation
from qa.compose import byline_answer, compose
from qa.decide import decide
from qa.evidence import Candidate, candidates, sentences
from qa.features import Context, Features, Similarity, candidate_key, features, normalized, similarity, with_similarity
from qa.followup import analyzed
from qa.records import Answer
from qa.score import Scored, probability
from qa.settings import Settings, default_settings

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
    k: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    history: Sequence[Mapping] = (),
    settings: Settings | None = None,
) -> Answer:
    """Answer `question` from the archive with quotes. `history` holds earlier turns
    (`{"question": ..., "answer"?: ...}`), so a follow-up like 那示范区呢? is understood.

    Raises QuestionError for an empty, punctuation-only or over-long question.
    """
    return answer_with_hits(question, archive=archive, k=k, since=since, until=until, history=history,
                            settings=settings)[0]


def answer_with_hits(
    question: str,
    *,
    archive: Archive | None = None,
    k: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    history: Sequence[Mapping] = (),
    settings: Settings | None = None,
) -> tuple[Answer, list[Hit], Question]:
    """`answer()`, with the hits it read and the question as analysed (follow-up resolved), for
    a generator that writes its own answer from the same passages (`qa.llm`)."""
    validate(question)
    # undecodable command-line bytes arrive as lone surrogates: not text, and unprintable as JSON
    question = well_formed(question)
    started = time.perf_counter()
    settings = settings or default_settings()
    q = analyzed(question, history)
    archive = archive or default_archive()
    hits = retrieve(q, archive.retriever, k=k or settings.retrieval_depth, since=since, until=until)
    retrieved = time.perf_counter()
    scored = score(q, hits, archive, settings)
    byline = (author_citation(q, scored, archive.articles, min_coverage=settings.author_coverage)
              if q.answer_type is AnswerType.AUTHOR else None)
    if byline is not None:
        result = byline_answer(q, byline)
    else:
        result = compose(q, decide(q, scored, settings, filtered=since is not None or until is not None))
    result.question = question
    result.confidence = scored[0].probability if scored else 0.0
    done = time.perf_counter()
    result.timings = {"retrieval_ms": round((retrieved - started) * 1000, 1), "compose_ms": round((done - retrieved) * 1000, 1)}
    return result, hits, q


def retrieve(q: Question, retriever: Retriever, *, k: int, since: dt.date | None, until: dt.date | None) -> list[Hit]:
    """Hits for the question. A year or month in the question narrows a second search to that
    time, merged with the unrestricted one: reports published then come first, and a report
    from another time that names the date is still found. A question comparing periods gets one
    narrowed search per period, so neither side is crowded out."""
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


def score(q: Question, hits: Sequence[Hit], archive: Archive, settings: Settings) -> list[Scored]:
    """Every candidate answer in the hits with its features and probability, best first. The
    model compares the question with the quotes of the `semantic_top` candidates the other
    features rank best; then every candidate is scored again with that comparison."""
    pairs = candidate_features(q, hits, archive)
    if settings.semantic_top > 0 and archive.encoder is not None and pairs:
        first = sorted(pairs, key=lambda p: -probability(q, p[1], settings))
        top = list(dict.fromkeys((c.sentence.article_id, c.sentence.start) for c, _ in first))[: settings.semantic_top]
        pairs = with_similarity(pairs, similarities(q, pairs, archive, sentences=set(top)))
    scored = [Scored(c, f, probability(q, f, settings)) for c, f in pairs]
    scored.sort(key=lambda s: (-s.probability, s.candidate.sentence.rank, s.candidate.sentence.start))
    return scored


def candidate_features(q: Question, hits: Sequence[Hit], archive: Archive) -> list[tuple[Candidate, Features]]:
    """(candidate, features) for every candidate answer of every sentence of the hits (the
    similarity of each quote to the question is added by `with_similarity`)."""
    found = sentences(hits)
    if not found:
        return []
    articles = _article_texts(archive, hits)
    best_dense = max((s.dense for s in found if s.dense is not None), default=0.0)
    out = []
    for sentence in found:
        ctx = Context(article=articles[sentence.article_id], best_dense=best_dense)
        for c in candidates(q, sentence):
            out.append((c, features(q, c, ctx)))
    return out


def _article_texts(archive: Archive, hits: Sequence[Hit]) -> dict[str, str]:
    """Title and text of each hit's article in matching form, for the subject checks; an
    archive that cannot look articles up gives the text of the article's retrieved chunks."""
    texts: dict[str, str] = {}
    for hit in hits:
        chunk = hit.chunk
        if chunk.article_id in texts and archive.articles.article(chunk.article_id) is not None:
            continue
        article = archive.articles.article(chunk.article_id)
        if article is not None:
            texts[chunk.article_id] = normalized(article.title + "\n" + article.text)
        else:
            texts[chunk.article_id] = texts.get(chunk.article_id, normalized(chunk.title)) + "\n" + normalized(chunk.text)
    return texts


# Sentence token vectors are cached per encoder and text: a warm process compares them again.
_VECTORS: OrderedDict[tuple[str, bool, str], tuple[np.ndarray, np.ndarray, np.ndarray]] = OrderedDict()
_CACHE_SIZE = 8192
_vector_lock = threading.Lock()


def similarities(q: Question, pairs, archive: Archive, *, sentences: set | None = None) -> dict[tuple, Similarity]:
    """The model's comparison with the question of every candidate in the given sentences
    ((article id, start) keys; None: all), one encoding per sentence (see `Similarity`)."""
    encoder = archive.encoder
    if encoder is None or not pairs:
        return {}
    chosen = [c for c, _ in pairs if sentences is None or (c.sentence.article_id, c.sentence.start) in sentences]
    texts = list(dict.fromkeys(c.sentence.text for c in chosen))
    encoded_question = _tokens(encoder, [q.search_text], query=True)[0]
    encoded = dict(zip(texts, _tokens(encoder, texts, query=False)))
    return {candidate_key(c): similarity(q, encoded_question, encoded[c.sentence.text], c) for c in chosen}


def _tokens(encoder, texts: list[str], *, query: bool) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    with _vector_lock:
        missing = list(dict.fromkeys(t for t in texts if (encoder.name, query, t) not in _VECTORS))
    if missing:
        encoded = encoder.encode_tokens(missing, query=query)
        with _vector_lock:
            for text, pair in zip(missing, encoded):
                _VECTORS[(encoder.name, query, text)] = pair
            while len(_VECTORS) > _CACHE_SIZE:
                _VECTORS.popitem(last=False)
    with _vector_lock:
        return [_VECTORS.get((encoder.name, query, t)) or encoder.encode_tokens([t], query=query)[0] for t in texts]
