"""One evaluation session: load a question set, run the chosen retriever modes, and optionally
repeat them over an index with distractor articles mixed in."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from eval.dataset import Question, load_questions
from eval.formats import read_beir
from eval.metrics import METRICS
from eval.runner import AnswerFn, RunResult, qa_answer, run_mode
from index.interfaces import Archive


def load_dataset(path: Path | None) -> tuple[list[Question], str]:
    """Questions and a display name; a folder is read as a BEIR set, anything else as JSONL."""
    if path is None:
        return load_questions(None), "built-in dev set"
    path = Path(path)
    if path.is_dir():
        return read_beir(path).questions(), path.name
    return load_questions(path), path.name


def usable_modes(archive: Archive, wanted: Sequence[str]) -> tuple[list[str], list[str]]:
    """Modes the archive can search in, and a note for each it cannot (dense needs the model)."""
    keyword_only = archive.info().keyword_only
    modes, notes = [], []
    for mode in wanted:
        if mode != "bm25" and keyword_only:
            notes.append(f"{mode} skipped: the index is keyword-only or its model could not be loaded.")
        else:
            modes.append(mode)
    return modes, notes


def answer_function(enabled: bool) -> tuple[AnswerFn | None, str | None]:
    """`qa_answer` when answers are wanted and the answering layer is importable."""
    if not enabled:
        return None, None
    try:
        from qa import answer  # noqa: F401 — only checking that it exists
    except ImportError as error:
        return None, f"answer metrics skipped: the answering layer is not available ({error})."
    return qa_answer, None


def run_modes(
    questions: Sequence[Question],
    archive: Archive,
    *,
    modes: Sequence[str],
    k: int,
    answer_fn: AnswerFn | None,
    progress: bool = True,
) -> list[RunResult]:
    from tqdm import tqdm

    runs = []
    for mode in modes:
        with tqdm(total=len(questions), desc=f"eval {mode}", unit="q", disable=not progress, file=sys.stderr) as bar:
            runs.append(run_mode(questions, archive, mode=mode, k=k, answer_fn=answer_fn, on_question=bar.update))
    return runs


def distractor_index(files: Sequence[str], *, encoder, n: int, index_dir: Path, progress: bool = True) -> Path:
    """Build (incrementally) an index of `files` (those of the plain index) plus `n` distractor pages."""
    from eval.distractors import load_distractors, write_distractor_pages
    from index.pipeline import build_index

    existing = [Path(f) for f in files if Path(f).is_file()]
    pages = write_distractor_pages(load_distractors(n), Path(index_dir) / "pages")
    build_index([*existing, *pages], index_dir=Path(index_dir) / "index", encoder=encoder, progress=progress)
    return Path(index_dir) / "index"


def metric_drop(plain: Sequence[RunResult], mixed: Sequence[RunResult]) -> dict[str, dict[str, dict[str, float]]]:
    """Per mode and level, plain score minus score with distractors (positive = worse)."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for before, after in zip(plain, mixed):
        a, b = before.summary(), after.summary()
        out[before.mode] = {
            level: {m: round(a[level][m] - b[level][m], 6) for m in METRICS} for level in ("article", "chunk")
        }
        if a["answers"] and b["answers"]:
            out[before.mode]["answers"] = {c: round(a["answers"][c] - b["answers"][c], 6) for c in a["answers"]}
    return out

