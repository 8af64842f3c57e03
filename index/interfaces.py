"""The two small interfaces the rest of the product depends on.

`Encoder` turns text into unit-length vectors; `Retriever` turns a question into ranked `Hit`s.
Anything that implements `Retriever` (the local FAISS + BM25 index today, a distributed vector
engine later) can sit behind the answering layer unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from index.records import Hit


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
