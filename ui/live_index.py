"""Following a rebuilt index while serving, without a restart.

`newsqa index` never changes a generation in place: it writes a new one and then replaces the
index's `CURRENT` pointer. So a server learns of a rebuild by re-reading that one small file
(at most once per `check_seconds`), loads the new generation in a background thread while the
old one keeps answering, and swaps the archive in one assignment once the new one is loaded
and warmed up. A request holds on to the archive it started with, so a swap never changes an
answer halfway. A new generation that fails to load is logged and the old one kept.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from index.errors import IndexIncompatibleError, NewsQAError
from index.interfaces import Archive

log = logging.getLogger(__name__)


class IndexFollower:
    """Holds the archive over the live generation of `index_dir`, re-opened when it changes."""

    def __init__(self, archive: Archive, *, index_dir: Path, check_seconds: float = 1.0):
        self.index_dir = Path(index_dir)
        self.check_seconds = check_seconds
        self._archive = archive
        self._loaded = archive.info().generation
        self._failed: str | None = None  # a generation that would not load: not retried
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._loading: threading.Thread | None = None

    @property
    def archive(self) -> Archive:
        """The newest archive that is fully loaded; starts loading a newer one if there is one."""
        self._check()
        return self._archive

    def wait(self, timeout: float | None = None) -> None:
        """Block until a load in progress has finished (for tests and orderly shutdown)."""
        loading = self._loading
        if loading is not None:
            loading.join(timeout)

    def _check(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.check_seconds or not self._lock.acquire(blocking=False):
            return
        try:
            self._checked = now
            name = read_pointer(self.index_dir)
            busy = self._loading is not None and self._loading.is_alive()
            if name is None or name in (self._loaded, self._failed) or busy:
                return
            self._loading = threading.Thread(target=self._load, args=(name,), name="newsqa-reload", daemon=True)
            self._loading.start()
        finally:
            self._lock.release()

    def _load(self, name: str) -> None:
        try:
            archive = reopen(self.index_dir, like=self._archive)
            archive.retriever.search("warm up", k=1)  # pay for vectors, FAISS and BM25 now, not in an answer
        except NewsQAError as error:
            log.warning("The rebuilt index %s was not loaded; still serving %s. %s", name, self._loaded, error)
            self._failed = name
        except Exception:  # a bug here must not stop the server from answering with the old index
            log.exception("Loading the rebuilt index %s failed; still serving %s.", name, self._loaded)
            self._failed = name
        else:
            self._archive = archive  # one assignment: requests see the old or the new, never a mix
            self._loaded = archive.info().generation
            log.info("Now serving index generation %s.", self._loaded)


def reopen(index_dir: Path, *, like: Archive) -> Archive:
    """The archive over the live generation, reusing `like`'s model when it is the same one
    (loading a model takes seconds and memory; the new generation usually keeps it)."""
    from index.retrieval import open_archive

    model = like.model
    if model is None:
        return open_archive(index_dir)
    try:
        return open_archive(index_dir, encoder=model)
    except IndexIncompatibleError:  # rebuilt with another model (or damaged): open it as it says
        return open_archive(index_dir)


def read_pointer(index_dir: Path) -> str | None:
    """The generation name in `CURRENT`, or None when it cannot be read just now."""
    from index.store import CURRENT

    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
