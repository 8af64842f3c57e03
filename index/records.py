"""The records that flow through the pipeline: page → Article → Chunk → Hit.

Every layer after `index/` speaks in these dataclasses. Dates are never bare strings: an
`ArticleDate` carries the day (or the first day of the month/year it stands for), how precise it
is, and where it came from.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass, field
from enum import Enum


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip


class Precision(str, Enum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ArticleDate:
    """A publication date known to some precision.

    `value` is the exact day for DAY precision, the first day of the month or year for MONTH and
    YEAR, and None for UNKNOWN. `source` says where it came from, e.g. "dateline+page-footer".
    """

    value: dt.date | None
    precision: Precision
    source: str

    @classmethod
    def unknown(cls, source: str = "none") -> "ArticleDate":
        return cls(None, Precision.UNKNOWN, source)

    @property
    def inferred(self) -> bool:
        """True when the date (or its year, for "dateline+inferred-year") was inferred from the
        text rather than stated by the page, its file or its archive."""
        return self.iso() is not None and any(part.startswith("inferred") for part in self.source.split("+"))

    def label(self, language: str = "zh") -> str:
        """The date as a reader should see it, in `language` ("zh" or "en"): "2022-05-23",
        "2022年5月" / "May 2022", "2022年" / "2022"; an inferred date says so, "约2018年" /
        "about 2018"; an unknown one "日期不详" / "date unknown"."""
        english = language == "en"
        if self.iso() is None:
            return "date unknown" if english else "日期不详"
        v = self.value
        if self.precision is Precision.DAY:
            shown = self.iso()
        elif self.precision is Precision.MONTH:
            shown = f"{_MONTHS[v.month - 1]} {v.year}" if english else f"{v.year}年{v.month}月"
        else:
            shown = str(v.year) if english else f"{v.year}年"
        if not self.inferred:
            return shown
        return f"about {shown}" if english else f"约{shown}"

    def iso(self) -> str | None:
        """`YYYY-MM-DD`, `YYYY-MM` or `YYYY` depending on precision; None when unknown."""
        if self.value is None or self.precision is Precision.UNKNOWN:
            return None
        if self.precision is Precision.DAY:
            return self.value.isoformat()
        if self.precision is Precision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return f"{self.value.year:04d}"

    def period(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day this date may stand for; None when unknown."""
        if self.value is None or self.precision is Precision.UNKNOWN:
            return None
        v = self.value
        if self.precision is Precision.DAY:
            return v, v
        if self.precision is Precision.MONTH:
            last = calendar.monthrange(v.year, v.month)[1]
            return dt.date(v.year, v.month, 1), dt.date(v.year, v.month, last)
        return dt.date(v.year, 1, 1), dt.date(v.year, 12, 31)

    def overlaps(self, since: dt.date | None, until: dt.date | None) -> bool:
        """True if this date may fall in [since, until]. Unknown dates never match a bound."""
        if since is None and until is None:
            return True
        span = self.period()
        if span is None:
            return False
        first, last = span
        if since is not None and last < since:
            return False
        if until is not None and first > until:
            return False
        return True

    def to_json(self) -> dict:
        return {"date": self.iso(), "date_precision": self.precision.value, "date_source": self.source}

    @classmethod
    def from_json(cls, d: dict) -> "ArticleDate":
        """From `date`, `date_precision`, `date_source` (a citation, hit or article as JSON); a
        date without a precision is as precise as written."""
        raw = d.get("date")
        if raw is None:
            return cls(None, Precision.UNKNOWN, d.get("date_source", "none"))
        parts = [int(p) for p in raw.split("-")]
        written = (Precision.YEAR, Precision.MONTH, Precision.DAY)[len(parts) - 1]
        precision = Precision(d["date_precision"]) if d.get("date_precision") else written
        while len(parts) < 3:
            parts.append(1)
        return cls(dt.date(*parts), precision, d.get("date_source", "none"))


@dataclass(frozen=True)
class Article:
    """One article of a page.

    `text` is the article's text as printed, with only print-layout line breaks that cut a
    sentence removed (see `joins`); every quote the product shows is a substring of it.
    `page_start`/`page_end` locate the article in the decoded page text, and `joins` lists the
    (article offset, removed page text) pairs, so any article offset maps back to the page.
    """

    id: str
    source: str
    title: str
    kicker: str | None
    byline: str | None
    date: ArticleDate
    text: str
    kind: str = "news"  # "news" | "column" | "caption"
    page_start: int = 0
    page_end: int = 0
    joins: tuple[tuple[int, str], ...] = ()
    # where the page's text came from (index.reader.TextSource): "text", "html", "pdf", "docx" or
    # "ocr" — OCR text may differ from the printed page, so citations say so
    text_source: str = "text"

    def page_offset(self, offset: int) -> int:
        """Map an offset in `text` to the matching offset in the decoded page text."""
        shift = 0
        for at, removed in self.joins:
            if at <= offset:
                shift += len(removed)
            else:
                break
        # an offset exactly at a join points after the removed break
        return self.page_start + offset + shift

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "kicker": self.kicker,
            "byline": self.byline,
            **self.date.to_json(),
            "chars": len(self.text),
            "kind": self.kind,
            "text_source": self.text_source,
        }


class SpanKind(str, Enum):
    """What an annotated span of text is."""

    QUANTITY = "quantity"  # a number with its unit or measure word: 40名, 1.58亿元, 86.9%
    DATE = "date"  # a date or time: 2019年12月, 11月16日上午, 下午6时, 近日
    PERSON = "person"
    PLACE = "place"
    ORG = "org"
    WORK = "work"  # a titled work: 《风印》
    TERM = "term"  # a short phrase the text sets in quotation marks: “匿名购买”, “四验一戴”
    OFFICE = "office"  # someone named by office or group: 市领导, 区委书记, 志愿者
    BYLINE = "byline"  # the reporters' credit: 本报讯(记者 王晨): names in it are not news


@dataclass(frozen=True)
class Span:
    """An annotation of `text[start:end]` of a chunk. `label` is a quantity's unit (名, 亿元, %)
    or a date's granularity (year, month, day, time, relative); `value` a quantity's number."""

    start: int
    end: int
    kind: SpanKind
    label: str = ""
    value: float | None = None

    def shifted(self, offset: int) -> "Span":
        return Span(self.start + offset, self.end + offset, self.kind, self.label, self.value)

    def to_json(self) -> list:
        return [self.start, self.end, self.kind.value, self.label, self.value]

    @classmethod
    def from_json(cls, row: list) -> "Span":
        start, end, kind, label, value = row
        return cls(start, end, SpanKind(kind), label, value)


@dataclass(frozen=True)
class Chunk:
    """A sentence-aligned piece of one article: `text == article.text[start:end]`.
    `annotations` are spans of `text` found once at indexing time (`index.annotate`)."""

    id: str
    article_id: str
    title: str
    source: str
    date: ArticleDate
    start: int
    end: int
    text: str
    annotations: tuple[Span, ...] = ()
    #: where the article's text came from ("text", "html", "pdf", "docx", "ocr")
    text_source: str = "text"

    def to_json(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k not in ("date", "annotations")}
        d.update(self.date.to_json())
        d["annotations"] = [a.to_json() for a in self.annotations]
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Chunk":
        return cls(
            id=d["id"],
            article_id=d["article_id"],
            title=d["title"],
            source=d["source"],
            date=ArticleDate.from_json(d),
            start=d["start"],
            end=d["end"],
            text=d["text"],
            annotations=tuple(Span.from_json(r) for r in d.get("annotations", ())),
            text_source=d.get("text_source", "text"),
        )


@dataclass
class Hit:
    """A retrieved chunk with its fused score and the per-retriever parts behind it."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    bm25_score: float | None = None
    scores: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        c = self.chunk
        return {
            "chunk_id": c.id,
            "article_id": c.article_id,
            "title": c.title,
            "date": c.date.iso(),
            "date_precision": c.date.precision.value,
            "date_source": c.date.source,
            "source": c.source,
            "text": c.text,
            "start": c.start,
            "end": c.end,
            "score": round(float(self.score), 6),
        }
