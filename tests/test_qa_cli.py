"""`newsqa ask` over the bundled corpus indexed with the HashingEncoder."""

from __future__ import annotations

import json

from ui.cli import main


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
        assert c["date"] == article.date.iso()


def test_ask_prints_answer_and_sources(fake_index_dir, capsys):
    assert main(["ask", "开发区党委书记是谁?", "--index-dir", str(fake_index_dir)]) == 0
    out = capsys.readouterr().out
    assert "王文峰" in out and "Sources:" in out and ".txt" in out


def test_ask_rejects_an_empty_question_with_one_line(fake_index_dir, capsys):
    assert main(["ask", "  ", "--index-dir", str(fake_index_dir)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err
