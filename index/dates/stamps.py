"""Dates a web page prints for the page itself: a time stamp (`2018-05-14 08:32`,
`时间:2017/11/14 14:57:14`, glued or not to the text around it), a dated source credit at its
head (`来源：城区日报 2018年12月13日 第七版`, `城区网（微信号：…）2019年2月9日：…`) and the date in
the page's own address (`…/xmrb/20190215/…`, `…/detail/2018/12/id/…`).

A list of other stories (latest news, related links) prints time stamps and addresses of its own,
and a text may quote one, so a stamp counts only where the page's head carries it or every stamp
on the page outside sentences names the same day, and never as a deadline ("延期至2017年8月28日
16:00"); an address only when every dated address on the page agrees. An attachment's upload
time (`2015-7-28 10:57 上传`) or a post's last edit (`于 2015-7-15 10:42 编辑`) is not the page's.
"""

from __future__ import annotations

import re

from index.dates.context import DateRole, role
from index.dates.mentions import article_date, find_dates
from index.records import ArticleDate

_CLOCK_AFTER = re.compile(r"[ \t\u3000]*\d{1,2}:\d{2}(?::\d{2})?(?P<rest>[ \t\u3000]*.{0,4})")
# an attachment's upload or a post's last edit, as forum software stamps them: not the page's date
_NOT_THE_PAGE = re.compile(r"上传|编辑|upload|edit", re.I)
_HEAD = 300  # characters from the top of the page where its own time stamp stands
_CREDIT_LABEL = re.compile(r"(?:来源|出处|稿源|发布时间|发表时间|发布日期|更新时间|时间|日期)[ \t\u3000]*[:：]")
_CLOSES_CREDIT = re.compile(r"[ \t\u3000]*[:：]")
_SENTENCE = re.compile(r"[，,。！？!?；;]")
_CREDIT_ROOM = 40
_URL = re.compile(r"://[^\s\u3000，。；“”（）《》]+")
_URL_DATES = (
    re.compile(r"/(?P<y>20\d\d|19\d\d)-?(?P<m>[01]\d)-?(?P<d>[0-3]\d)(?=[/_.])"),  # /20190215/, /2019-02-15/
    re.compile(r"/(?P<y>20\d\d|19\d\d)/(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),  # /2019/02/15/
    re.compile(r"/(?P<y>20\d\d|19\d\d)/(?P<m>[01]\d)/"),  # /2018/12/
)


def stamp_date(text: str) -> ArticleDate | None:
    """The day of the page's own time stamp, if it prints one."""
    stamps = [m for m in find_dates(text) if m.is_full and _stamped(text, m.end) and role(text, m) is DateRole.NEWS]
    # past the head, a stamp in a sentence is quoted ("…，2017年03月12日09:13，人民网。"), not printed
    stamps = [m for m in stamps if m.start <= _HEAD or not _SENTENCE.search(_line_before(text, m.start))]
    if not stamps:
        return None
    days = {m.date() for m in stamps}
    if stamps[0].start > _HEAD and len(days) > 1:
        return None
    first = stamps[0]
    return article_date(first.year, first.month, first.day, source="page-print")


def credit_date(text: str) -> ArticleDate | None:
    """The date of a source credit in the page's head: after a label (来源：, 发布时间：, 日期：)
    or closing a source's name ("城区网（微信号：…）2019年2月9日：")."""
    head = text[:_HEAD]
    for mention in find_dates(head):
        if not mention.is_full:
            continue
        before = _line_before(head, mention.start)
        if _SENTENCE.search(before) or len(before) > _CREDIT_ROOM:
            continue
        if _CREDIT_LABEL.search(before) or (before.strip() and _CLOSES_CREDIT.match(head, mention.end)):
            return article_date(mention.year, mention.month, mention.day, source="page-print")
    return None


def _line_before(text: str, start: int) -> str:
    return text[text.rfind("\n", 0, start) + 1 : start]


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
