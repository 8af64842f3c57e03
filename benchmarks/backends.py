"""Both backends side by side: ingest efficiency, query latency, the cost of adding pages, size.

For each backend (local; Qdrant in the client's local mode, in this process) and each size, it
writes the bundled pages `copies` times under new names (each copy's long lines marked, so no
passage repeats), then measures:

- ingest: `build_index` chunks/s ÷ bare encoder chunks/s over the same passages, by wall and by
  CPU time (target ≥ 0.85 with index-time annotation);
- query: warm `search` (hybrid, k 8) and `answer` latency, p50 / p95 ms, over the dev questions;
- add: one more copy of the pages (~100 chunks) added to the built index: seconds beyond
  embedding them (the encoder's own time is subtracted);
- size: bytes per chunk on disk (the local index folder; Qdrant's local-mode storage).

    python benchmarks/backends.py [--chunks 1000 10000] [--model hashing] [--json out.json]

Local mode is Qdrant's Python reimplementation, which warns above 20,000 points: its figures say
nothing of a Qdrant server's speed, only that the product's requests and results are right.
Ratios and figures are printed; nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_copies(folder: Path, start: int, count: int) -> None:
    from index.paths import BUNDLED_CORPUS

    folder.mkdir(parents=True, exist_ok=True)
    for page in sorted(BUNDLED_CORPUS.glob("*.txt")):
        lines = page.read_text(encoding="utf-8").split("\n")
        for n in range(start, start + count):
            marked = "\n".join(f"{line}（第{n}份）" if len(line) > 30 else line for line in lines)
            (folder / f"c{n:05d}_{page.name}").write_text(marked, encoding="utf-8")


class TimedEncoder:
    """The encoder, with the seconds spent in `encode_passages` added up."""

    def __init__(self, encoder):
        self.inner, self.seconds = encoder, 0.0
        self.name, self.dimension = encoder.name, encoder.dimension

    def encode_passages(self, texts, *, progress=False):
        started = time.perf_counter()
        try:
            return self.inner.encode_passages(texts, progress=progress)
        finally:
            self.seconds += time.perf_counter() - started

    def __getattr__(self, name):
        return getattr(self.inner, name)


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(backend: str, chunks_wanted: int, *, encoder, questions, scratch: Path) -> dict:
    from index.backends import BackendConfig, backend_for
    from index.pipeline import build_index, passage_text
    from qa import answer

    corpus = scratch / f"pages-{backend}-{chunks_wanted}"  # each backend its own: the add extends it
    copies = max(1, round(chunks_wanted / 106))
    if not corpus.exists():
        write_copies(corpus, 0, copies)
    where = scratch / f"{backend}-{chunks_wanted}"
    config = BackendConfig() if backend == "local" else BackendConfig(backend="qdrant", path=str(where / "qdrant"),
                                                                       collection="bench")
    timed = TimedEncoder(encoder)
    started, cpu = time.perf_counter(), time.process_time()
    report = build_index([corpus], index_dir=where / "index", encoder=timed, progress=False, config=config)
    build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    archive = backend_for(where / "index").open(encoder=encoder)
    texts = sorted({passage_text(c) for c in archive.articles.all_chunks()})
    started, cpu = time.perf_counter(), time.process_time()
    encoder.encode_passages(texts)
    bare_s, bare_cpu = time.perf_counter() - started, time.process_time() - cpu
    search_ms, answer_ms = [], []
    for q in questions:
        archive.retriever.search(q, k=8)  # warm: the question's vector is cached as in a real answer
        t = time.perf_counter()
        archive.retriever.search(q, k=8)
        search_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        answer(q, archive=archive)
        answer_ms.append((time.perf_counter() - t) * 1000)
    if hasattr(archive.retriever, "backend"):
        archive.retriever.backend.close()
    write_copies(corpus, copies, 1)
    timed = TimedEncoder(encoder)
    started = time.perf_counter()
    added = build_index([corpus], index_dir=where / "index", encoder=timed, progress=False, config=config)
    add_s = time.perf_counter() - started
    size = folder_bytes(where)
    return {
        "backend": backend if backend == "local" else "qdrant (local mode)",
        "chunks": report.chunks,
        "ingest_ratio": round((report.chunks / build_s) / (len(texts) / bare_s), 3),
        # CPU seconds: far less disturbed than wall time by other processes on a shared machine
        "ingest_ratio_cpu": round((report.chunks / build_cpu) / (len(texts) / bare_cpu), 3),
        "build_s": round(build_s, 1),
        "bare_encode_s": round(bare_s, 1),
        "search_ms_p50": round(statistics.median(search_ms), 1),
        "search_ms_p95": round(percentile(search_ms, 0.95), 1),
        "answer_ms_p50": round(statistics.median(answer_ms), 1),
        "answer_ms_p95": round(percentile(answer_ms, 0.95), 1),
        "add_chunks": added.chunks - report.chunks,
        "add_s_beyond_embedding": round(add_s - timed.seconds, 2),
        "bytes_per_chunk": round(size / added.chunks),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--model", default=None, help="embedding model (default: the product's default)")
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "data" / "pages-dev.jsonl")
    parser.add_argument("--limit", type=int, default=50, help="questions timed")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    from eval.dataset import load_questions
    from index.embedding import load_encoder

    encoder = load_encoder(args.model)
    questions = [q.question for q in load_questions(args.questions)][: args.limit]
    scratch = Path(tempfile.mkdtemp(prefix="newsqa-backends-"))
    rows = []
    try:
        for size in args.chunks:
            for backend in ("local", "qdrant"):
                row = measure(backend, size, encoder=encoder, questions=questions, scratch=scratch)
                rows.append({"model": encoder.name, **row})
                print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    from common import save_results

    save_results("backends", {"questions": len(questions), "rows": rows})
    print("  saved results/backends.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
