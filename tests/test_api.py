"""The HTTP API, the widget routes and the security headers, through FastAPI's TestClient.

Most tests stand a recording answerer in for qa.answer so they check the HTTP layer alone;
`real_client` serves a small real index (HashingEncoder) with the real answerer.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from fastapi.testclient import TestClient
from web_fixtures import RecordingAnswerer, small_corpus

from index.interfaces import Archive, IndexInfo
from qa.errors import QuestionError
from ui import service as service_module
from ui.app import create_app
from ui.config import ConfigError, ServerConfig, from_env
from ui.service import NewsService

QUESTION = "开发区有多少个重点项目开工了?"


class OneHitRetriever:
    """A retriever with no real search."""

    def search(self, query, **options):
        return []


def one_hit_archive() -> Archive:
    """An archive with a fixed description and no real search."""
    info = IndexInfo(backend="local", generation="7", model="hashing-64", keyword_only=True, sources=0, articles=0,
                     chunks=0, details={"created": "2024-01-01T00:00:00Z"})
    return Archive(retriever=OneHitRetriever(), describe=lambda: info)


def make_client(answerer=None, **config) -> TestClient:
    service = NewsService(archive=one_hit_archive(), answer_fn=answerer or RecordingAnswerer())
    return TestClient(create_app(service=service, config=ServerConfig(examples=(), **config)), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def plain_client() -> TestClient:
    return make_client()


@pytest.fixture(scope="module")
def real_service(tmp_path_factory):
    from index.embedding import HashingEncoder
    from index.pipeline import build_index
    from index.retrieval import open_archive

    root = tmp_path_factory.mktemp("web-index")
    report = build_index([small_corpus(root / "corpus")], index_dir=root / "index", encoder=HashingEncoder(), progress=False)
    assert not report.errors
    return NewsService(archive=open_archive(root / "index", encoder=HashingEncoder()))


@pytest.fixture(scope="module")
def real_client(real_service):
    return TestClient(create_app(service=real_service, config=ServerConfig(examples=())))


# --- ask / search / health on the real index -------------------------------------------------


def test_ask_returns_what_ask_json_prints(real_client, real_service):
    import qa

    response = real_client.post("/api/v1/ask", json={"question": QUESTION})
    assert response.status_code == 200
    expected = qa.answer(QUESTION, archive=real_service.archive).to_json()
    assert response.json() == expected
    assert set(expected) == {"question", "answer", "found", "confidence", "citations"}
    for citation in expected["citations"]:  # where each date came from, so a client can show an inference as one
        assert citation["date_source"] == real_service.archive.articles.article(citation["article_id"]).date.source


def test_search_returns_hits_within_the_dates(real_client):
    response = real_client.post("/api/v1/search", json={"question": QUESTION, "k": 3, "since": "2022-05", "until": "2022-05"})
    hits = response.json()["hits"]
    assert response.status_code == 200 and 1 <= len(hits) <= 3
    assert all(hit["date"].startswith("2022-05") for hit in hits)
    assert {"chunk_id", "title", "date", "date_source", "source", "text", "score"} <= set(hits[0])
    assert all("inferred" in hit["date_source"] for hit in hits)  # May 2022 is inferred on the bundled page


def test_health_summarises_the_index(real_client, real_service):
    body = real_client.get("/api/v1/health").json()
    store = real_service.archive.retriever.store
    assert body["status"] == "ok"
    assert body["counts"] == {"sources": 2, "articles": len(store.articles), "chunks": len(store.chunks)}
    assert body["model"] == "hashing-64"
    assert body["index"]["generation"] == store.path.name and body["index"]["backend"] == "local"


# --- what reaches the answerer ----------------------------------------------------------------


def test_ask_passes_options_and_history_on():
    answerer = RecordingAnswerer()
    body = {
        "question": "那五月呢?", "k": 3, "since": "2022-05-01", "until": "2022-05",
        "history": [{"question": "开工了几个?", "answer": "20个"}, {"question": "第二问"}],
    }
    assert make_client(answerer).post("/api/v1/ask", json=body).status_code == 200
    call = answerer.calls[0]
    assert call["k"] == 3
    assert (call["since"], call["until"]) == (dt.date(2022, 5, 1), dt.date(2022, 5, 31))
    assert call["history"] == ({"question": "开工了几个?", "answer": "20个"}, {"question": "第二问"})


def test_health_reports_the_archives_own_description():
    body = make_client().get("/api/v1/health").json()
    assert body["index"] == {"generation": "7", "backend": "local", "created": "2024-01-01T00:00:00Z"}
    assert body["keyword_only"] is True


# --- refusals: one sentence each ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "sentence"),
    [
        ({"question": "问" * 501}, 422, "The question is longer than 500 characters; please shorten it."),
        ({"question": ""}, 422, "The question is empty; please type a question."),
        ({}, 422, "The question is empty; please type a question."),
        ({"question": "q", "k": 0}, 422, None),
        ({"question": "q", "since": "五月"}, 400, "'五月' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD."),
        ({"question": "q", "since": "2022-06", "until": "2022-05"}, 400, None),
    ],
)
def test_bad_requests_get_one_sentence(body, status, sentence, plain_client):
    for route in ("/api/v1/ask", "/api/v1/search"):
        response = plain_client.post(route, json=body)
        assert response.status_code == status
        detail = response.json()["detail"]
        assert isinstance(detail, str) and detail.endswith(".") and "\n" not in detail
        if sentence:
            assert detail == sentence


def test_question_refused_by_qa_is_400():
    client = make_client(RecordingAnswerer(error=QuestionError("The question has no words.")))
    response = client.post("/api/v1/ask", json={"question": "???"})
    assert (response.status_code, response.json()) == (400, {"detail": "The question has no words."})


def test_a_bug_is_500_without_a_traceback():
    response = make_client(RecordingAnswerer(error=RuntimeError("secret internals"))).post("/api/v1/ask", json={"question": "q"})
    assert response.status_code == 500
    assert "secret" not in response.text and "Traceback" not in response.text


def test_body_over_64_kb_is_413():
    client = make_client()
    big = b'{"question": "q", "history": [{"question": "' + b"a" * 70_000 + b'"}]}'
    response = client.post("/api/v1/ask", content=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "64 KB" in response.json()["detail"]
    # no Content-Length (chunked upload): held to the same limit
    response = client.post("/api/v1/ask", content=iter([big[:40_000], big[40_000:]]), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_body_just_under_the_limit_is_read():
    history = [{"question": "问", "answer": "答" * 5000}] * 3  # about 45 KB as UTF-8
    assert make_client().post("/api/v1/ask", json={"question": "q", "history": history}).status_code == 200


# --- concurrency ---------------------------------------------------------------------------------


def test_slow_answer_does_not_block_other_requests():
    gate = threading.Event()
    answerer = RecordingAnswerer(gate=gate)
    client = make_client(answerer)
    slow = threading.Thread(target=client.post, args=("/api/v1/ask",), kwargs={"json": {"question": "慢"}})
    slow.start()
    try:
        assert client.get("/api/v1/health").status_code == 200  # answered while "慢" still waits
        assert slow.is_alive()
    finally:
        gate.set()
        slow.join(10)
    assert [c["question"] for c in answerer.calls] == ["慢"]


def test_busy_server_says_so(monkeypatch):
    monkeypatch.setattr(service_module, "WAIT_SECONDS", 0.05)
    gate = threading.Event()
    answerer = RecordingAnswerer(gate=gate)
    service = NewsService(archive=one_hit_archive(), answer_fn=answerer, concurrency=1)
    client = TestClient(create_app(service=service, config=ServerConfig(examples=())))
    first = threading.Thread(target=client.post, args=("/api/v1/ask",), kwargs={"json": {"question": "一"}})
    first.start()
    try:
        while not answerer.calls:  # the first question holds the only slot
            gate.wait(0.01)
        response = client.post("/api/v1/ask", json={"question": "二"})
        assert response.status_code == 503 and "busy" in response.json()["detail"]
    finally:
        gate.set()
        first.join(10)


# --- docs, widget, CORS, framing ----------------------------------------------------------------


def test_openapi_and_docs_are_served_offline():
    client = make_client()
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/ask", "/api/v1/search", "/api/v1/health"} <= set(paths)
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200


def test_widget_and_embed_are_self_contained():
    client = make_client()
    widget = client.get("/widget.js")
    assert widget.status_code == 200 and widget.headers["content-type"].startswith("text/javascript")
    assert "innerHTML" not in widget.text
    embed = client.get("/embed")
    assert embed.status_code == 200
    assert "http" not in embed.text.replace('"http://www.w3.org', "")  # nothing fetched from elsewhere
    assert "innerHTML" not in client.get("/embed.js").text
    assert client.get("/embed.css").headers["content-type"].startswith("text/css")


def test_cors_is_off_by_default():
    response = make_client().post("/api/v1/ask", json={"question": "q"}, headers={"Origin": "https://news.example.org"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_cors_allows_listed_origins_only():
    client = make_client(cors_origins=("https://news.example.org",))
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = client.options("/api/v1/ask", headers={"Origin": "https://news.example.org", **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://news.example.org"
    denied = client.options("/api/v1/ask", headers={"Origin": "https://evil.example.com", **preflight})
    assert "access-control-allow-origin" not in denied.headers
    simple = client.post("/api/v1/ask", json={"question": "q"}, headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in simple.headers


def test_cors_origins_come_from_env_and_options():
    config = from_env(env={"NEWSQA_CORS_ORIGINS": "https://a.example.org, https://b.example.org/"}, cors_origins=("http://localhost:8080",))
    assert config.cors_origins == ("https://a.example.org", "https://b.example.org", "http://localhost:8080")
    with pytest.raises(ConfigError, match="not an origin"):
        from_env(env={"NEWSQA_CORS_ORIGINS": "news.example.org/path"})


@pytest.mark.parametrize(
    ("ancestors", "expected"),
    [
        ((), "frame-ancestors 'self'"),
        (("https://news.example.org",), "frame-ancestors 'self' https://news.example.org"),
        (("*",), "frame-ancestors *"),
    ],
)
def test_frame_ancestors_follow_the_allow_list(ancestors, expected):
    client = make_client(frame_ancestors=ancestors)
    embed_policy = client.get("/embed").headers["content-security-policy"]
    assert embed_policy.endswith(expected)
    assert "script-src 'self'" in embed_policy
    # only /embed is opened to the allowed sites; every other page is framed by the server alone
    assert client.get("/").headers["content-security-policy"] == "frame-ancestors 'self'"
    assert client.get("/docs").headers["content-security-policy"] == "frame-ancestors 'self'"
    assert client.get("/").headers["x-content-type-options"] == "nosniff"
    assert client.get("/").headers["referrer-policy"] == "same-origin"


def test_frame_ancestors_from_env():
    assert from_env(env={"NEWSQA_FRAME_ANCESTORS": "*"}).frame_ancestors == ("*",)


# --- the serve command ------------------------------------------------------------------------------


def test_serve_refuses_without_an_index(tmp_path, capsys):
    from ui.cli import main

    assert main(["serve", "--index-dir", str(tmp_path / "nothing-here")]) == 1
    message = capsys.readouterr().err
    assert message == f"error: There is no index in {tmp_path / 'nothing-here'}; build one first with `newsqa index`.\n"


def test_serve_wires_options_into_the_app(monkeypatch, capsys):
    import uvicorn

    from ui import cli_serve
    from ui.cli import main

    served = {}
    monkeypatch.setattr(cli_serve, "load", lambda index_dir, concurrency: NewsService(archive=one_hit_archive(), answer_fn=RecordingAnswerer(), concurrency=concurrency))
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, **options))
    monkeypatch.setenv("NEWSQA_FRAME_ANCESTORS", "https://a.example.org")
    code = main(["serve", "--port", "9123", "--cors-origin", "https://news.example.org", "--frame-ancestor", "https://b.example.org"])
    assert code == 0 and (served["host"], served["port"]) == ("127.0.0.1", 9123)
    client = TestClient(served["app"])
    allowed = client.post("/api/v1/ask", json={"question": "q"}, headers={"Origin": "https://news.example.org"})
    assert allowed.headers["access-control-allow-origin"] == "https://news.example.org"
    assert client.get("/embed").headers["content-security-policy"].endswith(
        "frame-ancestors 'self' https://a.example.org https://b.example.org"
    )


def test_serve_refuses_a_bad_origin_in_one_line(capsys):
    from ui.cli import main

    assert main(["serve", "--cors-origin", "news.example.org"]) == 1
    message = capsys.readouterr().err
    assert message.startswith("error: ") and "is not an origin" in message and message.count("\n") == 1


# --- behind a reverse proxy ---------------------------------------------------------------------


def test_behind_a_proxy_prefix_the_routes_and_checks_see_their_own_paths():
    # uvicorn --root-path puts the prefix in front of every path, as TestClient(root_path=) does
    app = make_client(root_path="/newsqa").app
    client = TestClient(app, root_path="/newsqa", raise_server_exceptions=False)
    assert client.post("/newsqa/api/v1/ask", json={"question": "q"}).status_code == 200
    assert client.delete("/newsqa/api/v1/ask").status_code == 405  # still read-only elsewhere
    assert client.get("/newsqa/config").json()["root"].endswith("/newsqa")  # the page links under it
    assert "/newsqa/openapi.json" in client.get("/newsqa/docs").text


def test_root_path_from_env_and_option():
    assert from_env(env={"NEWSQA_ROOT_PATH": "/tools/newsqa/"}).root_path == "/tools/newsqa"
    assert from_env(env={"NEWSQA_ROOT_PATH": "/a"}, root_path="/b").root_path == "/b"
    assert from_env(env={}, root_path="/").root_path == "" and from_env(env={}).root_path == ""
    for bad in ("newsqa", "/a b", "/../etc", "https://x.org/newsqa"):
        with pytest.raises(ConfigError, match="is not a path prefix"):
            from_env(env={}, root_path=bad)


def test_serve_passes_the_root_path_to_the_server(monkeypatch, capsys):
    import uvicorn

    from ui import cli_serve
    from ui.cli import main

    served = {}
    monkeypatch.setattr(cli_serve, "load", lambda index_dir, concurrency: NewsService(archive=one_hit_archive(), answer_fn=RecordingAnswerer(), concurrency=concurrency))
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, **options))
    assert main(["serve", "--root-path", "/newsqa/"]) == 0
    assert served["root_path"] == "/newsqa"
    assert "http://127.0.0.1:7860/newsqa/" in capsys.readouterr().err


def test_the_chat_shows_the_archives_own_example_questions(tmp_path):
    from ui.config import archive_examples

    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "newsqa-examples.txt").write_text("# 本报的示例\n河口镇新建了多少座公厕?\n\n全镇有多少个村?\n", encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    files = [str(pages / "a.txt"), str(pages / "b.txt"), str(other / "c.txt")]
    assert archive_examples(files) == ("河口镇新建了多少座公厕?", "全镇有多少个村?")
    assert archive_examples([str(other / "c.txt")]) == ()


def test_the_archives_example_questions_are_not_indexed_as_a_page(tmp_path):
    from index.reader import iter_corpus_files

    (tmp_path / "a.txt").write_text("标题\n\n正文。\n", encoding="utf-8")
    (tmp_path / "newsqa-examples.txt").write_text("问题?\n", encoding="utf-8")
    assert [p.name for p in iter_corpus_files([tmp_path])] == ["a.txt"]
