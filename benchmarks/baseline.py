"""Against the usual baseline: our hybrid retriever next to a tutorial-style one, as ratios.

    python benchmarks/baseline.py [--sizes 1000 10000 100000]

The baseline is what tutorials build: `rank_bm25.BM25Okapi` over `jieba.lcut` tokens of the
passages, an exact `faiss.IndexFlatIP` over the same vectors, and the two top-50 lists merged by
reciprocal-rank fusion (as LangChain's EnsembleRetriever does). Both use the same encoder, the
same passages (headline + chunk text) and the same collections (collection.py: the bundled pages
plus real news as distractors), so the differences are tokenization, BM25 implementation, index
type and filtering. For each size it reports, over the development questions, search latency
p50/p95 of each and Recall@5 (chunk and article level, eval/metrics.py definitions) of each,
and ours/baseline ratios. rank_bm25 is a benchmark-only dependency (pip install rank-bm25).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from common import percentiles, save_results, show

DEPTH = 50
WARM_UP = ("今年的粮食产量是多少？", "城市公交线路有哪些调整？", "哪家企业获得了表彰？")


class TutorialRetriever:
    """rank_bm25 + jieba.lcut + exact FAISS, fused by RRF; `store` only for the judges' qrels."""

    def __init__(self, store, vectors: np.ndarray, encoder, texts: list[str]):
        import faiss
        import jieba
        from rank_bm25 import BM25Okapi

        self.store, self.encoder, self._cut = store, encoder, jieba.lcut
        start = time.perf_counter()
        self.bm25 = BM25Okapi([jieba.lcut(t) for t in texts])
        self.dense = faiss.IndexFlatIP(vectors.shape[1])
        self.dense.add(vectors)
        self.build_s = time.perf_counter() - start

    def search(self, query: str, *, k: int = 10, mode: str = "hybrid", **_) -> list:
        from index.records import Hit
        from index.retrieval import reciprocal_rank_fusion

        _, ids = self.dense.search(self.encoder.encode_queries([query]), DEPTH)
        scores = self.bm25.get_scores(self._cut(query))
        lexical = np.argsort(-scores)[:DEPTH]
        fused = reciprocal_rank_fusion({"dense": [int(i) for i in ids[0] if i >= 0],
                                        "bm25": [int(i) for i in lexical]})
        best = sorted(fused, key=lambda row: -fused[row])[:k]
        return [Hit(chunk=self.store.chunks[row], score=fused[row]) for row in best]


def recall_at_5(retriever, questions) -> dict[str, float]:
    from eval.runner import run_mode

    summary = run_mode(questions, retriever, mode="hybrid", answer_fn=None).summary()
    return {"chunk": round(summary["chunk"]["recall@5"], 4), "article": round(summary["article"]["recall@5"], 4)}


def paired_latency(ours, baseline, questions) -> tuple[dict, dict]:
    """Search latency of both, question by question, alternating which goes first, so a change
    in the machine's load falls on both alike."""
    for warm_up in WARM_UP:  # not dev questions: ours keeps recent query vectors
        ours.search(warm_up, k=10)
        baseline.search(warm_up, k=10)
    durations = {"ours": [], "baseline": []}
    for n, q in enumerate(questions):
        order = (("ours", ours), ("baseline", baseline))
        for name, retriever in order if n % 2 == 0 else order[::-1]:
            start = time.perf_counter()
            retriever.search(q.question, k=10)
            durations[name].append(time.perf_counter() - start)
    return percentiles(durations["ours"]), percentiles(durations["baseline"])


def compare(pool, size: int, *, encoder, questions) -> dict:
    from index.pipeline import passage_text
    from index.retrieval import HybridRetriever

    from collection import in_memory_store

    chunks, articles, tokens, vectors = pool.build(size)
    store, build_s = in_memory_store(chunks, articles, tokens, vectors, model=encoder.name)
    ours = HybridRetriever(store, encoder=encoder)
    naive = TutorialRetriever(store, vectors, encoder, [passage_text(c) for c in chunks])
    row = {"chunks": size, "ours_build_s": round(sum(build_s.values()), 2), "baseline_build_s": round(naive.build_s, 2)}
    row["ours_search"], row["baseline_search"] = paired_latency(ours, naive, questions)
    row["ours_recall@5"] = recall_at_5(ours, questions)
    row["baseline_recall@5"] = recall_at_5(naive, questions)
    row["latency_ratio_p50"] = round(row["ours_search"]["p50_ms"] / row["baseline_search"]["p50_ms"], 3)
    row["latency_ratio_p95"] = round(row["ours_search"]["p95_ms"] / row["baseline_search"]["p95_ms"], 3)
    row["recall_ratio_chunk"] = round(row["ours_recall@5"]["chunk"] / max(row["baseline_recall@5"]["chunk"], 1e-9), 3)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    from eval.dataset import load_questions
    from index.embedding import load_encoder

    from collection import Collection

    encoder = load_encoder()
    pool = Collection(encoder, news_limit=max(args.sizes))
    questions = load_questions(None)
    print(f"Ours vs tutorial baseline (rank_bm25 + jieba.lcut + exact FAISS + RRF), {len(questions)} dev questions")
    rows = []
    for size in args.sizes:
        row = compare(pool, size, encoder=encoder, questions=questions)
        rows.append(row)
        print(f"  {size:>9,}  search p50 ours {row['ours_search']['p50_ms']:.1f} ms vs {row['baseline_search']['p50_ms']:.1f} ms"
              f" (x{row['latency_ratio_p50']:.2f}), p95 x{row['latency_ratio_p95']:.2f};"
              f"  Recall@5 chunk {row['ours_recall@5']['chunk']:.3f} vs {row['baseline_recall@5']['chunk']:.3f},"
              f" article {row['ours_recall@5']['article']:.3f} vs {row['baseline_recall@5']['article']:.3f}", flush=True)
    save_results("baseline", {"questions": len(questions), "rows": rows})
    show("saved", "results/baseline.json")


if __name__ == "__main__":
    sys.exit(main())
