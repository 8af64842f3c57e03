"""The index on disk: immutable segments, immutable generations that list them, a `CURRENT` pointer.

    index_dir/
      CURRENT                  name of the live generation, replaced atomically
      LOCK                     held by a build, so two builds never interleave
      verified.json            what builds last found intact (size, mtime, sha256 per segment file)
      gen-20240521T101500-3fa2c1/
        manifest.json          format, model, versions, the segments with their removed files
                               (tombstones), counts, checksums, digest
        userdict.txt           the archive's own words the tokens were cut with
      segments/
        seg-20240521T101500-9b04d7/
          segment.json         counts, each file's record (hash, path, encoding …) and rows, the
                               checksum and size of every other file
          articles.jsonl       one Article per line, full text
          chunks.jsonl         one Chunk per line, same order as the vectors
          tokens.jsonl         the BM25 tokens of each chunk (for merges and re-cuts)
          keys.npy             sha256 of each chunk's passage text (vectors are reused by it)
          vectors.npy          float32 (chunks × dimension), absent for a keyword-only index
          dense.faiss          FAISS index over vectors.npy
          keyword/             BM25 postings over tokens.jsonl (`keyword.Postings`)

A build writes only what it adds: one new segment with the files it adds or changes, and a new
generation that lists it after the previous generation's segments. A changed or removed file's
rows stay in their old segment, marked removed in the generation (a tombstone), until a merge
rewrites that segment: when more than `MAX_REMOVED_SHARE` of its rows are removed, or when
`MERGE_FACTOR` segments of one size tier (powers of `MERGE_FACTOR` chunks) have gathered, the
build rewrites them into its own new segment. Each chunk is so rewritten about once per tier,
and adding pages costs in proportion to the pages, not to the index: each file's record is written
once, into the segment that holds its rows, so a build neither rewrites nor re-hashes the records
of the files it carries over (the generation's manifest stays small). BM25 statistics are summed
over segments at search time (`keyword`), so scores equal those of a single index.

Segments are written into a hidden temporary folder, fsynced and renamed into `segments/`;
then the generation is, and only then is `CURRENT` replaced. A crash at any moment therefore
leaves the previous generation live and whole (its segments are never modified, and are
removed only when neither the live generation nor its predecessor lists them).

Every file is checked against its sha256 before it is parsed: the generation's manifest records
its own digest and each segment's `segment.json` sha256, which records every other file's. A file
damaged on disk or copied in from elsewhere is reported as a damaged index in one sentence,
instead of reaching numpy or FAISS as garbage. A server checks all it loads; a build checks what
it reads, and of the segments it only carries over, the files whose size or modification time
differ from when a build last hashed them (`verified.json`), so it does not hash the whole index.

Generations of formats 2 and 3 (one folder holding every file) are read as one segment; the
next build writes them anew, reusing their vectors, as it does a generation of format 4 (whose
manifest held every file's record).
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
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from index.errors import IndexIncompatibleError, IndexMissingError, IndexWriteError, NewsQAError
from index.records import Article, ArticleDate, Chunk
from index.tokenize import EMPTY, Tokenizer, Vocabulary, VocabularyError, tokenizer_for

#: 2: the manifest carries a digest of itself; 3: the archive's vocabulary; 4: segments;
#: 5: each file's record in the segment holding it (the generation lists segments and tombstones)
FORMAT_VERSION = 5
#: formats this version reads: a format-2 index predates recorded vocabularies, and its questions
#: are cut by the general dictionary until `newsqa index` cuts its terms again (vectors are kept);
#: formats 2 and 3 hold everything in the generation folder (read as one segment)
READABLE_FORMATS = (2, 3, 4, FORMAT_VERSION)
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
BM25 = "bm25"  # bm25s's files in a generation of format 2 or 3 (no longer read)
SEGMENTS = "segments"
SEGMENT_MANIFEST = "segment.json"
SEGMENT_KIND = "newsqa-segment"
KEYS = "keys.npy"
KEYWORD = "keyword"
VERIFIED = "verified.json"
#: a segment is merged away when more than this share of its chunks are removed
MAX_REMOVED_SHARE = 0.25
#: segments of one size tier (chunks in [F^t, F^(t+1))) are merged once F of them have gathered
MERGE_FACTOR = 10

_GENERATION = re.compile(r"gen-[0-9T]+-[0-9a-f]+")
_SEGMENT = re.compile(r"seg-[0-9T]+-[0-9a-f]+")
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


# --- segments and generations being read --------------------------------------------------------


@dataclass
class Segment:
    """One segment folder as a generation lists it: its `record` (segment.json: counts, each
    file's rows, checksums) and the files the generation has `removed` from it. Its files load on
    first use. For a generation of format 2 or 3 the segment is the generation folder itself."""

    path: Path
    record: dict
    removed: frozenset[str] = frozenset()
    legacy: bool = False
    #: files already found intact (by `verify`, or by a build's `check_carried_over`)
    checked: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def chunk_count(self) -> int:
        return int(self.record["chunks"])

    @property
    def sources(self) -> dict[str, list[int]]:
        """Each file's rows: [first chunk, end chunk, first article, end article]."""
        return self.record["sources"]

    def live_sources(self) -> list[str]:
        return [s for s in self.sources if s not in self.removed]

    @cached_property
    def live(self) -> np.ndarray | None:
        """Which chunk rows are live; None when every one is."""
        return self._mask(0)

    @cached_property
    def live_articles(self) -> np.ndarray | None:
        return self._mask(2)

    def _mask(self, at: int) -> np.ndarray | None:
        gone = [self.sources[s] for s in self.removed if s in self.sources]
        if not any(r[at + 1] > r[at] for r in gone):
            return None
        mask = np.ones(self.chunk_count if at == 0 else int(self.record["articles"]), dtype=bool)
        for rows in gone:
            mask[rows[at] : rows[at + 1]] = False
        return mask

    @property
    def live_chunks(self) -> int:
        return self.chunk_count if self.live is None else int(np.count_nonzero(self.live))

    def verify(self, *names: str) -> None:
        names = tuple(n for n in names if n not in self.checked)
        _verify(self.path, self.record, *names)
        self.checked.update(names)

    def read_articles(self) -> list[Article]:
        return self._read_records(ARTICLES, article_from_record, "articles")

    def read_chunks(self) -> list[Chunk]:
        return self._read_records(CHUNKS, Chunk.from_json, "chunks")

    def read_tokens(self) -> list[list[str]]:
        return self._read_records(TOKENS, list, "chunks")

    def _read_records(self, name: str, parse, count: str) -> list:
        self.verify(name)
        try:
            records = [parse(r) for r in _read_jsonl(self.path / name)]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise _corrupt(self.path, error) from None
        if len(records) != int(self.record[count]):
            raise _corrupt(self.path, f"{name} does not hold the {count} the manifest counts")
        return records

    @cached_property
    def vectors(self) -> np.ndarray | None:
        if self.record.get("model") is None:
            return None
        self.verify(VECTORS)
        try:
            vectors = np.load(self.path / VECTORS, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError, EOFError) as error:
            raise _corrupt(self.path, error) from None
        if vectors.shape != (self.chunk_count, self.record["dimension"]) or vectors.dtype != np.float32:
            raise _corrupt(self.path, "the vectors do not match the chunks")
        return vectors

    @cached_property
    def dense(self):
        """The FAISS index, or None for a keyword-only or empty segment."""
        if self.record.get("model") is None or not self.chunk_count:
            return None
        from index.backends.local.dense import read_dense_index

        self.verify(DENSE)
        try:
            index = read_dense_index(self.path / DENSE)
        except RuntimeError as error:  # FAISS reports unreadable files as RuntimeError
            raise _corrupt(self.path, error) from None
        if index.ntotal != self.chunk_count:
            raise _corrupt(self.path, "the FAISS index does not match the chunks")
        return index

    @cached_property
    def postings(self):
        """The segment's BM25 postings (`keyword.Postings`)."""
        from index.backends.local.keyword import build_postings, read_postings

        if self.legacy:  # formats 2 and 3 kept bm25s's own files: the postings come from the tokens
            return build_postings(self.read_tokens())
        self.verify(*(name for name in self.record["checksums"] if name.startswith(f"{KEYWORD}/")))
        try:
            postings = read_postings(self.path / KEYWORD)
        except (OSError, ValueError, KeyError, EOFError) as error:
            raise _corrupt(self.path, error) from None
        if postings.row_count != self.chunk_count:
            raise _corrupt(self.path, "the keyword index does not match the chunks")
        return postings

    @cached_property
    def keys(self) -> np.ndarray:
        """The sha256 of each chunk's passage text, as a (chunks × 32) byte array."""
        if self.legacy:
            return _text_keys(self.read_chunks())
        self.verify(KEYS)
        try:
            keys = np.load(self.path / KEYS, allow_pickle=False)
        except (OSError, ValueError, EOFError) as error:
            raise _corrupt(self.path, error) from None
        if keys.shape != (self.chunk_count, 32) or keys.dtype != np.uint8:
            raise _corrupt(self.path, "the passage keys do not match the chunks")
        return keys


def _text_keys(chunks: Sequence[Chunk]) -> np.ndarray:
    from index.backends import passage_text

    raw = b"".join(hashlib.sha256(passage_text(c).encode("utf-8")).digest() for c in chunks)
    return np.frombuffer(raw, dtype=np.uint8).reshape(len(chunks), 32).copy()


@dataclass
class Generation:
    """A generation's manifest, vocabulary and segments, without their content (what a build
    plans against: reading it costs nothing in proportion to the index)."""

    path: Path
    manifest: dict
    vocabulary: Vocabulary | None
    segments: list[Segment]

    @property
    def legacy(self) -> bool:
        return self.manifest["format_version"] < 4

    @classmethod
    def read(cls, index_dir: Path) -> "Generation":
        path = current_generation(index_dir)
        manifest = _read_manifest(path)
        vocabulary = _read_vocabulary(path, manifest)
        if manifest["format_version"] < 4:
            return cls(path, manifest, vocabulary, [_legacy_segment(path, manifest)])
        segments = []
        entries = manifest.get("segments")
        if not isinstance(entries, list):
            raise _corrupt(path, "the manifest does not list its segments")
        for entry in entries:
            name = entry.get("name") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not _SEGMENT.fullmatch(name):
                raise _corrupt(path, "the manifest names a segment that is not one")
            folder = Path(index_dir) / SEGMENTS / name
            record = _read_segment_record(folder, entry.get("sha256"))
            segments.append(Segment(folder, record, frozenset(entry.get("removed", ()))))
        if manifest["format_version"] >= 5:
            manifest["files"] = _files_of(path, manifest, segments)
        return cls(path, manifest, vocabulary, segments)


def _files_of(path: Path, manifest: dict, segments: Sequence[Segment]) -> dict[str, dict]:
    """Every live file's record (naming its segment), from the segments' records: a file is
    live in the one segment that holds it and has not removed it."""
    files: dict[str, dict] = {}
    for segment in segments:
        records = segment.record.get("files")
        if not isinstance(records, dict):
            raise _corrupt(segment.path, f"{SEGMENT_MANIFEST} does not record its files")
        for source, entry in records.items():
            if source not in segment.removed:
                if source in files:
                    raise _corrupt(path, f"two segments hold the live rows of {source}")
                files[source] = {**entry, "segment": segment.name}
    return dict(sorted(files.items()))


def _read_segment_record(folder: Path, sha256: str | None) -> dict:
    try:
        raw = (folder / SEGMENT_MANIFEST).read_bytes()
    except OSError as error:
        raise _corrupt(folder, f"{SEGMENT_MANIFEST} cannot be read: {error.strerror or error}") from None
    if hashlib.sha256(raw).hexdigest() != sha256:
        raise _corrupt(folder, f"{SEGMENT_MANIFEST} is not the one the generation lists")
    try:
        record = json.loads(raw)
    except ValueError as error:
        raise _corrupt(folder, error) from None
    required = ("kind", "chunks", "articles", "sources", "checksums", "sizes", "model", "dimension")
    if not isinstance(record, dict) or record.get("kind") != SEGMENT_KIND or any(k not in record for k in required):
        raise _corrupt(folder, f"{SEGMENT_MANIFEST} lacks required fields")
    return record


def _legacy_segment(path: Path, manifest: dict) -> Segment:
    """A generation of format 2 or 3 as one segment; its rows per file come from its chunks."""
    segment = Segment(path, {"chunks": manifest["counts"]["chunks"], "articles": manifest["counts"]["articles"],
                             "model": manifest["model"], "dimension": manifest["dimension"],
                             "checksums": manifest.get("checksums"), "sources": {}}, legacy=True)
    segment.record["sources"] = _source_rows(segment.read_articles(), segment.read_chunks())
    return segment


def _source_rows(articles: Sequence[Article], chunks: Sequence[Chunk]) -> dict[str, list[int]]:
    """Each source's [first chunk, end chunk, first article, end article]; ValueError unless each
    source's rows are together."""
    rows: dict[str, list[int]] = {}
    for at, records in ((0, chunks), (2, articles)):
        finished: set[str] = set()
        previous = None
        for row, record in enumerate(records):
            span = rows.setdefault(record.source, [0, 0, 0, 0])
            if record.source != previous:
                if record.source in finished:
                    raise ValueError(f"the rows of {record.source} are not together")
                finished.add(previous)
                previous, span[at] = record.source, row
            span[at + 1] = row + 1
    return rows


@dataclass
class IndexStore:
    """One loaded generation: its live articles and chunks (in segment order); vectors, FAISS and
    postings load per segment on first use, so listing articles never pays for them."""

    path: Path
    manifest: dict
    articles: dict[str, Article]
    chunks: list[Chunk]
    #: the words its tokens were cut with; None for an index of format 2, which did not record them
    vocabulary: Vocabulary | None = EMPTY
    segments: list[Segment] = field(default_factory=list)

    @classmethod
    def load(cls, index_dir: Path) -> "IndexStore":
        generation = Generation.read(index_dir)
        articles: list[Article] = []
        chunks: list[Chunk] = []
        for segment in generation.segments:
            live = segment.live_articles
            articles += [a for row, a in enumerate(segment.read_articles()) if live is None or live[row]]
            live = segment.live
            chunks += [c for row, c in enumerate(segment.read_chunks()) if live is None or live[row]]
        counts = generation.manifest["counts"]
        if len(articles) != counts["articles"] or len(chunks) != counts["chunks"]:
            raise _corrupt(generation.path, "the record counts disagree with the manifest")
        return cls(path=generation.path, manifest=generation.manifest, articles={a.id: a for a in articles},
                   chunks=chunks, vocabulary=generation.vocabulary, segments=generation.segments)

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
    def places(self) -> list[np.ndarray]:
        """Per segment, each of its rows' place among the live chunks (−1: removed)."""
        places, offset = [], 0
        for segment in self.segments:
            live = segment.live
            place = np.full(segment.chunk_count, -1, dtype=np.int64)
            rows = np.arange(segment.chunk_count) if live is None else np.flatnonzero(live)
            place[rows] = offset + np.arange(len(rows))
            places.append(place)
            offset += len(rows)
        return places

    @cached_property
    def _origin(self) -> tuple[np.ndarray, np.ndarray]:
        """For each live chunk: its segment's position in `segments`, and its row there."""
        which = [np.full(s.live_chunks, n, dtype=np.int32) for n, s in enumerate(self.segments)]
        rows = [np.flatnonzero(p >= 0) for p in self.places]
        return (np.concatenate(which) if which else np.zeros(0, np.int32),
                np.concatenate(rows) if rows else np.zeros(0, np.int64))

    def vector(self, row: int) -> np.ndarray:
        """The vector of live chunk `row`."""
        which, rows = self._origin
        return self.segments[which[row]].vectors[rows[row]]

    @cached_property
    def vectors(self) -> np.ndarray | None:
        """Every live chunk's vector, in chunk order (mapped from disk when the index is one
        segment with nothing removed; searches read `vector` instead)."""
        if self.keyword_only:
            return None
        for segment in self.segments:
            segment.vectors  # noqa: B018 — each loads and checks its file
        if len(self.segments) == 1 and self.segments[0].live is None:
            return self.segments[0].vectors
        parts = [np.asarray(s.vectors if s.live is None else s.vectors[s.live]) for s in self.segments]
        return np.concatenate(parts) if parts else np.zeros((0, self.dimension), dtype=np.float32)

    def keyword_parts(self):
        """The segments' postings as `keyword.bm25_scores` reads them."""
        from index.backends.local.keyword import KeywordPart

        return [KeywordPart(s.postings, s.live, p) for s, p in zip(self.segments, self.places) if s.live_chunks]

    @cached_property
    def keyword_length(self) -> int:
        from index.backends.local.keyword import collection_length

        return collection_length(self.keyword_parts())

    def tokens(self) -> list[list[str]]:
        """The BM25 tokens of each live chunk, in chunk order (only builds need them)."""
        tokens = []
        for segment in self.segments:
            live = segment.live
            tokens += [t for row, t in enumerate(segment.read_tokens()) if live is None or live[row]]
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


def segment_folders(generation: Path) -> list[Path]:
    """The folders of the segments a generation lists, in order (from its manifest, unchecked;
    for tools and tests). A generation of format 2 or 3 is its own one segment."""
    manifest = json.loads((Path(generation) / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format_version", 0) < 4:
        return [Path(generation)]
    return [Path(generation).parent / SEGMENTS / entry["name"] for entry in manifest["segments"]]


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
    required = ("model", "dimension", "counts", "chunker_version", "tokenizer_version")
    required += ("files",) if manifest["format_version"] < 5 else ("segments",)
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
    kept: Sequence[dict] = (),
) -> Path:
    """Write a generation, make it current, and drop all but it and its predecessor (and the
    segments neither lists).

    Its segments are `kept` (entries of the live generation's `segments`, each naming the files
    since removed from it) followed, when there are any articles or chunks, by a new segment of
    `articles`, `chunks`, `tokens` and `vectors`. Entries of `manifest["files"]` that name no
    segment are the new segment's, and recorded in it (a build that writes only such files,
    without rows, still writes a segment for their records); the others are already recorded in
    their segments, and the manifest itself holds no file records. `tokens` were cut with `vocabulary`, which the generation
    records (the manifest's `vocabulary` entry gains its sha256 and word count), so questions
    are cut with it too.

    Call it while holding `build_lock(index_dir)`.
    """
    index_dir = Path(index_dir)
    stamp = f"{dt.datetime.now():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    name, segment_name = f"gen-{stamp}", f"seg-{stamp}"
    staging = index_dir / f"{_TEMPORARY_PREFIX}{name}"
    segment_staging = index_dir / f"{_TEMPORARY_PREFIX}{segment_name}"
    segments = [dict(entry) for entry in kept]
    # the records of the files this build writes: the new segment's; the others are in their segments
    files = {source: {k: v for k, v in entry.items() if k != "segment"}
             for source, entry in manifest.get("files", {}).items() if not entry.get("segment")}
    try:
        if articles or chunks or files:
            segment_staging.mkdir(parents=True)
            record = _write_segment(segment_staging, articles=articles, chunks=chunks, tokens=tokens, vectors=vectors,
                                    model=manifest.get("model"), approximate_threshold=approximate_threshold,
                                    files=files)
            _fsync_tree(segment_staging)
            (index_dir / SEGMENTS).mkdir(exist_ok=True)
            os.rename(segment_staging, index_dir / SEGMENTS / segment_name)
            _fsync_directory(index_dir / SEGMENTS)
            segments.append({"name": segment_name, "sha256": record.pop("sha256"), "chunks": record["chunks"],
                             "articles": record["articles"], "dense_index": record["dense_index"], "removed": []})
        else:
            segment_name = None
        staging.mkdir(parents=True)
        _write_staging(staging, manifest=manifest, segments=segments, new_segment=segment_name, vocabulary=vocabulary)
        _fsync_tree(staging)
        final = index_dir / name
        os.rename(staging, final)
        _fsync_directory(index_dir)
        previous = _current_name(index_dir)
        _replace_atomically(index_dir / CURRENT, name + "\n")
    except OSError as error:  # disk full, quota, permissions: the live generation is untouched
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(segment_staging, ignore_errors=True)
        raise IndexWriteError(_write_failure(index_dir, error)) from None
    _collect_garbage(index_dir, keep={name, previous})
    if segment_name is not None:
        _remember_verified(index_dir, _stamps(index_dir / SEGMENTS / segment_name, record))
    return final


def _write_failure(index_dir: Path, error: OSError) -> str:
    why = "no space left on the disk" if error.errno in (errno.ENOSPC, errno.EDQUOT) else (error.strerror or str(error))
    return (f"The index could not be written to {index_dir} ({why}); the previous index is still the one in use. "
            "Free some space and run `newsqa index` again: the passages embedded so far are kept.")


def _write_segment(folder: Path, *, articles, chunks, tokens, vectors, model, approximate_threshold,
                   files: dict | None = None) -> dict:
    """One segment's files and its segment.json; returns that record (with its own sha256)."""
    from index.backends.local.dense import APPROXIMATE_THRESHOLD, build_dense_index, index_kind, write_dense_index
    from index.backends.local.keyword import build_postings, write_postings

    articles, chunks, tokens = list(articles), list(chunks), [list(t) for t in tokens]
    if len(tokens) != len(chunks) or (vectors is not None and len(vectors) != len(chunks)):
        raise ValueError("a segment needs one token list and one vector per chunk")
    try:
        sources = _source_rows(articles, chunks)
    except ValueError:  # group each file's rows (stable, so each file's own order is kept)
        order = sorted(range(len(chunks)), key=lambda row: chunks[row].source)
        chunks, tokens = [chunks[r] for r in order], [tokens[r] for r in order]
        vectors = None if vectors is None else np.asarray(vectors)[order]
        articles = sorted(articles, key=lambda a: a.source)
        sources = _source_rows(articles, chunks)
    record = {"kind": SEGMENT_KIND, "chunks": len(chunks), "articles": len(articles), "model": model,
              "dimension": None, "dense_index": None, "tokens": sum(map(len, tokens)), "sources": sources,
              "files": dict(sorted((files or {}).items()))}
    _write_jsonl(folder / ARTICLES, (article_to_record(a) for a in articles))
    _write_jsonl(folder / CHUNKS, (c.to_json() for c in chunks))
    _write_jsonl(folder / TOKENS, tokens)
    np.save(folder / KEYS, _text_keys(chunks), allow_pickle=False)
    if model is not None and vectors is not None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        record["dimension"] = int(vectors.shape[1])
        np.save(folder / VECTORS, vectors, allow_pickle=False)
        if len(vectors):
            dense = build_dense_index(vectors, approximate_threshold=approximate_threshold or APPROXIMATE_THRESHOLD)
            write_dense_index(dense, folder / DENSE)
            record["dense_index"] = index_kind(dense)
    elif model is not None:
        raise ValueError("an index with a model needs the chunks' vectors")
    write_postings(build_postings(tokens), folder / KEYWORD)
    names = _files_under(folder, ".")
    record["checksums"] = {n: _sha256(folder / n) for n in names}
    record["sizes"] = {n: (folder / n).stat().st_size for n in names}
    raw = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    (folder / SEGMENT_MANIFEST).write_bytes(raw)  # last: a folder without one is never taken for a segment
    return {**record, "sha256": hashlib.sha256(raw).hexdigest()}


def _write_staging(staging: Path, *, manifest, segments, new_segment, vocabulary) -> None:
    # each file's record is in its segment (`_files_of` reads them back)
    manifest = {"kind": INDEX_KIND, **{k: v for k, v in manifest.items() if k != "files"},
                "format_version": FORMAT_VERSION, "segments": segments}
    kinds = sorted({s["dense_index"] for s in segments if s.get("dense_index")})
    manifest["dense_index"] = kinds[0] if len(kinds) == 1 else ("+".join(kinds) if kinds else None)
    manifest["vocabulary"] = {**manifest.get("vocabulary", {}), "sha256": vocabulary.sha256, "words": len(vocabulary)}
    (staging / VOCABULARY).write_text(vocabulary.text(), encoding="utf-8")
    manifest["checksums"] = {name: _sha256(staging / name) for name in _files_under(staging, ".")}
    manifest[_DIGEST] = _manifest_digest(manifest)
    # the manifest goes last: a folder without one is never mistaken for a finished generation
    # compact: json's C encoder (an indented one is pure Python, seconds for a manifest of 50,000 files)
    (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


# --- what builds found intact --------------------------------------------------------------------


def check_carried_over(index_dir: Path, segments: Sequence[Segment]) -> None:
    """Raise the damaged-index error unless every file of `segments` is intact: of the same size
    as recorded, and hashed again when its size or modification time differ from the last time a
    build found it intact (`verified.json`)."""
    stamps = _read_verified(index_dir)
    fresh: dict[str, list] = {}
    for segment in segments:
        if segment.legacy:  # read whole, and checked, when it was loaded
            continue
        for name, expected in segment.record["checksums"].items():
            key = f"{segment.name}/{name}"
            try:
                status = (segment.path / name).stat()
            except OSError as error:
                raise _corrupt(segment.path, f"{name} cannot be read: {error.strerror or error}") from None
            stamp = [status.st_size, status.st_mtime_ns, expected]
            if stamps.get(key) != stamp:
                if status.st_size != segment.record["sizes"].get(name):
                    raise _corrupt(segment.path, f"{name} does not match its checksum")
                segment.verify(name)
            segment.checked.add(name)
            fresh[key] = stamp
    if fresh != {k: v for k, v in stamps.items() if k in fresh}:
        _remember_verified(index_dir, fresh)


def _stamps(folder: Path, record: dict) -> dict[str, list]:
    stamps = {}
    for name, expected in record["checksums"].items():
        status = (folder / name).stat()
        stamps[f"{folder.name}/{name}"] = [status.st_size, status.st_mtime_ns, expected]
    return stamps


def _read_verified(index_dir: Path) -> dict:
    try:
        stamps = json.loads((Path(index_dir) / VERIFIED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamps if isinstance(stamps, dict) else {}


def _remember_verified(index_dir: Path, stamps: dict[str, list]) -> None:
    """Add `stamps` to verified.json, keeping only entries of segments that still exist (best
    effort: without the file the next build hashes what it carries over)."""
    segments = Path(index_dir) / SEGMENTS
    merged = {k: v for k, v in {**_read_verified(index_dir), **stamps}.items() if (segments / k.split("/")[0]).is_dir()}
    try:
        _replace_atomically(Path(index_dir) / VERIFIED, json.dumps(merged, ensure_ascii=False))
    except OSError:
        pass


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
    """Remove older generations, the segments no kept generation lists, and leftovers of
    interrupted builds (the caller holds the lock)."""
    for entry in index_dir.iterdir():
        stale_generation = _GENERATION.fullmatch(entry.name) and entry.name not in keep
        if entry.is_dir() and (stale_generation or entry.name.startswith(_TEMPORARY_PREFIX)):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_file() and entry.name.startswith(_TEMPORARY_PREFIX):
            entry.unlink(missing_ok=True)
    folder = index_dir / SEGMENTS
    if not folder.is_dir():
        return
    listed: set[str] = set()
    for name in keep:
        if name is None:
            continue
        try:
            manifest = json.loads((index_dir / name / MANIFEST).read_text(encoding="utf-8"))
            listed.update(s["name"] for s in manifest.get("segments", ()))
        except (OSError, ValueError, TypeError, KeyError):  # unreadable: remove no segment at all
            return
    for entry in folder.iterdir():
        if entry.name not in listed:
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
