"""Ranking metrics on tiny cases worked out by hand, and agreement with ranx."""

from __future__ import annotations

import math
import random

import pytest

from eval.metrics import METRICS, evaluate, metric, ndcg_at, ranking_of, recall_at, reciprocal_rank

RANKING = ["a", "b", "c", "d", "e"]
RELEVANT = {"b": 1, "d": 1, "z": 1}  # "z" is relevant but never retrieved


def test_recall_counts_relevant_docs_in_the_top_k():
    assert recall_at(RANKING, RELEVANT, 1) == 0.0  # top 1 = {a}: none of 3 relevant
    assert recall_at(RANKING, RELEVANT, 2) == pytest.approx(1 / 3)  # {a, b}: b
    assert recall_at(RANKING, RELEVANT, 5) == pytest.approx(2 / 3)  # b and d, not z


def test_reciprocal_rank_is_one_over_the_first_relevant_rank():
    assert reciprocal_rank(RANKING, RELEVANT, 10) == 0.5  # b at rank 2
    assert reciprocal_rank(RANKING, RELEVANT, 1) == 0.0  # cut before b
    assert reciprocal_rank(RANKING, {"e": 1}, 10) == 0.2  # e at rank 5


def test_ndcg_by_hand():
    # DCG = 1/log2(3) (b at rank 2) + 1/log2(5) (d at rank 4) = 0.63093 + 0.43068 = 1.06161
    # IDCG (3 relevant) = 1/log2(2) + 1/log2(3) + 1/log2(4) = 1 + 0.63093 + 0.5 = 2.13093
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3) + 0.5)
    assert expected == pytest.approx(0.498189, abs=1e-6)  # 1.06161 / 2.13093
    assert ndcg_at(RANKING, RELEVANT, 10) == pytest.approx(expected)
    # at k=1 the ideal list is [1] and the ranking's top is a (gain 0)
    assert ndcg_at(RANKING, RELEVANT, 1) == 0.0


def test_graded_relevance_and_perfect_ranking():
    # ranking [x, y] with rel x=2, y=1 is ideal → 1.0; reversed: (1 + 2/log2(3)) / (2 + 1/log2(3))
    assert ndcg_at(["x", "y"], {"x": 2, "y": 1}, 10) == pytest.approx(1.0)
    assert ndcg_at(["y", "x"], {"x": 2, "y": 1}, 10) == pytest.approx((1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3)))


def test_no_relevant_docs_scores_zero_and_missing_runs_count():
    assert recall_at(RANKING, {}, 5) == 0.0
    assert ndcg_at(RANKING, {"a": 0}, 5) == 0.0
    # q1: recall@1 = 1 (a first); q2 is absent from the run → 0; mean = 0.5
    scores = evaluate({"q1": {"a": 1}, "q2": {"b": 1}}, {"q1": ["a"]}, ["recall@1"])
    assert scores == {"recall@1": 0.5}


def test_metric_names_and_ranking_order():
    assert metric("mrr@10", RANKING, {"c": 1}) == pytest.approx(1 / 3)
    with pytest.raises(ValueError):
        metric("map@x", RANKING, RELEVANT)
    assert ranking_of({"a": 0.2, "b": 0.9, "c": 0.5}) == ["b", "c", "a"]


def _random_case(seed: int):
    rng = random.Random(seed)
    docs = [f"d{i}" for i in range(30)]
    qrels, run = {}, {}
    for q in range(25):
        qid = f"q{q}"
        qrels[qid] = {d: rng.choice([1, 1, 2]) for d in rng.sample(docs, rng.randint(1, 5))}
        retrieved = rng.sample(docs, rng.randint(0, 15))
        # distinct scores so both sides rank the same way
        run[qid] = {d: 1.0 / (rank + 1) + rng.random() * 1e-9 for rank, d in enumerate(retrieved)}
        if not run[qid]:
            del run[qid]
    return qrels, run


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agrees_with_ranx(seed):
    from ranx import Qrels, Run
    from ranx import evaluate as ranx_evaluate

    qrels, run = _random_case(seed)
    ours = evaluate(qrels, {qid: ranking_of(scores) for qid, scores in run.items()}, METRICS)
    # ranx needs every judged query in the run; a query with no results gets a zero-score dummy
    full_run = {qid: run.get(qid) or {"none": 0.0} for qid in qrels}
    theirs = ranx_evaluate(Qrels(qrels), Run(full_run), list(METRICS), make_comparable=True)
    for name in METRICS:
        assert round(ours[name], 6) == round(float(theirs[name]), 6), name
