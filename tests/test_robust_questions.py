"""Bad questions get a clear answer or a clear refusal — never a traceback — in the CLI
(`newsqa ask`, `newsqa search`), the HTTP API (`/api/v1/ask`, `/api/v1/search`) and the chat.

Everything runs over the bundled corpus indexed with the HashingEncoder (`fake_index_dir`).
"""

from __future__ import annotations

import html
import json

import pytest
from fastapi.testclient import TestClient

from ui.chat import FAILED, answer_steps
from ui.config import ServerConfig

ARABIC = "كم عدد المشاريع التي بدأت في منطقة التنمية؟"
CYRILLIC = "Сколько проектов начато в зоне развития?"

#: name → question. Every one must be answered or refused in one sentence.
QUESTIONS = {
    "empty": "",
    "whitespace": " \t\n\u3000 ",
    "cjk-punctuation": "？！。，……——“”",
    "ascii-punctuation": "?!...;--",
    "emoji": "😀🎉👍🏽",
    "emoji-and-words": "开发区😀项目",
    "control-characters": "\x00\x01\x07\x1b[31m开发区\x7f项目\x1b[0m",
    "bidi-and-zero-width": "\u202e\u200b开发区\ufeff项目\u2066",
    "lone-surrogate": "\udcff\udcfe开发区",  # what undecodable bytes in argv become
    "100k-characters": "开发区重点项目" * 14_286,
    "arabic": ARABIC,
    "cyrillic": CYRILLIC,
    "markup": "<script>alert(1)</script>开发区",
}
#: questions in a script the archive does not use: nothing can answer them
FOREIGN = {"arabic", "cyrillic"}


def one_sentence(text: str) -> bool:
    # an English sentence ends with ".", a Chinese one (the chat's) with "。"
    return bool(text) and "\n" not in text.strip() and text.strip().endswith((".", "。")) and "Traceback" not in text


# --- CLI ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", QUESTIONS)
@pytest.mark.parametrize("command", ["ask", "search"])
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_cli_answers_or_refuses_in_one_line(newsqa, fake_index_dir, command, as_json, name):
    options = ["--json"] if as_json else []
    code, out, err = newsqa(command, "--index-dir", fake_index_dir, *options, "--", QUESTIONS[name])

    assert "Traceback" not in out + err
    if code == 1:
        assert out == "" and err.startswith("error: ") and one_sentence(err), err
        return
    assert code == 0 and out.strip(), (code, out, err)
    if as_json:
        body = json.loads(out)
        if command == "ask" and name in FOREIGN:
            assert body["found"] is False
        assert isinstance(body.get("hits", body.get("citations")), list)


@pytest.mark.parametrize("name", ["empty", "whitespace", "cjk-punctuation", "emoji", "100k-characters"])
def test_cli_refuses_questions_without_words_or_too_long(newsqa, fake_index_dir, name):
    for command in ("ask", "search"):
        code, _, err = newsqa(command, "--index-dir", fake_index_dir, "--", QUESTIONS[name])
        assert code == 1 and one_sentence(err), (command, err)


def test_cli_usage_errors_are_one_line_not_a_traceback(newsqa, fake_index_dir):
    # a question that looks like an option, an unknown option, a value out of range
    for args in (["ask", "-开发区"], ["ask", "--bogus", "q"], ["search", "-k", "0", "q"], ["ask"]):
        code, out, err = newsqa(*args, "--index-dir", fake_index_dir)
        assert code == 2 and "Traceback" not in err, (args, err)
        assert "Error" in err or "error" in err


# --- HTTP API -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def service(fake_index_dir):
    from ui.service import open_service

    return open_service(fake_index_dir, concurrency=2)


@pytest.fixture(scope="module")
def client(service):
    from ui.app import create_app

    # every question here comes from one test client: the per-client rate limit is not under test
    config = ServerConfig(examples=(), rate_limit=100_000)
    return TestClient(create_app(service=service, config=config), raise_server_exceptions=False)


@pytest.mark.parametrize("name", QUESTIONS)
@pytest.mark.parametrize("route", ["/api/v1/ask", "/api/v1/search"])
def test_api_answers_or_refuses_in_one_sentence(client, route, name):
    # sent escaped, as any client may: "\udcff" reaches the server as a JSON escape
    body = json.dumps({"question": QUESTIONS[name]}, ensure_ascii=True)
    response = client.post(route, content=body, headers={"Content-Type": "application/json"})

    assert response.status_code in (200, 400, 413, 422), response.text
    payload = response.json()
    if response.status_code != 200:
        assert set(payload) == {"detail"} and one_sentence(payload["detail"]), payload
        return
    if route.endswith("/ask"):
        assert isinstance(payload["found"], bool) and isinstance(payload["citations"], list)
        if name in FOREIGN:
            assert payload["found"] is False
    else:
        assert isinstance(payload["hits"], list)


@pytest.mark.parametrize("name", ["empty", "whitespace", "cjk-punctuation", "emoji", "100k-characters"])
def test_api_refuses_questions_without_words_or_too_long(client, name):
    for route in ("/api/v1/ask", "/api/v1/search"):
        response = client.post(route, json={"question": QUESTIONS[name]})
        assert 400 <= response.status_code < 500 and one_sentence(response.json()["detail"])


@pytest.mark.parametrize(
    "body",
    ['{"question": 5}', '{"question": null}', '{"question": ["开发区"]}', "not json", "", '{"question": "q", "k": 1e9}',
     '{"question": "q", "k": -1}', '{"question": "q", "history": "x"}', '{"question": "q", "history": [{"q": 1}]}',
     '{"question": "q", "since": "\\u0000"}', '{"question": "q", "until": "9999-99-99"}', '[]', '"开发区"'],
)
def test_api_malformed_bodies_are_4xx_with_one_sentence(client, body):
    for route in ("/api/v1/ask", "/api/v1/search"):
        response = client.post(route, content=body.encode(), headers={"Content-Type": "application/json"})
        assert 400 <= response.status_code < 500 and one_sentence(response.json()["detail"]), response.text


# --- chat ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", QUESTIONS)
def test_chat_answers_or_refuses_with_a_message(service, name):
    config = ServerConfig(examples=())
    steps = list(answer_steps(service, config, text=QUESTIONS[name], since="", until="", messages=[], history=[]))
    _, messages, _, _ = steps[-1]
    if not QUESTIONS[name].strip():
        assert messages == []  # nothing typed: nothing happens
        return
    shown = html.unescape(messages[-1]["content"])
    assert messages[-1]["role"] == "assistant" and shown
    assert shown != "⚠️ " + FAILED, "a bug reached the chat"
    if shown.startswith("⚠️ "):
        assert one_sentence(shown.removeprefix("⚠️ "))
    for message in messages:  # everything shown is valid text the page can send as JSON
        message["content"].encode("utf-8")
