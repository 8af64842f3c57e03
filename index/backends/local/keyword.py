"""The keyword half of the index: BM25 over tokens from the index's `index.tokenize.Tokenizer`.

Each segment of the index (`store`) holds its own postings: for every term the rows it occurs in
and how often (a CSR matrix of term frequencies, terms × rows), and every row's length in tokens.
Nothing collection-wide is stored: a search adds up, over the segments, the live rows of each
query term (its document frequency), the live row count and their total length, and scores with
those. A segmented index therefore gives the very scores a single index over the same live rows
would, and adding a segment never rewrites another.

The formula is bm25s's default (Lucene's): idf = ln(1 + (N − df + 0.5) / (df + 0.5)) and
tf / (tf + k1 · (1 − b + b · dl / avgdl)), k1 = 1.5, b = 0.75; a query term repeated counts as
often as it occurs. Tokens are never raw text, so Chinese word segmentation stays in one place.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

K1, B = 1.5, 0.75
TERMS = "terms.json"
ARRAYS = ("indptr", "rows", "tfs", "lengths")


@dataclass(frozen=True)
class Postings:
    """One segment's keyword index: `terms` maps a term to its id; the rows of term t are
    `rows[indptr[t]:indptr[t+1]]` (ascending) with their counts in `tfs`; `lengths` has each
    row's token count."""

    terms: dict[str, int]
    indptr: np.ndarray
    rows: np.ndarray
    tfs: np.ndarray
    lengths: np.ndarray

    @property
    def row_count(self) -> int:
        return len(self.lengths)

    def term_rows(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(rows, counts) of one term, or None when the segment never saw it."""
        at = self.terms.get(term)
        if at is None:
            return None
        start, end = int(self.indptr[at]), int(self.indptr[at + 1])
        return self.rows[start:end], self.tfs[start:end]


def build_postings(tokens: Sequence[Sequence[str]]) -> Postings:
    """The postings of one token list per row (rows without a token have length 0)."""
    vocabulary: dict[str, int] = {}
    ids = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for doc in tokens for t in doc), dtype=np.int64)
    lengths = np.fromiter((len(doc) for doc in tokens), dtype=np.int32, count=len(tokens))
    count = max(1, len(tokens))
    rows = np.repeat(np.arange(len(tokens), dtype=np.int64), lengths)
    pairs, tfs = np.unique(ids * count + rows, return_counts=True)  # sorted by term, then row
    term_of = pairs // count
    indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    np.cumsum(np.bincount(term_of, minlength=len(vocabulary)), out=indptr[1:])
    return Postings(terms=vocabulary, indptr=indptr, rows=(pairs % count).astype(np.int32),
                    tfs=tfs.astype(np.int32), lengths=lengths)


def write_postings(postings: Postings, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    ordered = sorted(postings.terms, key=postings.terms.__getitem__)
    (directory / TERMS).write_text(json.dumps(ordered, ensure_ascii=False), encoding="utf-8")
    for name in ARRAYS:
        np.save(directory / f"{name}.npy", getattr(postings, name), allow_pickle=False)


def read_postings(directory: Path) -> Postings:
    """The postings written by `write_postings`; ValueError when they do not fit together."""
    terms = json.loads((directory / TERMS).read_text(encoding="utf-8"))
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise ValueError("the term list is not a list of strings")
    arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in ARRAYS}
    indptr, rows, tfs, lengths = (arrays[n] for n in ARRAYS)
    if (len(indptr) != len(terms) + 1 or len(rows) != len(tfs) or int(indptr[-1]) != len(rows)
            or (len(rows) and int(np.max(rows)) >= len(lengths))):
        raise ValueError("the postings arrays do not fit together")
    return Postings(terms={t: i for i, t in enumerate(terms)}, **arrays)


@dataclass(frozen=True)
class KeywordPart:
    """A segment as a search sees it: its postings, which of its rows are live (None: all) and
    each live row's place in the whole index (`places[row]`, −1 for a removed row)."""

    postings: Postings
    live: np.ndarray | None
    places: np.ndarray


def collection_length(parts: Sequence[KeywordPart]) -> int:
    """Total tokens over the live rows of every part (BM25's average length is this ÷ N)."""
    total = 0
    for part in parts:
        lengths = part.postings.lengths
        total += int(np.sum(lengths if part.live is None else lengths[part.live], dtype=np.int64))
    return total


def bm25_scores(parts: Sequence[KeywordPart], query_tokens: Sequence[str], *, num_docs: int,
                total_length: int) -> np.ndarray:
    """The BM25 score of every live row of the index (in index order) for the query; zeros
    where no query term occurs. `num_docs` and `total_length` are the live rows' count and
    token total (`collection_length`)."""
    scores = np.zeros(num_docs, dtype=np.float64)
    if not num_docs or not total_length:
        return scores.astype(np.float32)
    avgdl = total_length / num_docs
    for term, weight in Counter(query_tokens).items():
        found = []
        df = 0
        for part in parts:
            hit = part.postings.term_rows(term)
            if hit is None:
                continue
            rows, tfs = hit
            if part.live is not None:
                keep = part.live[rows]
                rows, tfs = rows[keep], tfs[keep]
            if len(rows):
                found.append((part, rows, tfs))
                df += len(rows)
        if not df:
            continue
        idf = np.log(1.0 + (num_docs - df + 0.5) / (df + 0.5))
        for part, rows, tfs in found:
            tf = tfs.astype(np.float64)
            norm = K1 * (1.0 - B + B * part.postings.lengths[rows] / avgdl)
            scores[part.places[rows]] += weight * idf * tf / (tf + norm)  # a term's rows are distinct
    return scores.astype(np.float32)
