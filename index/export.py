"""`newsqa export --to qdrant`: copy an embedded index into another backend without embedding
anything again: every file's articles, chunks, keyword terms and vectors go across as they are."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from index.backends import BackendConfig, Changes, backend_for, write_config
from index.errors import IndexMissingError, NewsQAError


@dataclass
class ExportReport:
    files: int
    articles: int
    chunks: int
    vectors: int


def export_index(source_dir: Path, *, target_dir: Path, config: BackendConfig) -> ExportReport:
    """Write the local index in `source_dir` to the backend `config` names, recorded in
    `target_dir` (so `--index-dir target_dir` serves it)."""
    from index.backends.local import LocalBackend

    if config.backend == "local":
        raise NewsQAError("The index is already a local one; export it with --to qdrant.")
    local = LocalBackend(Path(source_dir))
    state = local.indexed()
    if not state.exists:
        raise IndexMissingError(f"No index found in {source_dir}; run `newsqa index` to build one.")
    if state.model is None:
        raise NewsQAError(f"The index in {source_dir} is keyword-only; rebuild it with the model before exporting.")
    contents = list(local.stored(state.files).values())
    target = backend_for(target_dir, config)
    settings = {"model": state.model, "model_revision": state.model_revision, "dimension": state.dimension,
                **state.versions, "passage": "title+text"}
    with target.writing():
        target.indexed()  # checks that the collection is NewsQA's (or absent)
        target.apply(Changes(write=contents, remove=[], settings=settings))
    write_config(target_dir, dataclasses.replace(config, model=state.model))
    return ExportReport(
        files=len(contents),
        articles=sum(len(c.articles) for c in contents),
        chunks=sum(len(c.chunks) for c in contents),
        vectors=sum(0 if c.vectors is None else len(c.vectors) for c in contents),
    )
