"""Helpers for the web tests: a small corpus with a hostile page, a server in a thread, Chromium.

The hostile page carries markup in its headline and body; any test that shows it must see the
markup as literal text and `window.__pwned` must stay undefined.
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from index.paths import BUNDLED_CORPUS
from index.reader import iter_corpus_files
from index.records import ArticleDate, Precision
from qa.records import Answer, Citation

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

SCRIPT_PAYLOAD = "<script>window.__pwned=1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__pwned=1">'
LINK_PAYLOAD = "[钓鱼链接](javascript:window.__pwned=1)"

HOSTILE_PAGE = f"""网络安全宣传周走进开发区{SCRIPT_PAYLOAD}

本报讯(记者 张明)9月5日,开发区举办网络安全宣传周活动。活动共发放宣传资料3000份,提醒市民警惕{IMG_PAYLOAD}这类恶意代码和{LINK_PAYLOAD}。

周口日报 2022年9月6日 星期二
"""


def small_corpus(directory: Path) -> Path:
    """The first bundled page plus the hostile page."""
    directory.mkdir(parents=True, exist_ok=True)
    first = iter_corpus_files([BUNDLED_CORPUS])[0]
    shutil.copy(first, directory / first.name)
    (directory / "900_security.txt").write_text(HOSTILE_PAGE, encoding="utf-8")
    return directory


def canned_answer(question: str, *, quote: str = "开发区23个省市重点项目已开工20个。", found: bool = True) -> Answer:
    date = ArticleDate(dt.date(2022, 5, 23), Precision.DAY, "dateline")
    citation = Citation(
        id=1, quote=quote, title="防疫情 稳发展", date=date, source="000_page.txt", article_id="000_page#002",
        start=10, end=10 + len(quote), highlight=(10, 13), score=0.5,
    )
    return Answer(question=question, text="已开工20个 [1]", found=found, citations=[citation])


class RecordingAnswerer:
    """Stands in for qa.answer: records each call, answers from `canned_answer` or raises `error`."""

    def __init__(self, *, error: Exception | None = None, gate: threading.Event | None = None):
        self.calls: list[dict] = []
        self.error, self.gate = error, gate

    def __call__(self, question, **options):
        self.calls.append({"question": question, **options})
        if self.gate is not None:
            self.gate.wait(10)
        if self.error is not None:
            raise self.error
        return canned_answer(question)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@contextmanager
def serving(app, *, host: str = "127.0.0.1", port: int | None = None, root_path: str = ""):
    """Run an ASGI app with uvicorn in a thread; yields its base URL."""
    import uvicorn

    port = port or free_port(host)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", root_path=root_path))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def host_site(html: str, *, host: str = "127.0.0.1"):
    """A second origin serving one page, as a newspaper's own site would."""
    body = html.encode("utf-8")

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((host, free_port(host)), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def launch_chromium(playwright):
    """Debian's Chromium; a missing browser is a failure with the fix, never a skip."""
    if not CHROMIUM.exists():
        raise AssertionError(
            f"{CHROMIUM} is missing; install it with `apt-get install -y chromium fonts-noto-cjk` "
            "(the browser tests must run in CI)."
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def prefix_proxy(upstream: str, prefix: str):
    """An ASGI reverse proxy serving `upstream` under `prefix`, stripping it as nginx's
    `location /prefix/ { proxy_pass http://upstream/; proxy_set_header Host $host; }` would;
    responses are streamed, so the chat's event stream passes through."""
    import httpx
    from starlette.responses import PlainTextResponse, StreamingResponse

    client = httpx.AsyncClient(base_url=upstream, timeout=None)
    passed_back = {"content-length", "transfer-encoding", "connection", "content-encoding"}

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        if not (scope["path"] + "/").startswith(prefix + "/"):
            await PlainTextResponse("not under the prefix", status_code=404)(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        url = scope["path"][len(prefix):] or "/"
        if scope["query_string"]:
            url += "?" + scope["query_string"].decode()
        headers = [(k.decode(), v.decode()) for k, v in scope["headers"] if k != b"content-length"]
        response = await client.send(client.build_request(scope["method"], url, headers=headers, content=body), stream=True)
        headers_back = {k: v for k, v in response.headers.items() if k.lower() not in passed_back}
        await StreamingResponse(response.aiter_bytes(), status_code=response.status_code, headers=headers_back)(
            scope, receive, send
        )

    return app
