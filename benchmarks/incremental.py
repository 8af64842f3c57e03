"""The cost of adding pages to a large embedded index, for several index sizes.

For each size M it writes an index of M synthetic chunks straight through the store (one
segment, as one big build would leave it: 384-d unit vectors, FAISS flat below 200k chunks and
IVF above, ~40 Zipf-distributed keyword terms a chunk, 20 chunks a file, recorded under another
indexer so the timed builds never drop them), then times `build_index` adding the bundled pages
(5 files, ~100 chunks) under new names, `--adds` times in a row, with the hashing encoder at
384 dimensions (its time is measured and subtracted: "beyond embedding"). A real build embeds
with the model, which costs the same at every M. `index_s` is the backend's part (reading the
live generation, finding known vectors, writing the new segment and generation); the rest of
"beyond embedding" is reading, parsing and cutting the new pages themselves. The setup's own keyword build of M chunks (a
full rebuild of the keyword index, for comparison with the figures of issue 13) is printed too.

    python benchmarks/incremental.py [--sizes 10000 100000 1000000] [--adds 3] [--json out.json]

Only seconds and ratios are printed; nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DIMENSION = 384
CHUNKS_PER_FILE = 20
TERMS = 200_000
TERMS_PER_CHUNK = 40


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


def synthetic_index(index_dir: Path, size: int, *, encoder, seed: int = 5) -> dict:
    """Write an index of `size` synthetic chunks; returns the seconds its parts took."""
    from index.backends.local.keyword import build_postings
    from index.embedding import model_revision
    from index.pipeline import processing_versions
    from index.records import Article, ArticleDate, Chunk, Precision
    from index.store import build_lock, write_generation

    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    date = ArticleDate(dt.date(2001, 1, 1), Precision.DAY, "dateline")
    files, articles, chunks = {}, [], []
    for f in range(-(-size // CHUNKS_PER_FILE)):
        source = f"bulk-{f:07d}.txt"
        rows = range(f * CHUNKS_PER_FILE, min(size, (f + 1) * CHUNKS_PER_FILE))
        text = "合成段落。" * 8
        article = Article(id=f"bulk-{f:07d}#001", source=source, title=f"合成{f}", kicker=None, byline=None,
                          date=date, text=text, page_start=0, page_end=len(text))
        articles.append(article)
        chunks += [Chunk(id=f"{article.id}:{r:07d}", article_id=article.id, title=article.title, source=source,
                         date=date, start=0, end=len(text), text=text) for r in rows]
        files[source] = {"path": f"/synthetic/{source}", "sha256": f"{f:064x}", "encoding": "utf-8",
                         "text_source": "text", "sidecar": None, "indexer": "bulk", "articles": 1,
                         "chunks": len(rows)}
    vocabulary = np.array([f"词{n}" for n in range(TERMS)], dtype=object)
    ids = (rng.zipf(1.2, size=size * TERMS_PER_CHUNK) - 1) % TERMS
    tokens = vocabulary[ids].reshape(size, TERMS_PER_CHUNK).tolist()
    vectors = rng.standard_normal((size, DIMENSION), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    made = time.perf_counter()
    keyword_started = time.perf_counter()
    build_postings(tokens)
    keyword_s = time.perf_counter() - keyword_started
    manifest = {"created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "model": encoder.name,
                "model_revision": model_revision(encoder.name), "dimension": DIMENSION, **processing_versions(),
                "passage": "title+text", "vocabulary": {"sources": []}, "files": files,
                "counts": {"files": len(files), "articles": len(articles), "chunks": len(chunks)}}
    written_started = time.perf_counter()
    with build_lock(index_dir):
        write_generation(index_dir, manifest=manifest, articles=articles, chunks=chunks, tokens=tokens,
                         vectors=vectors)
    return {"synthesis_s": round(made - started, 1), "keyword_rebuild_s": round(keyword_s, 1),
            "write_s": round(time.perf_counter() - written_started, 1)}


def write_copy(folder: Path, n: int) -> None:
    """The bundled pages under new names, each long line marked, so no passage repeats."""
    from index.paths import BUNDLED_CORPUS
    from index.reader import iter_corpus_files

    folder.mkdir(parents=True, exist_ok=True)
    for page in iter_corpus_files([BUNDLED_CORPUS]):
        lines = page.read_text(encoding="utf-8").split("\n")
        marked = "\n".join(f"{line}（第{n}次增补）" if len(line) > 30 else line for line in lines)
        (folder / f"add{n:03d}_{page.name}").write_text(marked, encoding="utf-8")


class IndexClock:
    """Seconds spent in the local backend's own steps (reading the live generation, finding
    known vectors, writing the next): the part of a build that could grow with the index."""

    STEPS = ("indexed", "known_vectors", "apply")

    def __init__(self):
        from index.backends.local import LocalBackend

        self.seconds, self.cpu_seconds, self.originals = 0.0, 0.0, {}
        for step in self.STEPS:
            original = self.originals[step] = getattr(LocalBackend, step)
            setattr(LocalBackend, step, self._timed(original))

    def _timed(self, original):
        def timed(*args, **kwargs):
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.cpu_seconds += time.process_time() - cpu
        return timed

    def close(self):
        from index.backends.local import LocalBackend

        for step, original in self.originals.items():
            setattr(LocalBackend, step, original)


def measure(size: int, *, adds: int, scratch: Path) -> dict:
    """The median and worst of `adds` builds. Beyond embedding is everything else a build does:
    reading, parsing, cutting and annotating the new pages (constant in M, and most of it), and
    the index's own steps (`index_s`)."""
    from index.embedding import HashingEncoder
    from index.pipeline import build_index
    from index.retrieval import HybridRetriever
    from index.store import IndexStore

    encoder = HashingEncoder(DIMENSION)
    index_dir = scratch / f"index-{size}"
    setup = synthetic_index(index_dir, size, encoder=encoder)
    pages = scratch / f"pages-{size}"
    runs = []
    for n in range(adds):
        write_copy(pages, n)
        timed, clock = TimedEncoder(encoder), IndexClock()
        started = time.perf_counter()
        try:
            report = build_index([pages], index_dir=index_dir, encoder=timed, progress=False, indexer="default")
        finally:
            clock.close()
        total = time.perf_counter() - started
        assert not report.errors and len(report.added) == 5, report
        runs.append({"chunks": report.chunks, "total_s": total, "embed_s": timed.seconds, "index_s": clock.seconds,
                     "index_cpu_s": clock.cpu_seconds})
    store = IndexStore.load(index_dir)
    added = store.manifest["counts"]["chunks"] - size
    started = time.perf_counter()
    found = HybridRetriever(store, encoder=encoder).search("开发区重点项目", k=8)
    search_ms = (time.perf_counter() - started) * 1000
    beyond = [r["total_s"] - r["embed_s"] for r in runs]
    return {
        "index_chunks": size,
        "added_chunks_per_build": round(added / adds),
        "adds": adds,
        "add_s_beyond_embedding_median": round(statistics.median(beyond), 2),
        "add_s_beyond_embedding_max": round(max(beyond), 2),
        "index_s_median": round(statistics.median(r["index_s"] for r in runs), 2),
        "index_s_max": round(max(r["index_s"] for r in runs), 2),
        # CPU seconds of the same steps (all threads): steadier than wall time on a shared machine
        "index_cpu_s_median": round(statistics.median(r["index_cpu_s"] for r in runs), 2),
        "embedding_s_median": round(statistics.median(r["embed_s"] for r in runs), 2),
        "segments_after": len(store.segments),
        "first_search_ms_after": round(search_ms, 1),
        "found_added_pages": any(h.chunk.source.startswith("add") for h in found),
        **setup,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--adds", type=int, default=3, help="builds adding the pages, one after another")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="newsqa-incremental-"))
    rows = []
    try:
        for size in args.sizes:
            rows.append(measure(size, adds=args.adds, scratch=scratch))
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
            shutil.rmtree(scratch / f"index-{size}", ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    from common import save_results

    save_results("incremental", {"adds": args.adds, "rows": rows})
    print("  saved results/incremental.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
