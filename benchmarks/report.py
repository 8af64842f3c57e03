"""Markdown from results/*.json: RESULTS.md in full, and the summary table in README.md."""

from __future__ import annotations

from common import BENCHMARKS

MARKER_START, MARKER_END = "<!-- results:start -->", "<!-- results:end -->"


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if cell is None else str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(cell: dict | None) -> str:
    return "–" if not cell else f"{cell['p50_ms']:.1f} / {cell['p95_ms']:.1f}"


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "**not met**")


def when(result: dict | None) -> str:
    if not result:
        return "not run"
    m = result.get("machine")
    if not m:
        return f"{result['measured_at']} (file time)"
    return f"{result['measured_at']}, {m['cpus']} CPUs, load {m['load_at_start']}"


def day(result: dict | None) -> str:
    return result["measured_at"][:10] if result else "–"


# --- summary rows ----------------------------------------------------------------------------------


#: the earlier answerer's compose median (qa.timing, before the staged rewrite), and the bound
EARLIER_COMPOSE_MS = 11.0
COMPOSE_BOUND = 1.5


def summary(results: dict) -> str:
    keys = ("ingestion", "encoder_speed", "faiss_scaling", "query_latency", "baseline", "startup",
            "answer_stages", "incremental", "backends")
    makers = (ingestion_row, encoder_row, ann_row, latency_row, baseline_row, startup_row, answer_row,
              incremental_row, backends_row)
    rows = [make(results.get(key)) + [day(results.get(key))] for key, make in zip(keys, makers)]
    return table(["#", "what", "target", "measured", "status", "run"], rows)


def ingestion_row(r):
    if not r:
        return ["1", "ingestion efficiency", "≥ 0.85", "–", verdict(None)]
    text = (f"CPU-time ratio {r['cpu_efficiency']:.2f}; from stage times {r['efficiency_from_stages']:.2f}; "
            f"wall-time ratio {r['efficiency']:.2f} ({r['pipeline_chunks_per_s']:.1f} vs {r['bare_chunks_per_s']:.1f} "
            f"chunks/s; {r['chunks']} chunks, {r['encoder_class']})")
    stages = r.get("stages_s") or {}
    if "annotate_s" in stages:
        text += (f"; annotation {stages['annotate_s']:.1f} s of the {sum(stages.values()):.1f} s the stages "
                 "besides embedding took alone")
    # judged on CPU time: wall time on a shared machine drifts more than the effect measured
    return ["1", "`build_index` chunks/s ÷ bare encode chunks/s (with index-time annotation)",
            f"≥ {r['target']}", text, verdict(r["cpu_efficiency"] >= r["target"])]


def encoder_row(r):
    if not r:
        return ["2", "faster encoder", "≥ 1.8× fp32, ≤ 1 pt Recall@5 drop", "–", verdict(None)]
    base, rows = r["rows"][0], [x for x in r["rows"] if x["variant"] != "fp32"]

    def change(x, level, suffix=""):
        key = f"hybrid_{level}_recall@5{suffix}"
        return 100 * (x[key] - base[key])

    def figures(x):
        text = (f"{x['variant']} ×{x['speedup']:.2f}, hybrid R@5 {change(x, 'article'):+.1f} pt article "
                f"({change(x, 'chunk'):+.1f} pt chunk)")
        if "hybrid_chunk_recall@5_all" in x:
            text += (f", dev+holdout {change(x, 'article', '_all'):+.1f} / {change(x, 'chunk', '_all'):+.1f} pt")
        return text + (" — passes" if x["passes"] else "")

    text = "; ".join(figures(x) for x in rows)
    return ["2", "int8 encoder vs fp32", "≥ 1.8×, ≤ 1 pt Recall@5 drop (article and chunk)", text,
            verdict(any(x["passes"] for x in rows))]


def ann_row(r):
    if not r:
        return ["3a", "approximate index", "recall@10 ≥ 0.95 vs exact", "–", verdict(None)]
    largest = max(x["chunks"] for x in r["rows"])
    rows = [x for x in r["rows"] if x["chunks"] == largest and x["index"] != "flat"]
    text = "; ".join(f"{x['index']} @ {largest:,}: recall {x['recall@10']:.3f}, {x['bytes_per_chunk']:.0f} B/chunk, "
                     f"build {x['build_s']:.0f} s, search p50 {x['p50_ms']:.2f} ms" for x in rows)
    ok = any(x["recall@10"] >= 0.95 for x in rows) if rows else None
    return ["3a", f"approximate dense index ({r['data']} vectors)", "recall@10 ≥ 0.95 vs exact", text, verdict(ok)]


def latency_row(r):
    if not r:
        return ["3b", "query latency", "report p50/p95", "–", verdict(None)]
    text = "; ".join(f"{x['chunks']:,}: search {ms(x['search_total'])}, answer {ms(x['answer_total'])}"
                     for x in r["rows"])
    return ["3b", "warm query latency, ms p50 / p95", "report", text, "measured"]


def baseline_row(r):
    if not r:
        return ["4", "vs tutorial baseline", "report ratios", "–", verdict(None)]
    text = "; ".join(f"{x['chunks']:,}: latency ×{x['latency_ratio_p50']:.2f} (p50), Recall@5 "
                     f"{x['ours_recall@5']['chunk']:.2f} vs {x['baseline_recall@5']['chunk']:.2f}" for x in r["rows"])
    return ["4", "ours ÷ rank_bm25+jieba+flat FAISS", "report ratios", text, "measured"]


def startup_row(r):
    if not r:
        return ["5", "start-up", "report", "–", verdict(None)]
    text = (f"{r['serve_to_first_answer_s']['best']:.1f} s to first answer; dominated by "
            f"{r['dominant_step']} ({r['breakdown_share'][r['dominant_step']]:.0%})")
    if r.get("torch_imported") is False:
        text += "; torch is not imported"
    return ["5", "`newsqa serve` → first answer", "report", text, "measured"]


def answer_row(r):
    what, target = "warm answer time after retrieval (score, decide, compose)", \
        f"≤ {COMPOSE_BOUND}× the earlier {EARLIER_COMPOSE_MS:.0f} ms"
    if not r:
        return ["6", what, target, "–", verdict(None)]
    st = r["stages_ms"]
    after = st["after_retrieval"]
    text = (f"median {after['wall_median']:.1f} ms wall, {after['cpu_median']:.1f} ms CPU "
            f"({r['questions']} dev questions); analyze {st['analyze']['wall_median']:.1f}, retrieve "
            f"{st['retrieve']['wall_median']:.1f}, score {st['score']['wall_median']:.1f}, decide "
            f"{st['decide']['wall_median']:.1f}, compose {st['compose']['wall_median']:.1f} ms wall")
    bound = COMPOSE_BOUND * EARLIER_COMPOSE_MS
    return ["6", what, target, text, verdict(min(after["wall_median"], after["cpu_median"]) <= bound)]


def incremental_row(r):
    what = "adding the bundled pages (~110 chunks) to an index of M chunks, s beyond embedding (median)"
    if not r:
        return ["7", what, "flat in M", "–", verdict(None)]
    text = "; ".join(f"{x['index_chunks']:,}: {x['add_s_beyond_embedding_median']:.2f} s, of it the index's own "
                     f"{x['index_s_median']:.2f} s" + (f" ({x['index_cpu_s_median']:.2f} s CPU)"
                                                       if "index_cpu_s_median" in x else "") for x in r["rows"])
    return ["7", what, "flat in M", text, "measured"]


def backends_row(r):
    what = "local vs Qdrant (client's local mode)"
    if not r:
        return ["8", what, "report", "–", verdict(None)]
    text = "; ".join(f"{x['backend']} @ {x['chunks']:,}: ingest ratio {x.get('ingest_ratio_cpu', x['ingest_ratio']):.2f}"
                     f"{' (CPU)' if 'ingest_ratio_cpu' in x else ''}, search p50 "
                     f"{x['search_ms_p50']:.1f} ms, answer p50 {x['answer_ms_p50']:.1f} ms, add "
                     f"{x['add_s_beyond_embedding']:.2f} s, {x['bytes_per_chunk']:,} B/chunk" for x in r["rows"])
    return ["8", what, "report", text, "measured"]


# --- full sections ---------------------------------------------------------------------------------


def sections(results: dict) -> list[str]:
    out = []
    if r := results.get("ingestion"):
        out.append(f"## 1. Ingestion efficiency\n\n_{when(r)}_\n\n" + table(
            ["figure", "value"], [[k, v] for k, v in r.items() if k not in ("benchmark", "measured_at", "machine")]))
    if r := results.get("encoder_speed"):
        both = "questions_all" in r
        sets = f"{r['questions']} dev questions" + (f", {r['questions_all']} dev+holdout" if both else "")
        out.append(f"## 2. Encoder variants\n\n_{when(r)}; {r['chunks']} chunks, {sets}_\n\n" + table(
            ["variant", "chunks/s", "speed-up", "cosine to fp32", "hybrid R@5 chunk / article (dev)",
             *(["hybrid R@5 chunk / article (dev+holdout)"] if both else []), "dense R@5 chunk / article (dev)",
             "query encode ms p50/p95", "passes"],
            [[x["variant"], x["chunks_per_s"], f"×{x['speedup']:.2f}", x["cosine_to_fp32"],
              f"{x['hybrid_chunk_recall@5']:.3f} / {x['hybrid_article_recall@5']:.3f}",
              *([f"{x['hybrid_chunk_recall@5_all']:.3f} / {x['hybrid_article_recall@5_all']:.3f}"] if both else []),
              f"{x['dense_chunk_recall@5']:.3f} / {x['dense_article_recall@5']:.3f}", ms(x["query_encode"]),
              "" if x["variant"] == "fp32" else x["passes"]] for x in r["rows"]]))
    for key in ("faiss_scaling", "faiss_scaling_random"):
        if r := results.get(key):
            out.append(f"## 3a. Dense index scaling ({r['data']} vectors)\n\n_{when(r)}; {r['queries']} queries, "
                       f"k={r['k']}, search with {r.get('search_threads', '?')} thread(s), breadth = smallest "
                       f"efSearch / nprobe reaching recall@10 {r['recall_goal']}_\n\n" + table(
                ["chunks", "index", "build s", "bytes/chunk", "breadth", "recall@10", "search ms p50 / p95"],
                [[f"{x['chunks']:,}", x["index"], x["build_s"], x["bytes_per_chunk"], x["breadth"], x["recall@10"],
                  ms(x)] for x in r["rows"]]))
            checks = results.get("faiss_checks") or {}
            if check := r.get("difficulty_check") or checks.get("difficulty_check"):
                out[-1] += ("\n\nHow hard each kind of vector is for IVF (32 lists over the real vectors' count, "
                            "recall@10 at nprobe 1 / 2 / 4 / 8): " + "; ".join(
                                f"{name} {' / '.join(map(str, values))}" for name, values in check.items())
                            + ". Fitted vectors are harder than real ones, so their recall is a lower bound.")
            if threads := r.get("threads_check") or checks.get("threads_check"):
                size = (checks.get("rows") or r["rows"])[0]["chunks"]
                out[-1] += (f"\n\nFlat single-query search at {size:,} chunks, ms p50 / p95, by FAISS "
                            "threads: " + "; ".join(f"{name}: {ms(cell)}" for name, cell in threads.items()) + ".")
    if r := results.get("query_latency"):
        stages = ("encode", "dense", "bm25", "fusion", "search_total", "compose", "answer_total")
        out.append(f"## 3b. Query latency, warm process (ms p50 / p95)\n\n_{when(r)}; {r['questions']} questions; "
                   f"{r['distinct_chunks']:,} distinct real chunks, {r['real_vectors']:,} real vectors_\n\n" + table(
            ["chunks", "dense index", *stages, "dense build s", "bm25 build s"],
            [[f"{x['chunks']:,}", x["dense_index"], *(ms(x[s]) for s in stages), x["dense_build_s"], x["bm25_build_s"]]
             for x in r["rows"]]))
    if r := results.get("baseline"):
        out.append(f"## 4. Ours vs tutorial baseline\n\n_{when(r)}; {r['questions']} questions_\n\n" + table(
            ["chunks", "search ms ours", "search ms baseline", "latency ratio p50 / p95", "Recall@5 chunk ours / base",
             "Recall@5 article ours / base", "build s ours / base"],
            [[f"{x['chunks']:,}", ms(x["ours_search"]), ms(x["baseline_search"]),
              f"{x['latency_ratio_p50']:.2f} / {x['latency_ratio_p95']:.2f}",
              f"{x['ours_recall@5']['chunk']:.3f} / {x['baseline_recall@5']['chunk']:.3f}",
              f"{x['ours_recall@5']['article']:.3f} / {x['baseline_recall@5']['article']:.3f}",
              f"{x['ours_build_s']} / {x['baseline_build_s']}"] for x in r["rows"]]))
    if r := results.get("startup"):
        out.append(f"## 5. Start-up\n\n_{when(r)}_\n\nserve → listening {r['serve_to_listening_s']['best']} s; serve → "
                   f"first answer best {r['serve_to_first_answer_s']['best']} s, median "
                   f"{r['serve_to_first_answer_s']['median']} s."
                   + ("" if "torch_imported" not in r else
                      f" torch imported while serving: {'yes' if r['torch_imported'] else 'no'}.")
                   + "\n\n" + table(
            ["step (fresh process)", "seconds", "share"],
            [[k, v, f"{r['breakdown_share'][k]:.0%}" if k in r["breakdown_share"] else "–"]
             for k, v in r["breakdown_s"].items()]))
    if r := results.get("answer_stages"):
        out.append(f"## 6. Warm answer time per stage\n\n_{when(r)}; {r['questions']} dev questions, "
                   f"{r['repeat']} runs each, median of medians; token_encoding is inside score (cached "
                   "sentence encodings make it zero on repeats)_\n\n" + table(
            ["stage", "wall ms", "CPU ms"],
            [[k, v["wall_median"], v["cpu_median"]] for k, v in r["stages_ms"].items()]))
    if r := results.get("incremental"):
        keys = [k for k in r["rows"][0] if k != "index_chunks"] if r["rows"] else []
        out.append(f"## 7. Adding pages to a large index\n\n_{when(r)}_\n\n" + table(
            ["index chunks", *keys], [[f"{x['index_chunks']:,}", *(x.get(k) for k in keys)] for x in r["rows"]]))
        if before := results.get("incremental_format4"):
            out[-1] += ("\n\nThe same benchmark on index format 4 (every file's record in the generation's "
                        f"manifest), measured {when(before)}:\n\n" + table(
                ["index chunks", *keys], [[f"{x['index_chunks']:,}", *(x.get(k) for k in keys)] for x in before["rows"]]))
    if r := results.get("backends"):
        keys = [k for k in r["rows"][0] if k not in ("backend",)] if r["rows"] else []
        out.append(f"## 8. Backends side by side\n\n_{when(r)}_\n\n" + table(
            ["backend", *keys], [[x["backend"], *(x.get(k) for k in keys)] for x in r["rows"]]))
    return out


def write_reports(results: dict, *, mode: str) -> None:
    body = summary(results)
    results_md = ["# Benchmark results", "",
                  f"Generated by `python benchmarks/run_all.py{' --quick' if mode == 'quick' else ''}` from "
                  "results/*.json; every figure below was measured, none extrapolated.", "", body, "", *sections(results)]
    (BENCHMARKS / "RESULTS.md").write_text("\n\n".join(results_md).replace("\n\n\n", "\n\n") + "\n", encoding="utf-8")
    readme = BENCHMARKS / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else f"{MARKER_START}\n{MARKER_END}\n"
    head, _, rest = text.partition(MARKER_START)
    _, _, tail = rest.partition(MARKER_END)
    readme.write_text(f"{head}{MARKER_START}\n{body}\n{MARKER_END}{tail}", encoding="utf-8")
