"""Load benchmark: the web server under concurrent API and chat clients.

    python benchmarks/load.py [--seconds 60] [--warmup 60] [--clients 6] [--index-dir DIR]
                              [--growth-mb 64] [--concurrency 2]

Starts `newsqa serve` on 127.0.0.1 over the bundled corpus indexed with the real model (built
into a temporary folder unless --index-dir names an index), then drives it from `--clients`
threads, each with its own HTTP connection, for a bounded time: POST /api/v1/ask,
POST /api/v1/search and the chat through Gradio's queue API (POST /gradio_api/call/chat, then
its event stream until the answer is complete). One request in ten is a question the server
must refuse (empty, punctuation only, too long); its 4xx is the expected outcome.

The load runs `--warmup` seconds first, so caches fill, the allocator settles and the chat's
session store reaches its cap (`newsqa serve --chat-sessions`, 500; one session per chat call
here); the server's RSS is read after that and again after the timed run. The server must serve every request
without an error, and its RSS must not grow by more than `--growth-mb`. Prints a Markdown table
(for the README) and exits 1 if either condition failed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "开发区有多少个重点项目开工了?",
    "示范区什么时候召开专项债券项目谋划工作推进会?",
    "开发区的税收收入同比增长了多少?",
    "为窨井安装防坠网是哪个部门做的?",
    "周口经济开发区获得过哪些荣誉称号?",
    "How many key projects started construction in the development zone?",
    "莲花幼儿园举办了什么活动?",
    "网格化管理是怎么做的?",
    "那示范区呢?",
]
#: questions the server must refuse with a 4xx (the chat answers them with a message instead)
REFUSED = ["", "？？？", "问" * 600]
KINDS = ("ask", "search", "chat")
TIMEOUT = httpx.Timeout(180.0, connect=10.0)


@dataclass
class Tally:
    """Latencies of the requests that went as expected, and what went wrong otherwise."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies[kind].append(seconds)
            else:
                self.errors[kind].append(error)


# --- one request of each kind ------------------------------------------------------------------


def api_request(client: httpx.Client, route: str, question: str) -> str | None:
    """None when the server did what it should, else what went wrong."""
    response = client.post(f"/api/v1/{route}", json={"question": question})
    refused = question in REFUSED
    if refused and 400 <= response.status_code < 500 and isinstance(response.json().get("detail"), str):
        return None
    if not refused and response.status_code == 200:
        body = response.json()
        return None if ("found" in body if route == "ask" else "hits" in body) else f"{route}: odd body"
    return f"{route}: HTTP {response.status_code} for {question[:20]!r}"


def chat_request(client: httpx.Client, question: str) -> str | None:
    """The chat as a browser-less client drives it: join the queue, read the stream to the end."""
    response = client.post("/gradio_api/call/chat", json={"data": [question, "", "", []]})
    if response.status_code != 200:
        return f"chat: HTTP {response.status_code} joining the queue"
    event_id = response.json()["event_id"]
    event = None
    with client.stream("GET", f"/gradio_api/call/chat/{event_id}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.removeprefix("event:").strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                break
    if event != "complete":
        return f"chat: stream ended with {event!r}"
    return None


def client_loop(base_url: str, tally: Tally, *, until: float, offset: int, kinds: tuple[str, ...]) -> None:
    kinds = itertools.cycle(kinds[offset % len(kinds) :] + kinds[: offset % len(kinds)])  # clients start apart
    questions = itertools.cycle(QUESTIONS[offset % len(QUESTIONS) :] + QUESTIONS[: offset % len(QUESTIONS)])
    with httpx.Client(base_url=base_url, timeout=TIMEOUT) as client:
        for n in itertools.count():
            if time.monotonic() >= until:
                return
            kind = next(kinds)
            question = REFUSED[n % len(REFUSED)] if n % 10 == 9 and kind != "chat" else next(questions)
            started = time.perf_counter()
            try:
                error = chat_request(client, question) if kind == "chat" else api_request(client, kind, question)
            except (httpx.HTTPError, ValueError, KeyError) as failure:
                error = f"{kind}: {type(failure).__name__}: {failure}"
            tally.record(kind, time.perf_counter() - started, error)


def run_load(base_url: str, *, clients: int, seconds: float, kinds: tuple[str, ...] = KINDS) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=client_loop, args=(base_url, tally),
                                kwargs={"until": until, "offset": i, "kinds": kinds})
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


# --- the server ---------------------------------------------------------------------------------


def build_index(index_dir: Path) -> None:
    print(f"indexing the bundled corpus with the default model into {index_dir} …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "ui.cli", "index", "--index-dir", str(index_dir)], cwd=ROOT, check=True)


def start_server(index_dir: Path, *, port: int, concurrency: int) -> subprocess.Popen:
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "ui.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--index-dir", str(index_dir), "--concurrency", str(concurrency)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_until_up(base_url: str, server: subprocess.Popen, *, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {server.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not come up in time")


def rss_mb(pid: int) -> float:
    """Resident set size of the process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not found")


def sample_rss(pid: int, *, every: float, stop: threading.Event) -> list[float]:
    """RSS readings every `every` seconds until `stop` is set (in a thread), to show the trend."""
    samples: list[float] = []

    def sample() -> None:
        while not stop.wait(every):
            samples.append(rss_mb(pid))

    threading.Thread(target=sample, daemon=True).start()
    return samples


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- report -------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def table(tally: Tally, *, seconds: float) -> str:
    labels = {"ask": "POST /api/v1/ask", "search": "POST /api/v1/search", "chat": "chat (Gradio queue API)"}
    rows = ["| endpoint | served | errors | req/s | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|---:|---:|"]
    everything: list[float] = []
    for kind in KINDS:
        served, errors = tally.latencies[kind], tally.errors[kind]
        if not served and not errors:
            continue
        everything += served
        rows.append(_row(labels[kind], served, len(errors), seconds))
    rows.append(_row("**all**", everything, sum(map(len, tally.errors.values())), seconds))
    return "\n".join(rows)


def _row(label: str, served: list[float], errors: int, seconds: float) -> str:
    ms = [1000 * v for v in served]
    return (f"| {label} | {len(served)} | {errors} | {len(served) / seconds:.2f} | {percentile(ms, 0.50):.0f} "
            f"| {percentile(ms, 0.95):.0f} | {percentile(ms, 0.99):.0f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the measured run")
    parser.add_argument("--warmup", type=float, default=60.0, help="load before the first RSS reading")
    parser.add_argument("--clients", type=int, default=6, help="concurrent client threads")
    parser.add_argument("--concurrency", type=int, default=2, help="the server's answering slots")
    parser.add_argument("--index-dir", type=Path, help="an index built with the real model (default: build one)")
    parser.add_argument("--growth-mb", type=float, default=64.0, help="largest RSS growth that passes")
    parser.add_argument("--kinds", default=",".join(KINDS), help="which requests to send (ask,search,chat)")
    args = parser.parse_args()
    kinds = tuple(kind for kind in KINDS if kind in args.kinds.split(","))

    with tempfile.TemporaryDirectory(prefix="newsqa-load-") as scratch:
        index_dir = args.index_dir or Path(scratch) / "index"
        if args.index_dir is None:
            build_index(index_dir)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = start_server(index_dir, port=port, concurrency=args.concurrency)
        try:
            wait_until_up(base_url, server)
            started = rss_mb(server.pid)
            run_load(base_url, clients=args.clients, seconds=args.warmup, kinds=kinds)
            before = rss_mb(server.pid)
            stop = threading.Event()
            trend = sample_rss(server.pid, every=args.seconds / 6, stop=stop)
            tally = run_load(base_url, clients=args.clients, seconds=args.seconds, kinds=kinds)
            stop.set()
            after = rss_mb(server.pid)
            health = httpx.get(f"{base_url}/api/v1/health", timeout=30).json()
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()

    errors = sum(map(len, tally.errors.values()))
    growth = after - before
    held = growth <= args.growth_mb
    print(f"### Load: {args.clients} concurrent clients for {args.seconds:.0f} s "
          f"(after {args.warmup:.0f} s warm-up), server concurrency {args.concurrency}, "
          f"{os.cpu_count()} cores, model {health.get('model')}, {health['counts']['chunks']} chunks\n")
    print(table(tally, seconds=args.seconds))
    print(f"\nServer RSS: {started:.0f} MB at start, {before:.0f} MB after warm-up, {after:.0f} MB after the run "
          f"(growth {growth:+.1f} MB; bound {args.growth_mb:.0f} MB: {'held' if held else 'EXCEEDED'}); "
          f"during the run: {', '.join(f'{v:.0f}' for v in trend)} MB.")
    print(f"Errors: {errors}." + ("" if not errors else " First ones: " + json.dumps(
        [e for kind in KINDS for e in tally.errors[kind]][:5], ensure_ascii=False)))
    return 0 if held and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
