"""Qdrant failing: unreachable (a closed loopback port), a wrong API key and a server that never
answers (small loopback HTTP servers written here), a collection of another model or dimension,
and a server that comes back. Each is one sentence: CLI exit 1, HTTP 503 with Retry-After; the
web server recovers on its own. Also: export from the embedded index without re-embedding."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from backend_suite import PAGE_A, PAGE_B, CountingEncoder, write_pages
from fastapi.testclient import TestClient

from index.backends import BackendConfig, backend_for, write_config
from index.embedding import HashingEncoder
from index.errors import BackendUnavailableError, IndexIncompatibleError
from index.pipeline import build_index


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


class _Server:
    """A loopback HTTP server that answers every request with `status`, or never (`hang`)."""

    def __init__(self, *, status: int = 401, hang: float = 0.0):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                if outer.hang:
                    time.sleep(outer.hang)
                body = json.dumps({"status": {"error": "Unauthorized"}}).encode()
                try:
                    self.send_response(outer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.status, self.hang = status, hang
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def pages(tmp_path):
    return write_pages(tmp_path / "pages", {"a.txt": PAGE_A, "b.txt": PAGE_B})


def _one_sentence(text: str) -> None:
    assert text.strip().count("\n") == 0 and "Traceback" not in text and text.strip().endswith(".")


def test_unreachable_server_is_one_sentence_and_exit_1(newsqa, pages, tmp_path):
    url = f"http://127.0.0.1:{closed_port()}"

    code, out, err = newsqa("index", pages, "--model", "hashing", "--backend", "qdrant", "--qdrant-url", url,
                            "--index-dir", tmp_path / "index")

    assert code == 1 and err.startswith("error: Qdrant at http://127.0.0.1:") and "cannot be reached" in err
    _one_sentence(err)
    assert not (tmp_path / "index" / "backend.json").exists()


def test_wrong_api_key_is_one_sentence(newsqa, pages, tmp_path, monkeypatch):
    server = _Server(status=401)
    monkeypatch.setenv("NEWSQA_QDRANT_API_KEY", "wrong")
    try:
        code, _, err = newsqa("index", pages, "--model", "hashing", "--backend", "qdrant", "--qdrant-url", server.url,
                              "--index-dir", tmp_path / "index")
    finally:
        server.close()

    assert code == 1 and "refused the API key (HTTP 401)" in err and "NEWSQA_QDRANT_API_KEY" in err
    _one_sentence(err)


def test_a_server_that_does_not_answer_times_out_in_one_sentence(newsqa, tmp_path, monkeypatch):
    server = _Server(hang=5)
    monkeypatch.setenv("NEWSQA_QDRANT_TIMEOUT", "1")
    write_config(tmp_path / "index", BackendConfig(backend="qdrant", url=server.url, collection="c", model="hashing-64"))
    try:
        code, _, err = newsqa("search", "开发区", "--index-dir", tmp_path / "index")
    finally:
        server.close()

    assert code == 1 and "did not answer within 1 s" in err
    _one_sentence(err)


def _qdrant(tmp_path, name="c") -> BackendConfig:
    return BackendConfig(backend="qdrant", path=str(tmp_path / "qdrant"), collection=name)


def test_a_collection_of_another_model_or_dimension_is_refused(pages, tmp_path):
    config = _qdrant(tmp_path)
    build_index([pages], index_dir=tmp_path / "index", encoder=HashingEncoder(64), progress=False, config=config)

    with pytest.raises(IndexIncompatibleError, match="holds vectors of hashing-64 \\(64 dimensions\\), not of hashing-32"):
        build_index([pages], index_dir=tmp_path / "index", encoder=HashingEncoder(32), progress=False, config=config)
    archive = backend_for(tmp_path / "index").open(encoder=HashingEncoder(32))
    with pytest.raises(IndexIncompatibleError, match="built with the embedding model hashing-64"):
        archive.retriever.search("开发区")
    archive.retriever.backend.close()


def test_the_web_server_answers_503_while_qdrant_is_away_and_recovers_by_itself(pages, tmp_path):
    from ui.app import create_app
    from ui.config import ServerConfig
    from ui.service import NewsService

    build_index([pages], index_dir=tmp_path / "index", encoder=HashingEncoder(), progress=False,
                config=_qdrant(tmp_path))
    service = NewsService(archive=backend_for(tmp_path / "index").open(encoder=HashingEncoder()))
    client = TestClient(create_app(service=service, config=ServerConfig(examples=())))
    # another process holding the local-mode folder stands for a server that is down
    from qdrant_client import QdrantClient

    service.archive.retriever.backend.close()
    holder = QdrantClient(path=str(tmp_path / "qdrant"))
    try:
        down = client.post("/api/v1/search", json={"question": "专项债券"})
        health = client.get("/api/v1/health")
    finally:
        holder.close()
    up = client.post("/api/v1/search", json={"question": "专项债券"})
    healthy = client.get("/api/v1/health")

    assert down.status_code == 503 and down.headers["Retry-After"] == "10"
    assert "in use by another process" in down.json()["detail"]
    assert health.status_code == 503
    assert health.json()["backend"] == {"name": "qdrant", "state": "unavailable", "detail": down.json()["detail"]}
    assert up.status_code == 200 and up.json()["hits"][0]["source"] == "b.txt"
    assert healthy.status_code == 200 and healthy.json()["backend"] == {"name": "qdrant", "state": "ok"}
    assert healthy.json()["counts"]["sources"] == 2
    service.archive.retriever.backend.close()


def test_folder_records_the_backend_so_other_commands_need_only_the_folder(newsqa, pages, tmp_path):
    index_dir = tmp_path / "index"
    code, out, _ = newsqa("index", pages, "--model", "hashing", "--backend", "qdrant", "--qdrant-path",
                          tmp_path / "qdrant", "--collection", "news", "--index-dir", index_dir)
    assert code == 0 and "collection news" in out
    recorded = json.loads((index_dir / "backend.json").read_text(encoding="utf-8"))
    assert recorded == {"backend": "qdrant", "path": str((tmp_path / "qdrant").resolve()), "collection": "news",
                        "model": "hashing-64"}

    code, out, _ = newsqa("search", "专项债券", "--index-dir", index_dir, "--json")
    assert code == 0 and json.loads(out)["hits"][0]["source"] == "b.txt"
    code, out, _ = newsqa("articles", "--index-dir", index_dir)
    assert code == 0 and len(out.splitlines()) == 3
    code, out, _ = newsqa("index", pages, "--index-dir", index_dir)  # no backend options: the folder says
    assert code == 0 and "Nothing changed" in out
    code, _, err = newsqa("index", pages, "--backend", "local", "--index-dir", index_dir)
    assert code == 1 and "uses Qdrant" in err


def test_export_moves_an_embedded_index_into_qdrant_without_embedding(newsqa, pages, tmp_path, monkeypatch):
    encoder = CountingEncoder()
    build_index([pages], index_dir=tmp_path / "index", encoder=encoder, progress=False)
    local = backend_for(tmp_path / "index").open(encoder=HashingEncoder())
    monkeypatch.setattr(CountingEncoder, "encode_passages", lambda *a, **k: pytest.fail("export embedded a passage"))

    code, out, err = newsqa("export", "--to", "qdrant", "--qdrant-path", tmp_path / "qdrant",
                            "--index-dir", tmp_path / "index", "--into", tmp_path / "moved")

    assert code == 0, err
    assert "vectors reused" in out
    moved = backend_for(tmp_path / "moved").open(encoder=HashingEncoder())
    assert list(moved.articles.all_articles()) == list(local.articles.all_articles())
    assert list(moved.articles.all_chunks()) == list(local.articles.all_chunks())
    for question in ("专项债券", "开发区安全生产检查", "重点项目推进会"):
        expected = local.retriever.search(question, k=5)
        got = moved.retriever.search(question, k=5)
        assert [(h.chunk.id, h.score, h.dense_score, h.scores) for h in got] == \
               [(h.chunk.id, h.score, h.dense_score, h.scores) for h in expected]
    moved.retriever.backend.close()


def test_a_qdrant_build_that_fails_mid_write_is_retried_without_embedding_again(pages, tmp_path, monkeypatch):
    from index.backends.qdrant import QdrantBackend

    config = _qdrant(tmp_path)
    calls = {"n": 0}
    real = QdrantBackend._upsert

    def flaky(self, points):
        calls["n"] += 1
        if calls["n"] == 3:
            raise BackendUnavailableError("Qdrant at x cannot be reached (refused); check that it runs and try again.")
        return real(self, points)

    monkeypatch.setattr(QdrantBackend, "_upsert", flaky)
    with pytest.raises(BackendUnavailableError):
        build_index([pages], index_dir=tmp_path / "index", encoder=CountingEncoder(), progress=False, config=config)
    monkeypatch.setattr(QdrantBackend, "_upsert", real)
    retry = CountingEncoder()
    report = build_index([pages], index_dir=tmp_path / "index", encoder=retry, progress=False, config=config)

    assert report.added == ["a.txt", "b.txt"] and retry.encoded == []
    archive = backend_for(tmp_path / "index").open(encoder=HashingEncoder())
    assert archive.info().sources == 2
    archive.retriever.backend.close()
