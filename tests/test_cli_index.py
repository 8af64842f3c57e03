"""`newsqa index`, `newsqa articles` and `newsqa search` through the real entry point."""

from __future__ import annotations

import json

import pytest

import ui.cli
from index.paths import BUNDLED_CORPUS
from index.reader import iter_corpus_files

PAGE = """开发区举办招聘会

本报讯（记者 王晨）6月2日，开发区举办春风行动招聘会，四十家企业提供就业岗位一千二百个。

示范区发行专项债券

本报讯（记者 张华）6月3日，示范区成功发行专项债券三亿元，用于支持城市更新。
"""


@pytest.fixture
def newsqa(monkeypatch, tmp_path, capsys):
    """Run `newsqa ARGS…` with only this area's commands; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("NEWSQA_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(ui.cli, "COMMAND_MODULES", ("ui.cli_index",))

    def run(*args):
        code = ui.cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "2022-06-03.txt").write_text(PAGE, encoding="utf-8")
    return folder


@pytest.fixture
def indexed(newsqa, corpus, tmp_path):
    index_dir = tmp_path / "index"
    code, _, _ = newsqa("index", corpus, "--index-dir", index_dir, "--model", "hashing")
    assert code == 0
    return index_dir


def test_index_reports_what_it_did_and_is_incremental(newsqa, corpus, tmp_path):
    code, out, _ = newsqa("index", corpus, "--index-dir", tmp_path / "index", "--model", "hashing")
    again_code, again, _ = newsqa("index", corpus, "--index-dir", tmp_path / "index")

    assert code == 0 and "1 added, 0 updated, 0 removed, 0 unchanged, 0 failed" in out
    assert "2 articles" in out
    assert again_code == 0 and "0 added, 0 updated, 0 removed, 1 unchanged" in again
    assert "Nothing changed" in again


def test_a_bad_file_exits_with_code_3_and_one_line(newsqa, corpus, tmp_path):
    (corpus / "broken.txt").write_bytes(bytes(range(256)) * 8)

    code, out, err = newsqa("index", corpus, "--index-dir", tmp_path / "index", "--model", "hashing")

    assert code == 3
    assert "1 added" in out and "1 failed" in out
    failures = [line for line in err.splitlines() if line.startswith("failed:")]
    assert len(failures) == 1 and "broken.txt" in failures[0]


def test_a_malformed_dictionary_is_one_failed_line_and_the_pages_are_indexed(newsqa, corpus, tmp_path):
    (corpus / "newsqa-userdict.txt").write_text("春风行动 n\n招聘会 12 n extra\n", encoding="utf-8")

    code, out, err = newsqa("index", corpus, "--index-dir", tmp_path / "index", "--model", "hashing")

    assert code == 3
    assert "1 added" in out and "1 failed" in out
    failures = [line for line in err.splitlines() if line.startswith("failed:")]
    assert len(failures) == 1 and "newsqa-userdict.txt: line 2" in failures[0]


def test_default_corpus_goes_to_newsqa_home(newsqa, tmp_path):
    code, out, _ = newsqa("index", "--model", "hashing")

    assert code == 0 and f"{len(iter_corpus_files([BUNDLED_CORPUS]))} added" in out
    assert (tmp_path / "home" / "index" / "CURRENT").is_file()


def test_articles_json_lists_one_object_per_article(newsqa, indexed):
    code, out, _ = newsqa("articles", "--index-dir", indexed, "--json")

    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 2
    assert {"id", "source", "title", "kicker", "byline", "date", "date_precision", "date_source", "chars"} <= set(rows[0])
    assert [r["title"] for r in rows] == ["开发区举办招聘会", "示范区发行专项债券"]


def test_articles_text_output(newsqa, indexed):
    code, out, _ = newsqa("articles", "--index-dir", indexed)

    assert code == 0 and "2022-06-03#001" in out and "开发区举办招聘会" in out


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_search_json_finds_the_passage(newsqa, indexed, mode):
    code, out, _ = newsqa("search", "专项债券发行了多少", "--index-dir", indexed, "--json", "-k", 1, "--mode", mode)

    hits = json.loads(out)["hits"]
    assert code == 0 and len(hits) == 1
    assert "三亿元" in hits[0]["text"] and hits[0]["title"] == "示范区发行专项债券"


def test_search_filters_by_source_and_date(newsqa, indexed):
    _, wrong_day, _ = newsqa("search", "专项债券", "--index-dir", indexed, "--json", "--until", "2022-05")
    _, same_file, _ = newsqa("search", "专项债券", "--index-dir", indexed, "--json", "--source", "2022-06-03.txt")

    assert json.loads(wrong_day) == {"hits": []}
    assert json.loads(same_file)["hits"]


def test_search_text_output(newsqa, indexed):
    code, out, _ = newsqa("search", "招聘会", "--index-dir", indexed, "-k", 1)

    assert code == 0 and out.startswith("1. 开发区举办招聘会") and "一千二百个" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "yesterday"), "is not a date"),
        (("--since", "2023", "--until", "2022"), "after"),
        (("--source", "nope.txt"), "No indexed file is named nope.txt"),
    ],
)
def test_search_user_errors_are_one_line(newsqa, indexed, args, message):
    code, out, err = newsqa("search", "债券", "--index-dir", indexed, *args)

    assert code == 1 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_search_without_an_index_says_how_to_build_one(newsqa, tmp_path):
    code, _, err = newsqa("search", "债券", "--index-dir", tmp_path / "none")

    assert code == 1 and "run `newsqa index`" in err
