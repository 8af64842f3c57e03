"""Fit the answerer's settings (`qa/settings.json`) on the `dev` question sets only.

    python -m eval.calibrate [--out qa/settings.json] [--seed 0] [--folds 5] [--precision 0.95]

Every candidate answer of every dev question (the bundled pages and the real web news) is
measured (`qa.features`) and labelled: it is right when its quote holds a gold answer from a right
source and its answer span is where that answer stands. A logistic regression (scikit-learn)
learns the weights. Its regularisation and how many sentences the model compares with the
question at run time (`semantic_top`) are chosen by cross-validation grouped by article, so that
no question is scored by a model that saw its article; the run-time order is reproduced exactly
(candidates first ranked without the comparison, the best `semantic_top` sentences compared).
The answer threshold is then set on the out-of-fold probabilities: the lowest at which the given
answers are right at least `--precision` of the time, which keeps the most questions answered.
`test` sets are never read. The same data and seed give the same settings.
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
C_GRID = (0.03, 0.1, 0.3, 1.0)
SEMANTIC_GRID = (6, 12, 24)
#: an operating point must answer at least this many dev questions: a precision measured on a
#: handful of answers says nothing
MIN_ANSWERED = 10
#: the features set from the model's comparison of a candidate with the question
SIMILARITY = ("cosine", "token_match", "token_match_gap", "window_match", "window_match_gap", "slot_left", "slot_right")


@dataclass(frozen=True)
class Example:
    """One dev question's candidates: feature rows (every comparison measured), labels, which
    sentence each candidate is in, which are admissible, and the article group for CV."""

    question: GoldQuestion
    set_name: str
    group: str  # the article (first source) the question is about
    rows: np.ndarray  # (candidates, features)
    labels: np.ndarray  # 1 where the candidate is a right answer
    sentence: np.ndarray  # the candidate's sentence, numbered within the question
    admissible: np.ndarray  # False where `qa.decide.admissible` rules a candidate out
    answerable: bool


def collect(sets: Sequence[QuestionSet], *, progress: bool = True) -> list[Example]:
    """Candidates and labels of every question of `sets` (dev sets only)."""
    from index.embedding import load_encoder
    from index.retrieval import open_archive
    from qa.analyze import AnswerType, analyze
    from qa.answer import candidate_features, retrieve, similarities
    from qa.decide import admissible
    from qa.features import feature_names, row, with_similarity
    from qa.followup import resolve
    from qa.score import Scored
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
            pairs = with_similarity(pairs, similarities(q, pairs, archive))  # every sentence compared
            rows = np.array([row(q, f) for _, f in pairs], dtype=np.float64).reshape(-1, len(feature_names()))
            scored = [Scored(c, f, 0.0) for c, f in pairs]
            ok = admissible(q, scored)
            keys = {}
            sentence = np.array([keys.setdefault((c.sentence.article_id, c.sentence.start), len(keys)) for c, _ in pairs],
                                dtype=np.int64)
            examples.append(Example(
                question=gold, set_name=qset.name, group=gold.sources[0] if gold.sources else gold.id, rows=rows,
                labels=np.array([_right(gold, c) for c, _ in pairs], dtype=np.int64), sentence=sentence,
                admissible=np.array([ok(s) for s in scored], dtype=bool), answerable=gold.answerable,
            ))
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


# --- the model -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    means: np.ndarray
    scales: np.ndarray
    weights: np.ndarray
    intercept: float

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        z = ((rows - self.means) / self.scales) @ self.weights + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def fit(examples: Sequence[Example], *, c: float, seed: int) -> Model:
    """A logistic regression on every candidate of `examples`."""
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([e.rows for e in examples if len(e.rows)])
    y = np.concatenate([e.labels for e in examples if len(e.rows)])
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=5000, random_state=seed)
    model.fit((x - means) / scales, y)
    return Model(means, scales, model.coef_[0], float(model.intercept_[0]))


def at_run_time(example: Example, model: Model, *, semantic_top: int) -> np.ndarray:
    """Candidate probabilities as `qa.answer.score` computes them: ranked first with the
    comparison features at their unmeasured values, then the best `semantic_top` sentences
    compared, the others counted as the worst compared (`qa.features.with_similarity`)."""
    from qa.features import feature_names

    if not len(example.rows):
        return np.zeros(0)
    names = feature_names()
    columns = [names.index(n) for n in SIMILARITY]
    first = example.rows.copy()
    first[:, columns] = 0.0
    order = np.argsort(-model.probabilities(first), kind="stable")
    chosen = list(dict.fromkeys(int(example.sentence[i]) for i in order))[:semantic_top]
    measured = np.isin(example.sentence, chosen)
    rows = _impute(example.rows, measured, names)
    return model.probabilities(rows)


def _impute(rows: np.ndarray, measured: np.ndarray, names) -> np.ndarray:
    """Rows as `with_similarity` sets them when only `measured` candidates were compared."""
    out = rows.copy()
    col = {n: names.index(n) for n in SIMILARITY}
    raw_cosine = rows[:, col["cosine"]]  # measured against the best of all; re-base on the measured
    best_cos = raw_cosine[measured].max()
    worst_cos = raw_cosine[measured].min()
    best_match = rows[measured, col["token_match"]].max()
    worst_match = rows[measured, col["token_match"]].min()
    best_window = rows[measured, col["window_match"]].max()
    worst_window = rows[measured, col["window_match"]].min()
    out[:, col["cosine"]] = np.where(measured, raw_cosine, worst_cos) - best_cos
    match = np.where(measured, rows[:, col["token_match"]], worst_match)
    window = np.where(measured, rows[:, col["window_match"]], worst_window)
    out[:, col["token_match"]] = match
    out[:, col["token_match_gap"]] = best_match - match
    out[:, col["window_match"]] = window
    out[:, col["window_match_gap"]] = best_window - window
    for name in ("slot_left", "slot_right"):
        out[:, col[name]] = np.where(measured, rows[:, col[name]], 0.0)
    return out


def folds_of(examples: Sequence[Example], *, folds: int, seed: int) -> dict[str, int]:
    groups = sorted({e.group for e in examples})
    order = np.random.default_rng(seed).permutation(len(groups))
    return {groups[i]: n % folds for n, i in enumerate(order)}


def out_of_fold(examples: Sequence[Example], *, c: float, semantic_top: int, folds: int, seed: int) -> list[np.ndarray]:
    """Each example's run-time probabilities from a model fitted without its article group."""
    fold_of = folds_of(examples, folds=folds, seed=seed)
    out: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for fold in range(folds):
        model = fit([e for e in examples if fold_of[e.group] != fold], c=c, seed=seed)
        for i, e in enumerate(examples):
            if fold_of[e.group] == fold:
                out[i] = at_run_time(e, model, semantic_top=semantic_top)
    return out


# --- answer or abstain ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Operating:
    threshold: float
    precision: float
    coverage: float
    abstained: float  # share of unanswerable questions not answered
    answered: int


def operating_points(examples: Sequence[Example], probabilities: Sequence[np.ndarray]) -> list[Operating]:
    """Precision and coverage of answering with the best admissible candidate at every threshold."""
    best = []
    for e, p in zip(examples, probabilities):
        allowed = np.flatnonzero(e.admissible) if len(p) else np.zeros(0, dtype=int)
        if len(allowed):
            i = int(allowed[np.argmax(p[allowed])])
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
    """The operating point of most coverage whose precision reaches the target."""
    ok = [p for p in points if p.precision >= precision and p.answered >= MIN_ANSWERED]
    return max(ok, key=lambda p: (p.coverage, -p.threshold)) if ok else points[-1]


def calibrate(examples: Sequence[Example], *, precision: float, folds: int, seed: int, log=print):
    """(settings fields, provenance figures) chosen by cross-validation on `examples`."""
    results = {}
    for top in SEMANTIC_GRID:
        for c in C_GRID:
            point = choose(operating_points(examples, out_of_fold(examples, c=c, semantic_top=top, folds=folds, seed=seed)),
                           precision=precision)
            results[(top, c)] = point
            log(f"semantic_top={top:2d} C={c:<5} cross-validated: threshold {point.threshold:.3f} precision "
                f"{point.precision:.3f} coverage {point.coverage:.3f} abstained {point.abstained:.3f}")
    (top, c), point = max(results.items(), key=lambda kv: (kv[1].coverage, kv[1].precision, -kv[0][0], -kv[0][1]))
    return top, c, point


def _load_or_collect(sets: Sequence[QuestionSet], path: Path | None) -> list[Example]:
    """The dev candidates, measured, or read back from `path` if an earlier run kept them there."""
    import pickle

    if path is not None and path.exists():
        with path.open("rb") as fp:
            examples = pickle.load(fp)
        print(f"{path}: {len(examples)} questions measured earlier", file=sys.stderr)
        return examples
    examples = collect(sets)
    if path is not None:
        with path.open("wb") as fp:
            pickle.dump(examples, fp)
    return examples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="where to write the settings (default: qa/settings.json)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--precision", type=float, default=PRECISION_TARGET)
    parser.add_argument("--examples", type=Path, default=None,
                        help="keep the measured candidates in this file and reuse them when it exists "
                             "(to refit without measuring again)")
    args = parser.parse_args(argv)
    from qa.features import feature_names
    from qa.settings import Settings, settings_path

    sets = builtin_sets(Split.DEV)
    examples = _load_or_collect(sets, args.examples)
    top, c, point = calibrate(examples, precision=args.precision, folds=args.folds, seed=args.seed,
                              log=lambda line: print(line, file=sys.stderr))
    model = fit(examples, c=c, seed=args.seed)
    settings = Settings(
        feature_names=feature_names(), means=tuple(map(float, model.means)), scales=tuple(map(float, model.scales)),
        weights=tuple(map(float, model.weights)), intercept=model.intercept,
        answer_threshold=float(point.threshold), timeline_threshold=float(point.threshold), semantic_top=top,
        provenance={
            "command": "python -m eval.calibrate" + (f" --seed {args.seed}" if args.seed else ""),
            "data": [s.name for s in sets], "questions": len(examples),
            "candidates": int(sum(len(e.rows) for e in examples)), "seed": args.seed, "folds": args.folds,
            "precision_target": args.precision, "chosen": {"semantic_top": top, "C": c},
            "cross_validated_on_dev": {"precision": round(point.precision, 3), "coverage": round(point.coverage, 3),
                                       "abstained_unanswerable": round(point.abstained, 3), "answered": point.answered},
        },
    )
    out = args.out or settings_path()
    settings.save(out)
    print(json.dumps({"written": str(out), **settings.provenance}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
