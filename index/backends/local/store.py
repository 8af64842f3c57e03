"""The index on disk: immutable generation folders and a `CURRENT` pointer.

    index_dir/
      CURRENT                  name of the live generation, replaced atomically
      LOCK                     held by a build, so two builds never interleave
      gen-20240521T101500-3fa2c1/
        manifest.json          format, model, versions, per-file hashes, counts, checksums, digest
        articles.jsonl         one Article per line, full text
        chunks.jsonl           one Chunk per line, same order as the vectors
        tokens.jsonl           the BM25 tokens of each chunk (reused by incremental builds)
        userdict.txt           the archive's own words the tokens were cut with (format 3)
        vectors.npy            float32 (chunks × dimension), absent for a keyword-only index
        dense.faiss            FAISS index over vectors.npy
        bm25/                  bm25s index over tokens.jsonl

A build writes a new generation into a hidden temporary folder, fsyncs it, renames it into place
and only then replaces `CURRENT`. A crash at any moment therefore leaves the previous generation
live and whole, and a reader that follows `CURRENT` always finds a complete folder.

The manifest records the sha256 of every other file of its generation, and of its own content
(`manifest_sha256`, over the canonical JSON of every other field), and each file is checked
before it is parsed: a file damaged on disk or copied in from elsewhere is reported as a damaged
index in one sentence, instead of reaching numpy, FAISS or bm25s as garbage (which may raise
anything, or worse, load without complaint and return wrong passages).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from index.errors import IndexIncompatibleError, IndexMissingError, IndexWriteError, NewsQAError
from index.records import Article, ArticleDate, Chunk
from index.tokenize import EMPTY, Tokenizer, Vocabulary, VocabularyError, tokenizer_for

FORMAT_VERSION = 3  # 2: the manifest carries a digest of itself; 3: the archive's vocabulary
#: formats this version reads: a format-2 index predates recorded vocabularies, and its questions
#: are cut by the general dictionary until `newsqa index` cuts its terms again (vectors are kept)
READABLE_FORMATS = (2, FORMAT_VERSION)
INDEX_KIND = "newsqa-index"
CURRENT = "CURRENT"
LOCK = "LOCK"
MANIFEST = "manifest.json"
ARTICLES = "articles.jsonl"
CHUNKS = "chunks.jsonl"
TOKENS = "tokens.jsonl"
VOCABULARY = "userdict.txt"
VECTORS = "vectors.npy"
DENSE = "dense.faiss"
BM25 = "bm25"

_GENERATION = re.compile(r"gen-[0-9T]+-[0-9a-f]+")
_TEMPORARY_PREFIX = ".tmp-"


class IndexBusyError(NewsQAError):
    """Another build holds the index's lock."""


# --- serialization ----------------------------------------------------------------------------


def article_to_record(article: Article) -> dict:
    """Everything needed to rebuild the Article (Article.to_json() is the short public view)."""
    return {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "kicker": article.kicker,
        "byline": article.byline,
        **article.date.to_json(),
        "kind": article.kind,
        "page_start": article.page_start,
        "page_end": article.page_end,
        "joins": [list(join) for join in article.joins],
        "text_source": article.text_source,
        "text": article.text,
    }


def article_from_record(record: dict) -> Article:
    return Article(
        id=record["id"],
        source=record["source"],
        title=record["title"],
        kicker=record["kicker"],
        byline=record["byline"],
        date=ArticleDate.from_json(record),
        text=record["text"],
        kind=record["kind"],
        page_start=record["page_start"],
        page_end=record["page_end"],
        joins=tuple((at, removed) for at, removed in record["joins"]),
        text_source=record.get("text_source", "text"),  # indexes written before formats had it
    )


# --- the generation being read ------------------------------------------------------------------


@dataclass
class IndexStore:
    """One loaded generation. Vectors, FAISS and BM25 load on first use, so listing articles
    never pays for them."""

    path: Path
    manifest: dict
    articles: dict[str, Article]
    chunks: list[Chunk]
    #: the words its tokens were cut with; None for an index of format 2, which did not record them
    vocabulary: Vocabulary | None = EMPTY

    @classmethod
    def load(cls, index_dir: Path) -> "IndexStore":
        path = current_generation(index_dir)
        manifest = _read_manifest(path)
        _verify(path, manifest, ARTICLES, CHUNKS)
        try:
            articles = [article_from_record(r) for r in _read_jsonl(path / ARTICLES)]
            chunks = [Chunk.from_json(r) for r in _read_jsonl(path / CHUNKS)]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise _corrupt(path, error) from None
        counts = manifest["counts"]
        if len(articles) != counts["articles"] or len(chunks) != counts["chunks"]:
            raise _corrupt(path, "the record counts disagree with the manifest")
        return cls(path=path, manifest=manifest, articles={a.id: a for a in articles}, chunks=chunks,
                   vocabulary=_read_vocabulary(path, manifest))

    @property
    def tokenizer(self) -> Tokenizer:
        """What cut this index's passages, and so cuts every question searched against it."""
        return tokenizer_for(self.vocabulary or EMPTY)

    # the ArticleLookup interface
    def article(self, article_id: str) -> Article | None:
        return self.articles.get(article_id)

    def all_articles(self) -> Iterator[Article]:
        return iter(self.articles.values())

    def all_chunks(self) -> Iterator[Chunk]:
        return iter(self.chunks)

    @property
    def model(self) -> str | None:
        """The embedding model the vectors came from; None for a keyword-only index."""
        return self.manifest["model"]

    @property
    def dimension(self) -> int | None:
        return self.manifest["dimension"]

    @property
    def keyword_only(self) -> bool:
        return self.model is None

    @cached_property
    def vectors(self) -> np.ndarray | None:
        if self.keyword_only:
            return None
        _verify(self.path, self.manifest, VECTORS)
        try:
            vectors = np.load(self.path / VECTORS, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError, EOFError) as error:
            raise _corrupt(self.path, error) from None
        if vectors.shape != (len(self.chunks), self.dimension) or vectors.dtype != np.float32:
            raise _corrupt(self.path, "the vectors do not match the chunks")
        return vectors

    @cached_property
    def dense(self):
        """The FAISS index, or None for a keyword-only or empty index."""
        if self.keyword_only or not self.chunks:
            return None
        from index.backends.local.dense import read_dense_index

        _verify(self.path, self.manifest, DENSE)
        try:
            index = read_dense_index(self.path / DENSE)
        except RuntimeError as error:  # FAISS reports unreadable files as RuntimeError
            raise _corrupt(self.path, error) from None
        if index.ntotal != len(self.chunks):
            raise _corrupt(self.path, "the FAISS index does not match the chunks")
        return index

    @cached_property
    def bm25(self):
        """The bm25s index, or None when no chunk has a token."""
        if not (self.path / BM25).is_dir():
            return None
        from index.backends.local.keyword import read_bm25

        recorded = self.manifest.get("checksums") or {}
        _verify(self.path, self.manifest, *(name for name in recorded if name.startswith(f"{BM25}/")))
        try:
            return read_bm25(self.path / BM25)
        except (OSError, ValueError, KeyError, EOFError) as error:
            raise _corrupt(self.path, error) from None

    def tokens(self) -> list[list[str]]:
        """The BM25 tokens of each chunk, in chunk order (only builds need them)."""
        _verify(self.path, self.manifest, TOKENS)
        try:
            tokens = list(_read_jsonl(self.path / TOKENS))
        except (OSError, ValueError) as error:
            raise _corrupt(self.path, error) from None
        if len(tokens) != len(self.chunks):
            raise _corrupt(self.path, "the token lists do not match the chunks")
        return tokens


def current_generation(index_dir: Path) -> Path:
    """The live generation folder; IndexMissingError when there is none."""
    pointer = Path(index_dir) / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexMissingError(
            f"No index found in {index_dir}; run `newsqa index` to build one."
        ) from None
    except OSError as error:
        raise IndexIncompatibleError(f"The index pointer {pointer} cannot be read ({error}).") from None
    path = Path(index_dir) / name
    if not _GENERATION.fullmatch(name) or not path.is_dir():
        raise IndexIncompatibleError(
            f"The index in {index_dir} is damaged (its CURRENT file names no generation); "
            "run `newsqa index` to rebuild it."
        )
    return path


def _read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise _corrupt(path, error) from None
    if not isinstance(manifest, dict) or manifest.get("kind") != INDEX_KIND:
        raise IndexIncompatibleError(
            f"{path / MANIFEST} is not a NewsQA index manifest; run `newsqa index` to rebuild."
        )
    if manifest.get("format_version") not in READABLE_FORMATS:
        raise IndexIncompatibleError(
            f"The index in {path.parent} has format version {manifest.get('format_version')} "
            f"but this NewsQA reads versions {' and '.join(map(str, READABLE_FORMATS))}; "
            "run `newsqa index` to rebuild it."
        )
    if manifest.get(_DIGEST) != _manifest_digest(manifest):
        raise _corrupt(path, f"{MANIFEST} does not match its own digest")
    required = ("model", "dimension", "files", "counts", "chunker_version", "tokenizer_version")
    if any(key not in manifest for key in required):
        raise _corrupt(path, "the manifest lacks required fields")
    return manifest


_DIGEST = "manifest_sha256"


def _read_vocabulary(path: Path, manifest: dict) -> Vocabulary | None:
    """The vocabulary a generation records (checked against the manifest); None for format 2."""
    if manifest["format_version"] < 3:
        return None
    recorded = manifest.get("vocabulary")
    if not isinstance(recorded, dict):
        raise _corrupt(path, "the manifest does not record the vocabulary")
    _verify(path, manifest, VOCABULARY)
    try:
        vocabulary = Vocabulary.parse((path / VOCABULARY).read_text(encoding="utf-8"), source=VOCABULARY)
    except (OSError, UnicodeDecodeError, VocabularyError) as error:
        raise _corrupt(path, error) from None
    if vocabulary.sha256 != recorded.get("sha256"):
        raise _corrupt(path, f"{VOCABULARY} is not the vocabulary the manifest records")
    return vocabulary


def _manifest_digest(manifest: dict) -> str:
    """sha256 of the manifest's canonical JSON without its digest: any change to a value, even one
    that leaves the JSON well-formed (a file hash, a source path), is caught."""
    body = {key: value for key, value in manifest.items() if key != _DIGEST}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _verify(path: Path, manifest: dict, *names: str) -> None:
    """Check files of the generation at `path` against the manifest's checksums."""
    checksums = manifest.get("checksums")
    if not isinstance(checksums, dict):
        raise _corrupt(path, "the manifest has no checksums")
    for name in names:
        expected = checksums.get(name)
        if expected is None:
            raise _corrupt(path, f"the manifest has no checksum for {name}")
        try:
            actual = _sha256(path / name)
        except OSError as error:
            raise _corrupt(path, f"{name} cannot be read: {error.strerror or error}") from None
        if actual != expected:
            raise _corrupt(path, f"{name} does not match its checksum")


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _files_under(path: Path, folder: str) -> list[str]:
    """Names (relative to the generation) of the files in one of its sub-folders."""
    return sorted(p.relative_to(path).as_posix() for p in (path / folder).rglob("*") if p.is_file())


def _corrupt(path: Path, why: object) -> IndexIncompatibleError:
    return IndexIncompatibleError(
        f"The index generation {path} is damaged ({why}); run `newsqa index` to rebuild it."
    )


def _read_jsonl(path: Path) -> Iterator:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


# --- writing a generation ---------------------------------------------------------------------


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Exclusive right to write `index_dir` (readers never need it)."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(
                f"Another `newsqa index` is writing {index_dir}; wait for it to finish."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_generation(
    index_dir: Path,
    *,
    manifest: dict,
    articles: Sequence[Article],
    chunks: Sequence[Chunk],
    tokens: Sequence[Sequence[str]],
    vectors: np.ndarray | None,
    vocabulary: Vocabulary = EMPTY,
    approximate_threshold: int | None = None,
) -> Path:
    """Write a complete generation, make it current, and drop all but it and its predecessor.

    `tokens` were cut with `vocabulary`, which the generation records (the manifest's
    `vocabulary` entry gains its sha256 and word count), so questions are cut with it too.

    Call it while holding `build_lock(index_dir)`.
    """
    index_dir = Path(index_dir)
    name = f"gen-{dt.datetime.now():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    staging = index_dir / f"{_TEMPORARY_PREFIX}{name}"
    try:
        staging.mkdir(parents=True)
        _write_staging(staging, manifest=manifest, articles=articles, chunks=chunks, tokens=tokens, vectors=vectors,
                       vocabulary=vocabulary, approximate_threshold=approximate_threshold)
        _fsync_tree(staging)
        final = index_dir / name
        os.rename(staging, final)
        _fsync_directory(index_dir)
        previous = _current_name(index_dir)
        _replace_atomically(index_dir / CURRENT, name + "\n")
    except OSError as error:  # disk full, quota, permissions: the live generation is untouched
        shutil.rmtree(staging, ignore_errors=True)
        raise IndexWriteError(_write_failure(index_dir, error)) from None
    _collect_garbage(index_dir, keep={name, previous})
    return final


def _write_failure(index_dir: Path, error: OSError) -> str:
    why = "no space left on the disk" if error.errno in (errno.ENOSPC, errno.EDQUOT) else (error.strerror or str(error))
    return (f"The index could not be written to {index_dir} ({why}); the previous index is still the one in use. "
            "Free some space and run `newsqa index` again: the passages embedded so far are kept.")


def _write_staging(staging: Path, *, manifest, articles, chunks, tokens, vectors, vocabulary, approximate_threshold) -> None:
    from index.backends.local.dense import APPROXIMATE_THRESHOLD, build_dense_index, index_kind, write_dense_index
    from index.backends.local.keyword import build_bm25, write_bm25

    manifest = {"kind": INDEX_KIND, "format_version": FORMAT_VERSION, **manifest, "dense_index": None}
    manifest["vocabulary"] = {**manifest.get("vocabulary", {}), "sha256": vocabulary.sha256, "words": len(vocabulary)}
    _write_jsonl(staging / ARTICLES, (article_to_record(a) for a in articles))
    _write_jsonl(staging / CHUNKS, (c.to_json() for c in chunks))
    _write_jsonl(staging / TOKENS, (list(t) for t in tokens))
    (staging / VOCABULARY).write_text(vocabulary.text(), encoding="utf-8")
    if vectors is not None:
        np.save(staging / VECTORS, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
        if len(vectors):
            dense = build_dense_index(vectors, approximate_threshold=approximate_threshold or APPROXIMATE_THRESHOLD)
            write_dense_index(dense, staging / DENSE)
            manifest["dense_index"] = index_kind(dense)
    bm25 = build_bm25(tokens)
    if bm25 is not None:
        write_bm25(bm25, staging / BM25)
    manifest["checksums"] = {name: _sha256(staging / name) for name in _files_under(staging, ".")}
    manifest[_DIGEST] = _manifest_digest(manifest)
    # the manifest goes last: a folder without one is never mistaken for a finished generation
    (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")



def _write_jsonl(path: Path, records) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False))
            out.write("\n")


def _current_name(index_dir: Path) -> str | None:
    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _replace_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f"{_TEMPORARY_PREFIX}{path.name}-{secrets.token_hex(3)}")
    with temporary.open("w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    _fsync_directory(path.parent)


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        else:
            _fsync_directory(path)
    _fsync_directory(root)


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def collect_leftovers(index_dir: Path) -> None:
    """Remove what failed or killed builds left (hidden temporary folders and files); the
    caller holds the lock, so no build is writing them."""
    for entry in Path(index_dir).iterdir():
        if entry.name.startswith(_TEMPORARY_PREFIX):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _collect_garbage(index_dir: Path, *, keep: set[str | None]) -> None:
    """Remove older generations and leftovers of interrupted builds (the caller holds the lock)."""
    for entry in index_dir.iterdir():
        stale_generation = _GENERATION.fullmatch(entry.name) and entry.name not in keep
        if entry.is_dir() and (stale_generation or entry.name.startswith(_TEMPORARY_PREFIX)):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_file() and entry.name.startswith(_TEMPORARY_PREFIX):
            entry.unlink(missing_ok=True)
