"""Where an index lives: one small interface, one room per backend.

- `local` (`index/backends/local/`): immutable generation folders under the index folder, with
  FAISS for vectors and a BM25 keyword index; the default.
- `qdrant` (`index/backends/qdrant.py`): one Qdrant collection (a server, or the client's local
  mode in a folder) holding chunk points with a dense and a sparse (BM25) vector, article records
  and file records, so any number of servers can share it.

The pipeline (`index/pipeline.py`) decides what each corpus file contributes and hands a backend
a `Changes`: files to write (articles, chunks, keyword terms, vectors) and files to remove. A
backend tells what it holds (`indexed`), gives back vectors it already has for passage texts (so
nothing is embedded twice) and opens as an `Archive` for the answering and web layers.

The index folder records its backend in `backend.json` (no file: local), so `serve`, `ask`,
`search`, `articles` and `eval` need only the folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from index.errors import BackendUnavailableError, IndexIncompatibleError, IndexWriteError, NewsQAError  # noqa: F401
from index.interfaces import Archive, Encoder
from index.records import Article, Chunk
from index.tokenize import EMPTY, Vocabulary

BACKEND_FILE = "backend.json"
BACKENDS = ("local", "qdrant")
#: the indexer a file belongs to when none is named: several machines feeding one index each
#: use their own name (`--indexer`, NEWSQA_INDEXER), and a build only removes its own files
DEFAULT_INDEXER = "default"


@dataclass
class FileContent:
    """What one corpus file contributes, plus the record describing it (`entry`: path, sha256,
    encoding, text source, sidecar, indexer, counts). `vectors` has one row per chunk (None:
    keyword-only or not embedded yet)."""

    entry: dict
    articles: list[Article]
    chunks: list[Chunk]
    tokens: list[list[str]]
    vectors: np.ndarray | None = None

    @property
    def source(self) -> str:
        return self.entry["source"]


@dataclass
class IndexedState:
    """What a backend holds, as a build plans against it: every file's record (any indexer),
    the model its vectors come from and the versions of the code that made its chunks."""

    files: dict[str, dict] = field(default_factory=dict)
    model: str | None = None
    model_revision: str | None = None
    dimension: int | None = None
    versions: dict[str, str] = field(default_factory=dict)
    #: False for a new, empty index (a keyword-only one has model None but exists)
    exists: bool = False
    #: the archive's words its keyword terms were cut with; None where the index records none
    #: (one built by an earlier NewsQA)
    vocabulary: Vocabulary | None = None

    def versions_of(self, source: str) -> dict[str, str]:
        return self.files.get(source, {}).get("versions") or self.versions


@dataclass
class Changes:
    """One build's writes: `write` replaces (or adds) each file's content; `remove` drops files;
    every other indexed file is kept as it is. `settings` are the model and code versions;
    `vocabulary` the index's keyword tokenizer's words from now on (a build that changes them
    writes every file, its terms cut again)."""

    write: list[FileContent]
    remove: list[str]
    settings: dict
    #: the words every file's terms are now cut with (the archive's dictionaries), and their files
    vocabulary: Vocabulary = EMPTY
    vocabulary_sources: list[str] = field(default_factory=list)


class Backend(Protocol):
    name: str

    def writing(self) -> AbstractContextManager:
        """Held by a build while it plans and writes (another build meanwhile is refused)."""
        ...

    def indexed(self) -> IndexedState:
        ...

    def stored(self, sources: Iterable[str]) -> dict[str, FileContent]:
        """Articles, chunks and terms of indexed files (for re-embedding them with a new model)."""
        ...

    def known_vectors(self, keys: set[str], *, model: str, revision: str | None) -> dict[str, np.ndarray]:
        """Vectors already stored for passage texts (by `text_key`), when made by that model build."""
        ...

    def apply(self, changes: Changes, *, approximate_threshold: int | None = None) -> None:
        ...

    def open(self, *, encoder: Encoder | None = None, keywords_only: bool = False) -> Archive:
        ...

    def close(self) -> None:
        """Release connections (the local backend holds none)."""
        ...


# --- the index folder's record of its backend --------------------------------------------------


@dataclass(frozen=True)
class BackendConfig:
    """Which backend an index folder uses and where it is. The API key is never written down:
    it comes from NEWSQA_QDRANT_API_KEY wherever the folder is used."""

    backend: str = "local"
    url: str | None = None
    path: str | None = None
    collection: str | None = None
    timeout: float | None = None
    #: the embedding model the collection was built with (a server loads it without asking Qdrant)
    model: str | None = None

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def address(self) -> str:
        if self.backend == "local":
            return "local files"
        where = self.url or f"local mode at {self.path}"
        return f"{where}, collection {self.collection}"


def read_config(index_dir: Path) -> BackendConfig:
    """The folder's backend (local when it records none)."""
    path = Path(index_dir) / BACKEND_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return BackendConfig()
    except (OSError, ValueError) as error:
        raise IndexIncompatibleError(f"{path} cannot be read ({error}); fix or remove it.") from None
    known = {"backend", "url", "path", "collection", "timeout", "model"}
    if not isinstance(data, dict) or data.get("backend") not in BACKENDS or set(data) - known:
        raise IndexIncompatibleError(f"{path} does not name a NewsQA backend (local or qdrant); fix or remove it.")
    return BackendConfig(**data)


def write_config(index_dir: Path, config: BackendConfig) -> None:
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    temporary = index_dir / f".tmp-{BACKEND_FILE}"
    temporary.write_text(json.dumps(config.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, index_dir / BACKEND_FILE)


def configure(
    index_dir: Path,
    *,
    backend: str | None = None,
    url: str | None = None,
    path: str | Path | None = None,
    collection: str | None = None,
    env: Mapping[str, str] | None = None,
) -> BackendConfig:
    """The backend a build of `index_dir` writes to: the options given, else what the folder
    records, else NEWSQA_QDRANT_URL (Qdrant), else local. A folder holding a local index is not
    silently switched to Qdrant (`newsqa export --to qdrant` moves it)."""
    env = os.environ if env is None else env
    recorded = read_config(index_dir)
    if backend is None:
        backend = "qdrant" if (url or path) else recorded.backend
    if backend not in BACKENDS:
        raise NewsQAError(f"The backend must be local or qdrant, not '{backend}'.")
    if backend == "local":
        if recorded.backend == "qdrant":
            raise NewsQAError(
                f"The index folder {index_dir} uses Qdrant ({recorded.address()}); pass another --index-dir for a local index."
            )
        return BackendConfig()
    if url and path:
        raise NewsQAError("Give either --qdrant-url (a server) or --qdrant-path (local mode), not both.")
    if not (url or path):
        url, path = recorded.url, recorded.path
        if not path:
            url = env.get("NEWSQA_QDRANT_URL") or url
    if not (url or path):
        raise NewsQAError("The Qdrant backend needs --qdrant-url (or NEWSQA_QDRANT_URL) or --qdrant-path.")
    if recorded.backend == "local" and _holds_local_index(index_dir):
        raise NewsQAError(
            f"The index folder {index_dir} holds a local index; move it with `newsqa export --to qdrant` "
            "or pass another --index-dir."
        )
    return BackendConfig(
        backend="qdrant",
        url=url,
        path=str(Path(path).resolve()) if path else None,
        collection=collection or recorded.collection or "newsqa",
        timeout=recorded.timeout,
        model=recorded.model,
    )


def _holds_local_index(index_dir: Path) -> bool:
    from index.backends.local.store import CURRENT

    return (Path(index_dir) / CURRENT).exists()


def backend_for(index_dir: Path, config: BackendConfig | None = None, *, env: Mapping[str, str] | None = None) -> Backend:
    """The backend of `index_dir` (as recorded, unless `config` is given)."""
    config = config or read_config(index_dir)
    if config.backend == "qdrant":
        from index.backends.qdrant import QdrantBackend

        return QdrantBackend.from_config(config, index_dir=Path(index_dir), env=env)
    from index.backends.local import LocalBackend

    return LocalBackend(Path(index_dir))


def open_archive(index_dir: Path | None = None, *, encoder: Encoder | None = None, keywords_only: bool = False) -> Archive:
    """The index at `index_dir` (default: $NEWSQA_HOME/index), whatever its backend;
    `keywords_only` opens it without loading the model (listings, keyword search)."""
    from index.paths import default_index_dir

    where = Path(index_dir) if index_dir else default_index_dir()
    return backend_for(where).open(encoder=encoder, keywords_only=keywords_only)


def passage_text(chunk: Chunk) -> str:
    """What gets embedded and keyword-indexed for a chunk: its headline gives the topic that the
    chunk's own sentences often leave implicit."""
    return f"{chunk.title}\n{chunk.text}" if chunk.title else chunk.text


def text_key(text: str) -> str:
    """The content hash of a passage's text: equal texts embed to equal vectors."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()

