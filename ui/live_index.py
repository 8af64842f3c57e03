"""Following a rebuilt index while serving, without a restart.

`newsqa index` never changes a generation in place: it writes a new one and then replaces the
index's `CURRENT` pointer. So a server learns of a rebuild by re-reading that one small file
(at most once per `check_seconds`), loads the new generation in a background thread while the
old one keeps answering, and swaps the retriever in one assignment once the new one is loaded
and warmed up. A request holds on to the retriever it started with, so a swap never changes an
answer halfway. A new generation that fails to load is logged and the old one kept.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from index.errors import IndexIncompatibleError, NewsQAError
from index.interfaces import Retriever

log = logging.getLogger(__name__)


class IndexFollower:
    """Holds the retriever over the live generation of `index_dir`, re-opened when it changes."""

    def __init__(self, retriever: Retriever, *, index_dir: Path, check_seconds: float = 1.0):
        self.index_dir = Path(index_dir)
        self.check_seconds = check_seconds
        self._retriever = retriever
        self._loaded = _generation_of(retriever)
        self._failed: str | None = None  # a generation that would not load: not retried
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._loading: threading.Thread | None = None

    @property
    def retriever(self) -> Retriever:
        """The newest retriever that is fully loaded; starts loading a newer one if there is one."""
        self._check()
        return self._retriever

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
            retriever = reopen(self.index_dir, like=self._retriever)
            retriever.search("warm up", k=1)  # pay for vectors, FAISS and BM25 now, not in an answer
        except NewsQAError as error:
            log.warning("The rebuilt index %s was not loaded; still serving %s. %s", name, self._loaded, error)
            self._failed = name
        except Exception:  # a bug here must not stop the server from answering with the old index
            log.exception("Loading the rebuilt index %s failed; still serving %s.", name, self._loaded)
            self._failed = name
        else:
            self._retriever = retriever  # one assignment: requests see the old or the new, never a mix
            self._loaded = _generation_of(retriever)
            log.info("Now serving index generation %s.", self._loaded)


def reopen(index_dir: Path, *, like: Retriever) -> Retriever:
    """The retriever over the live generation, reusing `like`'s encoder when the model is the
    same (loading a model takes seconds and memory; the new generation usually keeps it)."""
    from index.retrieval import open_retriever

    encoder = getattr(like, "encoder", None)
    if encoder is None:
        return open_retriever(index_dir)
    try:
        return open_retriever(index_dir, encoder=encoder)
    except IndexIncompatibleError:  # rebuilt with another model (or damaged): open it as it says
        return open_retriever(index_dir)


def read_pointer(index_dir: Path) -> str | None:
    """The generation name in `CURRENT`, or None when it cannot be read just now."""
    from index.store import CURRENT

    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _generation_of(retriever: Retriever) -> str | None:
    return getattr(getattr(getattr(retriever, "store", None), "path", None), "name", None)
