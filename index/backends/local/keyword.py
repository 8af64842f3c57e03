"""The keyword half of the index: BM25 (bm25s) over tokens from the index's `index.tokenize.Tokenizer`.

bm25s receives token lists, never raw text, so Chinese word segmentation stays in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np


def build_bm25(tokens: Sequence[Sequence[str]]) -> bm25s.BM25 | None:
    """A BM25 index with one document per token list; None when there is no token at all."""
    if not any(tokens):
        return None
    bm25 = bm25s.BM25()
    bm25.index([list(doc) for doc in tokens], show_progress=False)
    return bm25


def bm25_scores(bm25: bm25s.BM25 | None, query_tokens: Sequence[str], *, num_docs: int) -> np.ndarray:
    """The BM25 score of every document for the query; zeros when no query token is indexed."""
    ids = bm25.get_tokens_ids(list(query_tokens)) if bm25 is not None else []
    if not ids:
        return np.zeros(num_docs, dtype=np.float32)
    return np.asarray(bm25.get_scores_from_ids(ids), dtype=np.float32)


def write_bm25(bm25: bm25s.BM25, directory: Path) -> None:
    bm25.save(str(directory), show_progress=False)


def read_bm25(directory: Path) -> bm25s.BM25:
    return bm25s.BM25.load(str(directory), show_progress=False)
