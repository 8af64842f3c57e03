"""Limits a public server needs: questions per minute per client, and optional API keys.

    limiter = RateLimiter(per_minute=20)
    wait = limiter.check(client_address(scope, trust_proxy=False))   # 0: go ahead; else seconds

The client is the address the connection came from. Behind a reverse proxy every connection
comes from the proxy, so with `trust_proxy` the client is the last address the proxy added to
`X-Forwarded-For` (a client can put anything in the header, but not after what the proxy
appends); without it the header is ignored, since anyone could send one.

The API keys, when any are configured, guard the HTTP API under /api/v1/ (not its health check);
the chat page and the widget's own routes need none and are held to the rate limit alone.
"""

from __future__ import annotations

import hmac
import json
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from index.errors import NewsQAError
from ui.security import route_path

#: questions per minute per client when `--rate-limit` is not given: a reader types far fewer
DEFAULT_PER_MINUTE = 20
#: clients remembered at once; the least recently seen are forgotten first
MAX_CLIENTS = 10_000
WINDOW_SECONDS = 60.0


class ApiKeyFileError(NewsQAError):
    """The API keys file cannot be read."""


@dataclass(frozen=True)
class Refusal:
    """Why a request was turned away: the HTTP status, one sentence and extra headers."""

    status: int
    detail: str
    headers: tuple[tuple[str, str], ...] = ()


class RateLimiter:
    """At most `per_minute` events per client in any 60 seconds (a sliding window)."""

    def __init__(self, *, per_minute: int, clock: Callable[[], float] = time.monotonic):
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute, self._clock = per_minute, clock
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, client: str) -> int:
        """0 and the event counted when `client` is under the limit; else the whole seconds until
        it may try again (nothing counted)."""
        now = self._clock()
        with self._lock:
            times = self._seen.pop(client, None) or deque()
            while times and now - times[0] >= WINDOW_SECONDS:
                times.popleft()
            self._seen[client] = times
            if len(self._seen) > MAX_CLIENTS:
                self._seen.popitem(last=False)
            if len(times) >= self.per_minute:
                return max(1, math.ceil(WINDOW_SECONDS - (now - times[0])))
            times.append(now)
            return 0


def client_address(*, peer: str | None, forwarded_for: str | None, trust_proxy: bool) -> str:
    """The client's address: the connection's, or with `trust_proxy` the last hop the proxy
    recorded in X-Forwarded-For."""
    if trust_proxy and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last
    return peer or "unknown"


def scope_client(scope: Scope, *, trust_proxy: bool) -> str:
    headers = {k.lower(): v for k, v in scope.get("headers", [])}
    forwarded = headers.get(b"x-forwarded-for")
    peer = scope.get("client")
    return client_address(
        peer=peer[0] if peer else None,
        forwarded_for=forwarded.decode("latin-1") if forwarded else None,
        trust_proxy=trust_proxy,
    )


def load_api_keys(*, keys: Iterable[str] = (), keys_file: Path | None = None) -> frozenset[str]:
    """The configured keys: those given, plus one a line from `keys_file` (# comments, blank
    lines ignored)."""
    found = [k.strip() for k in keys if k.strip()]
    if keys_file is not None:
        try:
            lines = Path(keys_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise ApiKeyFileError(f"The API keys file {keys_file} cannot be read: {error}.") from None
        found += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return frozenset(found)


def key_refusal(headers: Mapping[str, str], keys: frozenset[str]) -> Refusal | None:
    """None when no keys are configured or the request carries one of them (as
    `Authorization: Bearer KEY` or `X-API-Key: KEY`); else 401 for no key, 403 for a wrong one."""
    if not keys:
        return None
    sent = headers.get("x-api-key", "").strip()
    auth = headers.get("authorization", "")
    if not sent and auth[:7].lower() == "bearer ":
        sent = auth[7:].strip()
    if not sent:
        return Refusal(401, "This API needs a key: send it as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'.",
                       (("www-authenticate", "Bearer"),))
    if not any(hmac.compare_digest(sent.encode(), key.encode()) for key in keys):
        return Refusal(403, "The API key is not valid.")
    return None


def rate_refusal(wait: int) -> Refusal:
    return Refusal(429, f"Too many questions from this address; try again in {wait} seconds.",
                   (("retry-after", str(wait)),))


class RequestLimits:
    """ASGI middleware: API keys for `keyed` paths, the question rate limit for `limited` paths,
    the feedback rate limit for `feedback` paths (POSTs only)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        questions: RateLimiter,
        feedback: RateLimiter,
        keys: frozenset[str],
        trust_proxy: bool,
        limited: frozenset[str],
        feedback_paths: frozenset[str],
        keyed_prefix: str = "/api/v1/",
        open_paths: frozenset[str] = frozenset({"/api/v1/health"}),
    ):
        self.app, self.questions, self.feedback, self.keys = app, questions, feedback, keys
        self.trust_proxy, self.limited, self.feedback_paths = trust_proxy, limited, feedback_paths
        self.keyed_prefix, self.open_paths = keyed_prefix, open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("OPTIONS", "HEAD"):
            await self.app(scope, receive, send)
            return
        path = route_path(scope)
        refusal = None
        if path.startswith(self.keyed_prefix) and path not in self.open_paths:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            refusal = key_refusal(headers, self.keys)
        if refusal is None and scope["method"] == "POST" and (path in self.limited or path in self.feedback_paths):
            limiter = self.questions if path in self.limited else self.feedback
            wait = limiter.check(scope_client(scope, trust_proxy=self.trust_proxy))
            refusal = rate_refusal(wait) if wait else None
        if refusal is None:
            await self.app(scope, receive, send)
            return
        payload = json.dumps({"detail": refusal.detail}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        headers += [(k.encode(), v.encode()) for k, v in refusal.headers]
        await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})
