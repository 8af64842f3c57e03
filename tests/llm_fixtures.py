"""A scripted OpenAI-compatible language model on loopback, for the generator's tests.

Each test gives a script: a function of the chat messages NewsQA sent that returns the reply
text, or a `Reply` for a fault (an HTTP status, raw bytes that are not a completion, a delay).
The passages NewsQA numbered for the model are read back from its prompt, so a script can quote
them, alter them or cite one that does not exist.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    status: int = 200
    content: str | None = None
    raw: bytes | None = None  # sent as the body instead of a completion
    delay: float = 0.0


@dataclass(frozen=True)
class Shown:
    """A passage as the model saw it."""

    number: int
    title: str
    date: str
    text: str


_PASSAGE = re.compile(r"\[(\d+)\] (?:标题|Title)：(.*?)｜(?:日期|Date)：(.*?)\n(.*?)(?=\n\n\[\d+\] (?:标题|Title)：|\n\n(?:问题|Question)：)", re.S)


def shown_passages(messages: list[dict]) -> list[Shown]:
    last = messages[-1]["content"]
    return [Shown(int(n), title, date, text) for n, title, date, text in _PASSAGE.findall(last)]


def passage_with(messages: list[dict], needle: str) -> Shown:
    for p in shown_passages(messages):
        if needle in p.text:
            return p
    raise AssertionError(f"no passage given to the model holds {needle!r}")


Script = Callable[[list[dict]], "str | Reply"]


class ScriptedModel:
    """`url` is the base to give `--llm-url`; `requests` holds every request body and headers."""

    def __init__(self, script: Script):
        self.script = script
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        model = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                model.requests.append(body)
                model.headers.append(dict(self.headers))
                if self.path != "/v1/chat/completions":
                    self._send(404, b'{"error": "not found"}')
                    return
                reply = model.script(body["messages"])
                if isinstance(reply, str):
                    reply = Reply(content=reply)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.raw is not None:
                    self._send(reply.status, reply.raw)
                    return
                completion = {"id": "cmpl-test", "object": "chat.completion", "created": 0, "model": body.get("model"),
                              "choices": [{"index": 0, "finish_reason": "stop",
                                           "message": {"role": "assistant", "content": reply.content}}]}
                self._send(reply.status, json.dumps(completion, ensure_ascii=False).encode())

            def _send(self, status: int, payload: bytes):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    @property
    def last_messages(self) -> list[dict]:
        return self.requests[-1]["messages"]


@contextmanager
def scripted_model(script: Script):
    model = ScriptedModel(script)
    thread = threading.Thread(target=model.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield model
    finally:
        model.server.shutdown()
        model.server.server_close()
        thread.join(5)
