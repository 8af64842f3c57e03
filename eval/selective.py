"""Answer or abstain, measured as a trade-off (selective question answering).

- coverage: share of answerable questions answered correctly;
- precision: share of the answers given that are right (an answer to an unanswerable question
  is a wrong answer);
- abstained: share of unanswerable questions the answerer declined;
- a risk-coverage curve: answers ordered by the answerer's confidence, and the precision of the
  most confident ones at each coverage, which shows what a stricter or looser threshold would give.

An answer is right when its text holds a gold answer and (where the set dates the question) a
citation quoting it carries a right date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from eval.runner import QuestionResult


@dataclass(frozen=True)
class Selective:
    questions: int
    answerable: int
    unanswerable: int
    answered: int
    right: int
    coverage: float
    precision: float
    abstained: float

    def to_json(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def right(result: QuestionResult) -> bool:
    verdict = result.verdict
    return bool(result.question.answerable and verdict is not None and verdict.contains and verdict.dated is not False
                and (result.answer or {}).get("found"))


def selective(results: Sequence[QuestionResult]) -> Selective:
    judged = [r for r in results if r.answer is not None]
    answerable = [r for r in judged if r.question.answerable]
    unanswerable = [r for r in judged if not r.question.answerable]
    given = [r for r in judged if r.answer.get("found")]
    correct = [r for r in given if right(r)]
    return Selective(
        questions=len(judged), answerable=len(answerable), unanswerable=len(unanswerable), answered=len(given),
        right=len(correct),
        coverage=len(correct) / len(answerable) if answerable else 0.0,
        precision=len(correct) / len(given) if given else 1.0,
        abstained=sum(1 for r in unanswerable if not r.answer.get("found")) / len(unanswerable) if unanswerable else 1.0,
    )


def grouped(results: Sequence[QuestionResult]) -> dict[str, Selective]:
    """Per question kind and per tag (paraphrase, english, traditional, near-miss)."""
    groups: dict[str, list[QuestionResult]] = defaultdict(list)
    for r in results:
        groups[r.question.kind].append(r)
        for tag in r.question.tags:
            groups[f"tag:{tag}"].append(r)
    return {name: selective(rs) for name, rs in sorted(groups.items())}


def risk_coverage(results: Sequence[QuestionResult]) -> list[tuple[float, float]]:
    """(coverage, precision) after each answer, most confident first: the confidence is the
    answer's own (`confidence`, the best candidate's probability)."""
    judged = [r for r in results if r.answer is not None]
    answerable = sum(1 for r in judged if r.question.answerable)
    given = sorted((r for r in judged if r.answer.get("found")), key=lambda r: -float(r.answer.get("confidence") or 0.0))
    points, hits = [], 0
    for n, r in enumerate(given, start=1):
        hits += right(r)
        points.append((hits / answerable if answerable else 0.0, hits / n))
    return points


def write_risk_coverage(curves: dict[str, list[tuple[float, float]]], path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4))
    for name, points in curves.items():
        if points:
            ax.plot([c for c, _ in points], [p for _, p in points], label=name)
    ax.axhline(0.95, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("coverage (answerable questions answered right)")
    ax.set_ylabel("precision of the answers given")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_title("risk-coverage")
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
