"""Tiny hand-made indexes for the store and retrieval tests (no parsing, no model)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.records import Article, ArticleDate, Chunk, Precision
from index.store import write_generation

DAY = ArticleDate(dt.date(2022, 5, 20), Precision.DAY, "dateline")


class TableEncoder:
    """Queries map to fixed vectors from a table; counts what it was asked to encode."""

    def __init__(self, table: dict[str, Sequence[float]] | None = None, *, name="table-3", dimension=3):
        self.table = table or {}
        self.name = name
        self.dimension = dimension
        self.passages: list[str] = []

    def _vector(self, text: str) -> np.ndarray:
        vector = np.asarray(self.table.get(text, np.ones(self.dimension)), dtype=np.float32)
        return vector / np.linalg.norm(vector)

    def encode_queries(self, texts):
        return np.stack([self._vector(t) for t in texts])

    def encode_passages(self, texts, *, progress=False):
        self.passages.extend(texts)
        return np.stack([self._vector(t) for t in texts])


def article(n: int, text: str, *, source="000_page.txt", date=DAY, title=None) -> Article:
    stem = Path(source).stem
    return Article(
        id=f"{stem}#{n:03d}", source=source, title=title or f"标题{n}", kicker=None, byline=None,
        date=date, text=text, page_start=10 * n, page_end=10 * n + len(text), joins=((2, "\n"),),
    )


def whole_chunk(a: Article) -> Chunk:
    return Chunk(id=f"{a.id}:001", article_id=a.id, title=a.title, source=a.source, date=a.date,
                 start=0, end=len(a.text), text=a.text)


def write_index(
    index_dir: Path,
    articles: Sequence[Article],
    *,
    tokens: Sequence[Sequence[str]],
    vectors: np.ndarray | None,
    model: str | None = "table-3",
    **options,
) -> Path:
    """One generation with a chunk per article."""
    chunks = [whole_chunk(a) for a in articles]
    manifest = {
        "created": "2024-01-01T00:00:00+00:00",
        "model": model,
        "dimension": None if vectors is None else int(vectors.shape[1]),
        "chunker_version": "test",
        "tokenizer_version": "test",
        "files": {},
        "counts": {"files": 1, "articles": len(articles), "chunks": len(chunks)},
    }
    return write_generation(index_dir, manifest=manifest, articles=articles, chunks=chunks,
                            tokens=tokens, vectors=vectors, **options)
