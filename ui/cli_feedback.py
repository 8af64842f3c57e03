"""`newsqa feedback export`: readers' verdicts as an eval question-set draft (JSONL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Readers' feedback on answers (stored under $NEWSQA_HOME).", no_args_is_help=True)
    group.command("export")(export)
    app.add_typer(group, name="feedback")


def export(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the draft here (default: stdout).")] = None,
    store: Annotated[Path | None, typer.Option(help="Feedback file (default: $NEWSQA_HOME/feedback.sqlite3).")] = None,
) -> None:
    """Write every answer readers voted on as one question-set line: question, cited sources and
    dates, and the reader's verdict and comments (`answers` left for the evaluator)."""
    from index.paths import home
    from ui.feedback import FILE_NAME, FeedbackStore, eval_draft

    draft = eval_draft(FeedbackStore(store or home() / FILE_NAME).records())
    lines = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in draft)
    if out is None:
        typer.echo(lines, nl=False)
    else:
        out.write_text(lines, encoding="utf-8")
        typer.echo(f"{len(draft)} questions written to {out}.", err=True)
