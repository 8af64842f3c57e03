"""The dense half of the index: FAISS inner-product search over unit-length passage vectors.

Below `hnsw_threshold` vectors an exact flat index is both fast and perfect. Above it an HNSW
graph keeps queries in milliseconds; `HNSW_EF_SEARCH` was chosen so recall against the exact
index stays above 0.95 (see tests/test_retrieval.py).
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128


def build_dense_index(vectors: np.ndarray, *, hnsw_threshold: int = HNSW_THRESHOLD) -> faiss.Index:
    """An inner-product index over `vectors` (rows already L2-normalized, so IP is cosine)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = vectors.shape[1]
    if len(vectors) < hnsw_threshold:
        index = faiss.IndexFlatIP(dimension)
    else:
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    index.add(vectors)
    return index


def index_kind(index: faiss.Index) -> str:
    return "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"


def search_dense(index: faiss.Index, query: np.ndarray, *, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, row ids) of the `k` nearest rows, best first; ids are -1 where fewer exist."""
    query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
    params = None
    if isinstance(index, faiss.IndexHNSW):
        # per-call parameters instead of mutating the shared index: safe under concurrent queries
        params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
    scores, ids = index.search(query, k, params=params)
    return scores[0], ids[0]


def write_dense_index(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def read_dense_index(path: Path) -> faiss.Index:
    return faiss.read_index(str(path))
