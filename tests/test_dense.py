"""The dense index: exact below the threshold, IVF above, and one search thread per query."""

from __future__ import annotations

import threading

import faiss
import numpy as np

from index.dense import build_dense_index, index_kind, search_dense
from index.paths import usable_cpus


def _unit_rows(count: int, dimension: int = 16, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, dimension)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_flat_below_the_threshold_finds_each_row_first():
    vectors = _unit_rows(50)
    index = build_dense_index(vectors, approximate_threshold=51)
    assert index_kind(index) == "flat"
    scores, ids = search_dense(index, vectors[7], k=3)
    assert ids[0] == 7 and scores[0] == np.float32(np.dot(vectors[7], vectors[7]))
    assert list(scores) == sorted(scores, reverse=True)


def test_ivf_above_the_threshold_and_fewer_rows_than_k_pad_with_minus_one():
    vectors = _unit_rows(400)
    index = build_dense_index(vectors, approximate_threshold=100)
    assert index_kind(index) == "ivf" and index.nlist == 16  # about sqrt(400) = 20 → 2**4
    _, ids = search_dense(index, vectors[3], k=5)
    assert ids[0] == 3
    small = build_dense_index(_unit_rows(2), approximate_threshold=100)
    assert search_dense(small, _unit_rows(1, seed=1)[0], k=4)[1].tolist()[2:] == [-1, -1]


def test_a_query_searches_with_one_thread_without_changing_other_threads():
    index = build_dense_index(_unit_rows(20))
    faiss.omp_set_num_threads(2)
    seen = []

    def query():
        search_dense(index, _unit_rows(1, seed=2)[0], k=3)
        seen.append(faiss.omp_get_max_threads())

    worker = threading.Thread(target=query)
    worker.start()
    worker.join()
    assert seen == [1]
    assert faiss.omp_get_max_threads() == 2  # OpenMP's setting is per thread
    build_dense_index(_unit_rows(20))
    assert faiss.omp_get_max_threads() == usable_cpus() >= 1


def _exact_allowed(vectors, query, allowed, k):
    rows = np.flatnonzero(allowed)
    order = np.argsort(-(vectors[rows] @ query), kind="stable")[:k]
    return rows[order].tolist()


def test_a_filter_is_applied_inside_the_search_and_finds_the_best_allowed_rows():
    vectors = _unit_rows(300, seed=3)
    query = _unit_rows(1, seed=4)[0]
    allowed = np.zeros(300, dtype=bool)
    allowed[::7] = True  # 43 rows
    flat = build_dense_index(vectors)
    _, ids = search_dense(flat, query, k=5, allowed=allowed)
    assert ids.tolist() == _exact_allowed(vectors, query, allowed, 5)


def test_a_narrow_filter_on_an_inverted_file_still_finds_every_allowed_row():
    vectors = _unit_rows(2000, seed=5)
    ivf = build_dense_index(vectors, approximate_threshold=100)  # 64 lists, 16 probed
    query = vectors[0]
    allowed = np.zeros(2000, dtype=bool)
    # three rows far from the query: few of the probed lists hold them
    allowed[np.argsort(vectors @ query)[:3]] = True
    _, ids = search_dense(ivf, query, k=10, allowed=allowed)
    assert sorted(i for i in ids.tolist() if i >= 0) == sorted(np.flatnonzero(allowed).tolist())
    assert ids.tolist()[3:] == [-1] * 7
