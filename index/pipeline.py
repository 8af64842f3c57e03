"""`build_index`: corpus files → articles → chunks → tokens + vectors → a new index generation.

Builds are incremental. A file whose bytes (sha256), sidecar entry and processing versions are
unchanged keeps its articles, chunks and tokens from the previous generation (only its tokens
are cut again when the archive's dictionary changed); every passage whose text was embedded
before by the same model keeps its vector, so no text is embedded twice. The index mirrors the
given paths: files no longer found under them are dropped.

The keyword tokenizer is the index's own: jieba's general dictionary plus the words of every
`newsqa-userdict.txt` in the folders given and the folders holding the files (`_vocabulary`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.errors import IndexIncompatibleError, IndexMissingError, ModelUnavailableError, NewsQAError
from index.interfaces import Encoder
from index.records import Article, Chunk
from index.store import IndexStore, build_lock, write_generation
from index.tokenize import Tokenizer, Vocabulary, VocabularyError, tokenizer_for


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
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    vocabulary_sources: list[str] = field(default_factory=list)
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
) -> IndexReport:
    """Bring the index in `index_dir` up to date with the files under `paths`.

    `encoder` wins over `model`; with neither, the previous generation's model (or the default
    model) is used. If that model cannot be loaded the build goes on keyword-only, with a warning.
    Files that cannot be read or parsed are reported in `errors` and left out.
    """
    from index.reader import iter_corpus_files

    files = iter_corpus_files([_existing(Path(p)) for p in paths])
    if not files:
        raise NoCorpusFilesError(f"No .txt or .md files were found under {', '.join(map(str, paths))}.")
    with build_lock(index_dir):
        previous = _load_previous(index_dir)
        versions = processing_versions()
        plan = Plan()
        _vocabulary(paths, files, plan)
        _plan(files, plan, previous=previous, versions=versions, progress=progress)
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
            vocabulary=plan.vocabulary,
            approximate_threshold=approximate_threshold,
        )
    return _report(plan, keyword_only=encoder is None)


def passage_text(chunk: Chunk) -> str:
    """What gets embedded and keyword-indexed for a chunk: its headline gives the topic that the
    chunk's own sentences often leave implicit."""
    return f"{chunk.title}\n{chunk.text}" if chunk.title else chunk.text


def processing_versions() -> dict[str, str]:
    """Versions of the code that turns a file into chunks and tokens; a change re-processes files."""
    import index.annotate as annotate
    import index.chunking as chunking
    import index.tokenize as tokenize

    # the archive's own words are compared apart (`_same_tokens`): a changed dictionary
    # re-tokenizes the files but does not parse them again
    tokenizer = getattr(tokenize, "TOKENIZER_VERSION", None) or _source_digest(Path(tokenize.__file__))
    here = Path(__file__).parent
    parser_files = [here / n for n in ("reader.py", "normalize.py", "ingest.py")]
    parser_files += sorted(p for folder in ("formats", "segment", "dates") for p in (here / folder).glob("*.py"))
    return {
        "chunker_version": chunking.CHUNKER_VERSION,
        "annotator_version": annotate.ANNOTATOR_VERSION,
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
    if (previous is None or previous.keyword_only or plan.changed or not _same_versions(previous, versions)
            or not _same_tokens(previous, versions, plan.vocabulary)):
        return False
    wanted = encoder.name if encoder is not None else model or previous.model  # None: keep the index's model
    return wanted == previous.model and _same_revision(previous, wanted)


def _same_revision(previous: IndexStore, model: str | None) -> bool:
    """Whether the index's vectors come from the build of `model` this product makes today."""
    from index.embedding import model_revision

    return previous.manifest.get("model_revision") == model_revision(model)


def _same_versions(previous: IndexStore, versions: dict[str, str], *, keys=None) -> bool:
    return all(previous.manifest.get(key) == value for key, value in versions.items() if keys is None or key in keys)


_PARSING = ("chunker_version", "annotator_version", "parser_version")


def _same_tokens(previous: IndexStore, versions: dict[str, str], vocabulary: Vocabulary) -> bool:
    """Whether the previous generation's tokens were cut as this build would cut them."""
    return (previous.manifest.get("tokenizer_version") == versions["tokenizer_version"]
            and previous.vocabulary is not None and previous.vocabulary.sha256 == vocabulary.sha256)


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


# --- planning: what each file contributes ------------------------------------------------------


def _plan(files: list[Path], plan: Plan, *, previous: IndexStore | None, versions: dict, progress: bool) -> None:
    """What each file contributes (reused, re-tokenized or processed anew) and what failed, into `plan`."""
    from tqdm import tqdm

    from index.reader import load_sidecar, read_page

    tokenizer = tokenizer_for(plan.vocabulary)
    parsed_alike = previous is not None and _same_versions(previous, versions, keys=_PARSING)
    reusable = _reusable_by_source(previous) if parsed_alike else {}
    retokenize = parsed_alike and not _same_tokens(previous, versions, plan.vocabulary)
    before = previous.manifest["files"] if previous else {}
    sidecars: dict[Path, dict] = {}
    for path in tqdm(files, desc="reading", unit="file", disable=not progress):
        directory = path.parent
        if directory not in sidecars:
            sidecars[directory] = _sidecar(load_sidecar, directory, plan)
        try:
            page = read_page(path)
        except NewsQAError as error:
            plan.errors.append(FileError(path.name, str(error)))
            continue
        if page.source in plan.files:
            plan.errors.append(FileError(page.source, f"{path}: another indexed file has the same name."))
            continue
        if page.sha256 in plan.by_content:
            # a copy under another name would put every article in the answers twice
            first = plan.by_content[page.sha256]
            plan.errors.append(FileError(page.source, f"{page.source}: the same content as {first}, which is indexed; skipped."))
            continue
        plan.by_content[page.sha256] = page.source
        sidecar = sidecars[directory].get(page.source)
        entry = {"path": str(path.resolve()), "sha256": page.sha256, "encoding": page.encoding, "sidecar": sidecar}
        old = before.get(page.source)
        if old and old["sha256"] == page.sha256 and old.get("sidecar") == sidecar and page.source in reusable:
            content = reusable[page.source]
            content.entry = {**entry, "articles": len(content.articles), "chunks": len(content.chunks)}
            if retokenize:
                content.tokens = [tokenizer.tokenize(passage_text(c)) for c in content.chunks]
            (plan.updated if retokenize else plan.unchanged).append(page.source)
        else:
            try:
                content = _process(page, entry=entry, sidecar=sidecar, tokenizer=tokenizer)
            except Exception as error:  # noqa: BLE001 — one odd page must not stop a whole archive
                plan.errors.append(FileError(page.source, _parse_failure(page.source, error)))
                continue
            (plan.updated if old else plan.added).append(page.source)
        plan.files[page.source] = content
    plan.removed = sorted(set(before) - set(plan.files) - {e.source for e in plan.errors})
    plan.dropped = bool(set(before) - set(plan.files))


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


def _process(page, *, entry: dict, sidecar: dict | None, tokenizer: Tokenizer) -> FileContent:
    from index.annotate import annotate_articles
    from index.chunking import chunk_articles
    from index.ingest import split_page

    articles = split_page(page, sidecar=sidecar)
    chunks = annotate_articles(articles, chunk_articles(articles))
    tokens = [tokenizer.tokenize(passage_text(c)) for c in chunks]
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
        "vocabulary": {"sources": plan.vocabulary_sources},  # its sha256 and size: write_generation
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
