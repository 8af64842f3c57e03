"""Time in a question: absolute years and months, reporting periods and "latest".

A question's time expression is not a hard filter on publication dates: an article published in
December 2019 reports "2019年前11个月", and a 2021 article may name a law that took effect in
2021年9月. So a `TimeFrame` says which articles *fit* (by publication date or by a date named in
the sentence), and the evidence scorer boosts those that fit and demotes the rest.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from index.records import ArticleDate

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN_NUM = "[一二两三四五六七八九十]{1,3}"

_YEAR_MONTH = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:份)?")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?")
_MONTH = re.compile(rf"(?<![\d年])(\d{{1,2}}|{_CN_NUM})\s*月份?(?![\d日号])")
_FIRST_N_MONTHS = re.compile(rf"前\s*(\d{{1,2}}|{_CN_NUM})\s*个?月|1\s*[至到~-]\s*(\d{{1,2}})\s*月")
_WHOLE_YEAR = re.compile(r"全年|全年度|whole year|full year|all (?:of )?(?:the )?year", re.I)
_LATEST = re.compile(r"最新|最近|目前|现在|截至目前|latest|most recent|recently|currently|\bnow\b", re.I)

_EN_MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
_EN_MONTHS.update({name: i for i, name in enumerate(calendar.month_abbr) if name})
_EN_MONTH = re.compile(r"\b(" + "|".join(sorted(_EN_MONTHS, key=len, reverse=True)) + r")\b\.?(?:\s+((?:19|20)\d{2}))?")
_EN_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_EN_FIRST_N = re.compile(r"first\s+(\d{1,2}|eleven|ten|nine|eight|seven|six|five|four|three|two)\s+months", re.I)
_EN_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11}


@dataclass(frozen=True)
class TimeFrame:
    """What a question says about time.

    `since`/`until` come from an absolute year or year+month; `month` is a month named without a
    year (3月份: March of any year); `first_months` is a reporting period "前N个月" (N);
    `latest` asks for the newest report; `spans` are the (start, end) offsets of the time
    expressions in the question, so a follow-up can replace them. `periods` holds two or more
    distinct absolute periods a question compares ("2022年5月和10月", "从2019年…到2022年"), in
    order; `since`/`until` then span them all. `whole_year` (全年) rules out a sentence that
    reports only part of a year ("前11个月").
    """

    since: dt.date | None = None
    until: dt.date | None = None
    month: int | None = None
    first_months: int | None = None
    latest: bool = False
    spans: tuple[tuple[int, int], ...] = field(default=())
    periods: tuple[tuple[dt.date, dt.date], ...] = field(default=())
    whole_year: bool = False

    @property
    def constrains(self) -> bool:
        """True when some articles fit and others do not (latest only reorders)."""
        return self.since is not None or self.month is not None or self.first_months is not None

    def fits(self, date: ArticleDate, sentence: str) -> bool:
        """Whether a sentence of an article published on `date` fits the question's time.

        A year or month fits by publication date or by a date the sentence names; a reporting
        period ("前11个月") must be named by the sentence, as figures for other periods differ.
        """
        if self.first_months is not None and not self.periods and self.first_months not in _first_months_named(sentence):
            return False
        if self.whole_year and any(n < 12 for n in _first_months_named(sentence)):
            return False
        if self.periods:
            return self.period_of(date, sentence) is not None
        return self._date_fits(date) or self._sentence_fits(sentence)

    def period_of(self, date: ArticleDate, sentence: str) -> int | None:
        """Which of the compared `periods` a sentence speaks for: the one its article was
        published in, else the one whose year (and month) the sentence names; None if none."""
        for i, (since, until) in enumerate(self.periods):
            if date.overlaps(since, until):
                return i
        for i, (since, until) in enumerate(self.periods):
            if TimeFrame(since=since, until=until)._sentence_fits(sentence):
                return i
        return None

    def _date_fits(self, date: ArticleDate) -> bool:
        if self.since is not None and not date.overlaps(self.since, self.until):
            return False
        if self.month is not None:
            span = date.period()
            if span is None or span[0].month != span[1].month or span[0].month != self.month:
                return False
        return True

    def _sentence_fits(self, sentence: str) -> bool:
        if self.since is None and self.month is None:
            return False
        if self.since is not None:
            years = {int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", sentence)}
            if not any(self.since.year <= y <= self.until.year for y in years):
                return False
        if self.month is not None and self.month not in _months_named(sentence):
            return False
        return True


def _cn_int(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + (_CN_DIGITS.get(text[1:], 0) if len(text) > 1 else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS[tens] * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


def _months_named(text: str) -> set[int]:
    return {_cn_int(m) for m in re.findall(rf"(\d{{1,2}}|{_CN_NUM})\s*月", text)}


def _first_months_named(text: str) -> set[int]:
    found = set()
    for m in _FIRST_N_MONTHS.finditer(text):
        found.add(_cn_int(m.group(1) or m.group(2)))
    return found


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_timeframe(question: str) -> TimeFrame:
    """Read the time expressions of a (simplified, folded) question."""
    since = until = None
    month = first = None
    spans: list[tuple[int, int]] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match) -> bool:
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    for m in _FIRST_N_MONTHS.finditer(question):
        first = _cn_int(m.group(1) or m.group(2))
        taken.append(m.span())
    named: list[tuple[int, tuple[dt.date, dt.date]]] = []  # (offset, period) of absolute times
    for m in _YEAR_MONTH.finditer(question):
        if free(m) and 1 <= int(m.group(2)) <= 12:
            named.append((m.start(), _month_range(int(m.group(1)), int(m.group(2)))))
            taken.append(m.span())
    for m in _YEAR.finditer(question):
        if free(m):
            y = int(m.group(1))
            named.append((m.start(), (dt.date(y, 1, 1), dt.date(y, 12, 31))))
            taken.append(m.span())
    for m in _MONTH.finditer(question):
        if free(m) and 1 <= _cn_int(m.group(1)) <= 12:
            year = _year_before(named, m.start())
            if year is not None:  # "2022年5月和10月": the month shares the year named before it
                named.append((m.start(), _month_range(year, _cn_int(m.group(1)))))
            else:
                month = _cn_int(m.group(1))
            taken.append(m.span())
    periods = tuple(dict.fromkeys(p for _, p in sorted(named)))
    if periods:
        since, until = min(p[0] for p in periods), max(p[1] for p in periods)
    since, until, month, first = _english_time(question, taken, since, until, month, first)
    latest_m = _LATEST.search(question)
    if latest_m:
        spans.append(latest_m.span())
    spans.extend(taken)
    return TimeFrame(since=since, until=until, month=month, first_months=first,
                     latest=bool(latest_m), spans=tuple(sorted(spans)),
                     periods=periods if len(periods) > 1 else (),
                     whole_year=bool(_WHOLE_YEAR.search(question)))


def _year_before(named, offset: int) -> int | None:
    """The year of the closest absolute time named before `offset` (None when there is none)."""
    before = [p for at, p in named if at < offset]
    return before[-1][0].year if before else None


def _english_time(question, taken, since, until, month, first):
    for m in _EN_FIRST_N.finditer(question):
        word = m.group(1).lower()
        first = int(word) if word.isdigit() else _EN_WORDS[word]
        taken.append(m.span())
    for m in _EN_MONTH.finditer(question):
        if m.group(1).lower() in {"may", "march"} and not m.group(1)[0].isupper():
            continue  # "may" the verb, "march" the noun
        number = _EN_MONTHS[m.group(1).rstrip(".")]
        if m.group(2):
            since, until = _month_range(int(m.group(2)), number)
        else:
            month = number
        taken.append(m.span())
    for m in _EN_YEAR.finditer(question):
        if since is None and all(m.end() <= a or m.start() >= b for a, b in taken):
            y = int(m.group(1))
            since, until = dt.date(y, 1, 1), dt.date(y, 12, 31)
            taken.append(m.span())
    return since, until, month, first
