"""`newsqa ask` over the bundled corpus indexed with the HashingEncoder."""

from __future__ import annotations

import datetime as dt
import json

from index.records import ArticleDate, Precision
from qa import Answer
from qa.records import Citation
from ui.cli import main
from ui.cli_ask import render


def test_ask_json_prints_one_object_with_verbatim_quotes(fake_index_dir, fake_archive, capsys):
    code = main(["ask", "开发区有多少个重点项目开工了?", "--index-dir", str(fake_index_dir), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"question", "answer", "found", "citations"}
    assert data["found"] and data["citations"]
    for c in data["citations"]:
        article = fake_archive.articles.article(c["article_id"])
        assert article.text[c["start"]:c["end"]] == c["quote"]
        assert (c["date"], c["date_source"]) == (article.date.iso(), article.date.source)


def test_ask_prints_answer_and_sources(fake_index_dir, capsys):
    assert main(["ask", "开发区党委书记是谁?", "--index-dir", str(fake_index_dir)]) == 0
    out = capsys.readouterr().out
    assert "王文峰" in out and "Sources:" in out and ".txt" in out


def test_ask_and_articles_mark_inferred_dates(fake_index_dir, fake_retriever, capsys):
    assert main(["ask", "开发区有多少个重点项目开工了?", "--index-dir", str(fake_index_dir), "--json"]) == 0
    cited = json.loads(capsys.readouterr().out)["citations"]
    assert main(["ask", "开发区有多少个重点项目开工了?", "--index-dir", str(fake_index_dir)]) == 0
    out = capsys.readouterr().out
    for c in cited:
        date = fake_retriever.store.article(c["article_id"]).date
        assert f" — {date.label('zh')} — {c['source']}" in out
    inferred = ArticleDate(dt.date(2018, 1, 1), Precision.YEAR, "inferred")
    citation = Citation(1, "已开工20个。", "标题", inferred, "a.txt", "a#001", 0, 7, None, 0.5)
    assert "    标题 — 约2018年 — a.txt (a#001)" in render(Answer("开工了多少?", "答", True, [citation]))
    assert "    标题 — about 2018 — a.txt (a#001)" in render(Answer("How many started?", "答", True, [citation]))
    assert main(["articles", "--index-dir", str(fake_index_dir)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert "about May 2022" in {line.split("\t")[1] for line in listed}  # the 000 page's columns


def test_ask_rejects_an_empty_question_with_one_line(fake_index_dir, capsys):
    assert main(["ask", "  ", "--index-dir", str(fake_index_dir)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err
