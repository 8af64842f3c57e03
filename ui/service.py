"""What the web chat and the HTTP API share: one loaded index and the answering function.

The index is loaded once per process; every request reuses it, and a rebuilt index is picked up
without a restart (`ui.live_index`). Answering is CPU-bound (query
embedding, BM25, quote selection), so at most `concurrency` questions run at once — more threads
on a 2-core machine only make every answer slower. Callers run these methods in worker threads
(FastAPI sync routes, Gradio's queue), never on the event loop.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from index.errors import BackendUnavailableError, IndexIncompatibleError, IndexMissingError, NewsQAError
from index.interfaces import Archive
from index.records import Hit

log = logging.getLogger(__name__)

#: how long a request waits for a free answering slot before it is told the server is busy
WAIT_SECONDS = 120.0


class ServerBusyError(NewsQAError):
    """Every answering slot stayed taken for too long."""


@dataclass(frozen=True)
class Query:
    """One question as the chat and the API pass it on."""

    question: str
    k: int = 8
    since: dt.date | None = None
    until: dt.date | None = None
    history: tuple[dict, ...] = ()


class NewsService:
    """Answers and searches over one archive, `concurrency` at a time.

    Given `index_dir`, the service follows that index: after a rebuild it switches to the new
    generation once it is loaded, and answers from the old one until then.
    """

    def __init__(
        self,
        *,
        archive: Archive,
        answer_fn: Callable | None = None,
        concurrency: int = 2,
        index_dir: Path | None = None,
    ):
        from ui.live_index import IndexFollower

        self._follower = IndexFollower(archive, index_dir=index_dir) if index_dir is not None else None
        self._fixed = archive
        self._answer = answer_fn or _qa_answer()
        self._slots = threading.BoundedSemaphore(concurrency)

    @property
    def archive(self) -> Archive:
        """The newest fully loaded index generation."""
        return self._follower.archive if self._follower is not None else self._fixed

    def ask(self, query: Query):
        """The `Answer` for `query` (raises QuestionError for a question qa refuses)."""
        with self._slot():
            return self._answer(
                query.question,
                archive=self.archive,
                k=query.k,
                since=query.since,
                until=query.until,
                history=query.history,
            )

    def search(self, query: Query) -> list[Hit]:
        """The best passages (raises QuestionError for text with no words, as `ask` does)."""
        from qa.analyze import validate

        validate(query.question)  # punctuation alone would "match" arbitrary passages by vector
        with self._slot():
            return self.archive.retriever.search(query.question, k=query.k, since=query.since, until=query.until)

    def health(self) -> dict:
        """The index summary with `status` "ok", or "unavailable" with the backend's state in one
        sentence when it cannot be asked (the server keeps trying on every request)."""
        archive = self.archive
        try:
            return index_summary(archive)
        except (BackendUnavailableError, IndexIncompatibleError, IndexMissingError) as error:
            return {"status": "unavailable", "backend": {"name": archive.backend, "state": "unavailable",
                                                         "detail": str(error)},
                    "model": archive.model.name if archive.model is not None else None}

    @contextmanager
    def _slot(self):
        if not self._slots.acquire(timeout=WAIT_SECONDS):
            raise ServerBusyError("The server is busy answering other questions; try again shortly.")
        try:
            yield
        finally:
            self._slots.release()


def _qa_answer() -> Callable:
    # imported lazily so the UI can be built and tested before qa's heavy imports are needed
    from qa import answer

    return answer


def index_summary(archive: Archive) -> dict:
    """Counts, model and the backend's facts of the loaded index, for /api/v1/health and the page."""
    info = archive.info()
    facts = {"backend": info.backend, **info.details}
    return {
        "status": "ok",
        "backend": {"name": info.backend, "state": "ok"},
        "index": {"generation": info.generation, **facts} if info.generation else facts,
        "counts": {"sources": info.sources, "articles": info.articles, "chunks": info.chunks},
        "model": info.model,
        "keyword_only": info.keyword_only,
    }


def clean_history(items: Sequence[dict], *, limit: int) -> tuple[dict, ...]:
    """The last `limit` turns, reduced to the keys qa.answer reads."""
    kept = []
    for item in list(items)[-limit:]:
        turn = {"question": str(item.get("question", ""))}
        if item.get("answer"):
            turn["answer"] = str(item["answer"])
        kept.append(turn)
    return tuple(kept)


def open_service(index_dir: Path | None, *, concurrency: int, llm=None) -> NewsService:
    """Load the index once (raises IndexMissingError telling the user to run `newsqa index`).
    With `llm` (a `qa.llm.LLMConfig`) answers are written by that model and checked."""
    from index.paths import default_index_dir
    from index.retrieval import open_archive

    index_dir = Path(index_dir) if index_dir else default_index_dir()
    answer_fn = None
    if llm is not None:
        from qa.llm import answerer

        answer_fn = answerer(llm)
    service = NewsService(archive=open_archive(index_dir), answer_fn=answer_fn, concurrency=concurrency,
                          index_dir=index_dir)
    # the store loads vectors, FAISS and BM25 on first use: pay for it now, not in the first answer
    try:
        service.archive.retriever.search("warm up", k=1)
    except BackendUnavailableError as error:  # Qdrant down: serve anyway, answer 503 until it is back
        log.warning("%s The server starts and answers 503 until the backend is back.", error)
    return service

