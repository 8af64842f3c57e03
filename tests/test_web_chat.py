"""The chat's answer steps, driven without a browser: streaming, refusals, follow-up history."""

from __future__ import annotations

import datetime as dt
import html

from web_fixtures import RecordingAnswerer

from index.interfaces import Archive, IndexInfo
from qa.errors import QuestionError
from ui.chat import SEARCHING, answer_steps
from ui.config import ServerConfig
from ui.service import NewsService


class NoRetriever:
    def search(self, query, **options):
        raise AssertionError("the chat asks through the answerer")


def run(answerer, text, *, history=(), since="", until="", config=ServerConfig(examples=())):
    service = NewsService(archive=Archive(retriever=NoRetriever()), answer_fn=answerer)
    return list(
        answer_steps(service, config, text=text, since=since, until=until, messages=[], history=list(history))
    )


def test_answer_streams_searching_then_answer_then_quotes():
    steps = run(RecordingAnswerer(), "开发区有多少个重点项目开工了?")
    shown = [html.unescape(messages[-1]["content"]) for _, messages, _, _ in steps]
    assert shown[0] == SEARCHING
    assert shown[1].startswith("已开工20个")
    assert "2022-05-23" in shown[-1] and "<mark>" in shown[-1]
    textbox, messages, sources, history = steps[-1]
    assert textbox == ""
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert "防疫情 稳发展" in sources
    [turn] = history
    assert (turn["question"], turn["answer"], turn["found"]) == ("开发区有多少个重点项目开工了?", "已开工20个 [1]", True)
    assert turn["citations"][0]["source"] == "000_page.txt" and turn["at"] == 1 and turn["answer_id"]


def test_follow_up_passes_raw_history_and_dates():
    answerer = RecordingAnswerer()
    earlier = [{"question": "<b>第一问</b>", "answer": "答"}]
    run(answerer, "那么五月呢?", history=earlier, since="2022-05", until="2022-05")
    call = answerer.calls[0]
    assert call["history"] == ({"question": "<b>第一问</b>", "answer": "答"},)
    assert (call["since"], call["until"]) == (dt.date(2022, 5, 1), dt.date(2022, 5, 31))


def test_user_question_is_shown_inert():
    _, messages, _, _ = run(RecordingAnswerer(), "<img src=x onerror=alert(1)>")[-1]
    assert "<img" not in messages[0]["content"]


def test_long_question_is_refused_with_a_sentence():
    answerer = RecordingAnswerer()
    steps = run(answerer, "问" * 501)
    assert answerer.calls == []
    last = steps[-1][1][-1]["content"]
    assert "问题超过500个字" in last


def test_refused_question_and_bad_date_become_messages():
    # the page speaks Chinese: each error is one Chinese sentence
    steps = run(RecordingAnswerer(error=QuestionError("The question is empty.")), "?")
    assert "请输入一个问题" in steps[-1][1][-1]["content"]
    steps = run(RecordingAnswerer(), "问题", since="2022-13")
    assert "日期范围无效" in steps[-1][1][-1]["content"]


def test_a_bug_is_logged_not_shown(caplog):
    steps = run(RecordingAnswerer(error=RuntimeError("boom")), "问题")
    assert "boom" not in steps[-1][1][-1]["content"]
    assert "错误已记录" in html.unescape(steps[-1][1][-1]["content"])
    assert "boom" in caplog.text


def test_empty_input_does_nothing():
    answerer = RecordingAnswerer()
    steps = run(answerer, "   ")
    assert answerer.calls == [] and steps[-1][1] == []


def test_queue_and_concurrency_are_set_from_the_config():
    from ui.chat import build_chat

    service = NewsService(archive=Archive(retriever=NoRetriever()), answer_fn=RecordingAnswerer())
    demo = build_chat(service, ServerConfig(examples=(), concurrency=3, queue_size=5))
    assert (demo._queue.default_concurrency_limit, demo._queue.max_size) == (3, 5)
    chat_event = next(fn for fn in demo.fns.values() if fn.api_name == "chat")
    assert chat_event.concurrency_limit == 3 and chat_event.queue


def test_header_count_is_read_on_each_page_load_so_it_follows_a_rebuilt_index():

    from ui.chat import build_chat, header_markdown

    counts = {"articles": 1}

    def describe():
        return IndexInfo(backend="local", generation=None, model=None, keyword_only=True, sources=counts["articles"],
                         articles=counts["articles"], chunks=0)

    service = NewsService(archive=Archive(retriever=NoRetriever(), describe=describe), answer_fn=RecordingAnswerer())
    demo = build_chat(service, ServerConfig(examples=()))
    header = next(block for block in demo.blocks.values() if getattr(block, "elem_id", None) == "newsqa-header")
    load, *_ = header.load_event_to_attach  # Gradio calls it when a page loads
    assert "已收录 1 篇文章" in load()
    counts["articles"] = 2  # the index was rebuilt
    assert "已收录 2 篇文章" in load() and load() == header_markdown(service)
