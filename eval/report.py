"""Summaries of evaluation runs: rows for a table, a JSON object, and a report folder
(per-question JSONL, Markdown and HTML summaries, a PNG chart comparing retrievers)."""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from eval.metrics import METRICS
from eval.runner import RunResult

ANSWER_COLUMNS = ("contains_answer", "right_date", "quotes_verbatim", "found_correct", "passed")


def summary_json(runs: Sequence[RunResult], *, dataset: str, extra: dict | None = None) -> dict:
    return {
        "dataset": dataset,
        "questions": len(runs[0].results) if runs else 0,
        "runs": {run.mode: run.summary() for run in runs},
        **(extra or {}),
    }


def tables(runs: Sequence[RunResult]) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows): retrieval metrics per mode and level, then answer rates per mode."""
    retrieval = [
        [run.mode, level, *(f"{run.summary()[level][m]:.3f}" for m in METRICS)]
        for run in runs
        for level in ("article", "chunk")
    ]
    out = [("retrieval", ["mode", "level", *METRICS], retrieval)]
    answered = [run for run in runs if run.answers_measured]
    if answered:
        from eval.selective import selective

        rows = [[run.mode, *(f"{run.summary()['answers'][c]:.3f}" for c in ANSWER_COLUMNS)] for run in answered]
        out.append(("answers", ["mode", *ANSWER_COLUMNS], rows))
        picks = [(run.mode, selective(run.results)) for run in answered]
        out.append(("answer or abstain", ["mode", *SELECTIVE_COLUMNS],
                    [[mode, f"{s.coverage:.3f}", f"{s.precision:.3f}", f"{s.abstained:.3f}", f"{s.answered}/{s.questions}"]
                     for mode, s in picks]))
    return out


SELECTIVE_COLUMNS = ("coverage", "precision", "abstained", "answered")


def selective_markdown(runs: dict) -> str:
    """Per question set: coverage, precision and abstention overall, by kind and by tag."""
    from eval.selective import grouped, selective

    lines = ["# Answer or abstain", "", "Coverage: answerable questions answered right. Precision: answers given that"
             " are right. Abstained: unanswerable questions declined.", ""]
    for name, run in runs.items():
        overall = selective(run.results)
        rows = [["all", str(overall.questions), _rate(overall.coverage, overall.answerable),
                 _rate(overall.precision, overall.answered), _rate(overall.abstained, overall.unanswerable)]]
        for group, s in grouped(run.results).items():
            rows.append([group, str(s.questions), _rate(s.coverage, s.answerable), _rate(s.precision, s.answered),
                         _rate(s.abstained, s.unanswerable)])
        lines += [f"## {name} ({run.mode})", "", _md_table(["kind", "questions", "coverage", "precision", "abstained"], rows), ""]
    lines.append("![risk-coverage](risk_coverage.png)")
    return "\n".join(lines) + "\n"


def _rate(value: float, n: int) -> str:
    return "–" if not n else f"{value:.2f}"


def by_kind(run: RunResult) -> dict[str, dict[str, float]]:
    """Per question kind: how many, article recall@5, and the share of answers passing."""
    groups = defaultdict(list)
    for r in run.results:
        groups[r.question.kind].append(r)
    out = {}
    for kind, results in sorted(groups.items()):
        judged = [r.article_metrics["recall@5"] for r in results if r.article_metrics is not None]
        verdicts = [r.verdict.passed for r in results if r.verdict is not None]
        out[kind] = {
            "questions": len(results),
            "article_recall@5": sum(judged) / len(judged) if judged else None,
            "answers_passed": sum(verdicts) / len(verdicts) if verdicts else None,
        }
    return out


def write_report(runs: Sequence[RunResult], directory: Path, *, dataset: str, extra: dict | None = None) -> list[Path]:
    """Write results.jsonl, summary.json, summary.md, summary.html and chart.png; return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    summary = summary_json(runs, dataset=dataset, extra=extra)
    paths = {
        "results": directory / "results.jsonl",
        "json": directory / "summary.json",
        "md": directory / "summary.md",
        "html": directory / "summary.html",
        "chart": directory / "chart.png",
    }
    with open(paths["results"], "w", encoding="utf-8") as f:
        for run in runs:
            for result in run.results:
                f.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    paths["json"].write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paths["md"].write_text(markdown(runs, dataset=dataset), encoding="utf-8")
    paths["html"].write_text(html_page(runs, dataset=dataset), encoding="utf-8")
    write_chart(runs, paths["chart"])
    return list(paths.values())


def markdown(runs: Sequence[RunResult], *, dataset: str) -> str:
    lines = [f"# Evaluation of {dataset}", ""]
    for title, header, rows in tables(runs):
        lines += [f"## {title.capitalize()}", "", _md_table(header, rows), ""]
    for run in runs:
        lines += [f"## {run.mode}: by question kind", ""]
        kinds = by_kind(run)
        lines.append(_md_table(
            ["kind", "questions", "article recall@5", "answers passed"],
            [[k, str(v["questions"]), _pct(v["article_recall@5"]), _pct(v["answers_passed"])] for k, v in kinds.items()],
        ))
        failed = [r for r in run.results if r.verdict is not None and not r.verdict.passed]
        if failed:
            lines += ["", f"Failed answers ({len(failed)}):", ""]
            lines += [f"- `{r.question.id}` {r.question.question} → {(r.answer or {}).get('answer')!r}" for r in failed]
        lines.append("")
    lines.append("![retrievers compared](chart.png)")
    return "\n".join(lines) + "\n"


def html_page(runs: Sequence[RunResult], *, dataset: str) -> str:
    parts = [f"<!doctype html><meta charset='utf-8'><title>Evaluation of {html.escape(dataset)}</title>",
             f"<h1>Evaluation of {html.escape(dataset)}</h1>"]
    for title, header, rows in tables(runs):
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        parts.append(f"<h2>{html.escape(title)}</h2><table border='1' cellpadding='4'><tr>{head}</tr>{body}</table>")
    parts.append("<p><img src='chart.png' alt='retrievers compared'></p>\n")
    return "".join(parts)


def write_chart(runs: Sequence[RunResult], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and in CI
    import matplotlib.pyplot as plt

    summaries = [run.summary() for run in runs]
    panels = [("article level", "article", METRICS), ("chunk level", "chunk", METRICS)]
    if all(s["answers"] for s in summaries):
        panels.append(("answers", "answers", ANSWER_COLUMNS))
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4), sharey=True)
    width = 0.8 / max(len(runs), 1)
    for ax, (title, key, columns) in zip(axes, panels):
        for i, (run, summary) in enumerate(zip(runs, summaries)):
            xs = [x + i * width for x in range(len(columns))]
            ax.bar(xs, [summary[key][c] for c in columns], width=width, label=run.mode)
        ax.set_xticks([x + width * (len(runs) - 1) / 2 for x in range(len(columns))], columns, rotation=30, ha="right")
        ax.set_title(title)
        ax.set_ylim(0, 1)
    axes[0].legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"
