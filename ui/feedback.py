"""Readers' verdicts on answers (👍/👎 and an optional comment), kept append-only in SQLite.

    store = FeedbackStore(home() / "feedback.sqlite3")
    store.add(Feedback(question=…, answer=…, found=True, citations=(…,), verdict=Verdict.DOWN, …))
    draft = eval_draft(store.records())   # an eval question-set draft, one object per answer

Every vote and every comment is a new row; nothing is ever updated or deleted (triggers refuse
it), so a burst of requests or a crash loses nothing already written. Each row carries what an
evaluator needs to turn it into a test case: the question, the answer, the cited sources with
their dates and headlines, the index generation that answered, and the reader's verdict.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from index.errors import NewsQAError

FILE_NAME = "feedback.sqlite3"
MAX_COMMENT_CHARS = 2000
#: the citation fields kept with a verdict (the quote itself is the article's text: not needed)
CITATION_FIELDS = ("id", "title", "date", "date_precision", "date_source", "source", "article_id", "start", "end")


class FeedbackError(NewsQAError):
    """The feedback store cannot be written or read."""


class Verdict(str, Enum):
    UP = "up"
    DOWN = "down"


class Channel(str, Enum):
    CHAT = "chat"
    WIDGET = "widget"
    API = "api"


@dataclass(frozen=True)
class Feedback:
    """One reader's verdict on one answer. `answer_id` ties a later comment to its vote."""

    question: str
    answer: str
    verdict: Verdict
    found: bool | None = None
    citations: tuple[Mapping, ...] = ()
    comment: str = ""
    generation: str | None = None
    channel: Channel = Channel.API
    answer_id: str = ""
    created: str = ""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    channel TEXT NOT NULL,
    answer_id TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    found INTEGER,
    citations TEXT NOT NULL,
    generation TEXT,
    verdict TEXT NOT NULL,
    comment TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS feedback_no_update BEFORE UPDATE ON feedback
BEGIN SELECT RAISE(ABORT, 'feedback is append-only'); END;
CREATE TRIGGER IF NOT EXISTS feedback_no_delete BEFORE DELETE ON feedback
BEGIN SELECT RAISE(ABORT, 'feedback is append-only'); END;
"""


def slim_citations(citations: Iterable[Mapping]) -> tuple[dict, ...]:
    return tuple({k: c.get(k) for k in CITATION_FIELDS if k in c} for c in citations)


class FeedbackStore:
    """The append-only table in one SQLite file, created on first write."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10)
            if not self._ready:
                connection.executescript(_SCHEMA)
                self._ready = True
            return connection
        except (OSError, sqlite3.Error) as error:
            raise FeedbackError(f"The feedback store {self.path} cannot be opened: {error}.") from None

    def add(self, item: Feedback) -> int:
        """Append `item`; its row number."""
        created = item.created or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        row = (created, Channel(item.channel).value, item.answer_id, item.question, item.answer,
               None if item.found is None else int(item.found), json.dumps(list(item.citations), ensure_ascii=False),
               item.generation, Verdict(item.verdict).value, item.comment[:MAX_COMMENT_CHARS])
        with self._lock:
            connection = self._connect()
            try:
                with connection:
                    cursor = connection.execute(
                        "INSERT INTO feedback (created, channel, answer_id, question, answer, found, citations, "
                        "generation, verdict, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
                return int(cursor.lastrowid)
            except sqlite3.Error as error:
                raise FeedbackError(f"The feedback could not be saved: {error}.") from None
            finally:
                connection.close()

    def records(self) -> list[Feedback]:
        """Every row, oldest first (none when nothing was ever stored)."""
        if not self.path.exists():
            return []
        with self._lock:
            connection = self._connect()
            try:
                rows = connection.execute(
                    "SELECT created, channel, answer_id, question, answer, found, citations, generation, verdict, "
                    "comment FROM feedback ORDER BY id").fetchall()
            except sqlite3.Error as error:
                raise FeedbackError(f"The feedback store {self.path} cannot be read: {error}.") from None
            finally:
                connection.close()
        return [
            Feedback(created=r[0], channel=Channel(r[1]), answer_id=r[2], question=r[3], answer=r[4],
                     found=None if r[5] is None else bool(r[5]), citations=tuple(json.loads(r[6])),
                     generation=r[7], verdict=Verdict(r[8]), comment=r[9])
            for r in rows
        ]


def eval_draft(records: Sequence[Feedback]) -> list[dict]:
    """One eval question-set entry per answered question (votes on the same answer merged: the
    last verdict counts, every comment kept), in the shape `newsqa eval` reads, with the
    reader's report beside it. `answers` is left empty for the evaluator to fill in."""
    merged: dict[str, dict] = {}
    for n, item in enumerate(records, start=1):
        key = item.answer_id or f"row-{n}"
        entry = merged.get(key)
        if entry is None:
            sources = list(dict.fromkeys(c.get("source") for c in item.citations if c.get("source")))
            dates = list(dict.fromkeys(c.get("date") for c in item.citations if c.get("date")))
            entry = merged[key] = {
                "id": f"feedback-{len(merged) + 1}",
                "question": item.question,
                "answers": [],
                "sources": sources,
                "dates": dates,
                "kind": "unanswerable" if item.found is False else "numeric",
                "feedback": {"verdict": item.verdict.value, "comments": [], "answer": item.answer,
                             "found": item.found, "generation": item.generation, "channel": item.channel.value,
                             "created": item.created,
                             "titles": list(dict.fromkeys(c.get("title") for c in item.citations if c.get("title")))},
            }
        entry["feedback"]["verdict"] = item.verdict.value
        if item.comment:
            entry["feedback"]["comments"].append(item.comment)
    return list(merged.values())
