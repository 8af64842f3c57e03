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
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from ui.api import build_router, install_error_handlers
from ui.chat import CSS, build_chat
from ui.config import ServerConfig
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

#: the only routes that accept a POST: the API's two questions, and what the chat page posts
#: (joining Gradio's queue, queue-less events such as "new chat", the chat's documented API route)
POST_ROUTES = frozenset(
    {"/api/v1/ask", "/api/v1/search", "/gradio_api/queue/join", "/gradio_api/run/predict", "/gradio_api/call/chat",
     "/v1/chat/completions"}
)
#: the routes other programs call: body limits and the CORS allow-list apply to both
API_PREFIXES = ("/api/", "/v1/")

DESCRIPTION = (
    "Answers questions about a newspaper archive by quoting its articles verbatim; every quote "
    "carries the article's headline, date and source file. `POST /api/v1/ask` returns the same "
    "object as `newsqa ask --json`."
)


def create_app(*, service: NewsService, config: ServerConfig) -> FastAPI:
    # FastAPIOffline serves /docs from packaged files instead of a CDN
    app = FastAPIOffline(title="NewsQA", version=_version(), description=DESCRIPTION, redoc_url=None)
    install_error_handlers(app, config)
    app.include_router(build_router(service, config))
    app.include_router(build_openai_router(service, config))
    add_widget_routes(app, config)
    # added innermost first: the size limit runs inside CORS so a 413 still carries CORS headers
    app.add_middleware(ReadOnlyExcept, post_paths=POST_ROUTES)
    app.add_middleware(BodySizeLimit, max_bytes=config.max_body_bytes, prefix=API_PREFIXES)
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
    app.add_middleware(NoCrossOrigin, open_prefix=API_PREFIXES if config.cors_origins else None)
    app.add_middleware(SecurityHeaders, ancestors=frame_ancestors(config.frame_ancestors))
    demo = build_chat(service, config)
    # mounted last: the mount at "/" catches every path the routes above did not claim
    # behind a reverse proxy that serves the app under a prefix, the page must name that prefix in
    # its own links; the API, widget and embed use relative URLs and need nothing
    return gr.mount_gradio_app(
        app, demo, path="/", css=CSS, ssr_mode=False, footer_links=["api"], root_path=config.root_path or None
    )


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

    @app.get("/embed.js", include_in_schema=False)
    def embed_js() -> FileResponse:
        return _static("embed.js", "text/javascript; charset=utf-8")

    @app.get("/embed.css", include_in_schema=False)
    def embed_css() -> FileResponse:
        return _static("embed.css", "text/css; charset=utf-8")


def _static(name: str, media_type: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type=media_type, headers={"Cache-Control": "public, max-age=300"})


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsqa")
    except PackageNotFoundError:
        return "0"
