"""The embedded backend: generation folders under the index folder (`store`), FAISS for vectors
(`dense`), BM25 for keywords (`keyword`), searched by `retrieval.HybridRetriever`."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from index.backends import Changes, FileContent, IndexedState, passage_text, text_key
from index.errors import IndexIncompatibleError, IndexMissingError
from index.interfaces import Archive, Encoder


class LocalBackend:
    """The index folder's generations. `indexed()` loads (and checks) the live one; `apply`
    writes the next from it and the build's changes."""

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
            files={source: {**entry, "source": source} for source, entry in manifest["files"].items()},
            model=manifest["model"],
            model_revision=manifest.get("model_revision"),
            dimension=manifest["dimension"],
            versions={k: v for k, v in manifest.items() if k.endswith("_version") and k != "format_version"},
            exists=True,
            vocabulary=previous.vocabulary,
        )

    def stored(self, sources: Iterable[str]) -> dict[str, FileContent]:
        wanted = set(sources)
        previous = self._previous
        if previous is None or not wanted:
            return {}
        contents: dict[str, FileContent] = {}
        for source in wanted & set(previous.manifest["files"]):
            contents[source] = FileContent({**previous.manifest["files"][source], "source": source}, [], [], [])
        for article in previous.articles.values():
            if article.source in contents:
                contents[article.source].articles.append(article)
        rows: dict[str, list[int]] = {}
        for row, (chunk, tokens) in enumerate(zip(previous.chunks, previous.tokens(), strict=True)):
            if chunk.source in contents:
                contents[chunk.source].chunks.append(chunk)
                contents[chunk.source].tokens.append(tokens)
                rows.setdefault(chunk.source, []).append(row)
        vectors = previous.vectors
        if vectors is not None:
            for source, content in contents.items():
                content.vectors = np.asarray(vectors[rows.get(source, [])], dtype=np.float32)
        return contents

    def known_vectors(self, keys: set[str], *, model: str, revision: str | None) -> dict[str, np.ndarray]:
        previous = self._previous
        if previous is None or previous.model != model or previous.manifest.get("model_revision") != revision:
            return {}
        vectors = previous.vectors
        known = {}
        for row, chunk in enumerate(previous.chunks):
            key = text_key(passage_text(chunk))
            if key in keys:
                known[key] = vectors[row]
        return known

    def apply(self, changes: Changes, *, approximate_threshold: int | None = None) -> None:
        from index.backends.local.store import write_generation

        written = {c.source for c in changes.write}
        kept = set(self._previous.manifest["files"]) - written - set(changes.remove) if self._previous else set()
        contents = self.stored(kept)
        contents.update({c.source: c for c in changes.write})
        ordered = [contents[s] for s in sorted(contents)]
        settings = changes.settings
        vectors = None
        if settings["model"] is not None:
            dimension = settings["dimension"]
            vectors = np.concatenate(
                [c.vectors if c.vectors is not None else np.zeros((0, dimension), np.float32) for c in ordered]
                or [np.zeros((0, dimension), np.float32)]
            )
        manifest = {
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            **settings,
            "vocabulary": {"sources": changes.vocabulary_sources},  # its sha256 and size: write_generation
            "files": {c.source: {k: v for k, v in c.entry.items() if k != "source"} for c in ordered},
            "counts": {
                "files": len(ordered),
                "articles": sum(len(c.articles) for c in ordered),
                "chunks": sum(len(c.chunks) for c in ordered),
            },
        }
        write_generation(
            self.index_dir,
            manifest=manifest,
            articles=[a for c in ordered for a in c.articles],
            chunks=[ch for c in ordered for ch in c.chunks],
            tokens=[t for c in ordered for t in c.tokens],
            vectors=vectors,
            vocabulary=changes.vocabulary,
            approximate_threshold=approximate_threshold,
        )

    def open(self, *, encoder: Encoder | None = None, keywords_only: bool = False) -> Archive:
        from index.backends.local.retrieval import HybridRetriever, archive_of, open_retriever
        from index.backends.local.store import IndexStore

        if keywords_only and encoder is None:  # keyword search and listings need no model
            return archive_of(HybridRetriever(IndexStore.load(self.index_dir), encoder=None))
        return archive_of(open_retriever(self.index_dir, encoder=encoder))

    def close(self) -> None:
        pass


def _load_previous(index_dir: Path):
    """The live generation to build on, or None to start afresh (missing or unreadable)."""
    from index.backends.local.store import IndexStore

    try:
        previous = IndexStore.load(index_dir)
        # a build reuses its tokens and vectors: a damaged one must be found now, or the build
        # would stop halfway with "damaged, run `newsqa index`" — the very command running
        previous.tokens()
        previous.vectors  # noqa: B018 — loads and checks the file
        return previous
    except IndexMissingError:
        return None
    except IndexIncompatibleError as error:
        print(f"warning: {error} Rebuilding it from scratch.", file=sys.stderr)
        return None
