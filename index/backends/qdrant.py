"""The Qdrant backend: one collection that any number of NewsQA servers search and any number of
indexers feed, with no state of its own on their machines.

Points of the collection, told apart by their `record` payload:

- `chunk`: a dense vector (`dense`, the model's unit vectors compared by dot product, which for
  unit vectors is their cosine; stored as given, so scores equal the embedded index's to the bit)
  and a sparse one (`bm25`), with the chunk's record as payload: article id, source file, offsets,
  text, annotations, date as a datetime (first and last day it may stand for) with its precision,
  content hash of the passage text, model revision, indexer;
- `article`: the whole article (text, title, byline, date, where its text came from), for the
  answerer's lookups;
- `file`: what the indexer recorded of a corpus file (sha256, sidecar entry, versions, counts);
- `meta`: the model, its revision and dimension, the BM25 settings, the archive's dictionary the
  terms were cut with (`vocabulary`, jieba's user-dictionary lines), and a revision changed by
  every build (servers drop their article cache when it changes).

Qdrant's own BM25 does not segment Chinese, so the sparse vectors are ours: jieba terms
(`index.tokenize`, with the collection's dictionary, for passages and questions alike) hashed to 32-bit ids, each weighted by BM25's saturated term frequency
(Lucene's form, as the embedded index's bm25s computes it); the collection's `idf` modifier
multiplies in the inverse document frequency, computed by the server over the whole collection.
The length normalisation uses the average chunk length recorded when the collection was created,
so points written by different indexers at different times weigh alike.

A hybrid search is one Query API request: dense and sparse prefetches fused by reciprocal rank
(RRF) on the server, date and source filters inside each prefetch as payload filters. The same
batch request carries the two rankings alone, which give each hit its ranks and scores; the
chosen points' payloads and vectors are then fetched by id.

Point ids are UUIDs derived from the chunk, article or file name, so writing the same files twice
(from one machine or several) is idempotent. Failures of the server (unreachable, wrong API key,
time-out) become `BackendUnavailableError`, one sentence; a collection of another model or
dimension is `IndexIncompatibleError`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import threading
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from index.backends import BackendConfig, Changes, FileContent, IndexedState, passage_text, text_key
from index.errors import BackendUnavailableError, IndexIncompatibleError, IndexMissingError, NewsQAError
from index.interfaces import Archive, Encoder, IndexInfo
from index.records import Article, Chunk, Hit
from index.tokenize import Tokenizer, Vocabulary, VocabularyError, tokenizer_for

FORMAT = 1
DENSE = "dense"
SPARSE = "bm25"
#: BM25 settings, as bm25s's defaults (the embedded index)
K1, B = 1.5, 0.75
RRF_K = 60  # as the embedded index's HybridRetriever
CANDIDATES = 50
BATCH = 256
DEFAULT_TIMEOUT = 10  # seconds a request may take before it counts as failed
META_CHECK_SECONDS = 5.0
_NAMESPACE = uuid.UUID("6f1c3a52-6d0e-4f57-9a55-1e2b7c0d9a11")
_MODES = ("hybrid", "dense", "bm25")


def _models():
    try:
        from qdrant_client import models
    except ImportError:
        raise NewsQAError(
            "The Qdrant backend needs the qdrant-client package; install it with `pip install -e '.[qdrant]'`."
        ) from None
    return models


def point_id(kind: str, name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name}"))


def term_id(term: str) -> int:
    """A jieba term's sparse index: 32 bits of its blake2b hash (stable across processes and
    machines, so indexers need no shared vocabulary)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "little")


def document_vector(tokens: Sequence[str], *, avgdl: float) -> tuple[list[int], list[float]]:
    """Sparse BM25 document weights: tf / (tf + k1 · (1 − b + b · dl / avgdl)) per term."""
    counts = Counter(term_id(t) for t in tokens)
    norm = K1 * (1 - B + B * len(tokens) / avgdl)
    indices = sorted(counts)
    return indices, [counts[i] / (counts[i] + norm) for i in indices]


def query_vector(tokens: Sequence[str]) -> tuple[list[int], list[float]]:
    """A query term counts as often as it occurs (as bm25s sums a repeated query token)."""
    counts = Counter(term_id(t) for t in tokens)
    indices = sorted(counts)
    return indices, [float(counts[i]) for i in indices]


# --- connection and errors ----------------------------------------------------------------------


class Connection:
    """The client, made on first use, and the translation of its failures into one sentence."""

    def __init__(self, config: BackendConfig, *, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self.config = config
        self.collection = config.collection or "newsqa"
        self.url = None if config.path else (env.get("NEWSQA_QDRANT_URL") or config.url)
        self.path = config.path
        self.api_key = env.get("NEWSQA_QDRANT_API_KEY") or None
        self.timeout = int(config.timeout or float(env.get("NEWSQA_QDRANT_TIMEOUT") or DEFAULT_TIMEOUT))
        self._client = None
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return f"Qdrant at {self.url}" if self.url else f"Qdrant's local storage {self.path}"

    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._connect()
        return self._client

    def _connect(self):
        _models()
        from qdrant_client import QdrantClient

        if self.url:
            return QdrantClient(url=self.url, api_key=self.api_key, timeout=self.timeout, check_compatibility=False)
        try:
            return QdrantClient(path=self.path)
        except RuntimeError as error:  # portalocker: another process holds the folder
            if "already accessed" in str(error):
                raise BackendUnavailableError(
                    f"{self.where} is in use by another process (local mode serves one process at a time); "
                    "stop it, or run a Qdrant server and use --qdrant-url."
                ) from None
            raise

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()
            self._client = None

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Every call to the server goes through here: its failures become one sentence."""
        from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

        try:
            yield
        except UnexpectedResponse as error:
            raise self._refused(error.status_code, error.content) from None
        except ResponseHandlingException as error:
            raise self._unreachable(error.source) from None
        except (ConnectionError, TimeoutError, OSError) as error:
            raise self._unreachable(error) from None
        except Exception as error:  # grpc and httpx errors that escape the client's own wrapping
            name = type(error).__name__
            if "Timeout" in name or "Connect" in name or "Network" in name or "Protocol" in name:
                raise self._unreachable(error) from None
            raise

    def _unreachable(self, error: BaseException) -> BackendUnavailableError:
        name = type(error).__name__
        if "Timeout" in name or isinstance(error, TimeoutError):
            return BackendUnavailableError(
                f"{self.where} did not answer within {self.timeout} s; try again shortly."
            )
        return BackendUnavailableError(
            f"{self.where} cannot be reached ({_reason(error)}); check that it runs and try again."
        )

    def _refused(self, status: int | None, content: bytes) -> NewsQAError:
        if status in (401, 403):
            return BackendUnavailableError(
                f"{self.where} refused the API key (HTTP {status}); set NEWSQA_QDRANT_API_KEY to a key it accepts."
            )
        if status == 404:
            return IndexMissingError(
                f"{self.where} has no collection {self.collection}; run `newsqa index` to build it."
            )
        if status is not None and status >= 500:
            return BackendUnavailableError(f"{self.where} failed (HTTP {status}); try again shortly.")
        detail = content.decode("utf-8", "replace")[:200].replace("\n", " ") if content else ""
        return NewsQAError(f"{self.where} refused a request (HTTP {status}: {detail}).")


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    text = text[-1] if text else type(error).__name__
    return text.rstrip(".")[:160] or type(error).__name__


# --- the backend: what a build uses -------------------------------------------------------------


class QdrantBackend:
    name = "qdrant"

    def __init__(self, connection: Connection, *, index_dir: Path | None = None) -> None:
        self.connection = connection
        self.index_dir = index_dir
        self._meta: dict | None = None

    @classmethod
    def from_config(cls, config: BackendConfig, *, index_dir: Path | None = None, env=None) -> "QdrantBackend":
        return cls(Connection(config, env=env), index_dir=index_dir)

    @property
    def collection(self) -> str:
        return self.connection.collection

    def close(self) -> None:
        """Let the client go (local mode then frees its folder for another process)."""
        self.connection.close()

    def _call(self, method: str, *args, **kwargs):
        with self.connection.guard():
            return getattr(self.connection.client(), method)(*args, **kwargs)

    # a build
    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        # local mode is one process at a time (the client locks its folder); a server takes
        # concurrent writers, whose upserts are idempotent
        try:
            yield
        finally:
            if self.connection.path:
                self.connection.close()

    def meta(self) -> dict | None:
        """The collection's meta record; None when there is no collection yet."""
        if not self._call("collection_exists", self.collection):
            return None
        points = self._call("retrieve", self.collection, ids=[point_id("meta", "meta")], with_payload=True)
        if not points or (points[0].payload or {}).get("record") != "meta":
            raise IndexIncompatibleError(
                f"The collection {self.collection} of {self.connection.where} is not a NewsQA index; "
                "pass another --collection."
            )
        meta = dict(points[0].payload)
        if meta.get("format") != FORMAT:
            raise IndexIncompatibleError(
                f"The collection {self.collection} has format {meta.get('format')} but this NewsQA reads "
                f"format {FORMAT}; rebuild it with `newsqa index` into a new --collection."
            )
        self._meta = meta
        return meta

    def indexed(self) -> IndexedState:
        meta = self.meta()
        if meta is None:
            return IndexedState()
        files = {p.payload["source"]: dict(p.payload) for p in self._scroll(_kind("file"))}
        return IndexedState(files=files, model=meta.get("model"), model_revision=meta.get("model_revision"),
                            dimension=meta.get("dimension"), exists=True, vocabulary=_vocabulary(meta))

    def tokenizer(self, meta: dict | None = None) -> Tokenizer:
        """The collection's keyword tokenizer (jieba plus the dictionary its meta record holds)."""
        meta = meta if meta is not None else (self._meta or self.meta() or {})
        return tokenizer_for(_vocabulary(meta) or Vocabulary())

    def stored(self, sources: Iterable[str]) -> dict[str, FileContent]:
        wanted = sorted(set(sources))
        if not wanted:
            return {}
        models = _models()
        by_source = models.FieldCondition(key="source", match=models.MatchAny(any=wanted))
        contents: dict[str, FileContent] = {}
        for p in self._scroll(_kind("file"), by_source):
            contents[p.payload["source"]] = FileContent(dict(p.payload), [], [], [])
        articles = sorted((p.payload for p in self._scroll(_kind("article"), by_source)), key=_order)
        chunks = sorted((p.payload for p in self._scroll(_kind("chunk"), by_source)), key=_order)
        for record in articles:
            contents[record["source"]].articles.append(article_from_payload(record))
        tokenizer = self.tokenizer()
        for record in chunks:
            chunk = chunk_from_payload(record)
            contents[record["source"]].chunks.append(chunk)
            contents[record["source"]].tokens.append(tokenizer.tokenize(passage_text(chunk)))
        return contents

    def known_vectors(self, keys: set[str], *, model: str, revision: str | None) -> dict[str, np.ndarray]:
        meta = self._meta
        if not keys or meta is None or meta.get("model") != model or meta.get("model_revision") != revision:
            return {}
        models = _models()
        known: dict[str, np.ndarray] = {}
        ordered = sorted(keys)
        for start in range(0, len(ordered), BATCH):
            batch = ordered[start : start + BATCH]
            condition = models.FieldCondition(key="text_key", match=models.MatchAny(any=batch))
            for p in self._scroll(_kind("chunk"), condition, payload=["text_key"], vectors=[DENSE]):
                known[p.payload["text_key"]] = np.asarray(p.vector[DENSE], dtype=np.float32)
        return known

    def apply(self, changes: Changes, *, approximate_threshold: int | None = None) -> None:
        settings = changes.settings
        if settings.get("model") is None:
            raise NewsQAError("The Qdrant backend needs the embedding model, which could not be loaded; "
                              "build a local index (without --backend qdrant) for keyword-only search.")
        meta = self._ensure_collection(settings, changes.write)
        build = uuid.uuid4().hex
        for content in changes.write:
            self._write_file(content, meta=meta, build=build, settings=settings)
        for source in changes.remove:
            self._delete(_source(source))
        meta = {**meta, "revision": build, "updated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "vocabulary": changes.vocabulary.text(), "vocabulary_sha256": changes.vocabulary.sha256}
        self._upsert([self._record_point("meta", "meta", meta)])
        self._meta = meta

    def _ensure_collection(self, settings: dict, write: Sequence[FileContent]) -> dict:
        models = _models()
        meta = self.meta()
        if meta is not None:
            if meta.get("model") != settings["model"] or meta.get("dimension") != settings["dimension"]:
                raise IndexIncompatibleError(
                    f"The collection {self.collection} holds vectors of {meta.get('model')} "
                    f"({meta.get('dimension')} dimensions), not of {settings['model']} ({settings['dimension']}); "
                    f"index with --model {meta.get('model')}, or pass another --collection."
                )
            return meta
        lengths = [len(t) for content in write for t in content.tokens]
        avgdl = float(np.mean(lengths)) if lengths and sum(lengths) else 100.0
        self._call(
            "create_collection",
            self.collection,
            vectors_config={DENSE: models.VectorParams(size=settings["dimension"], distance=models.Distance.DOT,
                                                       on_disk=_env_flag("NEWSQA_QDRANT_ON_DISK"))},
            sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
            **_cluster_settings(),
        )
        if self.connection.url:  # local mode has no payload indexes (and says so in a warning)
            for key, schema in (("record", "keyword"), ("source", "keyword"), ("article_id", "keyword"),
                                ("text_key", "keyword"), ("indexer", "keyword"), ("date", "datetime"),
                                ("date_until", "datetime")):
                self._call("create_payload_index", self.collection, field_name=key, field_schema=schema)
        meta = {"record": "meta", "format": FORMAT, "model": settings["model"],
                "model_revision": settings.get("model_revision"), "dimension": settings["dimension"],
                "avgdl": avgdl, "k1": K1, "b": B, "revision": None}
        self._upsert([self._record_point("meta", "meta", meta)])
        return meta

    def _write_file(self, content: FileContent, *, meta: dict, build: str, settings: dict) -> None:
        """Upsert the file's points, then delete its points of earlier builds: a reader sees the
        old or the new chunks of a file (for a moment both), never neither."""
        models = _models()
        source = content.source
        extra = {"indexer": content.entry.get("indexer"), "file_sha256": content.entry.get("sha256"), "build": build}
        points = [self._record_point("article", a.id, {**article_payload(a, seq), **extra})
                  for seq, a in enumerate(content.articles)]
        for seq, (chunk, tokens) in enumerate(zip(content.chunks, content.tokens, strict=True)):
            indices, values = document_vector(tokens, avgdl=meta["avgdl"])
            vector = {DENSE: content.vectors[seq].tolist(), SPARSE: models.SparseVector(indices=indices, values=values)}
            payload = {**chunk_payload(chunk, seq), "text_key": text_key(passage_text(chunk)),
                       "model_revision": settings.get("model_revision"), **extra}
            points.append(models.PointStruct(id=point_id("chunk", chunk.id), vector=vector, payload=payload))
        for start in range(0, len(points), BATCH):
            self._upsert(points[start : start + BATCH])
        stale = models.Filter(must=[_source(source).must[0]],
                              must_not=[models.FieldCondition(key="build", match=models.MatchValue(value=build)),
                                        _kind("file").must[0]])
        self._delete(stale)
        record = {**content.entry, "record": "file", "versions": {k: v for k, v in settings.items() if k.endswith("_version")},
                  "build": build}
        self._upsert([self._record_point("file", source, record)])

    def _record_point(self, kind: str, name: str, payload: dict):
        return _models().PointStruct(id=point_id(kind, name), vector={}, payload=payload)

    def _upsert(self, points) -> None:
        self._call("upsert", self.collection, points=points, wait=True)

    def _delete(self, selector) -> None:
        self._call("delete", self.collection, points_selector=selector, wait=True)

    def _scroll(self, *conditions, payload=True, vectors=False) -> Iterator:
        models = _models()
        flt = models.Filter(must=[c for cond in conditions for c in (cond.must if isinstance(cond, models.Filter) else [cond])])
        offset = None
        while True:
            points, offset = self._call("scroll", self.collection, scroll_filter=flt, limit=BATCH, offset=offset,
                                        with_payload=payload, with_vectors=vectors)
            yield from points
            if offset is None:
                return

    def count(self, kind: str) -> int:
        return self._call("count", self.collection, count_filter=_kind(kind), exact=True).count

    # serving
    def open(self, *, encoder: Encoder | None = None, keywords_only: bool = False) -> Archive:
        """The collection as an Archive. With no encoder given, the model is the one the folder
        records for the collection (so a server starts while Qdrant is down), else the one the
        collection names."""
        model_name = self.connection.config.model
        if encoder is None and not keywords_only:
            model_name = model_name or (self.meta() or {}).get("model")
            if model_name is None:
                raise IndexMissingError(f"{self.connection.where} has no collection {self.collection}; "
                                        "run `newsqa index` to build it.")
            from index.embedding import load_encoder

            encoder = load_encoder(model_name)
        retriever = QdrantRetriever(self, encoder=encoder)
        return Archive(
            retriever=retriever,
            articles=QdrantArticles(self, retriever),
            encoder=_SearchEncoder(retriever) if encoder is not None else None,
            describe=lambda: self.describe(encoder),
            model=encoder,
            backend="qdrant",
            tokenizer=_CollectionTokenizer(retriever),
        )

    def describe(self, encoder: Encoder | None) -> IndexInfo:
        meta = self.meta()
        if meta is None:
            raise IndexMissingError(f"{self.connection.where} has no collection {self.collection}; "
                                    "run `newsqa index` to build it.")
        files = list(self._scroll(_kind("file"), payload=["source", "path"]))
        return IndexInfo(
            backend="qdrant",
            generation=meta.get("revision"),
            model=encoder.name if encoder is not None else meta.get("model"),
            keyword_only=encoder is None,
            sources=len(files),
            articles=self.count("article"),
            chunks=self.count("chunk"),
            files=tuple(sorted(str(p.payload.get("path")) for p in files)),
            details={"address": self.connection.url or self.connection.path, "collection": self.collection,
                     "model_revision": meta.get("model_revision"), "dimension": meta.get("dimension"),
                     "updated": meta.get("updated"), "state": "ok"},
        )


def _vocabulary(meta: Mapping) -> Vocabulary | None:
    """The dictionary a meta record holds; None for a collection written before meta held one."""
    if "vocabulary" not in meta:
        return None
    try:
        return Vocabulary.parse(meta["vocabulary"], source="the collection's dictionary")
    except (AttributeError, TypeError, VocabularyError) as error:
        raise IndexIncompatibleError(f"The collection's meta record holds a damaged dictionary ({error}); "
                                     "run `newsqa index` to write it again.") from None


def _cluster_settings() -> dict:
    """Shards and replicas of a new collection on a cluster (NEWSQA_QDRANT_SHARDS,
    NEWSQA_QDRANT_REPLICAS); the server's defaults when unset."""
    out = {}
    for key, name in (("shard_number", "NEWSQA_QDRANT_SHARDS"), ("replication_factor", "NEWSQA_QDRANT_REPLICAS")):
        raw = os.environ.get(name)
        if raw:
            try:
                out[key] = int(raw)
            except ValueError:
                raise NewsQAError(f"{name} must be a whole number, not '{raw}'.") from None
    return out


def _env_flag(name: str) -> bool | None:
    raw = os.environ.get(name)
    return None if raw is None else raw.strip().lower() in ("1", "true", "yes")


def _kind(kind: str):
    models = _models()
    return models.Filter(must=[models.FieldCondition(key="record", match=models.MatchValue(value=kind))])


def _source(source: str):
    models = _models()
    return models.Filter(must=[models.FieldCondition(key="source", match=models.MatchValue(value=source))])


def _order(payload: Mapping) -> tuple:
    return payload["source"], payload["seq"]


# --- payloads -------------------------------------------------------------------------------------


def _rfc3339(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def chunk_payload(chunk: Chunk, seq: int) -> dict:
    record = chunk.to_json()
    span = chunk.date.period()
    record["date_iso"] = record.pop("date")
    if span is not None:
        record["date"], record["date_until"] = _rfc3339(span[0]), _rfc3339(span[1])
    return {**record, "record": "chunk", "seq": seq}


def chunk_from_payload(payload: Mapping) -> Chunk:
    return Chunk.from_json({**payload, "date": payload.get("date_iso")})


def article_payload(article: Article, seq: int) -> dict:
    from index.backends.local.store import article_to_record

    return {**article_to_record(article), "record": "article", "seq": seq}


def article_from_payload(payload: Mapping) -> Article:
    from index.backends.local.store import article_from_record

    return article_from_record(dict(payload))


# --- serving: search and lookups --------------------------------------------------------------


class QdrantRetriever:
    """`Retriever.search` over the collection (see the module's docstring for the requests)."""

    def __init__(self, backend: QdrantBackend, *, encoder: Encoder | None, rrf_k: int = RRF_K,
                 candidates: int = CANDIDATES) -> None:
        self.backend = backend
        self.encoder = encoder
        self.rrf_k = rrf_k
        self.candidates = candidates
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._checked_meta = 0.0
        self.revision: str | None = None
        self._lock = threading.Lock()

    def check(self) -> dict:
        """The collection's meta record, re-read at most every few seconds: another model or
        dimension than the one questions are encoded with is refused, not searched."""
        now = time.monotonic()
        meta = self.backend._meta
        if meta is None or now - self._checked_meta > META_CHECK_SECONDS:
            meta = self.backend.meta()
            if meta is None:
                raise IndexMissingError(f"{self.backend.connection.where} has no collection "
                                        f"{self.backend.collection}; run `newsqa index` to build it.")
            if self.encoder is not None and (meta.get("model") != self.encoder.name
                                             or meta.get("dimension") != self.encoder.dimension):
                raise IndexIncompatibleError(
                    f"The collection {self.backend.collection} was built with the embedding model "
                    f"{meta.get('model')} ({meta.get('dimension')} dimensions) but questions would be encoded with "
                    f"{self.encoder.name} ({self.encoder.dimension}); rebuild it with `newsqa index --model {self.encoder.name}`."
                )
            self._checked_meta = now
            self.revision = meta.get("revision")
        return meta

    def search(self, query: str, *, k: int = 10, since: dt.date | None = None, until: dt.date | None = None,
               sources: Collection[str] | None = None, mode: str = "hybrid") -> list[Hit]:
        mode = self._effective_mode(mode)
        if k <= 0 or not query.strip():
            return []
        from index.normalize import to_simplified, well_formed

        models = _models()
        query = to_simplified(well_formed(query))
        tokenizer = self.backend.tokenizer(self.check())
        depth = max(k, self.candidates)
        flt = _search_filter(since=since, until=until, sources=sources)
        dense = self._encode(query) if mode != "bm25" else None
        indices, values = query_vector(tokenizer.tokenize(query)) if mode != "dense" else ([], [])
        sparse = models.SparseVector(indices=indices, values=values) if indices else None
        order = ["source", "seq"]
        requests, names = [], []
        if mode == "hybrid" and sparse is not None:
            prefetch = [models.Prefetch(query=dense.tolist(), using=DENSE, limit=depth, filter=flt),
                        models.Prefetch(query=sparse, using=SPARSE, limit=depth, filter=flt)]
            # Qdrant's RRF gives the first of a ranking 1/k, ours 1/(k + 1)
            requests.append(models.QueryRequest(prefetch=prefetch, query=models.RrfQuery(rrf=models.Rrf(k=self.rrf_k + 1)),
                                                limit=2 * depth, with_payload=order))
            names.append("fused")
        if dense is not None:
            requests.append(models.QueryRequest(query=dense.tolist(), using=DENSE, limit=depth, filter=flt, with_payload=order))
            names.append("dense")
        if sparse is not None:
            requests.append(models.QueryRequest(query=sparse, using=SPARSE, limit=depth, filter=flt, with_payload=order))
            names.append("bm25")
        if not requests:
            return []
        responses = self.backend._call("query_batch_points", self.backend.collection, requests=requests)
        # ties broken by file and position, as the embedded index breaks them
        rankings = {name: sorted(response.points, key=lambda p: (-p.score, _order(p.payload)))
                    for name, response in zip(names, responses)}
        fused = None
        if mode == "hybrid":
            # the server fused the rankings; within a tie it orders points as it likes, so the
            # fused candidates are scored again from ranks with ties broken by file and position,
            # as the embedded index breaks them: both backends then give the same answers
            fused = _rescored(rankings, self.rrf_k)
        return self._hits(rankings, fused=fused, k=k, mode=mode, query=dense)

    def _effective_mode(self, mode: str) -> str:
        if mode not in _MODES:
            raise NewsQAError(f"The search mode must be one of {', '.join(_MODES)}, not '{mode}'.")
        if self.encoder is None:
            if mode == "dense":
                raise NewsQAError("Dense search needs the embedding model, which could not be loaded; use --mode bm25.")
            return "bm25"
        return mode

    def _hits(self, rankings, *, fused, k: int, mode: str, query: np.ndarray | None) -> list[Hit]:
        """Best first by score, ties by file and position, as the embedded index orders them."""
        if fused is not None:
            scored = fused
        else:
            main = {"hybrid": "fused", "dense": "dense", "bm25": "bm25"}[mode]
            scored = [(p.id, float(p.score), _order(p.payload)) for p in rankings.get(main, [])]
        best = sorted(scored, key=lambda item: (-item[1], item[2]))[:k]
        if not best:
            return []
        points = {p.id: p for p in self.backend._call("retrieve", self.backend.collection, ids=[b[0] for b in best],
                                                      with_payload=True, with_vectors=[DENSE] if query is not None else False)}
        ranks = {name: {p.id: rank for rank, p in enumerate(points_, start=1)}
                 for name, points_ in rankings.items() if name != "fused"}
        bm25 = {p.id: float(p.score) for p in rankings.get("bm25", [])}
        hits = []
        for pid, score, _ in best:
            point = points.get(pid)
            if point is None:  # deleted by a build between the two requests
                continue
            dense_score = None
            if query is not None:
                dense_score = float(np.asarray(point.vector[DENSE], dtype=np.float32) @ query)
            hits.append(Hit(
                chunk=chunk_from_payload(point.payload),
                score=score if mode != "dense" else dense_score,
                dense_score=dense_score,
                bm25_score=bm25.get(pid, 0.0) if mode != "dense" else None,
                scores={f"{name}_rank": r.get(pid) for name, r in ranks.items()},
            ))
        return hits

    def encode_query(self, query: str) -> np.ndarray | None:
        if self.encoder is None or not query.strip():
            return None
        from index.normalize import to_simplified, well_formed

        return self._encode(to_simplified(well_formed(query)))

    def _encode(self, query: str) -> np.ndarray:
        vector = self._query_vectors.get(query)
        if vector is None:
            vector = np.asarray(self.encoder.encode_queries([query]), dtype=np.float32)[0]
            with self._lock:
                self._query_vectors[query] = vector
                while len(self._query_vectors) > 32:
                    self._query_vectors.popitem(last=False)
        return vector


def _rescored(rankings: Mapping[str, list], rrf_k: int) -> list[tuple]:
    """(id, RRF score, order) of every fused candidate, from the tie-broken dense and keyword ranks."""
    candidates = {p.id: _order(p.payload) for p in rankings.get("fused", rankings.get("dense", []))}
    scores = dict.fromkeys(candidates, 0.0)
    for name in ("dense", "bm25"):
        for rank, p in enumerate(rankings.get(name, []), start=1):
            if p.id in scores:
                scores[p.id] += 1.0 / (rrf_k + rank)
    return [(pid, scores[pid], order) for pid, order in candidates.items()]


def _search_filter(*, since: dt.date | None, until: dt.date | None, sources: Collection[str] | None):
    """Chunks only; a date that may fall in [since, until] (unknown dates never match a bound,
    as `ArticleDate.overlaps`); the given source files."""
    models = _models()
    must = [models.FieldCondition(key="record", match=models.MatchValue(value="chunk"))]
    if since is not None:
        must.append(models.FieldCondition(key="date_until", range=models.DatetimeRange(gte=_rfc3339(since))))
    if until is not None:
        must.append(models.FieldCondition(key="date", range=models.DatetimeRange(lte=_rfc3339(until))))
    if sources:
        names = [sources] if isinstance(sources, str) else sorted(sources)
        must.append(models.FieldCondition(key="source", match=models.MatchAny(any=names)))
    return models.Filter(must=must)


class _CollectionTokenizer(Tokenizer):
    """The collection's tokenizer as of its meta record now: another build may change the
    dictionary while a server runs, and questions follow it as search does."""

    def __init__(self, retriever: QdrantRetriever) -> None:  # noqa: D107 — no vocabulary of its own
        self._retriever = retriever

    @property
    def vocabulary(self) -> Vocabulary:
        return self._current().vocabulary

    def tokenize(self, text: str) -> list[str]:
        return self._current().tokenize(text)

    def word_frequencies(self) -> dict[str, int]:
        return self._current().word_frequencies()

    def __repr__(self) -> str:
        return "Tokenizer(of the collection)"

    def _current(self) -> Tokenizer:
        return self._retriever.backend.tokenizer(self._retriever.check())


class _SearchEncoder:
    """The archive's `QueryEncoder`: the question's vector as search computed it."""

    def __init__(self, retriever: QdrantRetriever) -> None:
        self._retriever = retriever
        self.name = retriever.encoder.name

    def encode_query(self, text: str) -> np.ndarray:
        return self._retriever.encode_query(text)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._retriever.encoder.encode_passages(texts)

    def encode_tokens(self, texts: Sequence[str], *, query: bool) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        return self._retriever.encoder.encode_tokens(texts, query=query)

    def encode_tokens(self, texts: Sequence[str], *, query: bool):
        return self._retriever.encoder.encode_tokens(texts, query=query)


class QdrantArticles:
    """`ArticleLookup` over the collection's article records, the last few hundred cached until
    a build changes the collection."""

    CACHE = 512

    def __init__(self, backend: QdrantBackend, retriever: QdrantRetriever) -> None:
        self.backend = backend
        self.retriever = retriever
        self._cache: OrderedDict[str, Article | None] = OrderedDict()
        self._revision: str | None = None
        self._lock = threading.Lock()

    def article(self, article_id: str) -> Article | None:
        revision = self.retriever.revision
        with self._lock:
            if revision != self._revision:
                self._cache.clear()
                self._revision = revision
            if article_id in self._cache:
                self._cache.move_to_end(article_id)
                return self._cache[article_id]
        points = self.backend._call("retrieve", self.backend.collection, ids=[point_id("article", article_id)],
                                    with_payload=True)
        found = article_from_payload(points[0].payload) if points else None
        with self._lock:
            self._cache[article_id] = found
            while len(self._cache) > self.CACHE:
                self._cache.popitem(last=False)
        return found

    def all_articles(self) -> Iterator[Article]:
        records = sorted((p.payload for p in self.backend._scroll(_kind("article"))), key=_order)
        return iter([article_from_payload(r) for r in records])

    def all_chunks(self) -> Iterator[Chunk]:
        records = sorted((p.payload for p in self.backend._scroll(_kind("chunk"))), key=_order)
        return iter([chunk_from_payload(r) for r in records])
