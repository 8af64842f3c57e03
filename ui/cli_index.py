"""`newsqa index`, `newsqa articles` and `newsqa search`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

EXIT_PARTIAL = 3  # done, but some input files failed

IndexDirOption = Annotated[
    Optional[Path],
    typer.Option("--index-dir", help="Index folder (default: $NEWSQA_HOME/index).", file_okay=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def register(app: typer.Typer) -> None:
    app.command("index")(index_command)
    app.command("articles")(articles_command)
    app.command("search")(search_command)
    app.command("export")(export_command)


BackendOption = Annotated[
    Optional[str],
    typer.Option("--backend", help="Where the index lives: local (files in the index folder; the default) or qdrant."),
]
QdrantUrlOption = Annotated[
    Optional[str],
    typer.Option("--qdrant-url", help="Qdrant server, e.g. http://host:6333 (or NEWSQA_QDRANT_URL; API key from "
                 "NEWSQA_QDRANT_API_KEY)."),
]
QdrantPathOption = Annotated[
    Optional[Path],
    typer.Option("--qdrant-path", help="Folder for Qdrant's local mode (in this process, one process at a time).",
                 file_okay=False),
]
CollectionOption = Annotated[Optional[str], typer.Option("--collection", help="Qdrant collection (default: newsqa).")]


def index_command(
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Corpus files or folders (default: the bundled sample pages).", show_default=False),
    ] = None,
    index_dir: IndexDirOption = None,
    model: Annotated[
        Optional[str],
        typer.Option("--model", help="Embedding model: multilingual-e5-small-int8 (ONNX Runtime int8, the default "
                     "on a CPU), multilingual-e5-small (float32, the default with CUDA), or a sentence-transformers "
                     "folder. Default: the index's model."),
    ] = None,
    backend: BackendOption = None,
    qdrant_url: QdrantUrlOption = None,
    qdrant_path: QdrantPathOption = None,
    collection: CollectionOption = None,
    indexer: Annotated[
        Optional[str],
        typer.Option("--indexer", help="Name of this indexer (or NEWSQA_INDEXER): several machines feeding one "
                     "index each use their own, and a build drops only its own vanished files."),
    ] = None,
) -> None:
    """Build or update the index; unchanged files are skipped, vanished ones dropped."""
    from index.backends import configure
    from index.paths import BUNDLED_CORPUS
    from index.pipeline import build_index

    target = _index_dir(index_dir)
    config = configure(target, backend=backend, url=qdrant_url, path=qdrant_path, collection=collection)
    report = build_index(paths or [BUNDLED_CORPUS], index_dir=target, model=model, progress=sys.stderr.isatty(),
                         config=config, indexer=indexer)
    kind = "keyword-only" if report.keyword_only else "keywords + vectors"
    where = "" if config.backend == "local" else f" on {config.address()}"
    typer.echo(f"Index {target}{where} ({kind}): {report.articles} articles, {report.chunks} chunks.")
    typer.echo(
        f"files: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.removed)} removed, {len(report.unchanged)} unchanged, {len(report.errors)} failed."
    )
    if not report.written:
        typer.echo("Nothing changed; the index was left as it was.")
    for error in report.errors:
        typer.echo(f"failed: {error.message}", err=True)
    if report.errors:
        raise typer.Exit(EXIT_PARTIAL)


def articles_command(index_dir: IndexDirOption = None, as_json: JsonOption = False) -> None:
    """List the indexed articles."""
    for article in _archive(_index_dir(index_dir), mode="bm25").articles.all_articles():
        if as_json:
            typer.echo(json.dumps(article.to_json(), ensure_ascii=False))
        else:
            typer.echo(f"{article.id}\t{article.date.label('en')}\t{article.title}")


def search_command(
    question: Annotated[str, typer.Argument(help="What to look for.", show_default=False)],
    k: Annotated[int, typer.Option("-k", "--top", min=1, max=100, help="How many passages.")] = 5,
    since: Annotated[Optional[str], typer.Option(help="Earliest date: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Latest date: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    source: Annotated[
        Optional[list[str]], typer.Option("--source", help="Only this corpus file (repeatable).")
    ] = None,
    mode: Annotated[str, typer.Option(help="hybrid, dense or bm25.")] = "hybrid",
    index_dir: IndexDirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the passages that best match QUESTION."""
    from index.dateargs import parse_date_range
    from qa.question import validate

    validate(question)  # empty or punctuation-only text would "match" arbitrary passages by vector
    first, last = parse_date_range(since, until)
    archive = _archive(_index_dir(index_dir), mode=mode)
    _check_sources(archive, source)
    hits = archive.retriever.search(question, k=k, since=first, until=last, sources=source or None, mode=mode)
    if as_json:
        typer.echo(json.dumps({"hits": [hit.to_json() for hit in hits]}, ensure_ascii=False))
        return
    if not hits:
        typer.echo("No matching passage.")
    for rank, hit in enumerate(hits, start=1):
        chunk = hit.chunk
        typer.echo(f"{rank}. {chunk.title} — {chunk.date.label('en')} — {chunk.id} ({hit.score:.4f})")
        typer.echo(f"   {chunk.text}")


def _index_dir(index_dir: Path | None) -> Path:
    from index.paths import default_index_dir

    return index_dir or default_index_dir()


def _archive(index_dir: Path, *, mode: str):
    from index.retrieval import open_archive

    # keyword search and listings need no model, so skip loading it
    return open_archive(index_dir, keywords_only=mode == "bm25")


def export_command(
    to: Annotated[str, typer.Option("--to", help="The backend to copy the index into: qdrant.")],
    index_dir: IndexDirOption = None,
    qdrant_url: QdrantUrlOption = None,
    qdrant_path: QdrantPathOption = None,
    collection: CollectionOption = None,
    into: Annotated[
        Optional[Path],
        typer.Option("--into", help="Index folder that will point at the copy (default: the index folder + '-qdrant').",
                     file_okay=False),
    ] = None,
) -> None:
    """Copy the embedded index into Qdrant, vectors and all (nothing is embedded again)."""
    from index.backends import configure
    from index.export import export_index

    source = _index_dir(index_dir)
    target = into or source.with_name(source.name + "-qdrant")
    config = configure(target, backend=to, url=qdrant_url, path=qdrant_path, collection=collection)
    report = export_index(source, target_dir=target, config=config)
    typer.echo(f"Exported {report.files} files, {report.articles} articles and {report.chunks} chunks "
               f"({report.vectors} vectors reused) to {config.address()}; serve it with --index-dir {target}.")


def _check_sources(archive, sources: list[str] | None) -> None:
    from index.errors import NewsQAError

    if not sources:
        return
    known = {article.source for article in archive.articles.all_articles()}
    for name in sources or ():
        if name not in known:
            raise NewsQAError(f"No indexed file is named {name}; `newsqa articles` lists the indexed articles.")
