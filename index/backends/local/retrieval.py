"""Hybrid retrieval: dense (FAISS) and keyword (BM25) rankings merged by reciprocal-rank fusion.

RRF adds `weight / (rrf_k + rank)` for each ranking a chunk appears in. It needs no score
calibration between cosine similarities and BM25 scores, which live on unrelated scales.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import numpy as np

from index.errors import IndexIncompatibleError, ModelUnavailableError, NewsQAError
from index.interfaces import Archive, Encoder, IndexInfo
from index.records import Hit
from index.backends.local.store import IndexStore
from index.tokenize import Tokenizer

MODES = ("hybrid", "dense", "bm25")
_QUERY_CACHE = 32  # query vectors kept per retriever (a question is searched up to three times)


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[int]], *, rrf_k: int = 60, weights: Mapping[str, float] | None = None
) -> dict[int, float]:
    """Fused score per item: sum over rankings of weight / (rrf_k + rank), ranks from 1."""
    fused: dict[int, float] = {}
    for name, ranking in rankings.items():
        weight = 1.0 if weights is None else weights.get(name, 1.0)
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (rrf_k + rank)
    return fused


class HybridRetriever:
    """Searches one loaded index. `candidates` is how deep each ranking goes before fusion."""

    def __init__(
        self,
        store: IndexStore,
        *,
        encoder: Encoder | None,
        rrf_k: int = 60,
        dense_weight: float = 1.0,
        bm25_weight: float = 1.0,
        candidates: int = 50,
    ) -> None:
        _check_encoder(store, encoder)
        self.store = store
        self.encoder = encoder if not store.keyword_only else None
        self.rrf_k = rrf_k
        self.weights = {"dense": dense_weight, "bm25": bm25_weight}
        self.candidates = candidates
        self._filters = _FilterColumns(store)
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        since: dt.date | None = None,
        until: dt.date | None = None,
        sources: Collection[str] | None = None,
        mode: str = "hybrid",
    ) -> list[Hit]:
        """Best `k` hits, best first. In "hybrid" mode `score` is the RRF score; in "dense" and
        "bm25" mode it is that retriever's own score (cosine similarity, BM25)."""
        mode = self._effective_mode(mode)
        if k <= 0 or not query.strip() or not self.store.chunks:
            return []
        from index.normalize import to_simplified, well_formed

        query = to_simplified(well_formed(query))
        allowed = self._filters.mask(since=since, until=until, sources=sources)
        depth = max(k, self.candidates)
        query_vector = self._encode(query) if mode != "bm25" else None
        bm25 = self._bm25_scores(query) if mode != "dense" else None
        rankings: dict[str, list[int]] = {}
        if query_vector is not None:
            rankings["dense"] = self._dense_ranking(query_vector, depth=depth, allowed=allowed)
        if bm25 is not None:
            rankings["bm25"] = _top(bm25, depth=depth, allowed=allowed)
        return self._hits(rankings, k=k, mode=mode, query_vector=query_vector, bm25=bm25)

    def _effective_mode(self, mode: str) -> str:
        if mode not in MODES:
            raise NewsQAError(f"The search mode must be one of {', '.join(MODES)}, not '{mode}'.")
        if self.encoder is None:
            if mode == "dense":
                raise NewsQAError(
                    "Dense search needs the embedding model, but this index is keyword-only or "
                    "the model could not be loaded; use --mode bm25 or rebuild with `newsqa index`."
                )
            return "bm25"  # a keyword-only index: hybrid quietly means keyword search
        return mode

    def encode_query(self, query: str) -> np.ndarray | None:
        """The vector `search` uses for `query` (None without a model). The last few are kept,
        so the answerer reuses the vector of the question it has just searched for."""
        if self.encoder is None or not query.strip():
            return None
        from index.normalize import to_simplified, well_formed

        return self._encode(to_simplified(well_formed(query)))

    def _encode(self, query: str) -> np.ndarray:
        vector = self._query_vectors.get(query)
        if vector is None:
            vector = np.asarray(self.encoder.encode_queries([query]), dtype=np.float32)[0]
            self._query_vectors[query] = vector
            while len(self._query_vectors) > _QUERY_CACHE:
                try:  # another thread may have trimmed it meanwhile
                    self._query_vectors.popitem(last=False)
                except KeyError:
                    break
        return vector

    @property
    def tokenizer(self) -> Tokenizer:
        """The index's tokenizer, which cut its passages: questions are cut by it too."""
        return self.store.tokenizer

    def _bm25_scores(self, query: str) -> np.ndarray:
        from index.backends.local.keyword import bm25_scores

        return bm25_scores(self.store.keyword_parts(), self.tokenizer.tokenize(query), num_docs=len(self.store.chunks),
                           total_length=self.store.keyword_length)

    def _dense_ranking(self, query_vector: np.ndarray, *, depth: int, allowed: np.ndarray | None) -> list[int]:
        """Row ids by cosine, best first; a filter is applied inside the FAISS search."""
        return [row for _, row in dense_search(self.store, query_vector, k=depth, allowed=allowed)]

    def _hits(self, rankings, *, k: int, mode: str, query_vector, bm25) -> list[Hit]:
        if mode == "hybrid":
            scores = reciprocal_rank_fusion(rankings, rrf_k=self.rrf_k, weights=self.weights)
        elif mode == "dense":
            scores = {row: float(self.store.vector(row) @ query_vector) for row in rankings["dense"]}
        else:
            scores = {row: float(bm25[row]) for row in rankings["bm25"]}
        positions = {name: {row: rank for rank, row in enumerate(r, start=1)} for name, r in rankings.items()}
        best = sorted(scores, key=lambda row: (-scores[row], row))[:k]
        return [
            Hit(
                chunk=self.store.chunks[row],
                score=scores[row],
                dense_score=float(self.store.vector(row) @ query_vector) if query_vector is not None else None,
                bm25_score=float(bm25[row]) if bm25 is not None else None,
                scores={f"{name}_rank": ranks.get(row) for name, ranks in positions.items()},
            )
            for row in best
        ]


class SearchEncoder:
    """The `QueryEncoder` of a retriever: question vectors from its cache, passages by its model."""

    def __init__(self, retriever: HybridRetriever) -> None:
        self._retriever = retriever
        self.name = retriever.encoder.name

    def encode_query(self, text: str) -> np.ndarray:
        return self._retriever.encode_query(text)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._retriever.encoder.encode_passages(texts)

    def encode_tokens(self, texts: Sequence[str], *, query: bool) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        return self._retriever.encoder.encode_tokens(texts, query=query)


def archive_of(retriever: HybridRetriever) -> Archive:
    """The local index as the answering and web layers see it."""
    store = retriever.store
    return Archive(
        retriever=retriever,
        articles=store,
        encoder=SearchEncoder(retriever) if retriever.encoder is not None else None,
        describe=lambda: describe_store(store, encoder=retriever.encoder),
        model=retriever.encoder,
        backend="local",
        tokenizer=store.tokenizer,
    )


def open_archive(index_dir: Path | None = None, *, encoder: Encoder | None = None) -> Archive:
    """The live index at `index_dir` (default: $NEWSQA_HOME/index) as an `Archive`."""
    return archive_of(open_retriever(index_dir, encoder=encoder))


def describe_store(store: IndexStore, *, encoder: Encoder | None) -> IndexInfo:
    manifest = store.manifest
    return IndexInfo(
        backend="local",
        generation=store.path.name,
        model=encoder.name if encoder is not None else manifest.get("model"),
        keyword_only=encoder is None,
        sources=len({a.source for a in store.articles.values()}),
        articles=len(store.articles),
        chunks=len(store.chunks),
        files=tuple(str(e["path"]) for e in manifest.get("files", {}).values() if "path" in e),
        details={
            **{k: v for k, v in manifest.items() if isinstance(v, (str, int, float, bool)) or v is None},
            "vocabulary_words": len(store.vocabulary) if store.vocabulary is not None else None,
        },
    )


def open_retriever(index_dir: Path | None = None, *, encoder: Encoder | None = None) -> HybridRetriever:
    """The retriever over the live index, with the model named in its manifest (keyword-only,
    with a warning, when that model cannot be loaded)."""
    from index.paths import default_index_dir

    store = IndexStore.load(Path(index_dir) if index_dir else default_index_dir())
    if encoder is None and not store.keyword_only:
        from index.embedding import load_encoder

        try:
            encoder = load_encoder(store.model)
        except ModelUnavailableError as error:
            print(f"warning: {error} Searching by keywords only.", file=sys.stderr)
        else:
            _warn_if_older_build(store)
    _warn_if_vocabulary_unrecorded(store)
    return HybridRetriever(store, encoder=encoder)


def _warn_if_vocabulary_unrecorded(store: IndexStore) -> None:
    if store.vocabulary is None:
        print("warning: the index was built by an earlier NewsQA that did not record the archive's dictionary, "
              "so questions are cut into keywords by the general one; `newsqa index` re-cuts its passages "
              "(their vectors are kept).", file=sys.stderr)


def _warn_if_older_build(store: IndexStore) -> None:
    from index.embedding import model_revision

    if store.manifest.get("model_revision") != model_revision(store.model):
        print(f"warning: the index's passages were embedded by an earlier build of {store.model}; "
              "search still works, and `newsqa index` re-embeds them.", file=sys.stderr)


def _check_encoder(store: IndexStore, encoder: Encoder | None) -> None:
    """Refuse to compare query vectors with passage vectors from another model."""
    if encoder is None or store.keyword_only:
        return
    if encoder.name != store.model or encoder.dimension != store.dimension:
        raise IndexIncompatibleError(
            f"The index was built with the embedding model {store.model} but queries would be "
            f"encoded with {encoder.name}; rebuild it with `newsqa index --model {encoder.name}`."
        )


def dense_search(store: IndexStore, query_vector: np.ndarray, *, k: int,
                 allowed: np.ndarray | None = None) -> list[tuple[float, int]]:
    """(cosine, live row) of the `k` nearest live chunks, best first, over every segment; a
    filter (`allowed`, per live row) and the segments' removed rows are excluded inside FAISS."""
    from index.backends.local.dense import search_dense

    found: list[tuple[float, int]] = []
    for segment, places in zip(store.segments, store.places):
        if segment.dense is None or not segment.live_chunks:
            continue
        local = segment.live
        if allowed is not None:
            local = places >= 0
            local[local] = allowed[places[local]]
            if not local.any():
                continue
        scores, ids = search_dense(segment.dense, query_vector, k=min(k, segment.chunk_count), allowed=local)
        found += [(float(s), int(places[i])) for s, i in zip(scores, ids)
                  if i >= 0 and (local is None or local[i])]
    found.sort(key=lambda pair: (-pair[0], pair[1]))
    return found[:k]


def _top(scores: np.ndarray, *, depth: int, allowed: np.ndarray | None) -> list[int]:
    """Rows with a positive score, best first; a zero BM25 score means no query term matched."""
    candidates = scores > 0 if allowed is None else (scores > 0) & allowed
    rows = np.flatnonzero(candidates)
    if len(rows) > depth:
        rows = rows[np.argpartition(-scores[rows], depth - 1)[:depth]]
    return sorted(rows.tolist(), key=lambda row: (-scores[row], row))


class _FilterColumns:
    """Per-chunk date spans and sources as arrays, so a filter is a few vector comparisons."""

    def __init__(self, store: IndexStore) -> None:
        spans = [c.date.period() for c in store.chunks]
        self.known = np.array([s is not None for s in spans], dtype=bool)
        self.first = np.array([s[0].toordinal() if s else 0 for s in spans], dtype=np.int64)
        self.last = np.array([s[1].toordinal() if s else 0 for s in spans], dtype=np.int64)
        self.sources = np.array([c.source for c in store.chunks], dtype=object)

    def mask(self, *, since, until, sources) -> np.ndarray | None:
        """Rows that pass; None when nothing is filtered. Same rule as ArticleDate.overlaps."""
        if since is None and until is None and not sources:
            return None
        allowed = np.ones(len(self.sources), dtype=bool)
        if since is not None or until is not None:
            allowed &= self.known
        if since is not None:
            allowed &= self.last >= since.toordinal()
        if until is not None:
            allowed &= self.first <= until.toordinal()
        if sources:
            names = [sources] if isinstance(sources, str) else list(sources)  # a lone name is not a list of letters
            allowed &= np.isin(self.sources, names)
        return allowed
