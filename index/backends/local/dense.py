"""The dense half of the index: FAISS inner-product search over unit-length passage vectors.

Below `APPROXIMATE_THRESHOLD` vectors an exact flat index is both fast and perfect (about 16 ms a
query at 100,000 chunks here). Above it an inverted-file index (IVF-Flat) with about sqrt(n) lists,
probing a quarter of them, keeps recall@10 against exact search above 0.95: measured 0.958 at one
million chunks, built in about 30 s (benchmarks/faiss_scaling.py). HNSW was measured too and
rejected: at 100,000 chunks it needed efSearch 512 to reach that recall and took 11 minutes to build.

A query searches with one thread: a single query vector gives OpenMP little to split, and at
100,000 chunks one thread answered in 6 ms where two took 14 ms (p50). Concurrent questions run in
parallel on the server's threads instead. OpenMP's thread count is per calling thread, so building
an index (with every usable CPU) in another thread is unaffected.
"""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

from index.paths import usable_cpus

APPROXIMATE_THRESHOLD = 200_000
#: k-means needs a few dozen points a list; train on a sample, not on millions of rows
TRAIN_POINTS_PER_LIST = 64


def ivf_lists(count: int) -> int:
    """About sqrt(count) lists, rounded to a power of two."""
    return max(1, 2 ** round(math.log2(max(1.0, math.sqrt(count)))))


def build_dense_index(vectors: np.ndarray, *, approximate_threshold: int = APPROXIMATE_THRESHOLD) -> faiss.Index:
    """An inner-product index over `vectors` (rows already L2-normalized, so IP is cosine)."""
    faiss.omp_set_num_threads(usable_cpus())  # k-means and adding rows split well
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = vectors.shape[1]
    if len(vectors) < approximate_threshold:
        index = faiss.IndexFlatIP(dimension)
    else:
        lists = ivf_lists(len(vectors))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, lists, faiss.METRIC_INNER_PRODUCT)
        sample = vectors
        if len(vectors) > lists * TRAIN_POINTS_PER_LIST:
            rows = np.random.default_rng(0).choice(len(vectors), lists * TRAIN_POINTS_PER_LIST, replace=False)
            sample = vectors[np.sort(rows)]
        index.train(sample)
        index.nprobe = max(1, lists // 4)
    index.add(vectors)
    return index


def index_kind(index: faiss.Index) -> str:
    return "ivf" if isinstance(index, faiss.IndexIVF) else "flat"


def search_dense(
    index: faiss.Index, query: np.ndarray, *, k: int, allowed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(scores, row ids) of the `k` nearest rows, best first; ids are -1 where fewer exist.

    `allowed` (a boolean per row) restricts the search inside FAISS, so a narrow date or source
    filter costs no more than an unfiltered search. An inverted file probes only some lists, which
    may hold too few allowed rows: it then probes them all (at most the cost of exact search).
    """
    faiss.omp_set_num_threads(1)  # this thread only; see the module's docstring
    query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
    bits = selector = None
    if allowed is not None:
        # FAISS reads `bits` through a raw pointer: the local keeps it alive until this function returns
        bits = np.packbits(np.asarray(allowed, dtype=bool), bitorder="little")
        selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bits))
    if isinstance(index, faiss.IndexIVF):
        # per-call parameters instead of mutating the shared index: safe under concurrent queries
        nprobe = max(1, index.nlist // 4)
        scores, ids = index.search(query, k, params=faiss.SearchParametersIVF(nprobe=nprobe, sel=selector))
        too_few = selector is not None and np.count_nonzero(ids[0] >= 0) < min(k, int(np.count_nonzero(allowed)))
        if too_few and nprobe < index.nlist:
            scores, ids = index.search(query, k, params=faiss.SearchParametersIVF(nprobe=index.nlist, sel=selector))
    else:
        params = faiss.SearchParameters(sel=selector) if selector is not None else None
        scores, ids = index.search(query, k, params=params)
    return scores[0], ids[0]


def write_dense_index(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def read_dense_index(path: Path) -> faiss.Index:
    return faiss.read_index(str(path))
