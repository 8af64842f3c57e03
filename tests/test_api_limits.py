"""Rate limits, API keys and the feedback store over the HTTP API."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from web_fixtures import RecordingAnswerer

from index.interfaces import Archive
from ui.app import create_app
from ui.config import ServerConfig
from ui.feedback import FeedbackStore, eval_draft
from ui.limits import RateLimiter, client_address, load_api_keys
from ui.service import NewsService


class NoRetriever:
    def search(self, query, **options):
        return []


def client(tmp_path, **config) -> TestClient:
    service = NewsService(archive=Archive(retriever=NoRetriever()), answer_fn=RecordingAnswerer())
    config = ServerConfig(examples=(), feedback_path=tmp_path / "feedback.sqlite3", **config)
    return TestClient(create_app(service=service, config=config), raise_server_exceptions=False)


VOTE = {"question": "开发区有多少个重点项目开工了?", "answer": "已开工20个 [1]", "found": True, "verdict": "down",
        "comment": "不是最新的", "answer_id": "a1",
        "citations": [{"id": 1, "title": "标题", "date": "2022-05-23", "source": "000_page.txt", "article_id": "000_page#002"}]}


def test_a_burst_past_the_limit_gets_429_with_retry_after_and_loses_no_feedback(tmp_path):
    api = client(tmp_path, rate_limit=3)
    assert api.post("/api/v1/feedback", json=VOTE).status_code == 200
    statuses = [api.post("/api/v1/ask", json={"question": "问题?"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = api.post("/api/v1/ask", json={"question": "问题?"})
    assert int(refused.headers["retry-after"]) >= 1 and refused.json()["detail"].endswith(".")
    assert api.post("/embed/ask", json={"question": "问题?"}).status_code == 429  # the widget shares the limit
    assert api.post("/api/v1/feedback", json={**VOTE, "verdict": "up"}).status_code == 200
    assert [r.verdict.value for r in FeedbackStore(tmp_path / "feedback.sqlite3").records()] == ["down", "up"]


def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy():
    assert client_address(peer="10.0.0.1", forwarded_for="1.2.3.4, 5.6.7.8", trust_proxy=False) == "10.0.0.1"
    assert client_address(peer="10.0.0.1", forwarded_for="1.2.3.4, 5.6.7.8", trust_proxy=True) == "5.6.7.8"
    assert client_address(peer="10.0.0.1", forwarded_for=None, trust_proxy=True) == "10.0.0.1"


def test_clients_behind_a_trusted_proxy_are_limited_one_by_one(tmp_path):
    api = client(tmp_path, rate_limit=1, trust_proxy=True)
    first = {"X-Forwarded-For": "198.51.100.1"}
    assert api.post("/api/v1/ask", json={"question": "问题?"}, headers=first).status_code == 200
    assert api.post("/api/v1/ask", json={"question": "问题?"}, headers=first).status_code == 429
    assert api.post("/api/v1/ask", json={"question": "问题?"}, headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200


def test_the_limiter_forgets_after_a_minute():
    now = [0.0]
    limiter = RateLimiter(per_minute=2, clock=lambda: now[0])
    assert [limiter.check("a"), limiter.check("a")] == [0, 0]
    assert limiter.check("a") == 60
    now[0] = 30.0
    assert limiter.check("a") == 30 and limiter.check("b") == 0
    now[0] = 60.0
    assert limiter.check("a") == 0


def test_api_keys_are_required_when_set_but_not_for_health_widget_or_chat(tmp_path):
    keys_file = tmp_path / "keys.txt"
    keys_file.write_text("# site keys\nkey-two\n\n", encoding="utf-8")
    api = client(tmp_path, api_keys=load_api_keys(keys=["key-one"], keys_file=keys_file))
    question = {"question": "问题?"}
    missing = api.post("/api/v1/ask", json=question)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert api.post("/api/v1/ask", json=question, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert api.post("/api/v1/ask", json=question, headers={"Authorization": "Bearer key-one"}).status_code == 200
    assert api.post("/api/v1/search", json=question, headers={"X-API-Key": "key-two"}).status_code == 200
    assert api.post("/api/v1/feedback", json=VOTE).status_code == 401
    assert api.get("/api/v1/health").status_code == 200
    assert api.post("/embed/ask", json=question).status_code == 200
    assert api.post("/embed/feedback", json=VOTE).status_code == 200


def test_feedback_is_validated_and_exported_as_an_eval_draft(tmp_path, newsqa):
    api = client(tmp_path)
    assert api.post("/api/v1/feedback", json={**VOTE, "verdict": "maybe"}).status_code == 422
    assert api.post("/api/v1/feedback", json={**VOTE, "question": ""}).status_code == 422
    assert api.post("/api/v1/feedback", json=VOTE).json() == {"saved": True}
    assert api.post("/api/v1/feedback", json={**VOTE, "comment": "再补充一句"}).status_code == 200
    [entry] = eval_draft(FeedbackStore(tmp_path / "feedback.sqlite3").records())
    assert entry["question"] == VOTE["question"] and entry["sources"] == ["000_page.txt"]
    assert entry["dates"] == ["2022-05-23"] and entry["answers"] == []
    assert entry["feedback"]["verdict"] == "down" and entry["feedback"]["comments"] == ["不是最新的", "再补充一句"]
    out = tmp_path / "draft.jsonl"
    code, _, err = newsqa("feedback", "export", "--store", tmp_path / "feedback.sqlite3", "--out", out)
    assert code == 0 and "1 questions" in err
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["id"] == "feedback-1"


def test_the_feedback_store_is_append_only(tmp_path):
    import sqlite3

    import pytest

    api = client(tmp_path)
    api.post("/api/v1/feedback", json=VOTE)
    connection = sqlite3.connect(tmp_path / "feedback.sqlite3")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("DELETE FROM feedback")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("UPDATE feedback SET verdict = 'up'")
    connection.close()
    assert len(FeedbackStore(tmp_path / "feedback.sqlite3").records()) == 1


def test_docs_type_the_answers_and_the_real_error_shape(tmp_path):
    spec = client(tmp_path).get("/openapi.json").json()
    responses = spec["paths"]["/api/v1/ask"]["post"]["responses"]
    assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/AnswerBody")
    assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert "429" in responses and "HTTPValidationError" not in json.dumps(spec)


def test_gradio_panels_are_off(tmp_path):
    page = client(tmp_path).get("/config").json()
    assert page["mcp_server"] is False and page["footer_links"] == []  # no API page link, recorder or MCP
