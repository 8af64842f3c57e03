"""Hybrid retrieval: RRF numbers by hand, single-retriever modes, filters, approximate-index recall."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from index_fixtures import TableEncoder, article, write_index

from index.dense import build_dense_index, index_kind, search_dense
from index.errors import IndexIncompatibleError, NewsQAError
from index.records import ArticleDate, Precision
from index.retrieval import HybridRetriever, reciprocal_rank_fusion
from index.store import IndexStore


def test_rrf_adds_reciprocal_ranks():
    fused = reciprocal_rank_fusion({"dense": [10, 11, 12], "bm25": [12, 10]}, rrf_k=60)

    assert fused[10] == pytest.approx(1 / 61 + 1 / 62)  # 0.032522
    assert fused[11] == pytest.approx(1 / 62)  # 0.016129
    assert fused[12] == pytest.approx(1 / 63 + 1 / 61)  # 0.032266


def test_rrf_weights_scale_each_ranking():
    fused = reciprocal_rank_fusion({"dense": [10, 11], "bm25": [11]}, rrf_k=60, weights={"dense": 2.0})

    assert fused == pytest.approx({10: 2 / 61, 11: 2 / 62 + 1 / 61})


# Three chunks; the query "banana" is, by meaning, nearest to c2 and, by words, best matched by c1:
#   dense ranking: c2 (cos 1.0), c1 (0.6), c0 (0.0)      bm25 ranking: c1 (tf 2), c0 (tf 1)
#   RRF (k=60):    c1 = 1/62 + 1/61 = 0.032522   c0 = 1/63 + 1/62 = 0.032002   c2 = 1/61 = 0.016393
QUERY_VECTOR = [1.0, 0.0, 0.0]
DOC_VECTORS = np.array([[0, 1, 0], [0.6, 0.8, 0], [1, 0, 0]], dtype=np.float32)
DOC_TOKENS = [["apple", "banana"], ["banana", "banana", "cherry"], ["melon"]]


@pytest.fixture
def three(tmp_path):
    articles = [article(n, text) for n, text in enumerate(["apple banana", "banana banana cherry", "melon"])]
    write_index(tmp_path, articles, tokens=DOC_TOKENS, vectors=DOC_VECTORS)
    return HybridRetriever(IndexStore.load(tmp_path), encoder=TableEncoder({"banana": QUERY_VECTOR}))


def _ids(hits):
    return [h.chunk.article_id[-1] for h in hits]


def test_hybrid_fuses_the_two_rankings(three):
    hits = three.search("banana", k=3)

    assert _ids(hits) == ["1", "0", "2"]
    assert [h.score for h in hits] == pytest.approx([1 / 62 + 1 / 61, 1 / 63 + 1 / 62, 1 / 61])
    assert [h.dense_score for h in hits] == pytest.approx([0.6, 0.0, 1.0])
    assert hits[0].bm25_score > hits[1].bm25_score > 0 == hits[2].bm25_score
    assert hits[2].scores == {"dense_rank": 1, "bm25_rank": None}


def test_single_modes_rank_by_their_own_scores(three):
    dense = three.search("banana", k=3, mode="dense")
    bm25 = three.search("banana", k=3, mode="bm25")

    assert _ids(dense) == ["2", "1", "0"]
    assert [h.score for h in dense] == pytest.approx([1.0, 0.6, 0.0])
    assert _ids(bm25) == ["1", "0"]  # melon shares no word with the query
    assert [h.score for h in bm25] == [h.bm25_score for h in bm25]


def test_traditional_query_is_simplified_before_search(tmp_path):
    articles = [article(1, "开发区"), article(2, "别的")]
    write_index(tmp_path, articles, tokens=[["开发区"], ["别的"]], vectors=np.eye(2, 3, dtype=np.float32))
    encoder = TableEncoder({"开发区": [1, 0, 0]})
    retriever = HybridRetriever(IndexStore.load(tmp_path), encoder=encoder)

    hits = retriever.search("開發區", k=1, mode="dense")

    assert hits[0].chunk.text == "开发区" and hits[0].score == pytest.approx(1.0)


def test_unknown_mode_and_empty_query(three):
    with pytest.raises(NewsQAError, match="hybrid, dense, bm25"):
        three.search("banana", mode="fuzzy")
    assert three.search("   ") == []
    assert three.search("banana", k=0) == []


def test_keyword_only_index_searches_by_keywords(tmp_path):
    articles = [article(n, t) for n, t in enumerate(["apple banana", "banana banana cherry", "melon"])]
    write_index(tmp_path, articles, tokens=DOC_TOKENS, vectors=None, model=None)
    retriever = HybridRetriever(IndexStore.load(tmp_path), encoder=None)

    assert _ids(retriever.search("banana")) == ["1", "0"]
    assert retriever.search("banana")[0].dense_score is None
    with pytest.raises(NewsQAError, match="--mode bm25"):
        retriever.search("banana", mode="dense")


def test_a_query_encoder_from_another_model_is_refused(tmp_path):
    write_index(tmp_path, [article(1, "x")], tokens=[["x"]], vectors=np.eye(1, 3, dtype=np.float32))

    with pytest.raises(IndexIncompatibleError, match="other-model"):
        HybridRetriever(IndexStore.load(tmp_path), encoder=TableEncoder(name="other-model"))


def _dated(n, value, precision, source="000_page.txt"):
    return article(n, "banana", source=source, date=ArticleDate(value, precision, "test"))


@pytest.fixture
def dated(tmp_path):
    articles = [
        _dated(0, dt.date(2022, 5, 20), Precision.DAY),
        _dated(1, dt.date(2022, 5, 1), Precision.MONTH, source="001_other.txt"),
        _dated(2, dt.date(2019, 1, 1), Precision.YEAR),
        article(3, "banana", date=ArticleDate.unknown()),
    ]
    write_index(tmp_path, articles, tokens=[["banana"]] * 4, vectors=np.tile([[1, 0, 0]], (4, 1)).astype(np.float32))
    return HybridRetriever(IndexStore.load(tmp_path), encoder=TableEncoder())


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_date_filters_keep_dates_that_may_fall_in_the_range(dated, mode):
    def ids(**bounds):
        return sorted(h.chunk.article_id[-1] for h in dated.search("banana", mode=mode, **bounds))

    assert ids() == ["0", "1", "2", "3"]
    assert ids(since=dt.date(2022, 5, 21)) == ["1"]  # May 2022 may still include the 21st
    assert ids(until=dt.date(2022, 5, 19)) == ["1", "2"]
    assert ids(since=dt.date(2022, 5, 20), until=dt.date(2022, 5, 20)) == ["0", "1"]
    assert ids(since=dt.date(2020, 1, 1), until=dt.date(2021, 12, 31)) == []


def test_source_filter(dated):
    hits = dated.search("banana", sources={"001_other.txt"})

    assert [h.chunk.source for h in hits] == ["001_other.txt"]


def test_dense_search_fetches_deeper_when_a_filter_removes_the_best_rows(tmp_path):
    # 200 chunks; the only one from the wanted source is the one least like the query
    rng = np.random.default_rng(1)
    vectors = np.abs(rng.normal(size=(200, 8))).astype(np.float32) + 0.1
    vectors[:, 0] += np.linspace(5, 0, 200)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    articles = [article(n, f"doc {n}", source="b.txt" if n == 199 else "a.txt") for n in range(200)]
    write_index(tmp_path, articles, tokens=[["doc"]] * 200, vectors=vectors)
    encoder = TableEncoder({"q": [1, 0, 0, 0, 0, 0, 0, 0]}, dimension=8)
    retriever = HybridRetriever(IndexStore.load(tmp_path), encoder=encoder, candidates=5)

    hits = retriever.search("q", k=1, sources={"b.txt"}, mode="dense")

    assert [h.chunk.source for h in hits] == ["b.txt"]


def test_ivf_recall_against_exact_search_is_at_least_095():
    # Text embeddings cluster by topic; uniform random vectors (no structure at all) would
    # understate what an inverted file finds, so the fixture is a mixture of 40 topics.
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(40, 32))
    vectors = (centres[rng.integers(0, 40, 5000)] + 0.6 * rng.normal(size=(5000, 32))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = (centres[rng.integers(0, 40, 100)] + 0.6 * rng.normal(size=(100, 32))).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    ivf = build_dense_index(vectors, approximate_threshold=1000)
    assert index_kind(ivf) == "ivf"

    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    found = [set(search_dense(ivf, q, k=10)[1].tolist()) for q in queries]
    recall = np.mean([len(f & set(e.tolist())) / 10 for f, e in zip(found, exact)])

    assert recall >= 0.95


def test_large_indexes_are_stored_as_ivf(tmp_path):
    articles = [article(n, "banana") for n in range(30)]
    vectors = np.random.default_rng(0).normal(size=(30, 3)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    write_index(tmp_path, articles, tokens=[["banana"]] * 30, vectors=vectors, approximate_threshold=10)

    loaded = IndexStore.load(tmp_path)
    hits = HybridRetriever(loaded, encoder=TableEncoder({"q": vectors[4]})).search("q", k=1, mode="dense")

    assert loaded.manifest["dense_index"] == "ivf"
    assert hits[0].chunk.article_id.endswith("#004")


@pytest.mark.slow
def test_real_model_finds_the_started_key_projects(real_retriever):
    hits = real_retriever.search("开发区有多少个重点项目开工", k=5)

    assert any("已开工" in hit.chunk.text for hit in hits)  # "23个省市重点项目已开工20个"
    assert all(hit.dense_score is not None and hit.bm25_score is not None for hit in hits)
