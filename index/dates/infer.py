"""A page's date inferred from its stories' datelines, when the page itself states none.

The evidence is the datelines — the dates that open the stories (index/dates/datelines.py) — and
nothing else decides the month. One story's dateline is the day of the news it reports, which a
retrospective or a late report may print long after; only the datelines of two stories or more,
agreeing on a period, date a page. A year comes from the datelines themselves when they print one;
otherwise from a date that a story's opening words name as news (not a target, a past event, a
span or a cut-off: index/dates/context.py):

- a full date (year, month and day) in a month next to a dateline's month, in the opening of
  any story on the page, a column's too ("新修改的安全生产法已于2021年9月1日正式施行" beside
  10月21日–11月1日 datelines), not in a sentence telling of a founding; the datelines are placed
  in whichever year puts them nearest to it;
- else a year alone named in a dateline's own sentence ("3月16日，…召开2022年重大项目推进会"),
  when all such years agree. A year with a month ("2017年6月") is another event's time.

A page without datelines, or whose datelines find no year, stays undated: years named further
into a story (到2049年, 创办于1996年, the dates of earlier incidents it recounts) say nothing of
when it was printed. The result is a MONTH date at most (the latest dateline's month: publication follows the
news it reports), a YEAR date when full datelines fall in different months, and always marked
`inferred`.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence

from index.dates.context import DateRole, role, tells_founding
from index.dates.datelines import Dateline
from index.dates.mentions import find_dates, safe_date
from index.records import ArticleDate, Precision

INFERRED = "inferred"
# Datelines outside this span around the bulk of a page's datelines are set aside as strays.
_OUTLIER_DAYS = 45
_MIN_DATELINES = 2  # of different stories, agreeing


def infer_page_date(datelines: Sequence[Dateline], openings: Sequence[str] = ()) -> ArticleDate | None:
    """The page date the datelines of its stories imply, with `openings` (each story's opening
    words) for a year; None when they imply none."""
    full = sorted(d.mention.date() for d in datelines if d.mention.year is not None)
    month_days = [(d.mention.month, d.mention.day) for d in datelines if d.mention.year is None]
    if len(full) + len(month_days) < _MIN_DATELINES:
        return None
    anchors = full or _full_dates_near(openings, month_days)
    if anchors:
        placed = [_nearest(md, anchors) for md in month_days]
    else:
        year = _dateline_year(datelines)
        placed = [safe_date(year, *md) for md in month_days] if year else []
    dates = _without_outliers(sorted(d for d in [*full, *placed] if d is not None))
    if len(dates) < _MIN_DATELINES or dates[-1] - dates[0] > dt.timedelta(days=2 * _OUTLIER_DAYS):
        return None
    latest = dates[-1]
    if placed or sum(1 for d in full if (d.year, d.month) == (latest.year, latest.month)) >= 2:
        return ArticleDate(latest.replace(day=1), Precision.MONTH, INFERRED)
    return ArticleDate(dt.date(latest.year, 1, 1), Precision.YEAR, INFERRED)


def _full_dates_near(openings: Sequence[str], month_days: list[tuple[int, int]]) -> list[dt.date]:
    """Full dates the openings name as news, in a month next to a dateline's month."""
    found = []
    for text in openings:
        for mention in find_dates(text):
            if not mention.is_full or role(text, mention) is not DateRole.NEWS or tells_founding(text, mention):
                continue
            if any(_month_gap(mention.month, month) <= 1 for month, _ in month_days):
                found.append(mention.date())
    return found


def _dateline_year(datelines: Sequence[Dateline]) -> int | None:
    """The one year (alone, without a month) the datelines' sentences name as news, if they name
    exactly one."""
    years = set()
    for dateline in datelines:
        for mention in find_dates(dateline.sentence):
            if mention.precision is Precision.YEAR and role(dateline.sentence, mention) is DateRole.NEWS:
                years.add(mention.year)
    return years.pop() if len(years) == 1 else None


def _nearest(month_day: tuple[int, int], anchors: list[dt.date]) -> dt.date | None:
    """The month-day in the year (of the latest anchor, or one either side) nearest to it."""
    anchor = max(anchors)
    candidates = [d for k in (-1, 0, 1) if (d := safe_date(anchor.year + k, *month_day)) is not None]
    return min(candidates, key=lambda d: abs(d - anchor)) if candidates else None


def _without_outliers(dates: list[dt.date]) -> list[dt.date]:
    if len(dates) < 3:
        return dates
    middle = statistics.median_low(dates)
    span = dt.timedelta(days=_OUTLIER_DAYS)
    kept = [d for d in dates if middle - span <= d <= middle + span]
    return kept or dates


def _month_gap(a: int, b: int) -> int:
    gap = abs(a - b)
    return min(gap, 12 - gap)
