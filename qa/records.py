"""What `answer()` returns: an answer text and the verbatim, dated quotes it cites."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.records import ArticleDate


@dataclass
class Citation:
    """One quote: `quote == article.text[start:end]`; `highlight` is the answering span inside
    the quote (offsets relative to the quote), e.g. the number and unit of a how-many answer."""

    id: int
    quote: str
    title: str
    date: ArticleDate
    source: str
    article_id: str
    start: int
    end: int
    highlight: tuple[int, int] | None
    score: float
    #: where the quoted text came from: "ocr" marks text recognised from a scan
    text_source: str = "text"

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "quote": self.quote,
            "title": self.title,
            "date": self.date.iso(),
            "date_precision": self.date.precision.value,
            "date_source": self.date.source,
            "source": self.source,
            "article_id": self.article_id,
            "start": self.start,
            "end": self.end,
            "highlight": list(self.highlight) if self.highlight else None,
            "score": round(float(self.score), 4),
            "text_source": self.text_source,
        }


@dataclass
class Answer:
    """`found` is False when no passage answers; `citations` then lists the closest passages,
    shown as possibly related. `confidence` is the answerer's probability for its best passage.
    `timings` (ms: retrieval, compose) is for measurement only and
    not part of the JSON."""

    question: str
    text: str
    found: bool
    citations: list[Citation]
    timings: dict[str, float] = field(default_factory=dict)
    #: the scorer's probability that the best passage answers (0 when nothing was retrieved)
    confidence: float = 0.0

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "found": self.found,
            "confidence": round(float(self.confidence), 4),
            "citations": [c.to_json() for c in self.citations],
        }
