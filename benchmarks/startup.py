"""Start-up: from `newsqa serve` to the first answer, and what that time is made of.

    python benchmarks/startup.py [--repeats 2]

1. End to end: an index of the bundled pages is built once; then `newsqa serve` is started as a
   new process and `POST /api/v1/ask` is polled until the first answer arrives. Reported:
   seconds to the port answering and to the first answer (best and median of `--repeats`).
2. Breakdown: a fresh Python process performs the same steps one at a time and times each —
   importing the web stack (gradio, FastAPI, uvicorn), importing the encoder's runtime (ONNX
   Runtime + tokenizers for the default int8 model; torch is not imported at all, which the
   breakdown checks), loading the embedding model, loading the index (manifest, chunks, vectors, FAISS, BM25),
   loading jieba's dictionary, and answering the first question.
Each step's share of the breakdown's total says what dominates.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import save_results, show

QUESTION = "开发区划分了多少个微网格？"
TIMEOUT_S = 600

# Run in a fresh interpreter: every import is paid here, as `newsqa serve` pays it.
BREAKDOWN = r"""
import json, sys, time
marks = {}
def step(name, fn):
    start = time.perf_counter(); value = fn(); marks[name] = time.perf_counter() - start; return value
step("import web stack (gradio, fastapi, uvicorn)", lambda: (__import__("gradio"), __import__("fastapi"), __import__("uvicorn")))
step("import encoder runtime (onnxruntime + tokenizers)", lambda: (__import__("onnxruntime"), __import__("tokenizers")))
from index.embedding import load_encoder
from index.store import IndexStore
store = step("load index (records, vectors, FAISS, BM25)",
             lambda: [s := IndexStore.load(sys.argv[1]), s.vectors, [g.dense for g in s.segments], s.keyword_parts(), s.keyword_length][0])
encoder = step("load embedding model", lambda: load_encoder(store.model))
from index.tokenize import tokenize
step("load jieba dictionary (first tokenize)", lambda: tokenize("开发区"))
from index.retrieval import HybridRetriever, archive_of
from qa import answer
archive = archive_of(HybridRetriever(store, encoder=encoder))
step("first answer (imports of qa + encode + search + compose)", lambda: answer(sys.argv[2], archive=archive))
step("second answer (warm)", lambda: answer(sys.argv[2], archive=archive))
marks["torch imported"] = "torch" in sys.modules
print(json.dumps(marks))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(port: int) -> dict | None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/ask", data=json.dumps({"question": QUESTION}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def serve_to_first_answer(index_dir: Path) -> dict[str, float]:
    port = free_port()
    start = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--index-dir", str(index_dir), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        listening = None
        while time.perf_counter() - start < TIMEOUT_S:
            if server.poll() is not None:
                raise SystemExit(f"`newsqa serve` exited with code {server.returncode}")
            if port_open(port):
                listening = time.perf_counter() - start
                if ask(port) is not None:
                    return {"listening_s": listening, "first_answer_s": time.perf_counter() - start}
            time.sleep(0.2)
        raise SystemExit("`newsqa serve` gave no answer in time")
    finally:
        server.terminate()
        server.wait(timeout=30)


def breakdown(index_dir: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", BREAKDOWN, str(index_dir), QUESTION], check=True,
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    from index.paths import BUNDLED_CORPUS
    from index.pipeline import build_index

    with tempfile.TemporaryDirectory() as scratch:
        index_dir = Path(scratch) / "index"
        build_index([BUNDLED_CORPUS], index_dir=index_dir, progress=False)
        runs = [serve_to_first_answer(index_dir) for _ in range(args.repeats)]
        steps = breakdown(index_dir)
    torch_imported = steps.pop("torch imported")
    first = [r["first_answer_s"] for r in runs]
    total = sum(v for k, v in steps.items() if not k.startswith("second"))
    figures = {
        "serve_to_first_answer_s": {"best": round(min(first), 2), "median": round(statistics.median(first), 2)},
        "serve_to_listening_s": {"best": round(min(r["listening_s"] for r in runs), 2)},
        "breakdown_s": {k: round(v, 3) for k, v in steps.items()},
        "breakdown_share": {k: round(v / total, 3) for k, v in steps.items() if not k.startswith("second")},
        "dominant_step": max((k for k in steps if not k.startswith("second")), key=steps.get),
        "torch_imported": torch_imported,
    }
    print("Start-up of `newsqa serve` (bundled pages index)")
    show("serve -> first answer (best / median)", f"{figures['serve_to_first_answer_s']['best']} s / "
         f"{figures['serve_to_first_answer_s']['median']} s")
    show("serve -> port listening (best)", f"{figures['serve_to_listening_s']['best']} s")
    for name, seconds in figures["breakdown_s"].items():
        share = figures["breakdown_share"].get(name)
        show(name, f"{seconds:.2f} s" + (f"  ({share:.0%})" if share is not None else ""))
    show("torch imported by serving", torch_imported)
    save_results("startup", figures)
    show("saved", "results/startup.json")


if __name__ == "__main__":
    sys.exit(main())
