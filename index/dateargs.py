"""Date bounds typed by a user (`--since 2022-05`, `?until=2022`), turned into calendar days.

A bound names a whole period: `since` means its first day and `until` its last day, so
`--since 2022-05 --until 2022-05` keeps all of May 2022.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from index.errors import NewsQAError

# YYYY, YYYY-MM or YYYY-MM-DD; "/" and "." are accepted too, as is 2022年5月20日.
_BOUND = re.compile(r"(\d{4})(?:[-/.年](\d{1,2})月?(?:[-/.]?(\d{1,2})日?)?)?年?")


class DateArgumentError(NewsQAError):
    """A date bound could not be understood."""


def parse_date_bound(text: str, *, end: bool) -> dt.date:
    """The first day (or, with `end=True`, the last day) of the period `text` names."""
    cleaned = (text or "").strip()
    match = _BOUND.fullmatch(cleaned)
    if not match:
        raise DateArgumentError(f"'{text}' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD.")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, last if end else 1)
        return dt.date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        raise DateArgumentError(f"'{text}' is not a real calendar date.") from None


def parse_date_range(
    since: str | None, until: str | None
) -> tuple[dt.date | None, dt.date | None]:
    """Both bounds at once; an empty bound means open-ended. Rejects a range that ends before it starts."""
    first = parse_date_bound(since, end=False) if since else None
    last = parse_date_bound(until, end=True) if until else None
    if first and last and first > last:
        raise DateArgumentError(f"The start date {since} is after the end date {until}.")
    return first, last
