"""`build_index`: corpus files → articles → chunks → tokens + vectors → the index's backend.

Builds are incremental, by content hash, for every backend. A file whose bytes (sha256), sidecar
entry and processing versions are unchanged is left as it is indexed; every passage whose text
was embedded before by the same model keeps its vector, so no text is embedded twice (vectors of
a build that failed after embedding are kept beside the index for the next one). A build mirrors
the given paths for its indexer: that indexer's files no longer found under them are dropped,
other indexers' files are never touched, so several machines may feed one index.

The keyword tokenizer is the index's own: jieba's general dictionary plus the words of every
`newsqa-userdict.txt` in the folders given and the folders holding the files (`_vocabulary`).
A build whose words differ from the index's cuts every indexed file's terms again from its
stored chunks (nothing is parsed or embedded again); several indexers feeding one index should
therefore supply the same dictionary, since the last build's words are the index's.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index import pending_vectors
from index.backends import (
    DEFAULT_INDEXER,
    BackendConfig,
    Changes,
    FileContent,
    IndexedState,
    backend_for,
    passage_text,
    text_key,
    write_config,
)
from index.errors import ModelUnavailableError, NewsQAError
from index.interfaces import Encoder
from index.tokenize import Tokenizer, Vocabulary, VocabularyError, tokenizer_for

__all__ = ["FileContent", "FileError", "IndexReport", "NoCorpusFilesError", "build_index", "passage_text",
           "processing_versions"]


@dataclass
class FileError:
    source: str
    message: str


@dataclass
class IndexReport:
    added: list[str]
    updated: list[str]
    removed: list[str]
    unchanged: list[str]
    errors: list[FileError]
    articles: int
    chunks: int
    keyword_only: bool
    written: bool = True  # False when nothing changed and the live generation was kept


@dataclass
class Plan:
    files: dict[str, FileContent] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    #: previously indexed files of this indexer that are left out (removed, or now failing)
    dropped: list[str] = field(default_factory=list)
    by_content: dict[str, str] = field(default_factory=dict)  # sha256 → first file with those bytes
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    vocabulary_sources: list[str] = field(default_factory=list)
    #: the index's words differ from this build's: every kept file's terms are cut again
    recut: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.dropped or self.recut)


class NoCorpusFilesError(NewsQAError):
    """The given paths hold no corpus file."""


def build_index(
    paths: Sequence[Path],
    *,
    index_dir: Path,
    model: str | None = None,
    encoder: Encoder | None = None,
    progress: bool = True,
    approximate_threshold: int | None = None,
    config: BackendConfig | None = None,
    indexer: str | None = None,
    ocr: bool = False,
) -> IndexReport:
    """Bring the index in `index_dir` up to date with the files under `paths`.

    Images and PDFs without a text layer are read by OCR only with `ocr`; without it each is
    reported as failed, unless it is unchanged since an earlier build read it by OCR.

    `encoder` wins over `model`; with neither, the index's model (or the default model) is used.
    If that model cannot be loaded the build goes on keyword-only, with a warning. Files that
    cannot be read or parsed are reported in `errors` and left out. `config` names the backend
    (default: the one the folder records); `indexer` (default NEWSQA_INDEXER, else "default")
    owns the files it indexes: a build drops only its own files that are gone.
    """
    from index.reader import iter_corpus_files

    files = iter_corpus_files([_existing(Path(p)) for p in paths])
    if not files:
        raise NoCorpusFilesError(f"No files of a readable type were found under {', '.join(map(str, paths))}.")
    indexer = indexer or os.environ.get("NEWSQA_INDEXER") or DEFAULT_INDEXER
    target = backend_for(index_dir, config)
    with target.writing():
        state = target.indexed()
        versions = processing_versions()
        plan = Plan()
        _vocabulary(paths, files, plan)
        _plan(files, plan, state=state, indexer=indexer, versions=versions, progress=progress, ocr=ocr)
        if _up_to_date(state, plan, model=model, encoder=encoder):
            return _report(plan, keyword_only=False, written=False)
        if encoder is None:
            encoder = _load_encoder(model or state.model)
            if encoder is not None and _up_to_date(state, plan, model=None, encoder=encoder):
                return _report(plan, keyword_only=False, written=False)
        write = [plan.files[s] for s in plan.added + plan.updated]
        if _embeds_anew(state, encoder) or plan.recut:  # every kept file is written again
            kept = set(state.files) - set(plan.added + plan.updated) - set(plan.dropped)
            write += _recut(target.stored(kept).values(), tokenizer_for(plan.vocabulary))
        _embed(write, encoder=encoder, target=target, index_dir=Path(index_dir), progress=progress)
        changes = Changes(write=write, remove=plan.dropped, settings=_settings(encoder, versions),
                          vocabulary=plan.vocabulary, vocabulary_sources=plan.vocabulary_sources)
        target.apply(changes, approximate_threshold=approximate_threshold)
        pending_vectors.clear(Path(index_dir))
    if config is not None and config.backend != "local":
        write_config(index_dir, dataclasses.replace(config, model=encoder.name if encoder is not None else None))
    return _report(plan, keyword_only=encoder is None)


def processing_versions() -> dict[str, str]:
    """Versions of the code that turns a file into chunks and tokens; a change re-processes files."""
    import index.chunking as chunking
    import index.tokenize as tokenize

    # the archive's own words are compared apart (`Plan.recut`): a changed dictionary cuts the
    # terms again but parses nothing again
    tokenizer = getattr(tokenize, "TOKENIZER_VERSION", None) or _source_digest(Path(tokenize.__file__))
    here = Path(__file__).parent
    parser_files = [here / n for n in ("reader.py", "normalize.py", "ingest.py")]
    parser_files += sorted(p for folder in ("formats", "segment", "dates") for p in (here / folder).glob("*.py"))
    versions = {
        "chunker_version": chunking.CHUNKER_VERSION,
        "tokenizer_version": tokenizer,
        # the parsing modules have no declared version, so their source is the version
        "parser_version": _source_digest(*parser_files),
    }
    try:
        import index.annotate as annotate

        versions["annotator_version"] = annotate.ANNOTATOR_VERSION
    except ImportError:  # chunks without annotations
        pass
    return versions


def _source_digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


def _existing(path: Path) -> Path:
    if not path.exists():
        raise NoCorpusFilesError(f"{path} does not exist.")
    return path


def _up_to_date(state: IndexedState, plan: Plan, *, model: str | None, encoder: Encoder | None) -> bool:
    """True when the index already is what this build would write."""
    if not state.exists or state.model is None or plan.changed:
        return False
    wanted = encoder.name if encoder is not None else model or state.model  # None: keep the index's model
    return wanted == state.model and state.model_revision == _revision_of(wanted)


def _embeds_anew(state: IndexedState, encoder: Encoder | None) -> bool:
    """Whether the build changes the model (or its build) the index's vectors come from."""
    if not state.exists:
        return False
    if encoder is None:
        return state.model is not None  # keyword-only now: every file is rewritten without vectors
    return state.model != encoder.name or state.model_revision != _revision_of(encoder.name)


def _revision_of(model: str | None) -> str | None:
    from index.embedding import model_revision

    return model_revision(model)


# --- the archive's vocabulary ------------------------------------------------------------------


def _vocabulary(paths: Sequence[Path], files: list[Path], plan: Plan) -> None:
    """The words of the `newsqa-userdict.txt` of each folder given and each folder holding a
    file, in that order, into `plan`; a malformed one is a failed file, and left out."""
    from index.reader import USER_DICTIONARY_NAME

    folders = [Path(p) for p in paths if Path(p).is_dir()] + [f.parent for f in files]
    vocabularies = []
    for folder in dict.fromkeys(f.resolve() for f in folders):
        path = folder / USER_DICTIONARY_NAME
        if not path.is_file():
            continue
        try:
            vocabularies.append(Vocabulary.read(path))
        except VocabularyError as error:
            plan.errors.append(FileError(f"{folder.name}/{USER_DICTIONARY_NAME}", str(error)))
            continue
        plan.vocabulary_sources.append(str(path))
    plan.vocabulary = Vocabulary().merged(*vocabularies)


def _recut(contents, tokenizer: Tokenizer) -> list[FileContent]:
    """Stored files with their terms cut by `tokenizer` (their chunks and vectors kept)."""
    contents = list(contents)
    for content in contents:
        content.tokens = [tokenizer.tokenize(passage_text(c)) for c in content.chunks]
    return contents


# --- planning: what each file contributes ------------------------------------------------------


def _plan(files: list[Path], plan: Plan, *, state: IndexedState, indexer: str, versions: dict, progress: bool,
          ocr: bool = False) -> None:
    """What each file contributes (kept, or processed anew) and what failed, into `plan`."""
    from tqdm import tqdm

    from index.reader import file_sha256, load_sidecar, read_page

    tokenizer = tokenizer_for(plan.vocabulary)
    plan.recut = state.exists and (state.vocabulary is None or state.vocabulary.sha256 != plan.vocabulary.sha256)
    sidecars: dict[Path, dict] = {}
    for path in tqdm(files, desc="reading", unit="file", disable=not progress):
        directory = path.parent
        if directory not in sidecars:
            sidecars[directory] = _sidecar(load_sidecar, directory, plan)
        source = path.name
        try:
            sha256 = file_sha256(path)
        except NewsQAError as error:
            plan.errors.append(FileError(source, str(error)))
            continue
        if source in plan.files:
            plan.errors.append(FileError(source, f"{path}: another indexed file has the same name."))
            continue
        if sha256 in plan.by_content:
            # a copy under another name would put every article in the answers twice
            first = plan.by_content[sha256]
            plan.errors.append(FileError(source, f"{source}: the same content as {first}, which is indexed; skipped."))
            continue
        old = state.files.get(source)
        owner = old.get("indexer", DEFAULT_INDEXER) if old else indexer
        if owner != indexer:
            plan.errors.append(FileError(source, f"{source}: the indexer '{owner}' has indexed a file of this "
                                                 "name in this index; skipped."))
            continue
        sidecar = sidecars[directory].get(source)
        if old and old["sha256"] == sha256 and old.get("sidecar") == sidecar and state.versions_of(source) == versions:
            # unchanged: the backend keeps it as indexed, and it is not read again (no second OCR
            # of a scan, which a build without --ocr could not read at all)
            entry = {"source": source, "path": str(path.resolve()), "sha256": sha256, "encoding": old.get("encoding"),
                     "text_source": old.get("text_source", "text"), "sidecar": sidecar, "indexer": indexer}
            content = FileContent({**entry, "articles": old["articles"], "chunks": old["chunks"]}, [], [], [])
            plan.unchanged.append(source)
        else:
            try:
                page = read_page(path, ocr=ocr)
            except NewsQAError as error:
                plan.errors.append(FileError(source, str(error)))
                continue
            entry = {"source": source, "path": str(path.resolve()), "sha256": page.sha256, "encoding": page.encoding,
                     "text_source": page.text_source.value, "sidecar": sidecar, "indexer": indexer}
            try:
                content = _process(page, entry=entry, sidecar=sidecar, tokenizer=tokenizer)
            except Exception as error:  # noqa: BLE001 — one odd page must not stop a whole archive
                plan.errors.append(FileError(source, _parse_failure(source, error)))
                continue
            (plan.updated if old else plan.added).append(source)
        plan.by_content[sha256] = source
        plan.files[source] = content
    mine = {source for source, record in state.files.items() if record.get("indexer", DEFAULT_INDEXER) == indexer}
    plan.dropped = sorted(mine - set(plan.files))
    plan.removed = sorted(set(plan.dropped) - {e.source for e in plan.errors})


def _sidecar(load_sidecar, directory: Path, plan: Plan) -> dict:
    try:
        return load_sidecar(directory) or {}
    except NewsQAError as error:
        plan.errors.append(FileError(directory.name, str(error)))
        return {}


def _parse_failure(source: str, error: Exception) -> str:
    if isinstance(error, NewsQAError):
        return str(error)
    return f"{source}: the page could not be split into articles ({type(error).__name__}: {error})."


def _process(page, *, entry: dict, sidecar: dict | None, tokenizer: Tokenizer | None = None) -> FileContent:
    from index.chunking import chunk_articles
    from index.annotate import annotate_articles
    from index.ingest import split_page

    articles = split_page(page, sidecar=sidecar)
    # every article says where its text came from, so a citation of OCR text can say so
    articles = [dataclasses.replace(a, text_source=page.text_source.value) for a in articles]
    chunks = annotate_articles(articles, chunk_articles(articles))
    tokenizer = tokenizer or tokenizer_for(Vocabulary())
    tokens = [tokenizer.tokenize(passage_text(c)) for c in chunks]
    entry = {**entry, "articles": len(articles), "chunks": len(chunks)}
    return FileContent(entry=entry, articles=articles, chunks=chunks, tokens=tokens)


# --- embedding ----------------------------------------------------------------------------------


def _load_encoder(model: str | None) -> Encoder | None:
    from index.embedding import load_encoder

    try:
        return load_encoder(model)
    except ModelUnavailableError as error:
        _warn(f"{error} Building a keyword-only index instead.")
        return None


def _embed(contents: list[FileContent], *, encoder: Encoder | None, target, index_dir: Path, progress: bool) -> None:
    """Give each content its vectors, in chunk order: reused when the same model embedded the
    same passage text before (in the index, or in a build that failed after embedding),
    encoded once per distinct text otherwise. Nothing for a keyword-only index."""
    if encoder is None:
        for content in contents:
            content.vectors = None
        return
    texts = {text_key(passage_text(c)): passage_text(c) for content in contents for c in content.chunks}
    revision = _revision_of(encoder.name)
    known = target.known_vectors(set(texts), model=encoder.name, revision=revision)
    known.update(pending_vectors.load(index_dir, model=encoder.name, revision=revision, keys=set(texts) - set(known)))
    missing = {key: text for key, text in texts.items() if key not in known}
    if missing:
        encoded = np.asarray(encoder.encode_passages(list(missing.values()), progress=progress), dtype=np.float32)
        pending_vectors.save(index_dir, model=encoder.name, revision=revision, keys=list(missing), vectors=encoded)
        known.update(zip(missing, encoded))
    for content in contents:
        vectors = np.zeros((len(content.chunks), encoder.dimension), dtype=np.float32)
        for row, chunk in enumerate(content.chunks):
            vectors[row] = known[text_key(passage_text(chunk))]
        content.vectors = vectors


def _settings(encoder: Encoder | None, versions: dict) -> dict:
    return {
        "model": encoder.name if encoder is not None else None,
        "model_revision": _revision_of(encoder.name) if encoder is not None else None,
        "dimension": encoder.dimension if encoder is not None else None,
        **versions,
        "passage": "title+text",
    }


def _report(plan: Plan, *, keyword_only: bool, written: bool = True) -> IndexReport:
    entries = [c.entry for c in plan.files.values()]
    recut = plan.unchanged if plan.recut and written else []  # the same chunks, their terms cut anew
    return IndexReport(
        added=plan.added,
        updated=sorted(plan.updated + recut) if recut else plan.updated,
        removed=plan.removed,
        unchanged=[] if recut else plan.unchanged,
        errors=plan.errors,
        articles=sum(e["articles"] for e in entries),
        chunks=sum(e["chunks"] for e in entries),
        keyword_only=keyword_only,
        written=written,
    )


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)
