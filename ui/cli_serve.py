"""`newsqa serve`: the web chat, the HTTP API and the widget on one port."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Annotated

import typer

from index.errors import IndexMissingError
from index.paths import default_index_dir


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 exposes it to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7860,
    index_dir: Annotated[Path | None, typer.Option(help="Index to serve (default: $NEWSQA_HOME/index).")] = None,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(help="Origin allowed to call /api/v1 from a browser (repeatable; adds to NEWSQA_CORS_ORIGINS)."),
    ] = None,
    frame_ancestor: Annotated[
        list[str] | None,
        typer.Option(help="Origin allowed to frame the widget's /embed page, or '*' for any (repeatable; adds to NEWSQA_FRAME_ANCESTORS)."),
    ] = None,
    examples: Annotated[Path | None, typer.Option(help="File of example questions for the chat page, one a line.")] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Questions answered at once.")] = 2,
    chat_sessions: Annotated[
        int, typer.Option(min=10, help="Chat sessions kept in memory; the least recently used go first.")
    ] = 500,
    root_path: Annotated[
        str | None,
        typer.Option(help="Path prefix a reverse proxy serves the app under, e.g. /newsqa (or NEWSQA_ROOT_PATH)."),
    ] = None,
    rate_limit: Annotated[
        int, typer.Option(min=1, help="Questions per minute per client address (chat, widget and API); more get 429.")
    ] = 20,
    trust_proxy: Annotated[
        bool, typer.Option(help="Take the client address from X-Forwarded-For (only behind a proxy that sets it).")
    ] = False,
    api_key: Annotated[
        list[str] | None, typer.Option(help="A key the HTTP API requires (repeatable); the chat and widget need none.")
    ] = None,
    api_keys_file: Annotated[
        Path | None, typer.Option(help="File of API keys, one a line (# comments).")
    ] = None,
    llm_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible base URL of a language model that writes checked answers (or NEWSQA_LLM_URL).")
    ] = None,
    llm_model: Annotated[str | None, typer.Option(help="The language model's name on that server (or NEWSQA_LLM_MODEL).")] = None,
) -> None:
    """Serve the chat page at /, the HTTP API at /api/v1 and the site widget at /widget.js."""
    # heavy imports here so the other commands start fast
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import uvicorn

    from qa.llm import llm_config
    from ui.app import create_app
    from ui.config import ConfigError, archive_examples, from_env, load_examples
    from ui.limits import load_api_keys

    if examples is not None and not examples.is_file():
        raise ConfigError(f"The examples file {examples} does not exist.")
    config = from_env(
        host=host,
        port=port,
        index_dir=index_dir,
        cors_origins=tuple(cors_origin or ()),
        frame_ancestors=tuple(frame_ancestor or ()),
        examples=load_examples(examples) if examples else None,
        concurrency=concurrency,
        chat_sessions=chat_sessions,
        root_path=root_path,
        rate_limit=rate_limit,
        trust_proxy=trust_proxy,
        api_keys=load_api_keys(keys=api_key or (), keys_file=api_keys_file),
    )
    llm = llm_config(url=llm_url, model=llm_model)
    # without a model, load is called exactly as before
    service = load(config.index_dir, concurrency=config.concurrency, **({"llm": llm} if llm is not None else {}))
    if examples is None:  # the archive's own, from beside its pages
        config = dataclasses.replace(config, examples=archive_examples(service.archive.describe().files))
    base = f"http://{host}:{port}{config.root_path}"
    typer.echo(f"NewsQA: chat at {base}/ · API docs at {base}/docs · OpenAI-compatible API at {base}/v1", err=True)
    if llm is not None:
        typer.echo(f"NewsQA: answers written by {llm.model} at {llm.url}, each sentence checked against the quotes", err=True)
    uvicorn.run(
        create_app(service=service, config=config), host=host, port=port, log_level="info", root_path=config.root_path
    )


def load(index_dir: Path | None, *, concurrency: int, llm=None):
    """The index, loaded once; no index is one sentence naming the command that builds it."""
    from ui.service import open_service

    where = index_dir or default_index_dir()
    try:
        return open_service(where, concurrency=concurrency, llm=llm)
    except IndexMissingError:
        raise IndexMissingError(f"There is no index in {where}; build one first with `newsqa index`.") from None
