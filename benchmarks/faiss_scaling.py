"""Dense index choice at 10k–1M chunks: exact flat search against HNSW and IVF.

    python benchmarks/faiss_scaling.py [--sizes 10000 100000 1000000] [--data fitted|random]
                                       [--hnsw-max 100000] [--queries 200]

For each collection size and index type it measures build time, bytes per chunk (the serialized
index, which is what sits in memory), single-query search latency (k=50, the retriever's
candidate depth) as p50/p95, and recall@10 against exact search. Approximate indexes are tuned
here: the smallest search breadth (HNSW efSearch, IVF nprobe) whose recall@10 reaches 0.97 is the
one reported, leaving margin above the 0.95 bar.

Vectors: `fitted` (default) draws them from a Gaussian with the mean and covariance of real
multilingual-e5-small passage vectors of real news, queried with real question-style vectors
(news headlines encoded as queries); `random` uses isotropic random vectors, the hardest case.
Embedding a million real chunks would take most of a day on a small CPU, hence the synthesis.
HNSW builds above `--hnsw-max` are skipped (they take tens of minutes on two cores), never
extrapolated.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import faiss
import numpy as np

from common import (
    cached_vectors,
    fitted_unit_vectors,
    news_articles,
    news_chunks,
    passage_texts,
    percentiles,
    random_unit_vectors,
    save_results,
    show,
)

RECALL_GOAL = 0.97
SEARCH_K = 50  # HybridRetriever's default candidate depth before fusion
HNSW_EF = (16, 32, 64, 128, 256, 512)
IVF_NPROBE = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


def real_reference(sample_chunks: int, sample_queries: int) -> tuple[np.ndarray, np.ndarray]:
    """Real model vectors: passages (chunks of inews articles) and queries (their headlines)."""
    from index.embedding import load_encoder

    chunks = news_chunks(sample_chunks)
    titles = [title for title, _ in news_articles()[-sample_queries:]]  # articles not chunked above
    passages = cached_vectors(passage_texts(chunks), kind="passage", encoder_factory=load_encoder)
    queries = cached_vectors(titles, kind="query", encoder_factory=load_encoder)
    return passages, queries


def collection(size: int, *, data: str, reference: tuple | None, queries: int, seed: int = 7):
    if data == "random":
        return random_unit_vectors(size, seed=seed), random_unit_vectors(queries, seed=seed + 1)
    passages, real_queries = reference
    return fitted_unit_vectors(size, like=passages, seed=seed), real_queries[:queries]


def build(kind: str, vectors: np.ndarray) -> faiss.Index:
    dimension = vectors.shape[1]
    if kind == "flat":
        index = faiss.IndexFlatIP(dimension)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 200  # as index/dense.py builds it
    elif kind in ("ivf", "ivf-sq8"):
        index = faiss.index_factory(dimension, f"IVF{ivf_lists(len(vectors))},{'SQ8' if kind == 'ivf-sq8' else 'Flat'}",
                                    faiss.METRIC_INNER_PRODUCT)
        index.train(training_sample(vectors, index.nlist))
    else:
        raise ValueError(kind)
    index.add(vectors)
    return index


def ivf_lists(size: int) -> int:
    """About sqrt(n) lists, a power of two: ~1,000 vectors a list at a million chunks keeps
    k-means training under a minute on two cores."""
    return 2 ** max(4, round(math.log2(math.sqrt(size))))


def training_sample(vectors: np.ndarray, lists: int) -> np.ndarray:
    count = min(len(vectors), 64 * lists)
    rows = np.random.default_rng(0).choice(len(vectors), size=count, replace=False)
    return vectors[np.sort(rows)]


def set_breadth(index: faiss.Index, kind: str, breadth: int) -> None:
    if kind == "hnsw":
        index.hnsw.efSearch = max(breadth, SEARCH_K)
    elif kind.startswith("ivf"):
        index.nprobe = breadth


def recall_at_10(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(f[:10]) & set(e[:10])) / 10 for f, e in zip(found, exact)]))


def tune(index: faiss.Index, kind: str, queries: np.ndarray, exact: np.ndarray) -> tuple[int | None, float, list]:
    """Smallest breadth reaching RECALL_GOAL (or the widest tried), its recall, and the sweep."""
    sweep = []
    for breadth in HNSW_EF if kind == "hnsw" else IVF_NPROBE:
        if kind.startswith("ivf") and breadth > index.nlist:
            break
        set_breadth(index, kind, breadth)
        recall = recall_at_10(index.search(queries, SEARCH_K)[1], exact)
        sweep.append({"breadth": breadth, "recall@10": round(recall, 4)})
        if recall >= RECALL_GOAL:
            return breadth, recall, sweep
    return sweep[-1]["breadth"], sweep[-1]["recall@10"], sweep


def latency(index: faiss.Index, queries: np.ndarray, *, threads: int) -> dict:
    """One query at a time, as a server answers them. With `threads` 1 (default) a busy machine
    cannot stall the search in OpenMP barriers: measured here under load, two threads made a
    single-query flat search 10-50x slower than one."""
    default = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(threads)
    try:
        index.search(queries[:5], SEARCH_K)  # warm caches
        durations = []
        for query in queries:
            start = time.perf_counter()
            index.search(query.reshape(1, -1), SEARCH_K)
            durations.append(time.perf_counter() - start)
    finally:
        faiss.omp_set_num_threads(default)
    return percentiles(durations)


def measure(kind: str, vectors: np.ndarray, queries: np.ndarray, exact: np.ndarray | None, *, threads: int) -> dict:
    start = time.perf_counter()
    index = build(kind, vectors)
    build_s = time.perf_counter() - start
    row = {"index": kind, "build_s": round(build_s, 2),
           "bytes_per_chunk": round(len(faiss.serialize_index(index)) / len(vectors), 1)}
    if kind == "flat":
        row.update({"breadth": None, "recall@10": 1.0})
    else:
        breadth, recall, sweep = tune(index, kind, queries, exact)
        set_breadth(index, kind, breadth)
        row.update({"breadth": breadth, "recall@10": round(recall, 4), "sweep": sweep})
    row.update(latency(index, queries, threads=threads))
    return row


def threads_comparison(vectors: np.ndarray, queries: np.ndarray) -> dict[str, dict]:
    """Single-query flat search with one thread and with FAISS's default (all cores): on a busy
    machine, OpenMP threads waiting for each other cost far more than the search itself."""
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    default = faiss.omp_get_max_threads()
    return {f"{threads} thread(s)": latency(index, queries, threads=threads) for threads in sorted({1, default})}


def difficulty_check(reference: tuple, *, lists: int = 32) -> dict[str, list[float]]:
    """IVF recall@10 at nprobe 1, 2, 4, 8 on the real vectors themselves, on as many fitted ones
    and on as many isotropic ones: how much harder than real data each synthetic kind is."""
    passages, queries = reference
    kinds = {"real": (passages, queries),
             "fitted": (fitted_unit_vectors(len(passages), like=passages, seed=3), queries),
             "random": (random_unit_vectors(len(passages), seed=3), random_unit_vectors(len(queries), seed=4))}
    out = {}
    for name, (vectors, asked) in kinds.items():
        exact = faiss.IndexFlatIP(vectors.shape[1])
        exact.add(vectors)
        truth = exact.search(asked, 10)[1]
        index = faiss.index_factory(vectors.shape[1], f"IVF{lists},Flat", faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.add(vectors)
        out[name] = []
        for nprobe in (1, 2, 4, 8):
            index.nprobe = nprobe
            out[name].append(round(recall_at_10(index.search(asked, 10)[1], truth), 3))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--data", choices=("fitted", "random"), default="fitted")
    parser.add_argument("--kinds", nargs="+", default=["flat", "hnsw", "ivf", "ivf-sq8"])
    parser.add_argument("--hnsw-max", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--results-name", help="results file name (default faiss_scaling_<data>)")
    parser.add_argument("--search-threads", type=int, default=1, help="FAISS threads while timing single queries")
    parser.add_argument("--reference-chunks", type=int, default=1500,
                        help="real passages whose statistics the fitted vectors copy")
    args = parser.parse_args()

    reference = real_reference(args.reference_chunks, args.queries) if args.data == "fitted" else None
    print(f"FAISS scaling ({args.data} vectors, {faiss.omp_get_max_threads()} build threads, "
          f"{args.search_threads} search thread(s), k={SEARCH_K}, "
          f"approximate indexes tuned to recall@10 >= {RECALL_GOAL})")
    check = difficulty_check(reference) if reference is not None else None
    if check:
        print(f"  difficulty check, {args.reference_chunks} vectors, IVF32 recall@10 at nprobe 1/2/4/8: "
              + "; ".join(f"{name} {values}" for name, values in check.items()))
    rows, threads_check = [], None
    for size in args.sizes:
        vectors, queries = collection(size, data=args.data, reference=reference, queries=args.queries)
        exact = faiss.IndexFlatIP(vectors.shape[1])
        exact.add(vectors)
        truth = exact.search(queries, 10)[1]
        del exact
        if size == args.sizes[0]:
            threads_check = threads_comparison(vectors, queries)
            print(f"  {size:>9,} flat single-query search p50/p95 ms by FAISS threads: {threads_check}")
        for kind in args.kinds:
            if kind == "hnsw" and size > args.hnsw_max:
                print(f"  {size:>9,} hnsw      skipped (above --hnsw-max {args.hnsw_max:,}; not extrapolated)")
                continue
            row = {"chunks": size, **measure(kind, vectors, queries, truth, threads=args.search_threads)}
            rows.append(row)
            print(f"  {size:>9,} {kind:<9} build {row['build_s']:>7.1f} s  {row['bytes_per_chunk']:>7.0f} B/chunk  "
                  f"recall@10 {row['recall@10']:.3f} (breadth {row['breadth']})  "
                  f"search p50 {row['p50_ms']:.2f} ms  p95 {row['p95_ms']:.2f} ms", flush=True)
        del vectors
    name = args.results_name or f"faiss_scaling_{args.data}"
    save_results(name, {"data": args.data, "k": SEARCH_K, "recall_goal": RECALL_GOAL,
                                                "queries": args.queries,
                                                "difficulty_check": check,
                                                "threads_check": threads_check, "search_threads": args.search_threads, "rows": rows})
    show("saved", f"results/{name}.json")


if __name__ == "__main__":
    sys.exit(main())
