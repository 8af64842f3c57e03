"""The embedded backend: generation folders under the index folder (`store`), FAISS for vectors
(`dense`), BM25 for keywords (`keyword`), searched by `retrieval.HybridRetriever`."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from index.backends import Changes, FileContent, IndexedState
from index.errors import IndexIncompatibleError, IndexMissingError
from index.interfaces import Archive, Encoder


class LocalBackend:
    """The index folder's generations. `indexed()` reads the live one's manifest (not its
    content); `apply` writes the next: a new segment with the files the build writes, the live
    generation's other segments carried over, merged into the new one when due (`plan_merge`)."""

    name = "local"

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._previous = None

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        from index.backends.local.store import build_lock, collect_leftovers

        with build_lock(self.index_dir):
            collect_leftovers(self.index_dir)  # what an earlier failed or killed build left
            yield

    def indexed(self) -> IndexedState:
        self._previous = previous = _load_previous(self.index_dir)
        if previous is None:
            return IndexedState()
        manifest = previous.manifest
        return IndexedState(
            files={source: {k: v for k, v in entry.items() if k != "segment"} | {"source": source}
                   for source, entry in manifest["files"].items()},
            model=manifest["model"],
            model_revision=manifest.get("model_revision"),
            dimension=manifest["dimension"],
            versions={k: v for k, v in manifest.items() if k.endswith("_version") and k != "format_version"},
            exists=True,
            vocabulary=previous.vocabulary,
        )

    def _segment_of(self, source: str):
        previous = self._previous
        if previous.legacy:
            return previous.segments[0]
        name = previous.manifest["files"][source].get("segment")
        return next((s for s in previous.segments if s.name == name), None)

    def stored(self, sources: Iterable[str]) -> dict[str, FileContent]:
        """The indexed content of `sources`, read from only the segments that hold them."""
        previous = self._previous
        wanted = set(sources) & set(previous.manifest["files"]) if previous is not None else set()
        if not wanted:
            return {}
        contents = {s: FileContent({**self._entry(s), "source": s}, [], [], []) for s in wanted}
        by_segment: dict[str, tuple] = {}
        for source in wanted:
            segment = self._segment_of(source)
            if segment is not None and source in segment.sources and source not in segment.removed:
                by_segment.setdefault(segment.name, (segment, []))[1].append(source)
        for segment, held in by_segment.values():
            articles, chunks, tokens = segment.read_articles(), segment.read_chunks(), segment.read_tokens()
            vectors = segment.vectors
            for source in held:
                c0, c1, a0, a1 = segment.sources[source]
                content = contents[source]
                content.articles, content.chunks, content.tokens = articles[a0:a1], chunks[c0:c1], tokens[c0:c1]
                if vectors is not None:
                    content.vectors = np.asarray(vectors[c0:c1], dtype=np.float32)
        if previous.manifest["model"] is not None:
            dimension = previous.manifest["dimension"]
            for content in contents.values():
                if content.vectors is None:
                    content.vectors = np.zeros((0, dimension), np.float32)
        return contents

    def _entry(self, source: str) -> dict:
        return {k: v for k, v in self._previous.manifest["files"][source].items() if k != "segment"}

    def known_vectors(self, keys: set[str], *, model: str, revision: str | None) -> dict[str, np.ndarray]:
        """Vectors stored for these passage texts, found by their sha256 in each segment's keys
        (removed rows too: their vectors are as good); reads no vector it does not return."""
        previous = self._previous
        if (previous is None or not keys or previous.manifest["model"] != model
                or previous.manifest.get("model_revision") != revision):
            return {}
        wanted = {bytes.fromhex(k): k for k in keys}
        probe = np.frombuffer(b"".join(wanted), dtype=np.uint8).reshape(len(wanted), 32)
        probe_prefix = probe[:, :8].copy().view(np.uint64).ravel()
        known: dict[str, np.ndarray] = {}
        for segment in previous.segments:
            if segment.vectors is None or not segment.chunk_count:
                continue
            stored = segment.keys
            prefix = stored[:, :8].copy().view(np.uint64).ravel()
            for row in np.flatnonzero(np.isin(prefix, probe_prefix)):
                key = wanted.get(stored[row].tobytes())
                if key is not None and key not in known:
                    known[key] = np.asarray(segment.vectors[row], dtype=np.float32)
        return known

    def apply(self, changes: Changes, *, approximate_threshold: int | None = None) -> None:
        from index.backends.local.store import write_generation

        previous = self._previous
        written = {c.source for c in changes.write}
        gone = written | set(changes.remove)
        files = dict(previous.manifest["files"]) if previous is not None else {}
        kept_files = {s: e for s, e in files.items() if s not in gone}
        contents = list(changes.write)
        segments: list[dict] = []
        if previous is not None and (previous.legacy or previous.manifest["format_version"] < 5):
            # formats 2 to 4 (file records in the manifest) are written anew, vectors kept
            contents += self.stored(kept_files).values()
            kept_files = {}
        elif previous is not None:
            segments = _carried_over(previous, gone)
            merged = plan_merge(segments, adding=sum(len(c.chunks) for c in changes.write))
            if merged:
                moved = [s for s, e in kept_files.items() if e.get("segment") in merged]
                contents += self.stored(moved).values()
                kept_files = {s: e for s, e in kept_files.items() if s not in moved}
                segments = [s for s in segments if s["name"] not in merged]
        contents.sort(key=lambda c: c.source)
        entries = {**{s: e for s, e in kept_files.items()},
                   **{c.source: {k: v for k, v in c.entry.items() if k not in ("source", "segment")} for c in contents}}
        settings = changes.settings
        vectors = None
        if settings["model"] is not None:
            dimension = settings["dimension"]
            vectors = np.concatenate(
                [c.vectors if c.vectors is not None else np.zeros((0, dimension), np.float32) for c in contents]
                or [np.zeros((0, dimension), np.float32)]
            )
        manifest = {
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            **settings,
            "vocabulary": {"sources": changes.vocabulary_sources},  # its sha256 and size: write_generation
            "files": dict(sorted(entries.items())),
            "counts": {
                "files": len(entries),
                "articles": sum(len(c.articles) for c in contents) + sum(s["live_articles"] for s in segments),
                "chunks": sum(len(c.chunks) for c in contents) + sum(s["live_chunks"] for s in segments),
            },
        }
        write_generation(
            self.index_dir,
            manifest=manifest,
            articles=[a for c in contents for a in c.articles],
            chunks=[ch for c in contents for ch in c.chunks],
            tokens=[t for c in contents for t in c.tokens],
            vectors=vectors,
            vocabulary=changes.vocabulary,
            approximate_threshold=approximate_threshold,
            kept=[{k: v for k, v in s.items() if not k.startswith("live_")} for s in segments],
        )

    def open(self, *, encoder: Encoder | None = None, keywords_only: bool = False) -> Archive:
        from index.backends.local.retrieval import HybridRetriever, archive_of, open_retriever
        from index.backends.local.store import IndexStore

        if keywords_only and encoder is None:  # keyword search and listings need no model
            return archive_of(HybridRetriever(IndexStore.load(self.index_dir), encoder=None))
        return archive_of(open_retriever(self.index_dir, encoder=encoder))

    def close(self) -> None:
        pass


def _carried_over(previous, gone: set[str]) -> list[dict]:
    """The live generation's segment entries with `gone` files added to their removed ones and
    their live counts (`live_chunks`, `live_articles`); segments left with nothing are dropped."""
    entries = {e["name"]: e for e in previous.manifest["segments"]}
    carried = []
    for segment in previous.segments:
        held = set(segment.sources) | set(segment.record.get("files", ()))
        removed = set(segment.removed) | (gone & held)
        spans = [span for source, span in segment.sources.items() if source not in removed]
        chunks, articles = sum(s[1] - s[0] for s in spans), sum(s[3] - s[2] for s in spans)
        if chunks or articles or held - removed:  # files without rows keep their records here
            carried.append({**entries[segment.name], "removed": sorted(removed), "live_chunks": chunks,
                            "live_articles": articles})
    return carried


def plan_merge(segments: Sequence[dict], *, adding: int) -> set[str]:
    """Names of the segments a build adding `adding` chunks rewrites into its new segment: those
    with more than `MAX_REMOVED_SHARE` of their chunks removed, and every segment of a size tier
    (chunks in [F^t, F^(t+1)), F = `MERGE_FACTOR`) once F segments, the new one included, share it."""
    from index.backends.local.store import MAX_REMOVED_SHARE, MERGE_FACTOR

    def tier(chunks: int) -> int:
        return int(math.log(max(chunks, 1), MERGE_FACTOR))

    merged = {s["name"] for s in segments if s["chunks"] - s["live_chunks"] > MAX_REMOVED_SHARE * s["chunks"]}
    while True:
        size = adding + sum(s["live_chunks"] for s in segments if s["name"] in merged)
        rest = [s for s in segments if s["name"] not in merged]
        tiers: dict[int, list[str]] = {}
        for s in rest:
            tiers.setdefault(tier(s["live_chunks"]), []).append(s["name"])
        crowded = [names for t, names in tiers.items() if len(names) + (size > 0 and tier(size) == t) >= MERGE_FACTOR]
        if not crowded:
            return merged
        merged |= set(crowded[0])


def _load_previous(index_dir: Path):
    """The live generation to build on (`store.Generation`, its segments checked), or None to
    start afresh (missing or unreadable)."""
    from index.backends.local.store import Generation, check_carried_over

    try:
        previous = Generation.read(index_dir)
        # a build reuses its tokens and vectors: a damaged one must be found now, or the build
        # would stop halfway with "damaged, run `newsqa index`" — the very command running
        if previous.legacy:
            previous.segments[0].read_tokens()
            previous.segments[0].vectors  # noqa: B018 — loads and checks the file
        else:
            check_carried_over(index_dir, previous.segments)
        return previous
    except IndexMissingError:
        return None
    except IndexIncompatibleError as error:
        print(f"warning: {error} Rebuilding it from scratch.", file=sys.stderr)
        return None
