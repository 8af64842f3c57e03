"""Standard exchange files, so tools such as trec_eval, BEIR and ranx can score our runs.

- BEIR: `corpus.jsonl` ({"_id", "title", "text", "metadata"}), `queries.jsonl` ({"_id", "text",
  "metadata"}) and `qrels/test.tsv` (header `query-id corpus-id score`, tab-separated).
  Our queries keep their answers, sources, dates and kind in `metadata`, so a question set
  survives a round trip.
- TREC run: `qid Q0 docid rank score tag`, one line per retrieved doc.
- TREC qrels: `qid 0 docid relevance`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.dataset import DatasetError, Question, parse_questions
from eval.metrics import Qrels, Run, ranking_of
from index.records import Article, Chunk


@dataclass
class BeirSet:
    corpus: dict[str, dict]
    queries: dict[str, dict]
    qrels: dict[str, dict[str, int]]

    def questions(self) -> list[Question]:
        """The queries as a question set (answers etc. come from each query's metadata)."""
        lines = (
            json.dumps({"id": qid, "question": q["text"], **q.get("metadata", {})}, ensure_ascii=False)
            for qid, q in self.queries.items()
        )
        return parse_questions(lines, name="queries.jsonl")


def corpus_records(docs: Iterable[Article | Chunk]) -> list[dict]:
    return [
        {
            "_id": d.id,
            "title": d.title,
            "text": d.text,
            "metadata": {"source": d.source, "date": d.date.iso()},
        }
        for d in docs
    ]


def write_beir(directory: Path, *, questions: Sequence[Question], docs: Iterable[Article | Chunk], qrels: Qrels) -> None:
    directory = Path(directory)
    (directory / "qrels").mkdir(parents=True, exist_ok=True)
    _write_jsonl(directory / "corpus.jsonl", corpus_records(docs))
    _write_jsonl(
        directory / "queries.jsonl",
        [
            {"_id": q.id, "text": q.question, "metadata": {k: v for k, v in q.to_json().items() if k not in ("id", "question")}}
            for q in questions
        ],
    )
    with open(directory / "qrels" / "test.tsv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(["query-id", "corpus-id", "score"])
        for qid, judged in qrels.items():
            for doc_id, rel in judged.items():
                writer.writerow([qid, doc_id, rel])


def read_beir(directory: Path, *, split: str = "test") -> BeirSet:
    directory = Path(directory)
    qrels_path = directory / "qrels" / f"{split}.tsv"
    for path in (directory / "corpus.jsonl", directory / "queries.jsonl", qrels_path):
        if not path.is_file():
            raise DatasetError(f"The BEIR folder {directory} has no {path.relative_to(directory)}.")
    qrels: dict[str, dict[str, int]] = {}
    with open(qrels_path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            qrels.setdefault(row["query-id"], {})[row["corpus-id"]] = int(row["score"])
    return BeirSet(
        corpus={d["_id"]: d for d in _read_jsonl(directory / "corpus.jsonl")},
        queries={q["_id"]: q for q in _read_jsonl(directory / "queries.jsonl")},
        qrels=qrels,
    )


def write_trec_run(run: Run, path: Path, *, tag: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for qid, scores in run.items():
            for rank, doc_id in enumerate(ranking_of(scores), start=1):
                f.write(f"{qid} Q0 {doc_id} {rank} {scores[doc_id]:.6f} {tag}\n")


def read_trec_run(path: Path) -> dict[str, dict[str, float]]:
    run: dict[str, dict[str, float]] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 6:
            raise DatasetError(f"{Path(path).name} line {number}: a TREC run line needs 6 fields (qid Q0 docid rank score tag).")
        qid, _, doc_id, _, score, _ = parts
        run.setdefault(qid, {})[doc_id] = float(score)
    return run


def write_trec_qrels(qrels: Qrels, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for qid, judged in qrels.items():
            for doc_id, rel in judged.items():
                f.write(f"{qid} 0 {doc_id} {rel}\n")


def _write_jsonl(path: Path, rows: Iterable[Mapping]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise DatasetError(f"{path.name} line {number}: not valid JSON ({error.msg}).") from None
    return rows
