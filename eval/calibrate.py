"""Fit the answerer's settings (`qa/settings.json`) on the `dev` question sets only.

    python -m eval.calibrate [--out qa/settings.json] [--seed 0] [--folds 5]

Every candidate answer of every dev question (the bundled pages and the real web news) is
measured (`qa.features`) and labelled: it is right when its quote holds a gold answer from a right
source. A logistic regression (scikit-learn) learns the weights; its regularisation and the
semantic depth are chosen by cross-validation grouped by article, so that no question is scored
by a model that saw its article. The answer threshold is then set on the out-of-fold
probabilities: the lowest at which the given answers are right at least `--precision` of the time
(0.95), which keeps the most questions answered. `test` sets are never read.

The same data and seed give the same settings.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval.corpora import QuestionSet, Split, builtin_sets, corpus_index
from eval.dataset import Question as GoldQuestion
from eval.judge import contains_answer, right_source

PRECISION_TARGET = 0.95
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
SEMANTIC_GRID = (0, 6, 12)


@dataclass(frozen=True)
class Example:
    """One dev question's candidates: feature rows, labels, and what groups it for CV."""

    question: GoldQuestion
    set_name: str
    group: str  # the article (first source) the question is about
    rows: np.ndarray  # (candidates, features)
    labels: np.ndarray  # 1 where the candidate's quote holds a gold answer from a right source
    answerable: bool


def collect(sets: Sequence[QuestionSet], *, semantic_top: int, progress: bool = True) -> list[Example]:
    """Candidates and labels of every question of `sets` (dev sets only)."""
    from index.embedding import load_encoder
    from index.retrieval import open_archive
    from qa.analyze import AnswerType, analyze
    from qa.answer import candidate_features, retrieve, similarities
    from qa.features import feature_names, row, with_similarity
    from qa.followup import resolve
    from qa.settings import Settings

    encoder = load_encoder()
    depth = Settings.__dataclass_fields__["retrieval_depth"].default
    examples: list[Example] = []
    for qset in sets:
        if qset.split is not Split.DEV:
            raise SystemExit("calibration reads dev sets only")
        archive = open_archive(corpus_index(qset.corpus, encoder=encoder, progress=progress), encoder=encoder)
        for gold in qset.questions():
            q = analyze(resolve(gold.question, [{"question": h} for h in gold.history]))
            if q.answer_type is AnswerType.AUTHOR:
                continue  # answered from the byline (qa/authorship.py), not by the scorer
            hits = retrieve(q, archive.retriever, k=depth, since=None, until=None)
            pairs = candidate_features(q, hits, archive)
            if semantic_top:
                pairs = with_similarity(pairs, similarities(q, pairs, archive))
            rows = np.array([row(q, f) for _, f in pairs], dtype=np.float64).reshape(-1, len(feature_names()))
            labels = np.array([_right(gold, c) for c, _ in pairs], dtype=np.int64)
            group = gold.sources[0] if gold.sources else gold.id
            examples.append(Example(gold, qset.name, group, rows, labels, gold.answerable))
        if progress:
            print(f"{qset.name}: {len(qset.questions())} questions", file=sys.stderr)
    return examples


def _right(gold: GoldQuestion, candidate) -> int:
    """A candidate is right when its quote holds a gold answer (all of them for a list) from a
    right source and, if it has an answer span, that span is where the gold answer stands."""
    if not gold.answerable or not right_source(gold, candidate.sentence.source):
        return 0
    if not contains_answer(candidate.quote_text, gold.answers, match=gold.match):
        return 0
    span = candidate.span
    if span is None or gold.match == "all":
        return 1
    return int(any(_overlaps(candidate.sentence.text, answer, span.start, span.end) for answer in gold.answers))


def _overlaps(text: str, answer: str, start: int, end: int) -> bool:
    """Whether an occurrence of `answer` in `text` (compared folded) overlaps [start, end)."""
    from index.normalize import fold

    target = fold(answer)
    if not target:
        return False
    for i in range(len(text)):
        if text[i].isspace():
            continue
        j, k = i, 0
        while j < len(text) and k < len(target):
            if text[j].isspace() and not target[k].isspace():
                j += 1
                continue
            if fold(text[j]) != target[k]:
                break
            j, k = j + 1, k + 1
        if k == len(target) and i < end and j > start:
            return True
    return False


def fit(examples: Sequence[Example], *, c: float, seed: int):
    """(means, scales, weights, intercept) of a logistic regression on all candidates."""
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([e.rows for e in examples if len(e.rows)])
    y = np.concatenate([e.labels for e in examples if len(e.rows)])
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=5000, random_state=seed)
    model.fit((x - means) / scales, y)
    return means, scales, model.coef_[0], float(model.intercept_[0])


def predict(example: Example, params) -> np.ndarray:
    means, scales, weights, intercept = params
    if not len(example.rows):
        return np.zeros(0)
    z = ((example.rows - means) / scales) @ weights + intercept
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def out_of_fold(examples: Sequence[Example], *, c: float, folds: int, seed: int) -> list[np.ndarray]:
    """Each example's candidate probabilities from a model fitted without its article group."""
    groups = sorted({e.group for e in examples})
    rng = np.random.default_rng(seed)
    order = list(rng.permutation(len(groups)))
    fold_of = {groups[i]: n % folds for n, i in enumerate(order)}
    out: list[np.ndarray | None] = [None] * len(examples)
    for fold in range(folds):
        train = [e for e in examples if fold_of[e.group] != fold]
        params = fit(train, c=c, seed=seed)
        for i, e in enumerate(examples):
            if fold_of[e.group] == fold:
                out[i] = predict(e, params)
    return out  # type: ignore[return-value]


@dataclass(frozen=True)
class Operating:
    threshold: float
    precision: float
    coverage: float
    abstained: float  # share of unanswerable questions not answered
    answered: int


def operating_points(examples: Sequence[Example], probabilities: Sequence[np.ndarray]) -> list[Operating]:
    """Precision and coverage of answering with the best candidate at every threshold."""
    best = []
    for e, p in zip(examples, probabilities):
        if len(p):
            i = int(np.argmax(p))
            best.append((float(p[i]), bool(e.labels[i]), e.answerable))
        else:
            best.append((0.0, False, e.answerable))
    answerable = sum(1 for _, _, a in best if a)
    unanswerable = len(best) - answerable
    points = []
    for threshold in sorted({p for p, _, _ in best} | {1.0}):
        given = [(right, a) for p, right, a in best if p >= threshold]
        right = sum(1 for r, _ in given if r)
        points.append(Operating(
            threshold=threshold,
            precision=right / len(given) if given else 1.0,
            coverage=right / answerable if answerable else 0.0,
            abstained=(unanswerable - sum(1 for _, a in given if not a)) / unanswerable if unanswerable else 1.0,
            answered=len(given),
        ))
    return points


def choose(points: Sequence[Operating], *, precision: float) -> Operating:
    """The operating point of most coverage whose precision reaches the target (and stays there
    for every higher threshold, so a small wobble does not pick a lucky point)."""
    ok = []
    for i, point in enumerate(points):
        if all(p.precision >= precision for p in points[i:] if p.answered):
            ok.append(point)
    return max(ok, key=lambda p: (p.coverage, -p.threshold)) if ok else points[-1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="where to write the settings (default: qa/settings.json)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--precision", type=float, default=PRECISION_TARGET)
    args = parser.parse_args(argv)
    from qa.features import feature_names
    from qa.settings import Settings, settings_path

    sets = builtin_sets(Split.DEV)
    results = {}
    collected = {}
    for top in SEMANTIC_GRID:
        collected[top] = examples = collect(sets, semantic_top=top)
        for c in C_GRID:
            oof = out_of_fold(examples, c=c, folds=args.folds, seed=args.seed)
            point = choose(operating_points(examples, oof), precision=args.precision)
            results[(top, c)] = point
            print(f"semantic_top={top:2d} C={c:<5} cv: threshold {point.threshold:.3f} precision {point.precision:.3f} "
                  f"coverage {point.coverage:.3f} abstained {point.abstained:.3f}", file=sys.stderr)
    (top, c), point = max(results.items(), key=lambda kv: (kv[1].coverage, kv[1].precision, -kv[0][0]))
    examples = collected[top]
    means, scales, weights, intercept = fit(examples, c=c, seed=args.seed)
    settings = Settings(
        feature_names=feature_names(), means=tuple(map(float, means)), scales=tuple(map(float, scales)),
        weights=tuple(map(float, weights)), intercept=intercept,
        answer_threshold=point.threshold, timeline_threshold=point.threshold, semantic_top=top,
        provenance={
            "command": "python -m eval.calibrate" + (f" --seed {args.seed}" if args.seed else ""),
            "data": [s.name for s in sets], "questions": len(examples),
            "candidates": int(sum(len(e.rows) for e in examples)), "seed": args.seed, "folds": args.folds,
            "chosen": {"semantic_top": top, "C": c},
            "cross_validated_on_dev": {"precision": round(point.precision, 3), "coverage": round(point.coverage, 3),
                                       "abstained_unanswerable": round(point.abstained, 3)},
        },
    )
    out = args.out or settings_path()
    settings.save(out)
    print(json.dumps({"written": str(out), **settings.provenance}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
