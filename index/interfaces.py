"""The small interfaces the rest of the product depends on.

`Encoder` turns text into unit-length vectors. An index is seen by the answering, evaluation and
web layers only as an `Archive`: a `Retriever` (question → ranked `Hit`s), an `ArticleLookup`
(whole articles by id: text, title, byline, date), the `QueryEncoder` the retriever searches
with (so a sentence can be compared with the question in the same space), the `Tokenizer` its
passages were cut into keywords with (the archive's own dictionary), and an `IndexInfo`
describing it. Any backend that provides these (the local FAISS + BM25 index, a vector engine
on a cluster) sits behind those layers unchanged; nothing reaches past them into a backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from index.records import Article, Chunk, Hit
from index.tokenize import Tokenizer, general_tokenizer


@runtime_checkable
class Encoder(Protocol):
    name: str
    dimension: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array (len(texts), dimension), rows L2-normalized."""
        ...

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """float32 array (len(texts), dimension), rows L2-normalized."""
        ...


@runtime_checkable
class Retriever(Protocol):
    def search(
        self,
        query: str,
        *,
        k: int = 10,
        since: dt.date | None = None,
        until: dt.date | None = None,
        sources: Collection[str] | None = None,
        mode: str = "hybrid",
    ) -> list[Hit]:
        """Best `k` hits for `query`, best first. `mode` is "hybrid", "dense" or "bm25".

        `since`/`until` keep chunks whose date may fall in the range (unknown dates are dropped
        when a bound is given); `sources` keeps chunks from those file names only.
        """
        ...


@runtime_checkable
class QueryEncoder(Protocol):
    """The model a retriever searches with, as the answering layer may use it: the question's
    vector exactly as search computed it, and passages encoded in the same space."""

    name: str

    def encode_query(self, text: str) -> np.ndarray:
        """float32 unit vector of `text` as a question (the one search used, when cached)."""
        ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array (len(texts), dimension), rows L2-normalized."""
        ...


@runtime_checkable
class ArticleLookup(Protocol):
    """Whole articles of an index, by id; and everything it holds, for evaluation and listings."""

    def article(self, article_id: str) -> Article | None:
        """The article, or None when the index holds no article with that id."""
        ...

    def all_articles(self) -> Iterator[Article]:
        ...

    def all_chunks(self) -> Iterator[Chunk]:
        ...


@dataclass(frozen=True)
class IndexInfo:
    """What an index says about itself, for `/api/v1/health` and the page: `generation` names
    the build being served (None where the backend has none), `details` the backend's own facts
    (scalars only)."""

    backend: str
    generation: str | None
    model: str | None
    keyword_only: bool
    sources: int
    articles: int
    chunks: int
    #: the files the index was built from, as recorded at build time
    files: tuple[str, ...] = ()
    details: Mapping[str, object] = field(default_factory=dict)


class ArticleTable:
    """An `ArticleLookup` over articles and chunks held in memory."""

    def __init__(self, articles: Sequence[Article] = (), chunks: Sequence[Chunk] = ()) -> None:
        self._articles = {a.id: a for a in articles}
        self._chunks = list(chunks)

    def article(self, article_id: str) -> Article | None:
        return self._articles.get(article_id)

    def all_articles(self) -> Iterator[Article]:
        return iter(self._articles.values())

    def all_chunks(self) -> Iterator[Chunk]:
        return iter(self._chunks)


class NoArticles:
    """An `ArticleLookup` that holds nothing: for a bare retriever (tests, a search-only backend)."""

    def article(self, article_id: str) -> Article | None:
        return None

    def all_articles(self) -> Iterator[Article]:
        return iter(())

    def all_chunks(self) -> Iterator[Chunk]:
        return iter(())


@dataclass(frozen=True)
class Archive:
    """Everything the answering, evaluation and web layers use of one index."""

    retriever: Retriever
    articles: ArticleLookup = field(default_factory=NoArticles)
    encoder: QueryEncoder | None = None
    describe: Callable[[], IndexInfo] | None = None
    #: the embedding model it was opened with, to open a rebuilt generation or another index with
    model: Encoder | None = None
    #: which backend holds it ("local", "qdrant"), for health reports that cannot ask it
    backend: str = "unknown"
    #: keyword terms as this index cuts them (jieba plus the archive's dictionary)
    tokenizer: Tokenizer = field(default_factory=general_tokenizer)

    def info(self) -> IndexInfo:
        if self.describe is not None:
            return self.describe()
        return IndexInfo(backend="unknown", generation=None, model=self.encoder.name if self.encoder else None,
                         keyword_only=self.encoder is None, sources=0, articles=0, chunks=0)
