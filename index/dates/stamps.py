"""Dates a web page's software prints for the page itself: a time stamp (`2018-05-14 08:32`,
`时间:2017/11/14 14:57:14`, glued or not to the text around it) and the date in the page's own
address (`…/xmrb/20190215/…`, `…/detail/2018/12/id/…`).

A list of other stories (latest news, related links) prints time stamps and addresses of its own,
so a stamp counts only where the page's head carries it or every stamp on the page names the
same day; an address only when every dated address on the page agrees. An attachment's upload
time (`2015-7-28 10:57 上传`) or a post's last edit (`于 2015-7-15 10:42 编辑`) is not the page's.
"""

from __future__ import annotations

import re

from index.dates.mentions import article_date, find_dates
from index.records import ArticleDate

_CLOCK_AFTER = re.compile(r"[ \t\u3000]*\d{1,2}:\d{2}(?::\d{2})?(?P<rest>[ \t\u3000]*.{0,4})")
# an attachment's upload or a post's last edit, as forum software stamps them: not the page's date
_NOT_THE_PAGE = re.compile(r"上传|编辑|upload|edit", re.I)
_HEAD = 300  # characters from the top of the page where its own time stamp stands
_URL = re.compile(r"://[^\s\u3000，。；“”（）《》]+")
_URL_DATES = (
    re.compile(r"/(?P<y>20\d\d|19\d\d)-?(?P<m>[01]\d)-?(?P<d>[0-3]\d)(?=[/_.])"),  # /20190215/, /2019-02-15/
    re.compile(r"/(?P<y>20\d\d|19\d\d)/(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),  # /2019/02/15/
    re.compile(r"/(?P<y>20\d\d|19\d\d)/(?P<m>[01]\d)/"),  # /2018/12/
)


def stamp_date(text: str) -> ArticleDate | None:
    """The day of the page's own time stamp, if it prints one."""
    stamps = [m for m in find_dates(text) if m.is_full and _stamped(text, m.end)]
    if not stamps:
        return None
    days = {m.date() for m in stamps}
    if stamps[0].start > _HEAD and len(days) > 1:
        return None
    first = stamps[0]
    return article_date(first.year, first.month, first.day, source="page-print")


def is_stamp(text: str, end: int) -> bool:
    """True if a clock time follows the date that ends at `end`: a machine's time stamp."""
    return _CLOCK_AFTER.match(text, end) is not None


def _stamped(text: str, end: int) -> bool:
    clock = _CLOCK_AFTER.match(text, end)
    return clock is not None and not _NOT_THE_PAGE.search(clock.group("rest"))


def url_date(text: str) -> ArticleDate | None:
    """The date the page's dated addresses agree on, as precise as they write it."""
    found = set()
    for url in _URL.findall(text):
        date = _date_in(url)
        if date is not None:
            found.add(date)
    return found.pop() if len(found) == 1 else None


def _date_in(url: str) -> ArticleDate | None:
    for pattern in _URL_DATES:
        match = pattern.search(url)
        if match:
            day = int(match["d"]) if "d" in match.groupdict() else None
            return article_date(int(match["y"]), int(match["m"]), day, source="url")
    return None
