"""Killing `newsqa index` at any moment, and serving while the index is rebuilt.

The kill test runs the real command as a subprocess (HashingEncoder, `--model hashing`) over
20 pages that all changed since the live index was built, and SIGKILLs it at several moments:
early in start-up, while it reads and parses, while it writes the new generation's folder and
right after that folder is renamed into place. After every kill the index must load and be
exactly the previous generation, byte for byte — or, if the kill came after the switch, the
complete new one. The next build must then succeed and clean up what the killed one left.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index.embedding import HashingEncoder
from index.paths import BUNDLED_CORPUS
from index.reader import iter_corpus_files
from index.pipeline import build_index
from index.store import CURRENT, IndexStore, current_generation, segment_folders

ROOT = Path(__file__).resolve().parent.parent
COPIES = 4  # 4 × 5 bundled pages: a build that takes a few seconds


def write_corpus(folder: Path, tag: str, *, copies: int = COPIES) -> Path:
    """The bundled pages `copies` times, file names starting with `tag` and every long
    paragraph marked with it, so two corpora share no passage (every page is re-processed)."""
    folder.mkdir(parents=True, exist_ok=True)
    for page in iter_corpus_files([BUNDLED_CORPUS]):
        lines = page.read_text(encoding="utf-8").split("\n")
        for n in range(copies):
            marked = "\n".join(f"{line}（{tag}{n}）" if len(line) > 30 else line for line in lines)
            (folder / f"{tag}{n:02d}_{page.name}").write_text(marked, encoding="utf-8")
    return folder


def snapshot(index_dir: Path) -> dict:
    """CURRENT and the sha256 of every file of the generation it names and of its segments."""
    generation = current_generation(index_dir)
    files = {p.relative_to(index_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for folder in [generation, *segment_folders(generation)] for p in sorted(folder.rglob("*")) if p.is_file()}
    return {"current": generation.name, "files": files}


def search_ids(index_dir: Path) -> list[str]:
    from index.retrieval import open_retriever

    retriever = open_retriever(index_dir, encoder=HashingEncoder())
    return [hit.chunk.id for hit in retriever.search("开发区重点项目开工", k=5)]


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    """A live index over corpus A, its snapshot and search results; corpus B to rebuild with."""
    root = tmp_path_factory.mktemp("kill")
    index_dir = root / "index"
    report = build_index([write_corpus(root / "a", "a")], index_dir=index_dir, encoder=HashingEncoder(), progress=False)
    assert not report.errors and report.chunks > 300
    return {"root": root, "index": index_dir, "snapshot": snapshot(index_dir),
            "ids": search_ids(index_dir), "corpus_b": write_corpus(root / "b", "b")}


def start_build(corpus: Path, index_dir: Path, home: Path) -> subprocess.Popen:
    env = {**os.environ, "NEWSQA_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "index", str(corpus), "--index-dir", str(index_dir), "--model", "hashing"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def wait_until(process: subprocess.Popen, condition, *, timeout: float = 60.0) -> None:
    """Poll `condition` every millisecond until it holds or the process ends."""
    deadline = time.monotonic() + timeout
    while not condition() and process.poll() is None:
        assert time.monotonic() < deadline, "the build never reached the point to kill it at"
        time.sleep(0.001)


def staging_exists(index_dir: Path) -> bool:
    return any(entry.name.startswith((".tmp-gen-", ".tmp-seg-")) for entry in os.scandir(index_dir))


def new_generation_exists(index_dir: Path, old: str) -> bool:
    return any(e.name.startswith("gen-") and e.name != old for e in os.scandir(index_dir))


KILL_POINTS = {
    "starting": lambda p, d, old: time.sleep(0.3),
    "reading-1s": lambda p, d, old: time.sleep(1.0),
    "parsing-2.5s": lambda p, d, old: time.sleep(2.5),
    "writing-folder": lambda p, d, old: wait_until(p, lambda: staging_exists(d)),
    "after-rename": lambda p, d, old: wait_until(p, lambda: new_generation_exists(d, old)),
}


def test_sigkill_at_any_moment_leaves_the_previous_index_whole(before, tmp_path):
    old = before["snapshot"]
    outcomes = {}
    for label, wait in KILL_POINTS.items():
        index_dir = tmp_path / label
        shutil.copytree(before["index"], index_dir)
        process = start_build(before["corpus_b"], index_dir, tmp_path / "home")
        try:
            wait(process, index_dir, old["current"])
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        killed = process.returncode == -signal.SIGKILL
        now = snapshot(index_dir)
        if now["current"] == old["current"]:
            assert now == old, f"killed while {label}: the live generation changed"
            assert search_ids(index_dir) == before["ids"]
            outcomes[label] = "old" if killed else "old (finished?)"
        else:  # killed after the pointer switch: the new generation must be complete
            store = IndexStore.load(index_dir)
            assert set(store.manifest["files"]) == {p.name for p in before["corpus_b"].iterdir()}
            assert len(store.chunks) == store.manifest["counts"]["chunks"] == store.vectors.shape[0]
            outcomes[label] = "new"
        assert killed or process.returncode == 0, process.stderr.read().decode()
    # most kills must land mid-build, else this test would prove nothing
    assert sum(v == "old" for v in outcomes.values()) >= 3, outcomes

    # the next build over one killed while it held the lock succeeds (a killed process's flock
    # is released by the kernel), and nothing half-written is left behind
    index_dir = tmp_path / "writing-folder"
    report = build_index([before["corpus_b"]], index_dir=index_dir, encoder=HashingEncoder(), progress=False)
    assert not report.errors and report.chunks > 300
    assert not [e.name for e in index_dir.iterdir() if e.name.startswith(".tmp-")]
    assert (index_dir / CURRENT).read_text(encoding="utf-8").strip() != old["current"]


# --- serving while the index is rebuilt ---------------------------------------------------------


def test_server_answers_from_the_old_index_during_a_rebuild_then_switches(before, tmp_path):
    from ui.app import create_app
    from ui.config import ServerConfig
    from ui.service import open_service

    index_dir = tmp_path / "index"
    shutil.copytree(before["index"], index_dir)
    service = open_service(index_dir, concurrency=2)
    # one test client asks over a thousand questions: the per-client rate limit is not under test
    client = TestClient(create_app(service=service, config=ServerConfig(examples=(), rate_limit=100_000)))
    old_generation = before["snapshot"]["current"]
    assert client.get("/api/v1/health").json()["index"]["generation"] == old_generation

    seen, failures, stop = [], [], threading.Event()

    def keep_asking():
        while not stop.is_set():
            response = client.post("/api/v1/search", json={"question": "开发区重点项目", "k": 3})
            if response.status_code != 200:
                failures.append(response.text)
                continue
            seen.append({hit["source"][0] for hit in response.json()["hits"]})  # "a" or "b": which corpus

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        report = build_index([before["corpus_b"]], index_dir=index_dir, encoder=HashingEncoder(), progress=False)
        assert report.written
        new_generation = current_generation(index_dir).name
        deadline = time.monotonic() + 20
        while client.get("/api/v1/health").json()["index"]["generation"] != new_generation:
            assert time.monotonic() < deadline, "the server never switched to the rebuilt index"
            time.sleep(0.1)
        time.sleep(0.3)  # a few more requests against the new generation
    finally:
        stop.set()
        asker.join(30)

    assert failures == []
    assert len(seen) >= 3
    assert seen[0] == {"a"}  # corpus A before the switch
    assert seen[-1] == {"b"}  # corpus B after it
    assert all(len(corpora) == 1 for corpora in seen), "one answer mixed both generations"
    answer = client.post("/api/v1/ask", json={"question": "开发区有多少个重点项目开工了?"}).json()
    assert answer["citations"] and all(c["source"].startswith("b") for c in answer["citations"])


def test_server_keeps_the_old_index_when_the_new_one_is_damaged(before, tmp_path, caplog):
    from ui.service import Query, open_service

    index_dir = tmp_path / "index"
    shutil.copytree(before["index"], index_dir)
    service = open_service(index_dir, concurrency=2)
    service._follower.check_seconds = 0  # check on every request
    build_index([before["corpus_b"]], index_dir=index_dir, encoder=HashingEncoder(), progress=False)
    new = current_generation(index_dir)
    (segment_folders(new)[-1] / "vectors.npy").write_bytes(b"\x93NUMPY garbage")

    service.archive  # noqa: B018 — sees the new pointer and tries to load it
    service._follower.wait(30)
    assert service.health()["index"]["generation"] == before["snapshot"]["current"]
    assert "was not loaded" in caplog.text and "damaged" in caplog.text
    assert service.search(Query(question="开发区重点项目"))  # still answering
