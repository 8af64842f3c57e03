"""Guessing a page's date from the dates its articles mention, when the page states none.

Nothing here adds precision the evidence does not have: a year guessed from the text stays a YEAR
date unless the text also shows the month.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

from index.dates.mentions import DateMention, safe_date
from index.records import ArticleDate, Precision

# Mentions outside this span around the bulk of a page's dates are references (a law passed
# years ago, a plan for next year), not news dates.
_OUTLIER_DAYS = 45


def infer_from_mentions(mentions: list[DateMention]) -> ArticleDate | None:
    """Guess the page date from the dates its articles mention.

    News reports events of the last days, so the bulk of the dates a page mentions sits just
    before its publication; full dates that stray far from that bulk are references (the date a
    law took effect, next year's plan) and are set aside. Yearless month-days (datelines) say
    which month the page covers; full dates say which year:

    - Month-days are placed around a full date whose month agrees with theirs (within one month),
      taking whichever year puts them nearest: "2022年5月20日" on a page of 5月17日–5月24日
      datelines makes them May 2022; it also handles a January full date on a December page.
    - If no full date agrees, the full dates are earlier references, and the month-days are the
      first occurrence on or after the latest of them ("2021年9月1日" law + 10–11月 datelines
      → October–November 2021).
    - With month-days, the page is dated to the month of the latest of them (publication follows
      the news it reports), at MONTH precision: the day is not known.
    - Without month-days, full dates alone give the month only when at least two of them fall
      in it; otherwise just the year.
    - Without full dates, the most frequently named year ("2022年重大项目") is the year; the
      month-days then give the month as above, or the page stays a YEAR date.
    """
    full = _without_outliers(sorted(m.date() for m in mentions if m.is_full))
    month_days = [(m.month, m.day) for m in mentions if m.year is None]
    if full:
        placed = _place_month_days(month_days, full)
    else:
        year = _most_named_year(mentions)
        if year is None:
            return None
        placed = [d for md in month_days if (d := safe_date(year, *md)) is not None]
        if not placed:
            return ArticleDate(dt.date(year, 1, 1), Precision.YEAR, "inferred")
    if placed:
        latest = max(_without_outliers(sorted(placed)))
        return ArticleDate(latest.replace(day=1), Precision.MONTH, "inferred")
    latest = full[-1]
    in_latest_month = sum(1 for d in full if (d.year, d.month) == (latest.year, latest.month))
    if in_latest_month >= 2:
        return ArticleDate(latest.replace(day=1), Precision.MONTH, "inferred")
    return ArticleDate(dt.date(latest.year, 1, 1), Precision.YEAR, "inferred")


def _without_outliers(dates: list[dt.date]) -> list[dt.date]:
    if len(dates) < 3:
        return dates
    middle = statistics.median_low(dates)
    span = dt.timedelta(days=_OUTLIER_DAYS)
    kept = [d for d in dates if middle - span <= d <= middle + span]
    return kept or dates


def _place_month_days(month_days: list[tuple[int, int]], full: list[dt.date]) -> list[dt.date]:
    if not month_days:
        return []
    agreeing = [f for f in full if any(_month_gap(f.month, m) <= 1 for m, _ in month_days)]
    if agreeing:
        anchor = max(agreeing)
        candidates = [_years_around(md, anchor) for md in month_days]
        return [min(c, key=lambda d: abs(d - anchor)) for c in candidates if c]
    anchor = full[-1]
    placed = []
    for md in month_days:
        after = [d for d in _years_around(md, anchor) if d >= anchor]
        if after:
            placed.append(min(after))
    return placed


def _years_around(month_day: tuple[int, int], anchor: dt.date) -> list[dt.date]:
    dates = (safe_date(anchor.year + k, *month_day) for k in (-1, 0, 1))
    return [d for d in dates if d is not None]


def _month_gap(a: int, b: int) -> int:
    gap = abs(a - b)
    return min(gap, 12 - gap)


def _most_named_year(mentions: list[DateMention]) -> int | None:
    counts = Counter(m.year for m in mentions if m.year is not None)
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], y))
