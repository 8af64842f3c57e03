"""Ranking metrics over plain dicts, the shapes `trec_eval`, BEIR and ranx use.

`qrels` maps a query id to {doc id: relevance}; relevance > 0 means relevant. A `ranking` is a
query's doc ids, best first. The definitions follow ranx (and trec_eval): recall@k is the share
of relevant docs in the top k, MRR@k the reciprocal rank of the first relevant doc in the top k,
nDCG@k uses gain rel / log2(rank + 1) against the ideal ordering of the judged docs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Qrels = Mapping[str, Mapping[str, int]]
Run = Mapping[str, Mapping[str, float]]

METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")


def recall_at(ranking: Sequence[str], relevance: Mapping[str, int], k: int) -> float:
    relevant = {doc for doc, rel in relevance.items() if rel > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranking[:k])) / len(relevant)


def reciprocal_rank(ranking: Sequence[str], relevance: Mapping[str, int], k: int) -> float:
    for rank, doc in enumerate(ranking[:k], start=1):
        if relevance.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranking: Sequence[str], relevance: Mapping[str, int], k: int) -> float:
    ideal = sorted((rel for rel in relevance.values() if rel > 0), reverse=True)[:k]
    best = _dcg(ideal)
    if best == 0:
        return 0.0
    return _dcg([max(relevance.get(doc, 0), 0) for doc in ranking[:k]]) / best


def _dcg(gains: Sequence[float]) -> float:
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


_FUNCTIONS = {"recall": recall_at, "mrr": reciprocal_rank, "ndcg": ndcg_at}


def metric(name: str, ranking: Sequence[str], relevance: Mapping[str, int]) -> float:
    """One metric by its ranx-style name, e.g. "ndcg@10"."""
    family, _, cutoff = name.partition("@")
    if family not in _FUNCTIONS or not cutoff.isdigit():
        raise ValueError(f"unknown metric {name!r}")
    return _FUNCTIONS[family](ranking, relevance, int(cutoff))


def ranking_of(scores: Mapping[str, float]) -> list[str]:
    """Doc ids by descending score; ties keep their insertion order."""
    return [doc for doc, _ in sorted(scores.items(), key=lambda item: -item[1])]


def per_query(qrels: Qrels, rankings: Mapping[str, Sequence[str]], metrics: Sequence[str] = METRICS) -> dict[str, dict[str, float]]:
    """Each judged query's metrics; a query missing from `rankings` scores 0."""
    return {
        qid: {name: metric(name, rankings.get(qid, ()), relevance) for name in metrics}
        for qid, relevance in qrels.items()
    }


def mean_scores(scores: Mapping[str, Mapping[str, float]], metrics: Sequence[str] = METRICS) -> dict[str, float]:
    if not scores:
        return {name: 0.0 for name in metrics}
    return {name: sum(s[name] for s in scores.values()) / len(scores) for name in metrics}


def evaluate(qrels: Qrels, rankings: Mapping[str, Sequence[str]], metrics: Sequence[str] = METRICS) -> dict[str, float]:
    """Mean of each metric over the queries in `qrels` (as ranx's `evaluate`)."""
    return mean_scores(per_query(qrels, rankings, metrics), metrics)
