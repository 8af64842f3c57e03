"""Dates: finding them in text, dating a page, and dating an article from its dateline.

A page's date is taken from the most trustworthy evidence available, in this order:

1. the sidecar manifest entry (someone who knew wrote it down),
2. a date printed as page furniture ("2022年10月17日 星期一" on its own line, or with a weekday),
3. a date in the file name or its folder name ("2022-10-17", "20221017", "2022年10月17日"),
4. an inference from the dates mentioned in the articles (see `_infer_from_mentions`).

Articles usually print only a month and day after the byline ("5月23日"); they take their year
from the page. Nothing here adds precision the evidence does not have: a page known to the month
stays a MONTH date, a year guessed from the text stays a YEAR date unless the text also shows
the month.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from index.records import ArticleDate, Precision
from index.reader import Page

_SP = r"[ \t\u3000]*"  # typesetting puts spaces around numbers: "2019 年 12 月 31 日"
_WEEKDAY = rf"(?:{_SP}[(（]?{_SP}(?:星期|礼拜|周)(?P<w>[一二三四五六日天])[)）]?)?"
_DATE_RE = re.compile(
    # year, optionally with month and day: 2019 年 12 月 31 日 / 2022年3月 / 2022年
    rf"(?<!\d)(?P<y>\d{{4}}){_SP}年(?:{_SP}(?P<m>\d{{1,2}}){_SP}月(?:{_SP}(?P<d>\d{{1,2}}){_SP}[日号])?)?{_WEEKDAY}"
    # month and day without a year: 5月23日
    rf"|(?<!\d)(?P<m2>\d{{1,2}}){_SP}月{_SP}(?P<d2>\d{{1,2}}){_SP}[日号]{_WEEKDAY.replace('<w>', '<w2>')}"
    # numeric: 2022-10-17, 2022/10/17, 2022.10.17 (one separator throughout)
    r"|(?<![\d.])(?P<y3>\d{4})(?P<sep>[-/.])(?P<m3>\d{1,2})(?P=sep)(?P<d3>\d{1,2})(?![\d])"
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
# A printed page date shares its line only with other furniture (paper name, page number);
# clause punctuation means the date sits in a sentence.
_CLAUSE_PUNCT = re.compile(r"[，,。；;：:！？!?、]")
_FURNITURE_ROOM = 12
_FILE_DATE_RES = (
    re.compile(r"(?<![0-9A-Za-z])(?P<y>\d{4})(?P<sep>[-_.]?)(?P<m>\d{2})(?P=sep)(?P<d>\d{2})(?![0-9A-Za-z])"),
    re.compile(r"(?<!\d)(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"),
    re.compile(r"(?<![0-9A-Za-z])(?P<y>\d{4})[-_.](?P<m>\d{1,2})(?![0-9A-Za-z]|[-_.]\d)"),
    re.compile(r"(?<!\d)(?P<y>\d{4})年(?P<m>\d{1,2})月(?!\d)"),
)
_ISO_RE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
# Mentions outside this span around the bulk of a page's dates are references (a law passed
# years ago, a plan for next year), not news dates.
_OUTLIER_DAYS = 45
# How far after the page's period a dateline may fall before it must be last year's (a
# "12月30日" dateline on a January page). A few weeks allow for a page dated a little early.
_DATELINE_GRACE = dt.timedelta(days=31)


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


def parse_iso_date(value: object) -> ArticleDate | None:
    """A manifest date "YYYY-MM-DD" / "YYYY-MM" / "YYYY" as an ArticleDate; None if malformed."""
    if not isinstance(value, str):
        return None
    match = _ISO_RE.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    return _article_date(year, month, day, source="sidecar")


def labelled_date(value: str, *, source: str) -> ArticleDate | None:
    """The date an export's label gives ("日期：2022-11-08", "date: 2022年11月8日 10:30",
    "date: 2022-11"), at the precision written; None when the value holds no date with a year."""
    for mention in find_dates(value):
        if mention.year is not None:
            return _article_date(mention.year, mention.month, mention.day, source=source)
    words = value.split()
    iso = parse_iso_date(words[0]) if words else None
    return ArticleDate(iso.value, iso.precision, source) if iso else None


def resolve_page_date(page: Page, *, sidecar: dict | None = None) -> ArticleDate:
    """The page's date from the best evidence; `sidecar` is the page's manifest entry, if any."""
    from_sidecar = parse_iso_date((sidecar or {}).get("date"))
    return (
        from_sidecar
        or printed_page_date(page.text)
        or file_name_date(page.path)
        or _infer_from_mentions(find_dates(page.text))
        or ArticleDate.unknown()
    )


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
        return _article_date(mention.year, mention.month, mention.day, source="dateline") or page_date
    placed = _place_dateline(mention.month, mention.day, page_date)
    if placed is None:
        return page_date
    return ArticleDate(placed, Precision.DAY, f"dateline+{_year_source(page_date.source)}")


def is_page_furniture_date(line: str) -> bool:
    """True if `line` is a printed page date (a full date with at most a little furniture)."""
    return any(_is_printed(m, line) for m in find_dates(line))


def printed_page_date(text: str) -> ArticleDate | None:
    """A date printed as page furniture: a full date with a matching weekday, else on its own line.

    A date inside a sentence ("2022年5月20日，周口经济开发区组织…") reports an event, not the
    issue, so it is not a printed page date.
    """
    candidates = []
    for line_start, line in _lines_with_offsets(text):
        for mention in find_dates(line):
            if _is_printed(mention, line):
                candidates.append((_print_rank(mention), line_start + mention.start, mention))
    if not candidates:
        return None
    _, _, best = min(candidates, key=lambda c: (c[0], c[1]))
    return _article_date(best.year, best.month, best.day, source="page-print")


def file_name_date(path: Path) -> ArticleDate | None:
    """A date in the file's name, else in its folder's name ("2022-10-17/page3.txt")."""
    for name in (Path(path).stem, Path(path).parent.name):
        for pattern in _FILE_DATE_RES:
            for match in pattern.finditer(name):
                groups = match.groupdict()
                day = int(groups["d"]) if groups.get("d") else None
                found = _article_date(int(groups["y"]), int(groups["m"]), day, source="file-name")
                if found is not None:
                    return found
    return None


# --- mentions ----------------------------------------------------------------------------------


def _mention(match: re.Match) -> DateMention | None:
    g = match.groupdict()
    if g["y3"] is not None:  # numeric dates are all-or-nothing: "2022.10.35" is no date
        year, month, day = int(g["y3"]), int(g["m3"]), int(g["d3"])
        valid = _valid(year, month, day)
        return DateMention(match.start(), match.end(), year, month, day) if valid else None
    if g["y"] is not None:
        year, month, day, weekday = int(g["y"]), _int(g["m"]), _int(g["d"]), g["w"]
    else:
        year, month, day, weekday = None, int(g["m2"]), int(g["d2"]), g["w2"]
    if _valid(year, month, day):
        return DateMention(match.start(), match.end(), year, month, day, _weekday(weekday) if day else None)
    # keep what is valid of a longer match: "2019年13月" still names the year 2019
    if year is None or not _valid(year, None, None):
        return None
    if month is not None and _valid(year, month, None):
        return DateMention(match.start(), match.start() + match.group(0).index("月") + 1, year, month, None)
    return DateMention(match.start(), match.start() + match.group(0).index("年") + 1, year, None, None)


def _cn_mention(match: re.Match) -> DateMention | None:
    g = match.groupdict()
    if g["y"] is not None:
        year = int("".join(str(_CN_DIGITS[c]) for c in g["y"]))
        month, day, weekday = _cn_number(g["m"]), _cn_number(g["d"]), g["w"]
    else:
        year, month, day, weekday = None, _cn_number(g["m2"]), _cn_number(g["d2"]), g["w2"]
    if not _valid(year, month, day):
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


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    if year is not None and not 1900 <= year <= 2100:
        return False
    if month is None:
        return day is None
    try:
        dt.date(year or 2000, month, day or 1)  # 2000 is a leap year: 2月29日 is a real dateline
    except ValueError:
        return False
    return True


def _article_date(year: int | None, month: int | None, day: int | None, *, source: str) -> ArticleDate | None:
    if year is None or not _valid(year, month, day):
        return None
    if month is None:
        return ArticleDate(dt.date(year, 1, 1), Precision.YEAR, source)
    if day is None:
        return ArticleDate(dt.date(year, month, 1), Precision.MONTH, source)
    return ArticleDate(dt.date(year, month, day), Precision.DAY, source)


# --- printed page dates ------------------------------------------------------------------------


def _lines_with_offsets(text: str):
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def _is_printed(mention: DateMention, line: str) -> bool:
    if mention.year is None:
        return False
    rest = (line[: mention.start] + line[mention.end :]).strip(" \t\u3000#*|｜")
    if not mention.is_full:
        return rest == ""  # a bare "2022年10月" line; with more text it is a sentence or a headline
    if _CLAUSE_PUNCT.search(rest):
        return False
    # a weekday marks a masthead or footer date; without one, only a little furniture may share
    # the line, or a headline that opens with a date would pass for the page date
    return mention.weekday is not None or len(rest) <= _FURNITURE_ROOM


def _print_rank(mention: DateMention) -> int:
    """Lower is better: a weekday that matches the date is the surest sign of a printed date."""
    if mention.is_full and mention.weekday is not None:
        return 0 if mention.date().weekday() == mention.weekday else 2
    return 1 if mention.is_full else 3


# --- inference from the text -------------------------------------------------------------------


def _infer_from_mentions(mentions: list[DateMention]) -> ArticleDate | None:
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
        placed = [d for md in month_days if (d := _safe_date(year, *md)) is not None]
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
    dates = (_safe_date(anchor.year + k, *month_day) for k in (-1, 0, 1))
    return [d for d in dates if d is not None]


def _month_gap(a: int, b: int) -> int:
    gap = abs(a - b)
    return min(gap, 12 - gap)


def _most_named_year(mentions: list[DateMention]) -> int | None:
    counts = Counter(m.year for m in mentions if m.year is not None)
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], y))


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# --- datelines ---------------------------------------------------------------------------------


def _place_dateline(month: int | None, day: int | None, page_date: ArticleDate) -> dt.date | None:
    period = page_date.period()
    if period is None or month is None or day is None:
        return None
    latest_allowed = period[1] + _DATELINE_GRACE
    placed = _safe_date(period[1].year, month, day)
    if placed is None:
        return None  # "2月29日" in a common year is a misprint, not last year's news
    if placed > latest_allowed:
        placed = _safe_date(period[1].year - 1, month, day)
    return placed


def _year_source(page_source: str) -> str:
    # Only the year of an inferred page date carries over to a dateline.
    return "inferred-year" if page_source == "inferred" else page_source
