"""The HTTP API under /api/v1/: ask, search, health.

`POST ask` returns exactly what `newsqa ask --json` prints (Answer.to_json()). The routes are
plain `def`, so FastAPI runs them in its thread pool and a slow answer never blocks the event
loop; NewsService caps how many answer at once. Errors a user can cause come back as
`{"detail": "<one sentence>"}`.
"""

# no `from __future__ import annotations` here: FastAPI must see the request model built inside
# build_router as a real class, not as a name it would look up in the module's globals.
import logging

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from index.dateargs import parse_date_range
from index.errors import BackendUnavailableError, IndexIncompatibleError, IndexMissingError, NewsQAError
from ui.config import ServerConfig
from ui.service import NewsService, Query, ServerBusyError, clean_history

log = logging.getLogger(__name__)


class Turn(BaseModel):
    question: str = Field(max_length=2000)
    answer: str | None = Field(default=None, max_length=20000)


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


def build_router(service: NewsService, config: ServerConfig) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["newsqa"])
    AskRequest = request_model(config)

    @router.post("/ask", summary="Answer a question with dated, verbatim quotes")
    def ask(body: AskRequest) -> dict:  # type: ignore[valid-type]
        return service.ask(body.to_query()).to_json()

    @router.post("/search", summary="The best-matching passages, without composing an answer")
    def search(body: AskRequest) -> dict:  # type: ignore[valid-type]
        return {"hits": [hit.to_json() for hit in service.search(body.to_query())]}

    @router.get("/health", summary="Status, backend and its state, index summary, counts and model")
    def health():
        report = service.health()
        if report["status"] == "ok":
            return report
        # a load balancer takes a replica whose backend is down out of rotation until it recovers
        return JSONResponse(report, status_code=503, headers={"Retry-After": str(BackendUnavailableError.retry_after)})

    return router


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
