"""What `answer()` returns: an answer text and the verbatim, dated quotes it cites."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

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


class Generator(str, Enum):
    """Who wrote the answer text: the extractive composer, or a language model whose every
    sentence passed the checker (`qa.llm.check`)."""

    EXTRACTIVE = "extractive"
    LLM = "llm"


class DropReason(str, Enum):
    """Why the checker dropped a sentence of the model's answer."""

    NO_CITATION = "no_citation"  # the sentence cites no passage
    MISSING_PASSAGE = "missing_passage"  # a marker points at a passage the model was not given
    NUMBER = "unsupported_number"  # a number, quantity or percentage the cited passages do not hold
    DATE = "unsupported_date"  # a date neither the cited passages' text nor their dates hold
    PERSON = "unsupported_person"  # a person's name the cited passages do not hold
    QUOTE = "altered_quote"  # text in quotation marks that is not verbatim text of a cited passage


class Fallback(str, Enum):
    """Why the extractive answer was returned although a language model was configured."""

    NO_PASSAGES = "no_passages"  # nothing was retrieved to give the model
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    HTTP_ERROR = "http_error"  # the endpoint answered 4xx or 5xx
    MALFORMED = "malformed"  # not a chat completion, or an empty one
    WRONG_LANGUAGE = "wrong_language"  # not written in the question's language
    TOO_LITTLE = "too_little_checked"  # too few sentences passed the checker


@dataclass(frozen=True)
class Dropped:
    """A sentence of the model's answer the checker refused, and why (`detail` names the
    offending number, name, marker or quote)."""

    sentence: str
    reason: DropReason
    detail: str

    def to_json(self) -> dict:
        return {"sentence": self.sentence, "reason": self.reason.value, "detail": self.detail}


@dataclass(frozen=True)
class Generation:
    """How the answer text was produced when a language model was configured: by the model
    (its checked sentences) or, with `fallback` saying why, by extraction."""

    generator: Generator
    model: str
    dropped: tuple[Dropped, ...] = ()
    fallback: Fallback | None = None

    def to_json(self) -> dict:
        return {
            "model": self.model,
            "fallback": self.fallback.value if self.fallback else None,
            "dropped": [d.to_json() for d in self.dropped],
        }


@dataclass
class Answer:
    """`found` is False when no passage answers; `citations` then lists the closest passages,
    shown as possibly related. `confidence` is the answerer's probability for its best passage.
    `timings` (ms: retrieval, compose) is for measurement only and
    not part of the JSON. Without a language model the JSON is exactly as it always was; with
    one it adds `"generator"` ("llm" | "extractive") and `"llm"` (model, fallback, dropped)."""

    question: str
    text: str
    found: bool
    citations: list[Citation]
    timings: dict[str, float] = field(default_factory=dict)
    #: the scorer's probability that the best passage answers (0 when nothing was retrieved)
    confidence: float = 0.0
    #: set only when a language model was configured: who wrote `text`, and what was dropped
    generation: Generation | None = None

    def to_json(self) -> dict:
        out = {
            "question": self.question,
            "answer": self.text,
            "found": self.found,
            "confidence": round(float(self.confidence), 4),
            "citations": [c.to_json() for c in self.citations],
        }
        if self.generation is not None:
            out["generator"] = self.generation.generator.value
            out["llm"] = self.generation.to_json()
        return out
