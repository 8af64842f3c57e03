"""The calibration script's pieces on small made-up examples: the same data gives the same
settings, the threshold meets the precision target, and run-time ranking is reproduced."""

from __future__ import annotations

import numpy as np
import pytest

from eval.calibrate import Example, Operating, at_run_time, choose, fit, operating_points, out_of_fold
from eval.dataset import Question
from qa.features import feature_names

N = len(feature_names())


def _examples(seed: int = 0, n: int = 60) -> list[Example]:
    """Questions with five candidates each; the right one has a higher first feature."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        rows = rng.normal(size=(5, N))
        labels = np.zeros(5, dtype=np.int64)
        answerable = i % 4 != 0
        if answerable:
            labels[i % 5] = 1
            rows[i % 5, 0] += 2.5
        q = Question(id=f"q{i}", question="多少？", answers=("1个",) if answerable else (), kind="numeric",
                     sources=(f"a{i % 12}.txt",))
        out.append(Example(q, "set", f"a{i % 12}.txt", rows, labels, np.arange(5), np.ones(5, dtype=bool), answerable))
    return out


def test_the_same_data_gives_the_same_model_and_the_same_out_of_fold_probabilities():
    a, b = fit(_examples(), c=0.3, seed=0), fit(_examples(), c=0.3, seed=0)
    assert np.array_equal(a.weights, b.weights) and a.intercept == b.intercept
    first = out_of_fold(_examples(), c=0.3, semantic_top=3, folds=4, seed=0)
    second = out_of_fold(_examples(), c=0.3, semantic_top=3, folds=4, seed=0)
    assert all(np.array_equal(x, y) for x, y in zip(first, second))


def test_the_signal_is_learned():
    model = fit(_examples(), c=1.0, seed=0)
    assert model.weights[0] > 0 and abs(model.weights[0]) == max(abs(model.weights))


def test_operating_points_count_answers_to_unanswerable_questions_as_wrong():
    examples = _examples(n=8)
    probabilities = [np.where(e.labels == 1, 0.9, 0.1) if e.answerable else np.full(5, 0.95) for e in examples]
    points = {round(p.threshold, 2): p for p in operating_points(examples, probabilities)}
    every = points[0.9]  # answers all 8: 6 right, 2 unanswerable answered
    assert (every.answered, every.precision, every.coverage, every.abstained) == (8, 0.75, 1.0, 0.0)
    strict = points[0.95]
    assert (strict.answered, strict.precision, strict.abstained) == (2, 0.0, 0.0)


def test_choose_takes_the_most_coverage_that_meets_the_precision_target_on_enough_answers():
    points = [Operating(0.2, 0.80, 0.90, 0.1, 50), Operating(0.5, 0.95, 0.60, 0.9, 30),
              Operating(0.7, 0.97, 0.40, 1.0, 20), Operating(0.99, 1.0, 0.05, 1.0, 3)]
    assert choose(points, precision=0.95).threshold == 0.5
    assert choose(points, precision=0.99).threshold == 0.99  # nothing reaches it on enough answers: the strictest


def test_at_run_time_only_the_best_sentences_keep_their_measured_comparison():
    example = _examples(n=1)[0]
    model = fit(_examples(), c=1.0, seed=0)
    full = at_run_time(example, model, semantic_top=5)
    one = at_run_time(example, model, semantic_top=1)
    assert full.shape == one.shape == (5,)
    assert not np.allclose(full, one)
