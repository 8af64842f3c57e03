"""Datelines: the date that opens a story, and the article date it gives.

A dateline is printed where a story opens: in a wire byline (新华社北京10月17日电) or in the
lead's opening words — its first sentence, or the second after a lead-in (5月23日，…;
为…，2022年5月20日，…; 鼓点铿锵施工忙！5月23日，…), at the head of a clause and with no other
date before it (a lead that starts from 始建于1986年 tells a history). A date further in reports
something else — an earlier event, a deadline, another day of a chronology — and never dates the
story. Nor does a date in the opening sentence whose words make it a target, a past event or a
cut-off (到2049年, 创办于1996年, 截至11月1日: index/dates/context.py).

A month-day dateline takes the page's year, or the year before when it would fall well after the
page (a December dateline on a January page).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from index.dates.context import DateRole, role, tells_founding
from index.dates.mentions import DateMention, article_date, find_dates, safe_date
from index.records import ArticleDate, Precision

# How far after the page's period a dateline may fall before it must be last year's (a
# "12月30日" dateline on a January page). A few weeks allow for a page dated a little early.
_DATELINE_GRACE = dt.timedelta(days=31)
# A dateline stands in the opening words of the lead; past these it reports something else.
_WINDOW = 80
# what may stand right before a dateline: nothing, or the end of a clause, a quote, a bracket
_CLAUSE_BREAKS = set("，,。！？!?；;：:、”\"’)）】」]")
_AGENCY_DATE = re.compile(r"[ \t\u3000]*(?:讯|电|消息|报道)")
_SENTENCE_ENDS = re.compile(r"[。！？!?；;]+")
_QUOTED = re.compile(r"“[^“”]*”|「[^「」]*」|\"[^\"]*\"")


@dataclass(frozen=True)
class Dateline:
    """A story's dateline: the date `mention` (offsets into `sentence`) in the sentence it opens."""

    mention: DateMention
    sentence: str

    @property
    def text(self) -> str:
        return self.sentence[self.mention.start : self.mention.end]

    @classmethod
    def of(cls, text: str) -> Dateline | None:
        """The first day-precision date of `text` as a dateline (for text known to open a story)."""
        return next((cls(m, text) for m in find_dates(text) if m.day is not None), None)


def find_dateline(lead: str, *, wire: str = "") -> Dateline | None:
    """The dateline of a story whose lead (first paragraph, byline removed) is `lead`; `wire` is a
    wire service's byline, which carries its own date ("新华社北京10月17日电")."""
    wired = next((m for m in find_dates(wire) if m.day is not None and role(wire, m) is DateRole.NEWS), None)
    if wired is not None:
        return Dateline(wired, wire)
    text = opening(lead)
    mentions = find_dates(text)
    first = next((m for m in mentions if m.day is not None), None)
    if first is None or any(m.start < first.start for m in mentions):
        return None  # no date of a day, or it follows another date: the lead tells a history
    return Dateline(first, text) if _opens(text, first) else None


def _opens(text: str, mention: DateMention) -> bool:
    """True if the date stands where a dateline does: at the head of a clause ("…，3月28日开幕"),
    or closing an agency credit ("胶东在线4月26日讯"), and names the day as news."""
    before = text[: mention.start].rstrip(" \t\u3000")
    heads = not before or before[-1] in _CLAUSE_BREAKS or _AGENCY_DATE.match(text, mention.end) is not None
    if not heads or role(text, mention) is not DateRole.NEWS:
        return False
    return mention.year is None or not tells_founding(text, mention)


def opening(lead: str) -> str:
    """The lead's first two sentences, within the window; what is quoted (a question or a saying
    as a lead-in) does not count as a sentence."""
    text = lead[:_WINDOW]
    bare = _QUOTED.sub(lambda m: "_" * len(m.group(0)), text)
    ends = list(_SENTENCE_ENDS.finditer(bare))
    return text[: ends[1].end()] if len(ends) > 1 else text


def resolve_article_date(dateline: Dateline | None, page_date: ArticleDate) -> ArticleDate:
    """An article's date: its dateline placed in the page's year, else the page date.

    A dateline with a year is taken as printed. It is the day the story reports, so on a page that
    does not state its own date it is the publication date only by inference ("dateline+inferred"),
    and only where the page's date could be inferred (from several stories' datelines): one story's
    dateline alone may be an event long before its report.
    Without a dateline the article has the page's date at the page's precision.
    """
    if dateline is None or page_date.iso() is None:
        return page_date
    mention = dateline.mention
    if mention.year is not None:
        source = "dateline+inferred" if page_date.inferred else "dateline"
        return article_date(mention.year, mention.month, mention.day, source=source) or page_date
    placed = _place_dateline(mention.month, mention.day, page_date)
    if placed is None:
        return page_date
    return ArticleDate(placed, Precision.DAY, f"dateline+{_year_source(page_date.source)}")


def _place_dateline(month: int | None, day: int | None, page_date: ArticleDate) -> dt.date | None:
    period = page_date.period()
    if period is None or month is None or day is None:
        return None
    latest_allowed = period[1] + _DATELINE_GRACE
    placed = safe_date(period[1].year, month, day)
    if placed is None:
        return None  # "2月29日" in a common year is a misprint, not last year's news
    if placed > latest_allowed:
        placed = safe_date(period[1].year - 1, month, day)
    return placed


def _year_source(page_source: str) -> str:
    # Only the year of an inferred page date carries over to a dateline.
    return "inferred-year" if page_source == "inferred" else page_source
