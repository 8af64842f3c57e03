"""The OpenAI-compatible endpoint: `POST /v1/chat/completions` (streaming and not) and
`GET /v1/models`, so chat front-ends and scripts that speak the OpenAI chat API can ask NewsQA.

The last user message is the question; earlier user/assistant pairs are the conversation's
history (follow-ups work as in the chat). The reply's message content is the answer followed by
its citations as numbered footnotes (title, date, source); the structured citations are in the
extra field `citations`, and `newsqa` says whether an answer was found and who wrote it. A
stream carries the answer one checked sentence at a time, then the footnotes; nothing is sent
before the whole answer has been checked. The routes obey the server's limits (body size,
question length, history, answering slots), its CORS allow-list and, when set, its API keys
(`Authorization: Bearer KEY`). Sampling options (temperature, max_tokens …) are accepted and
ignored: answers are quotes.
"""

# no `from __future__ import annotations`: FastAPI reads the route signatures at runtime
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from typing import Literal

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from index.records import ArticleDate
from qa.analyze import is_english
from ui.config import ServerConfig
from ui.service import NewsService, Query, clean_history

MODEL_ID = "newsqa"

#: the footnote headings, by answer language and whether the answer was found
_HEADINGS = {("zh", True): "来源：", ("zh", False): "可能相关（并非答案）：",
             ("en", True): "Sources:", ("en", False): "Possibly related (not an answer):"}


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens, user …: accepted, ignored
    model: str | None = None
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False


class OpenAIError(BaseModel):
    message: str
    type: str
    code: str | None = None


class OpenAIErrorBody(BaseModel):
    """What every error of the /v1 routes sends: OpenAI's `error` object, and NewsQA's `detail`."""

    error: OpenAIError
    detail: str


#: the error bodies the /v1 routes document (422's is the one sentence actually sent)
OPENAI_ERRORS = {
    status: {"model": OpenAIErrorBody, "description": description}
    for status, description in (
        (401, "The server requires an API key and none or a wrong one was sent"),
        (413, "The request body is over the server's limit"),
        (422, "The body is not valid (one sentence naming the field)"),
        (429, "Too many questions from this client; see Retry-After"),
        (503, "Busy, or the index's backend is unavailable; see Retry-After"),
    )
}


def openai_error(status: int, sentence: str, *, kind: str = "invalid_request_error") -> JSONResponse:
    """An error OpenAI clients read (`error.message`), with the `detail` every NewsQA route has."""
    return JSONResponse({"error": {"message": sentence, "type": kind, "code": None}, "detail": sentence}, status_code=status)


def build_openai_router(service: NewsService, config: ServerConfig) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])

    @router.get("/models", summary="The one model this server offers: newsqa", responses={401: OPENAI_ERRORS[401]})
    def models(request: Request):
        refused = _refused(request, config)
        if refused is not None:
            return refused
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "newsqa"}]}

    @router.post("/chat/completions", summary="Answer the last user message, OpenAI chat-completions style",
                 responses=OPENAI_ERRORS)
    def completions(request: Request, body: dict = Body(...)):
        refused = _refused(request, config)
        if refused is not None:
            return refused
        try:
            chat = ChatRequest.model_validate(body)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "body"
            return openai_error(422, f"The field '{where}' is not valid: {first.get('msg', 'invalid value')}.")
        query_or_error = to_query(chat, config)
        if isinstance(query_or_error, JSONResponse):
            return query_or_error
        answer = service.ask(query_or_error).to_json()
        reply = Reply(answer)
        if chat.stream:
            return StreamingResponse(reply.events(), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        return reply.completion()

    return router


def _refused(request: Request, config: ServerConfig) -> JSONResponse | None:
    """401 unless the request carries one of the server's API keys (when any is set)."""
    if not config.api_keys:
        return None
    given = request.headers.get("authorization", "")
    scheme, _, key = given.partition(" ")
    if scheme.lower() == "bearer" and any(hmac.compare_digest(key.strip().encode(), k.encode()) for k in config.api_keys):
        return None
    sentence = ("This server needs an API key; send it as 'Authorization: Bearer KEY'." if not given
                else "The API key is not one this server accepts.")
    return openai_error(401, sentence, kind="authentication_error")


def to_query(chat: ChatRequest, config: ServerConfig) -> Query | JSONResponse:
    """The last user message as the question, earlier user/assistant pairs as history."""
    turns = [m for m in chat.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        return openai_error(422, "The last message must be the user's question.")
    question = turns[-1].text().strip()
    if not question:
        return openai_error(422, "The question is empty; please type a question.")
    if len(question) > config.max_question_chars:
        return openai_error(422, f"The question is longer than {config.max_question_chars} characters; please shorten it.")
    history: list[dict] = []
    for message in turns[:-1]:
        if message.role == "user":
            history.append({"question": message.text()[:2000]})
        elif history and "answer" not in history[-1]:
            history[-1]["answer"] = without_footnotes(message.text())[:20000]
    return Query(question=question, history=clean_history(history, limit=config.max_history))


def without_footnotes(content: str) -> str:
    """An earlier reply of this endpoint as the answer text alone (its footnotes cut off)."""
    for heading in _HEADINGS.values():
        content = content.split("\n\n" + heading + "\n", 1)[0]
    return content


class Reply:
    """One answer (`Answer.to_json()`) as an OpenAI chat completion or a stream of chunks."""

    def __init__(self, answer: dict):
        self.answer = answer
        self.id = "chatcmpl-" + uuid.uuid4().hex
        self.created = int(time.time())
        self.language = "en" if is_english(answer.get("question") or "") else "zh"

    def footnotes(self) -> str:
        citations = self.answer.get("citations") or []
        if not citations:
            return ""
        lines = [_HEADINGS[(self.language, bool(self.answer.get("found")))]]
        for c in citations:
            date = ArticleDate.from_json(c).label(self.language)
            lines.append(f"[{c['id']}] {c.get('title') or ''} · {date} · {c.get('source') or ''}")
        return "\n\n" + "\n".join(lines)

    def content(self) -> str:
        return (self.answer.get("answer") or "") + self.footnotes()

    def extra(self) -> dict:
        newsqa = {"found": self.answer.get("found"), "generator": self.answer.get("generator", "extractive")}
        if "llm" in self.answer:
            newsqa["llm"] = self.answer["llm"]
        return {"citations": self.answer.get("citations") or [], "newsqa": newsqa}

    def completion(self) -> dict:
        return {
            "id": self.id, "object": "chat.completion", "created": self.created, "model": MODEL_ID,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": self.content()}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            **self.extra(),
        }

    def _chunk(self, delta: dict, finish: str | None = None, **extra) -> str:
        chunk = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": MODEL_ID,
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return "data: " + json.dumps(chunk, ensure_ascii=False) + "\n\n"

    def events(self) -> Iterator[str]:
        """Server-sent events: the role, each sentence of the (already checked) answer, the
        footnotes, then the finish with the structured citations, then [DONE]."""
        from qa.llm.check import split_sentences  # the checker's own sentence boundaries

        yield self._chunk({"role": "assistant", "content": ""})
        for piece in pieces(self.answer.get("answer") or "", split_sentences):
            yield self._chunk({"content": piece})
        if self.footnotes():
            yield self._chunk({"content": self.footnotes()})
        yield self._chunk({}, "stop", **self.extra())
        yield "data: [DONE]\n\n"


def pieces(text: str, split) -> list[str]:
    """`text` cut after each of its sentences; the pieces join back to exactly `text`."""
    out, start = [], 0
    for sentence in split(text):
        at = text.find(sentence, start)
        if at < 0:
            return [text] if text else []
        end = at + len(sentence)
        out.append(text[start:end])
        start = end
    if start < len(text):
        out.append(text[start:])
    return [p for p in out if p]
