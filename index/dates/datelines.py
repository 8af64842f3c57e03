"""An article's date: its dateline (5月23日) placed in the page's year, else the page's date.

Articles usually print only a month and day after the byline; they take their year from the page.
"""

from __future__ import annotations

import datetime as dt

from index.dates.mentions import article_date, find_dates, safe_date
from index.records import ArticleDate, Precision

# How far after the page's period a dateline may fall before it must be last year's (a
# "12月30日" dateline on a January page). A few weeks allow for a page dated a little early.
_DATELINE_GRACE = dt.timedelta(days=31)


def resolve_article_date(dateline: str | None, page_date: ArticleDate) -> ArticleDate:
    """An article's date: its dateline placed in the page's year, else the page date.

    A dateline with a year is taken as printed. A month-day dateline takes the year of the page,
    or the year before when it would fall well after the page (a December dateline on a January
    page). Without a dateline the article has the page's date at the page's precision.
    """
    mentions = find_dates(dateline) if dateline else []
    if not mentions:
        return page_date
    mention = mentions[0]
    if mention.year is not None:
        return article_date(mention.year, mention.month, mention.day, source="dateline") or page_date
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
