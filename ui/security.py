"""ASGI middleware: request-size limits for the API and the headers that decide who may frame us.

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


class BodySizeLimit:
    """Answer 413 to a request under `prefix` whose body is larger than `max_bytes`.

    The body is read (at most `max_bytes` + one chunk) before the route runs and then replayed,
    so a client that sends no Content-Length, or lies in it, is held to the same limit.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, prefix: str = "/api/"):
        self.app, self.max_bytes, self.prefix = app, max_bytes, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
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
    """Add nosniff and a frame-ancestors policy to every response that does not set its own CSP."""

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
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class OnlyUnder:
    """Apply an ASGI middleware to requests under `prefix` only (e.g. CORS for the API alone,
    leaving Gradio's own routes to Gradio)."""

    def __init__(self, app: ASGIApp, *, prefix: str, middleware: type, **options):
        self.app, self.prefix = app, prefix
        self.wrapped = middleware(app, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        inside = scope["type"] == "http" and scope["path"].startswith(self.prefix)
        await (self.wrapped if inside else self.app)(scope, receive, send)
