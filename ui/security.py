"""ASGI middleware: request-size limits for the API, the headers that decide who may frame us,
and a closed default for every method that could change something on the server.

Both are plain ASGI (not BaseHTTPMiddleware) so Gradio's streamed event responses pass through
untouched.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def frame_ancestors(origins: tuple[str, ...]) -> str:
    """The CSP frame-ancestors source list: the server itself plus the allow-list, or any site."""
    if "*" in origins:
        return "*"
    return " ".join(("'self'", *origins))



def route_path(scope: Scope) -> str:
    """The path the app's routes see: behind a proxy prefix (--root-path /newsqa) the server
    receives /newsqa/api/v1/ask, and the routes, like these checks, match /api/v1/ask."""
    path, root = scope["path"], scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        return path[len(root) :] or "/"
    return path

class BodySizeLimit:
    """Answer 413 to a request under `prefix` whose body is larger than `max_bytes`.

    The body is read (at most `max_bytes` + one chunk) before the route runs and then replayed,
    so a client that sends no Content-Length, or lies in it, is held to the same limit.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, prefix: str | tuple[str, ...] = "/api/"):
        self.app, self.max_bytes, self.prefix = app, max_bytes, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not route_path(scope).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await self._refuse(send)
                return
        await self.app(scope, _replay(body, receive), send)

    async def _refuse(self, send: Send) -> None:
        payload = json.dumps(
            {"detail": f"The request body is larger than {self.max_bytes // 1024} KB."}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class SecurityHeaders:
    """Add nosniff, a referrer policy and a frame-ancestors policy to every response that does
    not set its own. Links out of the pages and requests from them name this server to no one
    else (`Referrer-Policy: same-origin`)."""

    def __init__(self, app: ASGIApp, *, ancestors: str):
        self.app = app
        self.csp = f"frame-ancestors {ancestors}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", self.csp))
                if b"referrer-policy" not in names:
                    headers.append((b"referrer-policy", b"same-origin"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class OnlyUnder:
    """Apply an ASGI middleware to requests under `prefix` only (e.g. CORS for the API alone,
    leaving Gradio's own routes to Gradio)."""

    def __init__(self, app: ASGIApp, *, prefix: str | tuple[str, ...], middleware: type, **options):
        self.app, self.prefix = app, prefix
        self.wrapped = middleware(app, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        inside = scope["type"] == "http" and route_path(scope).startswith(self.prefix)
        await (self.wrapped if inside else self.app)(scope, receive, send)


#: methods that only read; everything else (POST, PUT, DELETE, PATCH, …) needs an allowed path
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadOnlyExcept:
    """Answer 405 to any request that is not a read, unless it is a POST to one of `post_paths`.

    Gradio brings routes this app never uses, among them a file upload that stores whatever it
    is sent. Rather than chase that list from release to release, everything is closed and the
    few routes that must take a body are named.
    """

    def __init__(self, app: ASGIApp, *, post_paths: frozenset[str]):
        self.app, self.post_paths = app, post_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in READ_METHODS or (
            scope["method"] == "POST" and route_path(scope) in self.post_paths
        ):
            await self.app(scope, receive, send)
            return
        payload = json.dumps({"detail": f"{scope['method']} is not allowed here."}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 405,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"allow", b"GET, HEAD, OPTIONS"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


class NoCrossOrigin:
    """Drop every CORS grant from responses, except under `open_prefix` (None: everywhere).

    Gradio grants any Origin, with credentials, whenever the server is reached under a name
    other than localhost — that is, in every real deployment. Which sites may call this server
    is decided by `ServerConfig.cors_origins` for the API alone; grants made by anything else
    are removed, so a preflight or a response never lets another site read the chat's routes.
    """

    def __init__(self, app: ASGIApp, *, open_prefix: str | tuple[str, ...] | None, open_paths: frozenset[str] = frozenset()):
        self.app, self.open_prefix, self.open_paths = app, open_prefix, open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route_path(scope) if scope["type"] == "http" else ""
        if scope["type"] != "http" or (self.open_prefix and path.startswith(self.open_prefix)) or path in self.open_paths:
            await self.app(scope, receive, send)
            return

        async def send_without_grants(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(n, v) for n, v in message.get("headers", []) if not n.lower().startswith(b"access-control-")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_without_grants)
