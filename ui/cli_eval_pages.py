"""`newsqa eval-pages`: segmentation and dates on hand-labelled real pages."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("eval-pages")(eval_pages_command)


def eval_pages_command(
    labels: Optional[Path] = typer.Argument(
        None, help="Labelled pages (JSONL); default: eval/data/pages/inews-pages-dev.jsonl."
    ),
    report: Optional[Path] = typer.Option(
        None, "--report", help="Write summary.json, summary.md, pages.jsonl and the pages themselves here."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object of figures."),
) -> None:
    """Write the labelled inews pages from the installed package, split and date them as `newsqa
    index` does, and report stories kept whole or split right, titles and dates."""
    from eval.pages import DEV_LABELS, evaluate, load_labels, summarize, summary_markdown, write_report

    path = labels or DEV_LABELS
    page_labels = load_labels(path)
    with tempfile.TemporaryDirectory() as scratch:
        pages_dir = report / "pages" if report is not None else Path(scratch)
        results = evaluate(page_labels, pages_dir)
    summary = summarize(results)
    if report is not None:
        write_report(results, summary, report, labels=path)
    typer.echo(json.dumps(summary, ensure_ascii=False) if as_json else summary_markdown(summary, labels=path).rstrip())
