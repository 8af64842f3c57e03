"""The HTTP API under /api/v1/: ask, search, feedback, health (and the widget's own /embed/ask
and /embed/feedback, the same handlers without the API key).

`POST ask` returns exactly what `newsqa ask --json` prints (Answer.to_json()). Questions are
answered in worker threads of their own (`answering_threads`), so a slow answer never blocks the
event loop and a burst never takes the threads the pages need; NewsService caps how many answer
at once. Errors a user can cause come back as
`{"detail": "<one sentence>"}`.
"""

# no `from __future__ import annotations` here: FastAPI must see the request model built inside
# build_router as a real class, not as a name it would look up in the module's globals.
import logging

import anyio

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from index.dateargs import parse_date_range
from index.errors import BackendUnavailableError, IndexIncompatibleError, IndexMissingError, NewsQAError
from ui.config import ServerConfig
from ui.feedback import Channel, Feedback, FeedbackError, FeedbackStore, Verdict, slim_citations
from ui.service import NewsService, Query, ServerBusyError, clean_history

log = logging.getLogger(__name__)


class Turn(BaseModel):
    question: str = Field(max_length=2000)
    answer: str | None = Field(default=None, max_length=20000)


class ErrorBody(BaseModel):
    """Every error: one sentence."""

    detail: str = Field(examples=["The question is longer than 500 characters; please shorten it."])


class CitationBody(BaseModel):
    id: int
    quote: str = Field(description="exact article text: article text[start:end]")
    title: str
    date: str | None = Field(description="YYYY-MM-DD, YYYY-MM or YYYY; null when unknown")
    date_precision: str
    date_source: str
    source: str = Field(description="the file the article came from")
    article_id: str
    start: int
    end: int
    highlight: list[int] | None = Field(description="the answering span inside the quote")
    score: float
    text_source: str | None = None


class AnswerBody(BaseModel):
    question: str
    answer: str
    found: bool = Field(description="false: nothing answers; the citations are only the closest passages")
    confidence: float
    citations: list[CitationBody]


class HitBody(BaseModel):
    model_config = {"extra": "allow"}
    article_id: str
    source: str
    title: str
    text: str
    date: str | None
    score: float


class HitsBody(BaseModel):
    hits: list[HitBody]


class FeedbackCitation(BaseModel):
    id: int | None = None
    title: str | None = Field(default=None, max_length=500)
    date: str | None = Field(default=None, max_length=20)
    date_precision: str | None = Field(default=None, max_length=20)
    date_source: str | None = Field(default=None, max_length=60)
    source: str | None = Field(default=None, max_length=500)
    article_id: str | None = Field(default=None, max_length=500)
    start: int | None = None
    end: int | None = None


class FeedbackRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field(default="", max_length=20000)
    found: bool | None = None
    citations: list[FeedbackCitation] = Field(default_factory=list, max_length=50)
    verdict: Verdict = Field(description="up or down")
    comment: str = Field(default="", max_length=2000)
    answer_id: str = Field(default="", max_length=64, description="ties a later comment to its vote")


class FeedbackSaved(BaseModel):
    saved: bool = True


#: the error bodies the routes document; 422's is the one sentence actually sent
ERRORS = {
    400: {"model": ErrorBody, "description": "A question the answerer refuses (e.g. punctuation only)"},
    401: {"model": ErrorBody, "description": "The server requires an API key and none was sent"},
    403: {"model": ErrorBody, "description": "The API key is not valid"},
    413: {"model": ErrorBody, "description": "The request body is over 64 KB"},
    422: {"model": ErrorBody, "description": "The body is not valid (one sentence naming the field)"},
    429: {"model": ErrorBody, "description": "Too many questions from this client; see Retry-After"},
    503: {"model": ErrorBody, "description": "Busy, or the index's backend is unavailable; see Retry-After"},
}


def request_model(config: ServerConfig) -> type[BaseModel]:
    """The request body, its limits taken from the configuration."""

    class AskRequest(BaseModel):
        question: str = Field(
            min_length=1,
            max_length=config.max_question_chars,
            examples=["今年有多少个重点项目开工了?"],
        )
        k: int = Field(default=8, ge=1, le=50, description="how many passages to retrieve")
        since: str | None = Field(default=None, description="YYYY-MM-DD, YYYY-MM or YYYY", examples=[None])
        until: str | None = Field(default=None, description="YYYY-MM-DD, YYYY-MM or YYYY", examples=[None])
        history: list[Turn] = Field(default_factory=list, max_length=50, description="earlier turns, oldest first")

        def to_query(self) -> Query:
            since, until = parse_date_range(self.since, self.until)
            return Query(
                question=self.question,
                k=self.k,
                since=since,
                until=until,
                history=clean_history([t.model_dump() for t in self.history], limit=config.max_history),
            )

    return AskRequest


def answering_threads(config: ServerConfig) -> anyio.CapacityLimiter:
    """The worker threads questions may hold at once. A burst of API questions waits for one of
    these on the event loop, holding no thread, so the pages and the chat (which share the
    server's general thread pool) keep working while every answering slot is taken."""
    return anyio.CapacityLimiter(config.concurrency + 2)


def build_router(service: NewsService, config: ServerConfig, *, feedback: FeedbackStore,
                 threads: anyio.CapacityLimiter) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["newsqa"])
    AskRequest = request_model(config)

    @router.post("/ask", summary="Answer a question with dated, verbatim quotes", response_model=None,
                 responses={200: {"model": AnswerBody}, **ERRORS})
    async def ask(body: AskRequest) -> dict:  # type: ignore[valid-type]
        query = body.to_query()
        return await anyio.to_thread.run_sync(lambda: service.ask(query).to_json(), limiter=threads)

    @router.post("/search", summary="The best-matching passages, without composing an answer", response_model=None,
                 responses={200: {"model": HitsBody}, **ERRORS})
    async def search(body: AskRequest) -> dict:  # type: ignore[valid-type]
        query = body.to_query()
        return await anyio.to_thread.run_sync(
            lambda: {"hits": [hit.to_json() for hit in service.search(query)]}, limiter=threads)

    @router.post("/feedback", summary="A reader's verdict (up/down, optional comment) on an answer",
                 response_model=None, responses={200: {"model": FeedbackSaved}, **ERRORS})
    def give_feedback(body: FeedbackRequest) -> dict:
        return save_feedback(feedback, service, body, channel=Channel.API)

    @router.get("/health", summary="Status, backend and its state, index summary, counts and model",
                responses={503: {"description": "The index's backend is unavailable"}})
    def health():
        report = service.health()
        if report["status"] == "ok":
            return report
        # a load balancer takes a replica whose backend is down out of rotation until it recovers
        return JSONResponse(report, status_code=503, headers={"Retry-After": str(BackendUnavailableError.retry_after)})

    return router


def build_embed_router(service: NewsService, config: ServerConfig, *, feedback: FeedbackStore,
                       threads: anyio.CapacityLimiter) -> APIRouter:
    """The widget's routes: the API's ask and feedback, needing no key (rate-limited per client)."""
    router = APIRouter(prefix="/embed", include_in_schema=False)
    AskRequest = request_model(config)

    @router.post("/ask")
    async def ask(body: AskRequest) -> dict:  # type: ignore[valid-type]
        query = body.to_query()
        return await anyio.to_thread.run_sync(lambda: service.ask(query).to_json(), limiter=threads)

    @router.post("/feedback")
    def give_feedback(body: FeedbackRequest) -> dict:
        return save_feedback(feedback, service, body, channel=Channel.WIDGET)

    return router


def save_feedback(store: FeedbackStore, service: NewsService, body: FeedbackRequest, *, channel: Channel) -> dict:
    """Append the verdict with the index generation now serving (raises FeedbackError → 503)."""
    try:
        generation = (service.health().get("index") or {}).get("generation")
    except Exception:  # the generation is a note; a backend hiccup must not lose the verdict
        generation = None
    citations = slim_citations(c.model_dump(exclude_none=True) for c in body.citations)
    store.add(Feedback(question=body.question, answer=body.answer, verdict=body.verdict, found=body.found,
                       citations=citations, comment=body.comment.strip(), generation=generation, channel=channel,
                       answer_id=body.answer_id))
    return {"saved": True}


def install_error_handlers(app: FastAPI, config: ServerConfig) -> None:
    """One sentence per error, whatever raised it."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        return JSONResponse({"detail": describe_invalid(error.errors(), config)}, status_code=422)

    @app.exception_handler(NewsQAError)
    async def refused(request: Request, error: NewsQAError):
        if isinstance(error, (BackendUnavailableError, IndexIncompatibleError)):
            # the index's backend is down, refuses us or holds another model: not the caller's fault
            return JSONResponse({"detail": str(error)}, status_code=503,
                                headers={"Retry-After": str(BackendUnavailableError.retry_after)})
        if isinstance(error, FeedbackError):
            return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "30"})
        status = 503 if isinstance(error, (ServerBusyError, IndexMissingError)) else 400
        return JSONResponse({"detail": str(error)}, status_code=status)

    @app.exception_handler(Exception)
    async def failed(request: Request, error: Exception):
        # a bug: logged with its traceback here, one sentence to the client
        log.error("%s %s failed", request.method, request.url.path, exc_info=error)
        return JSONResponse({"detail": "The server failed to handle this request; the error has been logged."}, status_code=500)


def describe_invalid(errors: list[dict], config: ServerConfig) -> str:
    """The first validation error as a sentence a person can act on."""
    if not errors:
        return "The request is not valid."
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    kind = first.get("type", "")
    if where == "question" and kind == "string_too_long":
        return f"The question is longer than {config.max_question_chars} characters; please shorten it."
    if where == "question" and kind in ("string_too_short", "missing"):
        return "The question is empty; please type a question."
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    return f"The field '{where}' is not valid: {first.get('msg', 'invalid value')}."
