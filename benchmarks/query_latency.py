"""Query latency, stage by stage, in a warm process, at 1k to 1M chunks.

    python benchmarks/query_latency.py [--sizes 1000 10000 100000 1000000] [--large-index product|ivf]

For each collection size (see collection.py: bundled pages + real news text, real and fitted
vectors) the development questions (eval/data/pages-dev.jsonl) are asked one at a time, after a warm-up,
and each stage is timed on its own with the functions the retriever calls:
encode (the query through the default encoder), dense (FAISS, k=50 candidates), bm25 (jieba
tokens + BM25 over the segment's postings + top 50), fusion (reciprocal-rank fusion of the two lists), then the whole
`HybridRetriever.search`, and `qa.answer` (answer composition = its time after retrieval).
p50 and p95 are reported per stage.

Dense index: by default (`--large-index product`) index/dense.py's own choice, as the product
builds it: exact flat search below its threshold, IVF (about sqrt(n) lists, a quarter probed)
above. `--large-index ivf` uses flat below `IVF_FROM` chunks and IVF with the nprobe
faiss_scaling.py tuned from there.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np

from common import percentiles, save_results, show

IVF_FROM = 200_000
STAGES = ("encode", "dense", "bm25", "fusion", "search_total", "compose", "answer_total")


def ivf_index(vectors: np.ndarray, *, nprobe: int):
    import faiss

    lists = 2 ** max(4, round(math.log2(math.sqrt(len(vectors)))))
    index = faiss.index_factory(vectors.shape[1], f"IVF{lists},Flat", faiss.METRIC_INNER_PRODUCT)
    sample = vectors[np.random.default_rng(0).choice(len(vectors), size=min(len(vectors), 64 * lists), replace=False)]
    index.train(sample)
    index.add(vectors)
    index.nprobe = nprobe
    return index


def tuned_nprobe(size: int, default: int = 64) -> int:
    """The nprobe faiss_scaling.py found for IVF at the nearest measured size, if it ran."""
    import json

    from common import RESULTS

    path = RESULTS / "faiss_scaling_fitted.json"
    if not path.exists():
        return default
    rows = [r for r in json.loads(path.read_text())["rows"] if r["index"] == "ivf"]
    if not rows:
        return default
    return min(rows, key=lambda r: abs(math.log(r["chunks"] / size)))["breadth"]


def time_question(question: str, retriever, encoder) -> dict[str, float]:
    from index.backends.local.keyword import bm25_scores
    from index.backends.local.retrieval import dense_search
    from index.normalize import to_simplified
    from index.retrieval import _top, archive_of, reciprocal_rank_fusion
    from qa import answer

    store, depth = retriever.store, retriever.candidates
    marks = [time.perf_counter()]
    vector = encoder.encode_queries([to_simplified(question)])[0]
    marks.append(time.perf_counter())
    ids = [row for _, row in dense_search(store, vector, k=depth)]
    marks.append(time.perf_counter())
    lexical = _top(bm25_scores(store.keyword_parts(), store.tokenizer.tokenize(to_simplified(question)),
                               num_docs=len(store.chunks), total_length=store.keyword_length),
                   depth=depth, allowed=None)
    marks.append(time.perf_counter())
    fused = reciprocal_rank_fusion({"dense": ids, "bm25": lexical})
    sorted(fused, key=lambda row: (-fused[row], row))[:10]
    marks.append(time.perf_counter())
    retriever.search(question, k=8)
    marks.append(time.perf_counter())
    result = answer(question, archive=archive_of(retriever), k=8)
    marks.append(time.perf_counter())
    seconds = dict(zip(("encode", "dense", "bm25", "fusion", "search_total", "answer_total"), np.diff(marks)))
    seconds["compose"] = result.timings["compose_ms"] / 1000
    return seconds


def measure_size(pool, size: int, *, encoder, questions: list[str], large_index: str, nprobe: int) -> dict:
    from index.retrieval import HybridRetriever

    from collection import in_memory_store

    start = time.perf_counter()
    chunks, articles, tokens, vectors = pool.build(size)
    assemble_s = time.perf_counter() - start
    from index.dense import build_dense_index, index_kind

    start = time.perf_counter()
    if large_index == "product":
        dense = build_dense_index(vectors)
        kind = index_kind(dense)
    elif size >= IVF_FROM:
        dense, kind = ivf_index(vectors, nprobe=nprobe), f"ivf(nprobe={nprobe})"
    else:
        dense, kind = build_dense_index(vectors, approximate_threshold=size + 1), "flat"
    dense_s = time.perf_counter() - start
    store, build_s = in_memory_store(chunks, articles, tokens, vectors, model=encoder.name, dense_index=dense)
    build_s["dense_build_s"] = round(dense_s, 2)
    retriever = HybridRetriever(store, encoder=encoder)
    for question in questions[:3]:  # warm-up: first calls load jieba's dictionary, allocate buffers
        time_question(question, retriever, encoder)
    samples = [time_question(q, retriever, encoder) for q in questions]
    row = {"chunks": size, "dense_index": kind, "assemble_s": round(assemble_s, 1), **build_s}
    for stage in STAGES:
        row[stage] = percentiles([s[stage] for s in samples])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--large-index", choices=("product", "ivf"), default="product")
    parser.add_argument("--nprobe", type=int, default=0, help="IVF nprobe (0: as tuned by faiss_scaling.py)")
    parser.add_argument("--questions", type=int, default=0, help="use only the first N dev questions (0: all)")
    args = parser.parse_args()
    from eval.dataset import load_questions
    from index.embedding import load_encoder

    from collection import Collection

    encoder = load_encoder()
    pool = Collection(encoder, news_limit=max(args.sizes))
    questions = [q.question for q in load_questions(None)][: args.questions or None]
    print(f"Query latency, warm process, {len(questions)} dev questions, encoder {type(encoder).__name__}; "
          f"{len(pool):,} distinct real chunks, {len(pool.real_vectors):,} real vectors")
    rows = []
    for size in args.sizes:
        row = measure_size(pool, size, encoder=encoder, questions=questions, large_index=args.large_index,
                           nprobe=args.nprobe or tuned_nprobe(size))
        rows.append(row)
        cells = "  ".join(f"{stage} {row[stage]['p50_ms']:.1f}/{row[stage]['p95_ms']:.1f}" for stage in STAGES)
        print(f"  {size:>9,} [{row['dense_index']}] p50/p95 ms: {cells}", flush=True)
    save_results("query_latency", {"questions": len(questions), "encoder": type(encoder).__name__,
                                   "distinct_chunks": len(pool), "real_vectors": len(pool.real_vectors), "rows": rows})
    show("saved", "results/query_latency.json")


if __name__ == "__main__":
    sys.exit(main())
