"""`newsqa eval` over the bundled pages indexed with the HashingEncoder, on three questions."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from eval.dataset import load_questions, write_questions
from ui.cli_eval import register

PICKED = ("dev-017", "dev-020", "dev-070")  # a number (260家), a name (郭蓓蓓), an unanswerable one


@pytest.fixture()
def three_questions(tmp_path):
    questions = [q for q in load_questions() if q.id in PICKED]
    assert [q.kind for q in questions] == ["numeric", "entity", "unanswerable"]
    path = tmp_path / "three.jsonl"
    write_questions(questions, path)
    return path


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a second command keeps "eval" a named subcommand
    return app


def test_eval_compare_json_and_report(three_questions, fake_index_dir, tmp_path):
    report = tmp_path / "report"
    result = CliRunner().invoke(_app(), [
        "eval", str(three_questions), "--index-dir", str(fake_index_dir), "--compare", "--json",
        "--report", str(report),
    ])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["questions"] == 3 and set(summary["runs"]) == {"bm25", "dense", "hybrid"}
    bm25 = summary["runs"]["bm25"]
    assert bm25["retrieval_questions"] == 2  # the unanswerable question is not scored for retrieval
    # both answers are single, distinctive strings that BM25 finds in the top 10 articles
    assert bm25["article"]["recall@10"] == 1.0
    answers = bm25["answers"]
    assert answers["quotes_verbatim"] == 1.0  # every quote shown is exact article text
    rows = [json.loads(line) for line in (report / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 9 and {r["mode"] for r in rows} == {"bm25", "dense", "hybrid"}
    assert all(r["retrieved_chunks"] and r["verdict"] is not None for r in rows)
    for name in ("summary.md", "summary.html", "chart.png", "run.bm25.article.trec", "qrels.chunk.txt",
                 "beir/corpus.jsonl", "beir/queries.jsonl", "beir/qrels/test.tsv"):
        assert (report / name).is_file(), name


def test_trec_files_from_the_report_score_the_same_in_ranx(three_questions, fake_index_dir, tmp_path):
    from ranx import Qrels, Run, evaluate

    report = tmp_path / "report"
    result = CliRunner().invoke(_app(), [
        "eval", str(three_questions), "--index-dir", str(fake_index_dir), "-r", "bm25", "--json",
        "--no-answers", "--report", str(report),
    ])
    assert result.exit_code == 0, result.output
    ours = json.loads(result.stdout)["runs"]["bm25"]["chunk"]
    assert json.loads(result.stdout)["runs"]["bm25"]["answers"] is None
    qrels = Qrels.from_file(str(report / "qrels.chunk.txt"), kind="trec")
    run = Run.from_file(str(report / "run.bm25.chunk.trec"), kind="trec")
    theirs = evaluate(qrels, run, ["recall@5", "mrr@10", "ndcg@10"], make_comparable=True)
    for name, value in theirs.items():
        assert round(ours[name], 6) == round(float(value), 6), name


def test_plain_table_output(three_questions, fake_index_dir):
    result = CliRunner().invoke(_app(), ["eval", str(three_questions), "--index-dir", str(fake_index_dir),
                                         "-r", "bm25", "--no-answers"])
    assert result.exit_code == 0, result.output
    assert "three.jsonl, 3 questions: retrieval" in result.stdout and "recall@5" in result.stdout
