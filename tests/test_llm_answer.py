"""The optional language model end to end, against a scripted OpenAI-compatible server: what it
is given, which of its sentences the checker keeps, and every fault falling back to extraction."""

from __future__ import annotations

import json
import logging
import re

import pytest
from llm_fixtures import Reply, passage_with, scripted_model, shown_passages

from qa import answer
from qa.llm import LLMConfig, LLMConfigError, answer_with_model, llm_config
from qa.llm.check import find_dates, find_numbers
from qa.records import DropReason, Fallback, Generator

QUESTION = "开发区有多少个重点项目开工了?"
FACT = "今年23个省、市重点建设项目已开工22个"
INVESTED = "年度计划投资120亿元，已完成投资83.4亿元"


def good(messages) -> str:
    n = passage_with(messages, FACT).number
    return f"据2022年10月17日的报道，开发区“{FACT}”[{n}]。{INVESTED}[{n}]。"


def ask(model, *, timeout: float = 10.0, archive, **options):
    config = LLMConfig(url=model.url, model="scripted", timeout=timeout, api_key=options.pop("api_key", None))
    return answer_with_model(QUESTION, llm=config, archive=archive, **options)


def test_a_good_answer_is_shown_with_its_passages_as_citations(fake_archive):
    with scripted_model(good) as model:
        result = ask(model, archive=fake_archive)
    data = result.to_json()
    assert data["generator"] == "llm" and data["found"] is True
    assert data["llm"] == {"model": "scripted", "fallback": None, "dropped": []}
    # the one cited passage is renumbered [1], whatever its number in the prompt
    assert result.text == f"据2022年10月17日的报道，开发区“{FACT}”[1]。{INVESTED}[1]。"
    [citation] = result.citations
    assert FACT in citation.quote and citation.id == 1
    article = fake_archive.articles.article(citation.article_id)
    assert article.text[citation.start:citation.end] == citation.quote
    assert json.dumps(data, ensure_ascii=False)


def test_the_model_gets_the_question_today_and_numbered_passages(fake_archive):
    history = [{"question": "开发区在哪里?", "answer": "资料中未找到能回答这个问题的内容。"}]
    with scripted_model(good) as model:
        ask(model, archive=fake_archive, history=history, api_key="sk-test-key")
    sent = model.requests[-1]
    assert sent["model"] == "scripted" and sent["stream"] is False and sent["temperature"] == 0
    assert model.headers[-1]["Authorization"] == "Bearer sk-test-key"
    system, *turns, last = sent["messages"]
    assert system["role"] == "system" and "今天是2022-10-17" in system["content"] and "[1]" in system["content"]
    assert turns == [{"role": "user", "content": "开发区在哪里?"},
                     {"role": "assistant", "content": "资料中未找到能回答这个问题的内容。"}]
    assert last["content"].endswith("问题：" + QUESTION)
    shown = shown_passages(sent["messages"])
    assert [p.number for p in shown] == list(range(1, len(shown) + 1)) and 1 < len(shown) <= 6
    assert all(p.title and p.date and p.text for p in shown)


def test_english_questions_get_english_rules(fake_archive):
    figures = []

    def english(messages):
        n, figure = next((p.number, re.match(r"\d+(?:\.\d+)?", numbers[0]).group()) for p in shown_passages(messages)
                         if (numbers := [w for w, _ in find_numbers(find_dates(p.text)[1]) if w[:1].isdigit()]))
        figures.append((n, figure))
        return f"The report gives the figure {figure} [{n}]. It adds that 987 projects opened [{n}]."

    config_question = "How many key projects have started in the development zone?"
    with scripted_model(english) as model:
        result = answer_with_model(config_question, llm=LLMConfig(url=model.url, model="scripted"), archive=fake_archive)
    assert "Answer in English" in model.last_messages[0]["content"]
    assert model.last_messages[-1]["content"].endswith("Question：" + config_question)
    assert result.generation.generator is Generator.LLM, result.to_json()
    assert result.text == f"The report gives the figure {figures[0][1]} [1]."
    [dropped] = result.generation.dropped
    assert dropped.reason is DropReason.NUMBER and dropped.detail == "987"


@pytest.mark.parametrize(("planted", "reason", "detail"), [
    ("开发区已开工25个重点项目[{n}]。", DropReason.NUMBER, "25个"),
    ("完成投资占计划的百分之九十[{n}]。", DropReason.NUMBER, "百分之九十"),
    ("该报道刊于2021年3月5日[{n}]。", DropReason.DATE, "2021-3-5"),
    ("开发区另有多个项目正在推进[9]。", DropReason.MISSING_PASSAGE, "[9] names no passage"),
    ("报道称“今年重点项目已全部开工”[{n}]。", DropReason.QUOTE, "今年重点项目已全部开工"),
    ("开发区的项目建设全面提速。", DropReason.NO_CITATION, "no [n] marker"),
    ("开发区主任李建国表示项目建设全面提速[{n}]。", DropReason.PERSON, "李建国"),
])
def test_one_unsupported_sentence_is_dropped_and_the_rest_shown(fake_archive, planted, reason, detail):
    def script(messages):
        n = passage_with(messages, FACT).number
        return good(messages) + planted.format(n=n)

    with scripted_model(script) as model:
        result = ask(model, archive=fake_archive)
    assert result.generation.generator is Generator.LLM
    [dropped] = result.generation.dropped
    assert dropped.reason is reason and detail in dropped.detail
    assert dropped.sentence.startswith(planted.format(n=0)[:6])
    assert result.text == f"据2022年10月17日的报道，开发区“{FACT}”[1]。{INVESTED}[1]。"
    assert result.to_json()["llm"]["dropped"][0]["reason"] == reason.value


def test_too_little_left_gives_the_extractive_answer_with_what_was_dropped(fake_archive, caplog):
    def script(messages):
        n = passage_with(messages, FACT).number
        return f"开发区已开工25个项目[{n}]。投资130亿元[{n}]。一切顺利[{n}]。"

    extractive = answer(QUESTION, archive=fake_archive)
    with caplog.at_level(logging.WARNING, logger="qa.llm.generate"), scripted_model(script) as model:
        result = ask(model, archive=fake_archive)
    assert result.generation.generator is Generator.EXTRACTIVE
    assert result.generation.fallback is Fallback.TOO_LITTLE
    assert [d.reason for d in result.generation.dropped] == [DropReason.NUMBER, DropReason.NUMBER]
    assert result.text == extractive.text and [c.to_json() for c in result.citations] == [c.to_json() for c in extractive.citations]
    assert result.to_json()["generator"] == "extractive"
    assert len(caplog.records) == 1 and "2 of 3 sentences" in caplog.records[0].getMessage()


@pytest.mark.parametrize(("reply", "reason"), [
    (Reply(status=500, raw=b'{"error": "boom"}'), Fallback.HTTP_ERROR),
    (Reply(status=429, raw=b'{"error": "slow down"}'), Fallback.HTTP_ERROR),
    (Reply(raw=b"\x00\xffnot json at all"), Fallback.MALFORMED),
    (Reply(raw=b'{"choices": []}'), Fallback.MALFORMED),
    (Reply(content=""), Fallback.MALFORMED),
    (Reply(content="<think>让我想想。</think>  "), Fallback.MALFORMED),
    (Reply(content="The development zone has started 22 of its 23 key projects [1]."), Fallback.WRONG_LANGUAGE),
    (Reply(content=good, delay=2.0), Fallback.TIMEOUT),
])
def test_a_fault_is_one_logged_line_and_the_extractive_answer(fake_archive, caplog, reply, reason):
    if callable(reply.content):
        script = lambda messages: Reply(content=good(messages), delay=reply.delay)  # noqa: E731
    else:
        script = lambda messages: reply  # noqa: E731
    extractive = answer(QUESTION, archive=fake_archive)
    with caplog.at_level(logging.WARNING, logger="qa.llm.generate"), scripted_model(script) as model:
        result = ask(model, archive=fake_archive, timeout=0.5)
    assert result.generation.fallback is reason
    assert result.generation.generator is Generator.EXTRACTIVE
    assert result.text == extractive.text and result.found == extractive.found
    assert len(caplog.records) == 1 and "answered by extraction" in caplog.records[0].getMessage()


def test_an_endpoint_that_is_down_falls_back(fake_archive, caplog):
    with scripted_model(good) as model:
        url = model.url
    with caplog.at_level(logging.WARNING, logger="qa.llm.generate"):
        result = answer_with_model(QUESTION, llm=LLMConfig(url=url, model="scripted", timeout=2), archive=fake_archive)
    assert result.generation.fallback is Fallback.UNREACHABLE
    assert len(caplog.records) == 1 and "cannot be reached" in caplog.records[0].getMessage()


def test_reasoning_is_cut_before_checking(fake_archive):
    with scripted_model(lambda m: "<think>资料[3]说的是25个。</think>" + good(m)) as model:
        result = ask(model, archive=fake_archive)
    assert result.generation.generator is Generator.LLM and not result.generation.dropped
    assert "think" not in result.text


def test_without_a_model_the_answer_is_as_before(fake_archive):
    data = answer(QUESTION, archive=fake_archive).to_json()
    assert set(data) == {"question", "answer", "found", "confidence", "citations"}


def test_settings_come_from_options_over_the_environment():
    assert llm_config(env={}) is None
    env = {"NEWSQA_LLM_URL": "http://127.0.0.1:11434/v1/", "NEWSQA_LLM_MODEL": "qwen2.5:7b", "NEWSQA_LLM_API_KEY": "k"}
    config = llm_config(env=env)
    assert (config.url, config.model, config.api_key, config.timeout) == ("http://127.0.0.1:11434/v1", "qwen2.5:7b", "k", 60.0)
    assert config.completions_url == "http://127.0.0.1:11434/v1/chat/completions"
    assert llm_config(url="http://h:8000/v1/chat/completions", model="m", env=env).url == "http://h:8000/v1"
    with pytest.raises(LLMConfigError, match="no model name"):
        llm_config(url="http://h:8000/v1", env={})
    with pytest.raises(LLMConfigError, match="is not an http"):
        llm_config(url="h:8000", model="m", env={})
    with pytest.raises(LLMConfigError, match="NEWSQA_LLM_TIMEOUT"):
        llm_config(env={**env, "NEWSQA_LLM_TIMEOUT": "soon"})
