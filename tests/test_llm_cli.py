"""`--llm-url`/`--llm-model` on `newsqa ask` and `newsqa eval`, against a scripted model."""

from __future__ import annotations

import json
import re

from llm_fixtures import passage_with, scripted_model, shown_passages
from test_eval_end_to_end import _app, three_questions  # noqa: F401 — the fixture is used by name
from typer.testing import CliRunner

from ui.cli import main

QUESTION = "开发区有多少个重点项目开工了?"
FACT = "今年23个省、市重点建设项目已开工22个"


def good(messages) -> str:
    return f"开发区“{FACT}”[{passage_with(messages, FACT).number}]。"


def echo(messages) -> str:
    """Quotes the first plain sentence of the first passage: an answer the checker accepts."""
    for p in shown_passages(messages):
        for clause in re.split(r"[。！？\n]", p.text):
            if 4 <= len(clause.strip()) and "“" not in clause and "”" not in clause:
                return f"据报道，“{clause.strip()}”[{p.number}]。"
    return "资料中没有相关内容。"


def test_ask_with_a_model_prints_its_checked_answer(fake_index_dir, capsys, monkeypatch):
    monkeypatch.delenv("NEWSQA_LLM_URL", raising=False)
    with scripted_model(good) as model:
        code = main(["ask", QUESTION, "--index-dir", str(fake_index_dir), "--json", "--llm-url", model.url, "--llm-model", "m1"])
        data = json.loads(capsys.readouterr().out)
        assert code == 0 and data["generator"] == "llm" and data["answer"] == f"开发区“{FACT}”[1]。"
        monkeypatch.setenv("NEWSQA_LLM_URL", model.url)
        monkeypatch.setenv("NEWSQA_LLM_MODEL", "m2")
        assert main(["ask", QUESTION, "--index-dir", str(fake_index_dir)]) == 0
        out = capsys.readouterr().out
    assert [r["model"] for r in model.requests] == ["m1", "m2"]
    assert out.startswith(f"开发区“{FACT}”[1]。\n(written by m2; every sentence checked against the cited passages, 0 dropped)\n\nSources:\n[1] “")


def test_ask_with_a_model_that_is_down_answers_by_extraction(fake_index_dir, capsys):
    with scripted_model(good) as model:
        url = model.url
    code = main(["ask", QUESTION, "--index-dir", str(fake_index_dir), "--json", "--llm-url", url, "--llm-model", "m"])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 0 and data["generator"] == "extractive" and data["llm"]["fallback"] == "unreachable"


def test_a_url_without_a_model_is_one_sentence(fake_index_dir, capsys, monkeypatch):
    monkeypatch.delenv("NEWSQA_LLM_MODEL", raising=False)
    code = main(["ask", QUESTION, "--index-dir", str(fake_index_dir), "--llm-url", "http://127.0.0.1:9/v1"])
    err = capsys.readouterr().err
    assert code == 1 and err.strip() == ("error: A language model URL is set but no model name; give --llm-model or "
                                         "NEWSQA_LLM_MODEL.")


def test_eval_reports_both_generators_side_by_side(three_questions, fake_index_dir, monkeypatch):  # noqa: F811
    monkeypatch.delenv("NEWSQA_LLM_URL", raising=False)
    with scripted_model(echo) as model:
        result = CliRunner().invoke(_app(), ["eval", str(three_questions), "--index-dir", str(fake_index_dir), "--json",
                                             "--llm-url", model.url, "--llm-model", "scripted"])
        table = CliRunner().invoke(_app(), ["eval", str(three_questions), "--index-dir", str(fake_index_dir),
                                            "--llm-url", model.url, "--llm-model", "scripted"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert set(summary["runs"]) == {"hybrid", "hybrid+llm"}
    assert set(summary["runs"]["hybrid+llm"]["answers"]) == set(summary["runs"]["hybrid"]["answers"])
    assert summary["runs"]["hybrid+llm"]["answers"]["quotes_verbatim"] == 1.0
    generators = summary["generators"]
    assert generators["mode"] == "hybrid+llm" and generators["llm"] + generators["extractive"] == 3
    assert generators["llm"] >= 1
    assert table.exit_code == 0 and "hybrid+llm" in table.stdout and "answers written by the model" in table.stdout
