"""The Qdrant backend passes the shared backend suite, in qdrant-client's local mode (the same
API, run in this process on a folder: no server needed)."""

from __future__ import annotations

import pytest
from backend_suite import BackendTests

from index.backends import BackendConfig


class TestQdrantBackend(BackendTests):
    backend_name = "qdrant"

    def config(self, tmp_path):
        return BackendConfig(backend="qdrant", path=str(tmp_path / "qdrant"), collection="test")


def test_both_backends_rank_the_bundled_pages_alike(bundled_corpus, tmp_path):
    """Built apart, the two backends give the same hits, scores and ranks: the sparse BM25
    weights with the server's IDF equal bm25s's scores, and RRF fuses alike."""
    import itertools

    from pathlib import Path

    from eval.dataset import load_questions
    from index.backends import backend_for
    from index.embedding import HashingEncoder
    from index.pipeline import build_index

    configs = {"local": BackendConfig(),
               "qdrant": BackendConfig(backend="qdrant", path=str(tmp_path / "qdrant"), collection="pages")}
    archives = {}
    for name, config in configs.items():
        build_index([bundled_corpus], index_dir=tmp_path / name, encoder=HashingEncoder(), progress=False, config=config)
        archives[name] = backend_for(tmp_path / name).open(encoder=HashingEncoder())
    questions = [q.question for q in itertools.islice(load_questions(Path(__file__).parent.parent / "eval" / "data" / "pages-dev.jsonl"), 40)]
    try:
        for question, mode in itertools.product(questions, ("hybrid", "dense", "bm25")):
            local, qdrant = (archives[n].retriever.search(question, k=8, mode=mode) for n in ("local", "qdrant"))
            assert [h.chunk for h in qdrant] == [h.chunk for h in local], (question, mode)
            assert [h.scores for h in qdrant] == [h.scores for h in local], (question, mode)
            for a, b in zip(local, qdrant):
                assert b.score == pytest.approx(a.score, rel=1e-5) and b.dense_score == pytest.approx(a.dense_score, abs=1e-6)
    finally:
        archives["qdrant"].retriever.backend.close()
