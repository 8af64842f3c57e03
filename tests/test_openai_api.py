"""NewsQA's OpenAI-compatible endpoint, called by the real `openai` Python client over loopback
(streaming and not), and its limits, CORS and API keys through FastAPI's TestClient."""

from __future__ import annotations

import openai
import pytest
from fastapi.testclient import TestClient
from llm_fixtures import passage_with, scripted_model
from web_fixtures import RecordingAnswerer, serving

import qa
from qa.llm import LLMConfig, answerer
from ui.app import create_app
from ui.config import ServerConfig
from ui.openai_api import without_footnotes
from ui.service import NewsService

QUESTION = "开发区有多少个重点项目开工了?"
FACT = "今年23个省、市重点建设项目已开工22个"


@pytest.fixture(scope="module")
def server(fake_archive):
    service = NewsService(archive=fake_archive)
    with serving(create_app(service=service, config=ServerConfig(examples=()))) as base:
        yield base


def client(base: str, key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=base + "/v1", api_key=key, max_retries=0, timeout=60)


def test_the_openai_client_gets_the_answer_and_its_citations(server, fake_archive):
    expected = qa.answer(QUESTION, archive=fake_archive).to_json()
    completion = client(server).chat.completions.create(model="newsqa", messages=[{"role": "user", "content": QUESTION}])
    content = completion.choices[0].message.content
    assert completion.choices[0].finish_reason == "stop" and completion.model == "newsqa"
    assert content.startswith(expected["answer"] + "\n\n")
    citations = completion.model_extra["citations"]
    assert citations == expected["citations"] and citations
    for c in citations:  # each citation a numbered footnote with title, date and source
        assert f"[{c['id']}] {c['title']} · " in content and c["source"] in content
    assert completion.model_extra["newsqa"] == {"found": expected["found"], "generator": "extractive"}


def test_streaming_sends_the_same_text_in_sentences_then_the_citations(server, fake_archive):
    whole = client(server).chat.completions.create(model="newsqa", messages=[{"role": "user", "content": QUESTION}])
    stream = client(server).chat.completions.create(model="newsqa", stream=True,
                                                    messages=[{"role": "user", "content": QUESTION}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == whole.choices[0].message.content
    assert len([c for c in chunks if c.choices[0].delta.content]) >= 2
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"] == whole.model_extra["citations"]


def test_models_lists_newsqa(server):
    assert [m.id for m in client(server).models.list()] == ["newsqa"]


def test_a_checked_model_answer_streams_through_the_endpoint(fake_archive):
    def good(messages):
        n = passage_with(messages, FACT).number
        return f"据2022年10月17日的报道，开发区“{FACT}”[{n}]。开发区已开工30个项目[{n}]。年度计划投资120亿元[{n}]。"

    with scripted_model(good) as model:
        service = NewsService(archive=fake_archive, answer_fn=answerer(LLMConfig(url=model.url, model="scripted")))
        with serving(create_app(service=service, config=ServerConfig(examples=()))) as base:
            whole = client(base).chat.completions.create(model="newsqa", messages=[{"role": "user", "content": QUESTION}])
            pieces = [c.choices[0].delta.content or "" for c in client(base).chat.completions.create(
                model="newsqa", stream=True, messages=[{"role": "user", "content": QUESTION}])]
    answer = f"据2022年10月17日的报道，开发区“{FACT}”[1]。年度计划投资120亿元[1]。"
    content = whole.choices[0].message.content
    assert content.startswith(answer + "\n\n来源：\n[1] ")
    assert "30个" not in content and "30个" not in "".join(pieces)  # the unchecked sentence never streams
    assert "".join(pieces) == content and answer.split("。")[0] + "。" in pieces[1]
    extra = whole.model_extra["newsqa"]
    assert extra["generator"] == "llm" and extra["llm"]["dropped"][0]["reason"] == "unsupported_number"
    assert FACT in whole.model_extra["citations"][0]["quote"]


# --- history, limits, CORS and keys ------------------------------------------------------------


def recording_client(**config) -> tuple[TestClient, RecordingAnswerer]:
    from test_api import one_hit_archive

    recorder = RecordingAnswerer()
    service = NewsService(archive=one_hit_archive(), answer_fn=recorder)
    app = create_app(service=service, config=ServerConfig(examples=(), **config))
    return TestClient(app, raise_server_exceptions=False), recorder


@pytest.fixture(scope="module")
def recorded():
    return recording_client()


def test_earlier_turns_are_the_history_without_their_footnotes(recorded):
    http, recorder = recorded
    first = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "开发区开工了多少项目?"}]}).json()
    earlier = first["choices"][0]["message"]["content"]
    assert "\n\n来源：\n[1] 防疫情 稳发展 · 2022-05-23 · 000_page.txt" in earlier
    response = http.post("/v1/chat/completions", json={"model": "newsqa", "temperature": 0.2, "messages": [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "开发区开工了多少项目?"},
        {"role": "assistant", "content": earlier},
        {"role": "user", "content": [{"type": "text", "text": "那示范区呢?"}]},
    ]})
    assert response.status_code == 200
    call = recorder.calls[-1]
    assert call["question"] == "那示范区呢?"
    assert call["history"] == ({"question": "开发区开工了多少项目?", "answer": "已开工20个 [1]"},)
    assert without_footnotes(earlier) == "已开工20个 [1]"


@pytest.mark.parametrize(("body", "status", "sentence"), [
    ({"messages": [{"role": "user", "content": "问" * 501}]}, 422, "longer than 500 characters"),
    ({"messages": [{"role": "user", "content": "  "}]}, 422, "The question is empty"),
    ({"messages": [{"role": "assistant", "content": "你好"}]}, 422, "must be the user's question"),
    ({"messages": []}, 422, "The field 'messages' is not valid"),
    ({"messages": [{"role": "user", "content": "问" * 40000}]}, 413, "larger than 64 KB"),
])
def test_limits_are_one_sentence(recorded, body, status, sentence):
    http, _ = recorded
    response = http.post("/v1/chat/completions", json=body)
    assert response.status_code == status and sentence in response.json()["detail"]


def test_api_keys_are_required_when_set(fake_archive):
    http, recorder = recording_client(api_keys=("sk-newsroom-1",))
    body = {"messages": [{"role": "user", "content": QUESTION}]}
    none = http.post("/v1/chat/completions", json=body)
    wrong = http.post("/v1/chat/completions", json=body, headers={"Authorization": "Bearer sk-wrong-key"})
    right = http.post("/v1/chat/completions", json=body, headers={"Authorization": "Bearer sk-newsroom-1"})
    assert none.status_code == 401 and "needs an API key" in none.json()["error"]["message"]
    assert wrong.status_code == 401 and "not one this server accepts" in wrong.json()["detail"]
    assert right.status_code == 200 and len(recorder.calls) == 1
    assert http.get("/v1/models").status_code == 401
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url="http://testserver/v1", api_key="sk-wrong-key", http_client=http, max_retries=0).models.list()
    assert openai.OpenAI(base_url="http://testserver/v1", api_key="sk-newsroom-1", http_client=http).models.list().data[0].id == "newsqa"


def test_cors_is_closed_by_default_and_follows_the_allow_list():
    closed, _ = recording_client()
    opened, _ = recording_client(cors_origins=("https://news.example.org",))
    preflight = {"Origin": "https://news.example.org", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type"}
    assert "access-control-allow-origin" not in closed.options("/v1/chat/completions", headers=preflight).headers
    granted = opened.options("/v1/chat/completions", headers=preflight)
    assert granted.headers["access-control-allow-origin"] == "https://news.example.org"
    assert "authorization" in granted.headers["access-control-allow-headers"].lower()
    assert opened.get("/v1/models", headers={"Origin": "https://evil.example"}).headers.get("access-control-allow-origin") is None


def test_only_chat_completions_takes_a_post(recorded):
    http, _ = recorded
    assert http.post("/v1/models", json={}).status_code == 405
