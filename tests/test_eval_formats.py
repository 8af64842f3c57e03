"""BEIR and TREC files: what we write reads back the same."""

from __future__ import annotations

import datetime as dt

import pytest

from eval.dataset import DatasetError, Question
from eval.formats import read_beir, read_trec_run, write_beir, write_trec_qrels, write_trec_run
from index.records import Article, ArticleDate, Precision

ARTICLE = Article(id="p1#001", source="p1.txt", title="开发区项目", kicker=None, byline=None,
                  date=ArticleDate(dt.date(2022, 5, 23), Precision.DAY, "dateline"), text="已开工20个。")
QUESTIONS = [
    Question(id="q1", question="开工多少个？", answers=("20个",), kind="numeric", sources=("p1.txt",), dates=("2022-05",)),
    Question(id="q2", question="占地多少亩？", answers=(), kind="unanswerable"),
]


def test_beir_round_trip(tmp_path):
    write_beir(tmp_path, questions=QUESTIONS, docs=[ARTICLE], qrels={"q1": {"p1#001": 1}})
    header = (tmp_path / "qrels" / "test.tsv").read_text(encoding="utf-8").splitlines()
    assert header == ["query-id\tcorpus-id\tscore", "q1\tp1#001\t1"]
    beir = read_beir(tmp_path)
    assert beir.corpus == {"p1#001": {"_id": "p1#001", "title": "开发区项目", "text": "已开工20个。",
                                      "metadata": {"source": "p1.txt", "date": "2022-05-23"}}}
    assert beir.queries["q1"]["text"] == "开工多少个？"
    assert beir.qrels == {"q1": {"p1#001": 1}}
    assert beir.questions() == QUESTIONS


def test_beir_folder_without_qrels_is_a_clear_error(tmp_path):
    write_beir(tmp_path, questions=QUESTIONS, docs=[ARTICLE], qrels={})
    (tmp_path / "qrels" / "test.tsv").unlink()
    with pytest.raises(DatasetError, match=r"has no qrels/test.tsv"):
        read_beir(tmp_path)


def test_trec_run_round_trip_ranks_by_score(tmp_path):
    run = {"q1": {"b": 0.25, "a": 0.75}, "q2": {"c": 1.0}}
    write_trec_run(run, tmp_path / "run.trec", tag="newsqa-bm25")
    lines = (tmp_path / "run.trec").read_text(encoding="utf-8").splitlines()
    assert lines == ["q1 Q0 a 1 0.750000 newsqa-bm25", "q1 Q0 b 2 0.250000 newsqa-bm25",
                     "q2 Q0 c 1 1.000000 newsqa-bm25"]
    assert read_trec_run(tmp_path / "run.trec") == run


def test_trec_run_with_a_short_line_names_it(tmp_path):
    (tmp_path / "bad.trec").write_text("q1 Q0 a 1 0.5 tag\nq1 a 2\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="bad.trec line 2: a TREC run line needs 6 fields"):
        read_trec_run(tmp_path / "bad.trec")


def test_trec_qrels(tmp_path):
    write_trec_qrels({"q1": {"a": 1, "b": 2}}, tmp_path / "qrels.txt")
    assert (tmp_path / "qrels.txt").read_text(encoding="utf-8") == "q1 0 a 1\nq1 0 b 2\n"


def test_ranx_reads_our_files(tmp_path):
    from ranx import Qrels, Run, evaluate

    write_trec_run({"q1": {"a": 0.9, "b": 0.1}}, tmp_path / "run.trec", tag="t")
    write_trec_qrels({"q1": {"b": 1}}, tmp_path / "qrels.txt")
    run = Run.from_file(str(tmp_path / "run.trec"), kind="trec")
    qrels = Qrels.from_file(str(tmp_path / "qrels.txt"), kind="trec")
    assert evaluate(qrels, run, "mrr@10") == pytest.approx(0.5)  # b at rank 2
