"""Dates written in text: 2019 年 12 月 31 日, 5月23日, 2022-10-17, 二〇二一年六月八日.

`find_dates` reports each with what it prints (year, month, day as far as given) and where it
stands in the text; nothing here decides what a date means for a page or a story.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from index.records import ArticleDate, Precision

_SP = r"[ \t\u3000]*"  # typesetting puts spaces around numbers: "2019 年 12 月 31 日"
_WEEKDAY = rf"(?:{_SP}[(（]?{_SP}(?:星期|礼拜|周)(?P<w>[一二三四五六日天])[)）]?)?"
_DATE_RE = re.compile(
    # year, optionally with month and day: 2019 年 12 月 31 日 / 2022年3月 / 2022年
    rf"(?<!\d)(?P<y>\d{{4}}){_SP}年(?:{_SP}(?P<m>\d{{1,2}}){_SP}月(?:{_SP}(?P<d>\d{{1,2}}){_SP}[日号])?)?{_WEEKDAY}"
    # month and day without a year: 5月23日
    rf"|(?<!\d)(?P<m2>\d{{1,2}}){_SP}月{_SP}(?P<d2>\d{{1,2}}){_SP}[日号]{_WEEKDAY.replace('<w>', '<w2>')}"
    # numeric: 2022-10-17, 2022/10/17, 2022.10.17 (one separator throughout)
    # (a time stamp may be glued to the day: "2017-11-1709:07:21")
    r"|(?<![\d.])(?P<y3>\d{4})(?P<sep>[-/.])(?P<m3>\d{1,2})(?P=sep)(?P<d3>\d{1,2})(?:(?!\d)|(?=\d{1,2}:\d{2}))"
)
_WEEKDAYS = "一二三四五六日"
# Dates in Chinese numerals, as mastheads and formal texts print them: 二〇二一年六月八日,
# 二○二二年十月, 十二月三十日. Years are digit by digit; months and days use 十 (and 廿/卅).
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "Ｏ": 0, "O": 0}
_CN_YEAR = "[〇○零Ｏ一二三四五六七八九]{4}"
_CN_SMALL = "(?:[一二三]?十[一二三四五六七八九]?|[廿卅][一二三四五六七八九]?|[一二三四五六七八九])"
_CN_NUMERAL = re.compile("[〇○零一二三四五六七八九十廿卅]")
_CN_DATE_RE = re.compile(
    rf"(?P<y>{_CN_YEAR}){_SP}年(?:{_SP}(?P<m>{_CN_SMALL}){_SP}月(?:{_SP}(?P<d>{_CN_SMALL}){_SP}[日号])?)?"
    + _WEEKDAY
    + rf"|(?<![〇○零一二三四五六七八九十廿卅])(?P<m2>{_CN_SMALL}){_SP}月{_SP}(?P<d2>{_CN_SMALL}){_SP}[日号]"
    + _WEEKDAY.replace("<w>", "<w2>")
)


@dataclass(frozen=True)
class DateMention:
    """A date written in text: year, month and day as far as printed; `start:end` in the text."""

    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    weekday: int | None = None  # 0 = Monday, when a 星期X follows the date

    @property
    def precision(self) -> Precision:
        if self.month is None:
            return Precision.YEAR
        return Precision.DAY if self.day is not None else Precision.MONTH

    @property
    def is_full(self) -> bool:
        return self.year is not None and self.day is not None

    def date(self) -> dt.date | None:
        """The first day this mention stands for, when it has a year."""
        if self.year is None:
            return None
        return dt.date(self.year, self.month or 1, self.day or 1)


def find_dates(text: str) -> list[DateMention]:
    """Every date mention in `text`, in order: full, year-month, year-only and month-day ones."""
    mentions = []
    for match in _DATE_RE.finditer(text):
        mention = _mention(match)
        if mention is not None:
            mentions.append(mention)
    if ("月" in text or "年" in text) and _CN_NUMERAL.search(text):
        taken = [(m.start, m.end) for m in mentions]
        for match in _CN_DATE_RE.finditer(text):
            mention = _cn_mention(match)
            if mention is not None and not any(a < mention.end and mention.start < b for a, b in taken):
                mentions.append(mention)
        mentions.sort(key=lambda m: m.start)
    return mentions


def _mention(match: re.Match) -> DateMention | None:
    g = match.groupdict()
    if g["y3"] is not None:  # numeric dates are all-or-nothing: "2022.10.35" is no date
        year, month, day = int(g["y3"]), int(g["m3"]), int(g["d3"])
        return DateMention(match.start(), match.end(), year, month, day) if valid(year, month, day) else None
    if g["y"] is not None:
        year, month, day, weekday = int(g["y"]), _int(g["m"]), _int(g["d"]), g["w"]
    else:
        year, month, day, weekday = None, int(g["m2"]), int(g["d2"]), g["w2"]
    if valid(year, month, day):
        return DateMention(match.start(), match.end(), year, month, day, _weekday(weekday) if day else None)
    # keep what is valid of a longer match: "2019年13月" still names the year 2019
    if year is None or not valid(year, None, None):
        return None
    if month is not None and valid(year, month, None):
        return DateMention(match.start(), match.start() + match.group(0).index("月") + 1, year, month, None)
    return DateMention(match.start(), match.start() + match.group(0).index("年") + 1, year, None, None)


def _cn_mention(match: re.Match) -> DateMention | None:
    g = match.groupdict()
    if g["y"] is not None:
        year = int("".join(str(_CN_DIGITS[c]) for c in g["y"]))
        month, day, weekday = _cn_number(g["m"]), _cn_number(g["d"]), g["w"]
    else:
        year, month, day, weekday = None, _cn_number(g["m2"]), _cn_number(g["d2"]), g["w2"]
    if not valid(year, month, day):
        return None
    return DateMention(match.start(), match.end(), year, month, day, _weekday(weekday) if day else None)


def _cn_number(text: str | None) -> int | None:
    """一 … 三十一 (also 廿 = 20, 卅 = 30); None for no text."""
    if not text:
        return None
    tens = {"十": 1, "廿": 2, "卅": 3}
    if text[0] in tens:
        return tens[text[0]] * 10 + (_CN_DIGITS[text[1]] if len(text) > 1 else 0)
    if len(text) > 1 and text[1] == "十":
        return _CN_DIGITS[text[0]] * 10 + (_CN_DIGITS[text[2]] if len(text) > 2 else 0)
    return _CN_DIGITS[text[0]]


def _weekday(char: str | None) -> int | None:
    if char is None:
        return None
    return 6 if char == "天" else _WEEKDAYS.index(char)


def _int(value: str | None) -> int | None:
    return int(value) if value is not None else None


def valid(year: int | None, month: int | None, day: int | None) -> bool:
    """True for a real date of 1900–2100 as far as given; a yearless day may be 2月29日."""
    if year is not None and not 1900 <= year <= 2100:
        return False
    if month is None:
        return day is None
    try:
        dt.date(year or 2000, month, day or 1)  # 2000 is a leap year: 2月29日 is a real dateline
    except ValueError:
        return False
    return True


def article_date(year: int | None, month: int | None, day: int | None, *, source: str) -> ArticleDate | None:
    """The date as precise as given (day, month or year); None without a year or when invalid."""
    if year is None or not valid(year, month, day):
        return None
    if month is None:
        return ArticleDate(dt.date(year, 1, 1), Precision.YEAR, source)
    if day is None:
        return ArticleDate(dt.date(year, month, 1), Precision.MONTH, source)
    return ArticleDate(dt.date(year, month, day), Precision.DAY, source)


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    """The day, or None when there is no such day ("2月29日" in a common year)."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
