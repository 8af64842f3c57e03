"""`build_index`: corpus files → articles → chunks → tokens + vectors → a new index generation.

Builds are incremental. A file whose bytes (sha256), sidecar entry and processing versions are
unchanged keeps its articles, chunks and tokens from the previous generation; every passage
whose text was embedded before by the same model keeps its vector, so no text is embedded twice.
The index mirrors the given paths: files no longer found under them are dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from index.errors import IndexIncompatibleError, IndexMissingError, ModelUnavailableError, NewsQAError
from index.interfaces import Encoder
from index.records import Article, Chunk
from index.store import IndexStore, build_lock, write_generation


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
class FileContent:
    """What one corpus file contributes to the index, plus the manifest entry describing it."""

    entry: dict
    articles: list[Article]
    chunks: list[Chunk]
    tokens: list[list[str]]


@dataclass
class Plan:
    files: dict[str, FileContent] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    dropped: bool = False  # some previously indexed file is left out (removed, or now failing)
    by_content: dict[str, str] = field(default_factory=dict)  # sha256 → first file with those bytes

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.dropped)


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
    ocr: bool = False,
) -> IndexReport:
    """Bring the index in `index_dir` up to date with the files under `paths`.

    Images and PDFs without a text layer are read by OCR only with `ocr`; without it each is
    reported as failed, unless it is unchanged since an earlier build read it by OCR.

    `encoder` wins over `model`; with neither, the previous generation's model (or the default
    model) is used. If that model cannot be loaded the build goes on keyword-only, with a warning.
    Files that cannot be read or parsed are reported in `errors` and left out.
    """
    from index.reader import iter_corpus_files

    files = iter_corpus_files([_existing(Path(p)) for p in paths])
    if not files:
        raise NoCorpusFilesError(f"No files of a readable type were found under {', '.join(map(str, paths))}.")
    with build_lock(index_dir):
        previous = _load_previous(index_dir)
        versions = processing_versions()
        plan = _plan(files, previous=previous, versions=versions, progress=progress, ocr=ocr)
        if _up_to_date(previous, plan, versions, model=model, encoder=encoder):
            return _report(plan, keyword_only=False, written=False)
        if encoder is None:
            encoder = _load_encoder(model or (previous.model if previous is not None else None))
            if encoder is not None and _up_to_date(previous, plan, versions, model=None, encoder=encoder):
                return _report(plan, keyword_only=False, written=False)
        contents = list(plan.files.values())
        chunks = [c for content in contents for c in content.chunks]
        vectors = _embed(chunks, encoder=encoder, previous=previous, progress=progress)
        manifest = _manifest(plan, encoder=encoder, versions=versions)
        write_generation(
            index_dir,
            manifest=manifest,
            articles=[a for content in contents for a in content.articles],
            chunks=chunks,
            tokens=[t for content in contents for t in content.tokens],
            vectors=vectors,
            approximate_threshold=approximate_threshold,
        )
    return _report(plan, keyword_only=encoder is None)


def passage_text(chunk: Chunk) -> str:
    """What gets embedded and keyword-indexed for a chunk: its headline gives the topic that the
    chunk's own sentences often leave implicit."""
    return f"{chunk.title}\n{chunk.text}" if chunk.title else chunk.text


def processing_versions() -> dict[str, str]:
    """Versions of the code that turns a file into chunks and tokens; a change re-processes files."""
    import index.chunking as chunking
    import index.tokenize as tokenize

    tokenizer = getattr(tokenize, "TOKENIZER_VERSION", None) or _source_digest(
        Path(tokenize.__file__), tokenize.USER_DICT
    )
    here = Path(__file__).parent
    parser_files = [here / n for n in ("reader.py", "normalize.py", "ingest.py")]
    parser_files += sorted(p for folder in ("formats", "segment", "dates") for p in (here / folder).glob("*.py"))
    return {
        "chunker_version": chunking.CHUNKER_VERSION,
        "tokenizer_version": tokenizer,
        # the parsing modules have no declared version, so their source is the version
        "parser_version": _source_digest(*parser_files),
    }


def _source_digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


def _existing(path: Path) -> Path:
    if not path.exists():
        raise NoCorpusFilesError(f"{path} does not exist.")
    return path


def _load_previous(index_dir: Path) -> IndexStore | None:
    """The live generation to build on, or None to start afresh (missing or unreadable)."""
    try:
        previous = IndexStore.load(index_dir)
        # a build reuses its tokens and vectors: a damaged one must be found now, or the build
        # would stop halfway with "damaged, run `newsqa index`" — the very command running
        previous.tokens()
        previous.vectors  # noqa: B018 — loads and checks the file
        return previous
    except IndexMissingError:
        return None
    except IndexIncompatibleError as error:
        _warn(f"{error} Rebuilding it from scratch.")
        return None


def _up_to_date(previous, plan: Plan, versions: dict, *, model: str | None, encoder: Encoder | None) -> bool:
    """True when the live generation already is what this build would write."""
    if previous is None or previous.keyword_only or plan.changed or not _same_versions(previous, versions):
        return False
    wanted = encoder.name if encoder is not None else model or previous.model  # None: keep the index's model
    return wanted == previous.model and _same_revision(previous, wanted)


def _same_revision(previous: IndexStore, model: str | None) -> bool:
    """Whether the index's vectors come from the build of `model` this product makes today."""
    from index.embedding import model_revision

    return previous.manifest.get("model_revision") == model_revision(model)


def _same_versions(previous: IndexStore, versions: dict[str, str]) -> bool:
    return all(previous.manifest.get(key) == value for key, value in versions.items())


# --- planning: what each file contributes ------------------------------------------------------


def _plan(files: list[Path], *, previous: IndexStore | None, versions: dict, progress: bool, ocr: bool = False) -> Plan:
    from tqdm import tqdm

    from index.reader import file_sha256, load_sidecar, read_page

    plan = Plan()
    reusable = _reusable_by_source(previous) if previous and _same_versions(previous, versions) else {}
    before = previous.manifest["files"] if previous else {}
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
        sidecar = sidecars[directory].get(source)
        old = before.get(source)
        if old and old["sha256"] == sha256 and old.get("sidecar") == sidecar and source in reusable:
            # unchanged: its articles are reused without reading it again (no second OCR of a scan)
            content = reusable[source]
            content.entry = {**old, "path": str(path.resolve()), "articles": len(content.articles),
                             "chunks": len(content.chunks)}
            plan.unchanged.append(source)
        else:
            try:
                page = read_page(path, ocr=ocr)
            except NewsQAError as error:
                plan.errors.append(FileError(source, str(error)))
                continue
            entry = {"path": str(path.resolve()), "sha256": page.sha256, "encoding": page.encoding,
                     "text_source": page.text_source.value, "sidecar": sidecar}
            try:
                content = _process(page, entry=entry, sidecar=sidecar)
            except Exception as error:  # noqa: BLE001 — one odd page must not stop a whole archive
                plan.errors.append(FileError(source, _parse_failure(source, error)))
                continue
            (plan.updated if old else plan.added).append(source)
        plan.by_content[sha256] = source
        plan.files[source] = content
    plan.removed = sorted(set(before) - set(plan.files) - {e.source for e in plan.errors})
    plan.dropped = bool(set(before) - set(plan.files))
    return plan


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


def _process(page, *, entry: dict, sidecar: dict | None) -> FileContent:
    from index.chunking import chunk_articles
    from index.ingest import split_page
    from index.tokenize import tokenize

    articles = split_page(page, sidecar=sidecar)
    # every article says where its text came from, so a citation of OCR text can say so
    articles = [replace(a, text_source=page.text_source.value) for a in articles]
    chunks = chunk_articles(articles)
    tokens = [tokenize(passage_text(c)) for c in chunks]
    entry = {**entry, "articles": len(articles), "chunks": len(chunks)}
    return FileContent(entry=entry, articles=articles, chunks=chunks, tokens=tokens)


def _reusable_by_source(previous: IndexStore) -> dict[str, FileContent]:
    """The previous generation's articles, chunks and tokens, grouped by file."""
    contents: dict[str, FileContent] = {}
    for article in previous.articles.values():
        contents.setdefault(article.source, FileContent({}, [], [], [])).articles.append(article)
    for chunk, tokens in zip(previous.chunks, previous.tokens(), strict=True):
        content = contents.setdefault(chunk.source, FileContent({}, [], [], []))
        content.chunks.append(chunk)
        content.tokens.append(tokens)
    return contents


# --- embedding ----------------------------------------------------------------------------------


def _load_encoder(model: str | None) -> Encoder | None:
    from index.embedding import load_encoder

    try:
        return load_encoder(model)
    except ModelUnavailableError as error:
        _warn(f"{error} Building a keyword-only index instead.")
        return None


def _embed(chunks: list[Chunk], *, encoder: Encoder | None, previous: IndexStore | None, progress: bool):
    """Vectors for `chunks`, in order: reused when the same model embedded the same passage text
    before, encoded (once per distinct text) otherwise. None for a keyword-only index."""
    if encoder is None:
        return None
    texts = [passage_text(c) for c in chunks]
    keys = [_text_key(t) for t in texts]
    known = _previous_vectors(previous, encoder)
    missing = {key: text for key, text in zip(keys, texts) if key not in known}
    if missing:
        encoded = encoder.encode_passages(list(missing.values()), progress=progress)
        known.update(zip(missing, np.asarray(encoded, dtype=np.float32)))
    vectors = np.zeros((len(chunks), encoder.dimension), dtype=np.float32)
    for row, key in enumerate(keys):
        vectors[row] = known[key]
    return vectors


def _previous_vectors(previous: IndexStore | None, encoder: Encoder) -> dict[str, np.ndarray]:
    if (previous is None or previous.model != encoder.name or previous.dimension != encoder.dimension
            or not _same_revision(previous, encoder.name)):
        return {}
    vectors = previous.vectors
    return {_text_key(passage_text(c)): vectors[row] for row, c in enumerate(previous.chunks)}


def _model_revision(encoder: Encoder | None) -> str | None:
    from index.embedding import model_revision

    return model_revision(encoder.name) if encoder is not None else None


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- manifest and report ------------------------------------------------------------------------


def _manifest(plan: Plan, *, encoder: Encoder | None, versions: dict) -> dict:
    contents = plan.files.values()
    return {
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "model": encoder.name if encoder is not None else None,
        "model_revision": _model_revision(encoder),
        "dimension": encoder.dimension if encoder is not None else None,
        **versions,
        "passage": "title+text",
        "files": {source: content.entry for source, content in sorted(plan.files.items())},
        "counts": {
            "files": len(plan.files),
            "articles": sum(len(c.articles) for c in contents),
            "chunks": sum(len(c.chunks) for c in contents),
        },
    }


def _report(plan: Plan, *, keyword_only: bool, written: bool = True) -> IndexReport:
    contents = plan.files.values()
    return IndexReport(
        added=plan.added,
        updated=plan.updated,
        removed=plan.removed,
        unchanged=plan.unchanged,
        errors=plan.errors,
        articles=sum(len(c.articles) for c in contents),
        chunks=sum(len(c.chunks) for c in contents),
        keyword_only=keyword_only,
        written=written,
    )


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)
