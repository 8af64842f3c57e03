"""The one web server: FastAPI with the HTTP API, the widget and the Gradio chat mounted at `/`.

    app = create_app(service=open_service(index_dir, concurrency=2), config=from_env())

Routes: `/` chat page (Gradio), `/api/v1/{ask,search,health}`, `/docs` and `/openapi.json`
(served offline), `/widget.js` (the one-tag site widget), `/embed` (the compact chat the widget
frames). Who may call the API from other sites (CORS) and who may frame the pages
(CSP frame-ancestors) are allow-lists from ServerConfig; both are closed by default.

Concurrency, set on purpose for a 2-core machine: the chat's Gradio queue runs at most
`concurrency` (2) answers at once and holds up to `queue_size` (32) waiting requests, refusing
more; the API's routes are sync and run in FastAPI's thread pool. Both go through one
NewsService, which caps answers in progress at `concurrency` across chat and API together, so a
burst cannot oversubscribe the CPU and a slow question never blocks the event loop, the health
check or the pages.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from ui.api import answering_threads, build_embed_router, build_router, install_error_handlers
from ui.chat import CSS, HEAD, build_chat
from ui.config import ServerConfig
from ui.feedback import FILE_NAME, FeedbackStore
from ui.limits import RateLimiter, RequestLimits
from ui.openai_api import build_openai_router
from ui.security import (
    BodySizeLimit,
    NoCrossOrigin,
    OnlyUnder,
    ReadOnlyExcept,
    SecurityHeaders,
    frame_ancestors,
)
from ui.service import NewsService

STATIC = Path(__file__).resolve().parent / "static"

#: the only routes that accept a POST: the API's questions and feedback, the widget's own two, and
#: what the chat page posts (joining Gradio's queue, queue-less events such as "new chat", the
#: chat's one-call route)
POST_ROUTES = frozenset(
    {"/api/v1/ask", "/api/v1/search", "/api/v1/feedback", "/embed/ask", "/embed/feedback",
     "/gradio_api/queue/join", "/gradio_api/run/predict", "/gradio_api/call/chat", "/v1/chat/completions"}
)
#: the routes other programs call: body limits and the CORS allow-list apply to both
API_PREFIXES = ("/api/", "/v1/")
#: routes that ask a question, held to the per-client rate limit (the chat checks it itself)
QUESTION_ROUTES = frozenset({"/api/v1/ask", "/api/v1/search", "/embed/ask", "/v1/chat/completions"})
FEEDBACK_ROUTES = frozenset({"/api/v1/feedback", "/embed/feedback"})
#: feedback a client may send per minute: several votes and comments per question, never a flood
FEEDBACK_PER_MINUTE = 60

DESCRIPTION = (
    "Answers questions about a newspaper archive by quoting its articles verbatim; every quote "
    "carries the article's headline, date and source file. `POST /api/v1/ask` returns the same "
    "object as `newsqa ask --json`."
)


def create_app(*, service: NewsService, config: ServerConfig) -> FastAPI:
    # FastAPIOffline serves /docs from packaged files instead of a CDN
    app = FastAPIOffline(title="NewsQA", version=_version(), description=DESCRIPTION, redoc_url=None)
    install_error_handlers(app, config)
    feedback = FeedbackStore(config.feedback_path or _home() / FILE_NAME)
    questions = RateLimiter(per_minute=config.rate_limit)
    threads = answering_threads(config)
    app.include_router(build_router(service, config, feedback=feedback, threads=threads))
    app.include_router(build_embed_router(service, config, feedback=feedback, threads=threads))
    app.include_router(build_openai_router(service, config))
    add_widget_routes(app, config)
    # added innermost first: the size limit runs inside CORS so a 413 still carries CORS headers
    app.add_middleware(ReadOnlyExcept, post_paths=POST_ROUTES)
    app.add_middleware(BodySizeLimit, max_bytes=config.max_body_bytes, prefix=(*API_PREFIXES, "/embed/"))
    app.add_middleware(
        RequestLimits, questions=questions, feedback=RateLimiter(per_minute=FEEDBACK_PER_MINUTE),
        keys=config.api_keys, trust_proxy=config.trust_proxy, limited=QUESTION_ROUTES, feedback_paths=FEEDBACK_ROUTES,
    )
    if config.cors_origins:
        app.add_middleware(
            OnlyUnder,
            prefix=API_PREFIXES,
            middleware=CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization"],
            max_age=600,
        )
    app.add_middleware(NoCrossOrigin, open_prefix=API_PREFIXES if config.cors_origins else None, open_paths=OPEN_TO_ALL)
    # only /embed (which sets its own policy) may be framed by the allowed sites; every other page
    # by the server itself alone
    app.add_middleware(SecurityHeaders, ancestors="'self'")
    demo = build_chat(service, config, limiter=questions, feedback=feedback)
    # mounted last: the mount at "/" catches every path the routes above did not claim.
    # Behind a reverse proxy that serves the app under a prefix, the page must name that prefix in
    # its own links; the API, widget and embed use relative URLs and need nothing.
    # Gradio's own panels (its API page and recorder, MCP server, monitoring) are off: they are
    # not for readers and show request counts and timings
    return gr.mount_gradio_app(
        app, demo, path="/", css=CSS, head=HEAD, ssr_mode=False, footer_links=[], mcp_server=False,
        enable_monitoring=False, root_path=config.root_path or None,
    )


#: answers anyone may read from any site: whether this site may frame the widget
OPEN_TO_ALL = frozenset({"/embed/check"})


def add_widget_routes(app: FastAPI, config: ServerConfig) -> None:
    # /embed allows scripts, styles and requests from this server only; only framing is widened
    embed_csp = (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; "
        f"frame-ancestors {frame_ancestors(config.frame_ancestors)}"
    )

    @app.get("/widget.js", include_in_schema=False)
    def widget() -> FileResponse:
        return _static("widget.js", "text/javascript; charset=utf-8")

    @app.get("/embed", include_in_schema=False)
    def embed() -> HTMLResponse:
        page = (STATIC / "embed.html").read_text(encoding="utf-8")
        return HTMLResponse(page, headers={"Content-Security-Policy": embed_csp, "Cache-Control": "no-cache"})

    @app.get("/embed/check", include_in_schema=False)
    def embed_check(request: Request) -> JSONResponse:
        # the widget asks before it opens a frame, so a site the server refuses shows a line
        # saying so instead of a broken frame; it tells only what the frame would show anyway
        origin = request.headers.get("origin")
        allowed = origin is None or "*" in config.frame_ancestors or origin in config.frame_ancestors or (
            origin == f"{request.url.scheme}://{request.url.netloc}")
        return JSONResponse({"allowed": allowed}, headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"})

    @app.get("/chat.js", include_in_schema=False)
    def chat_js() -> FileResponse:
        return _static("chat.js", "text/javascript; charset=utf-8")

    @app.get("/embed.js", include_in_schema=False)
    def embed_js() -> FileResponse:
        return _static("embed.js", "text/javascript; charset=utf-8")

    @app.get("/embed.css", include_in_schema=False)
    def embed_css() -> FileResponse:
        return _static("embed.css", "text/css; charset=utf-8")


def _static(name: str, media_type: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type=media_type, headers={"Cache-Control": "public, max-age=300"})


def _home() -> Path:
    from index.paths import home

    return home()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsqa")
    except PackageNotFoundError:
        return "0"
