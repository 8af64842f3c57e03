"""`newsqa ask QUESTION`: answer one question from the index with quoted, dated citations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)


def ask(
    question: str = typer.Argument(..., help="The question, in Chinese or English."),
    since: Optional[str] = typer.Option(None, "--since", help="Only articles from this date on (YYYY, YYYY-MM or YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="Only articles up to this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
    k: int = typer.Option(8, "-k", min=1, max=100, help="How many passages to retrieve."),
    index_dir: Optional[Path] = typer.Option(None, "--index-dir", help="Index directory (default: $NEWSQA_HOME/index)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of text."),
) -> None:
    """Answer a question by quoting the archive, each quote with its article and date."""
    from index.dateargs import parse_date_range
    from index.retrieval import open_archive
    from qa import answer

    lower, upper = parse_date_range(since, until)
    archive = open_archive(index_dir) if index_dir else None
    result = answer(question, archive=archive, k=k, since=lower, until=upper)
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    typer.echo(render(result))


def render(result) -> str:
    """The answer, then each citation: marker, quote, title, date (an inferred one says so, in
    the question's language) and source file."""
    from qa.glossary import is_english

    lines = [result.text, ""]
    if result.citations:
        lines.append("Sources:" if result.found else "Possibly related (not an answer):")
    language = "en" if is_english(result.question) else "zh"
    for c in result.citations:
        date = c.date.label(language)
        lines.append(f"[{c.id}] “{c.quote}”")
        lines.append(f"    {c.title} — {date} — {c.source} ({c.article_id})")
    return "\n".join(lines).rstrip()
