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
    llm_url: Optional[str] = typer.Option(
        None, "--llm-url", help="OpenAI-compatible base URL of a language model that writes checked answers (or NEWSQA_LLM_URL)."),
    llm_model: Optional[str] = typer.Option(None, "--llm-model", help="The language model's name on that server (or NEWSQA_LLM_MODEL)."),
) -> None:
    """Answer a question by quoting the archive, each quote with its article and date."""
    from index.dateargs import parse_date_range
    from index.retrieval import open_archive
    from qa import answer

    from qa.llm import answer_with_model, llm_config

    lower, upper = parse_date_range(since, until)
    llm = llm_config(url=llm_url, model=llm_model)
    archive = open_archive(index_dir) if index_dir else None
    if llm is not None:
        result = answer_with_model(question, llm=llm, archive=archive, k=k, since=lower, until=upper)
    else:
        result = answer(question, archive=archive, k=k, since=lower, until=upper)
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    typer.echo(render(result))


def render(result) -> str:
    """The answer, then each citation: marker, quote, title, date (an inferred one says so, in
    the question's language) and source file."""
    from qa.analyze import is_english

    lines = [result.text, ""]
    generation = result.generation
    if generation is not None:
        if generation.fallback is None:
            lines[-1:] = [f"(written by {generation.model}; every sentence checked against the cited passages,"
                          f" {len(generation.dropped)} dropped)", ""]
        else:
            lines[-1:] = [f"(quoted from the archive; {generation.model} was not used: {generation.fallback.value})", ""]
    if result.citations:
        lines.append("Sources:" if result.found else "Possibly related (not an answer):")
    language = "en" if is_english(result.question) else "zh"
    for c in result.citations:
        date = c.date.label(language)
        lines.append(f"[{c.id}] “{c.quote}”")
        lines.append(f"    {c.title} — {date} — {c.source} ({c.article_id})")
    return "\n".join(lines).rstrip()
