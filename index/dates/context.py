"""What a date in a sentence stands for, read from the words around it.

News names many dates that are not the day it reports: targets and plans (到2049年, 2025年前,
2021年工作计划), past events it recounts (创办于1996年, 2012年以来, 早在2008年), spans of years
(2016—2020年) and cut-offs of figures (截至11月1日). Only a date in none of these roles may date a
story or lend its year to one. The cues are ordinary Chinese function words and verbs.
"""

from __future__ import annotations

import re
from enum import Enum

from index.dates.mentions import DateMention


class DateRole(Enum):
    NEWS = "news"  # may be the day the story reports
    TARGET = "target"  # a plan, goal or deadline: 到2049年, 2025年前, 计划于2023年
    PAST = "past"  # an earlier event recounted: 创办于1996年, 2012年以来, 自2019年起
    CUTOFF = "cutoff"  # the end of a period figures cover: 截至11月1日
    RANGE = "range"  # one end of a span of years: 2016—2020年


_SP = "[ \t\u3000]*"
_FOUNDED = "创办|创建|创立|创刊|成立|建立|始建|兴建|建成|组建|开办|落成|出生|诞生|逝世|去世|毕业|入伍|参军"
_BEFORE = (
    (DateRole.CUTOFF, re.compile(r"(?:截至|截止)到?$")),
    (DateRole.PAST, re.compile(rf"(?:自|从|早在|始于|曾于|曾在|当年|公元|去年|前年|上年|往年|(?:{_FOUNDED})于)$")),
    (DateRole.TARGET, re.compile(r"(?:(?<!截)至|到|力争|争取|计划|预计|预期|有望|将|拟|要在|目标|规划|届时|即将|确保)[在于到]?$")),
)
_AFTER = (
    (DateRole.TARGET, re.compile(r"^(?:以前|之前|前|底前|年底前|内|目标|规划|计划|远景|愿景)")),
    (DateRole.PAST, re.compile(r"^(?:以来|至今|起|开始)")),
)
# a founding or a life event right after a date with a year: 1996年创办, 2008年毕业
_FOUNDED_AFTER = re.compile(rf"^(?:正式)?(?:{_FOUNDED})")
_DASH = r"(?:[-—–~～至到]|——)"
_RANGE_BEFORE = re.compile(rf"\d{{4}}{_SP}年?{_SP}{_DASH}{_SP}$")
_RANGE_AFTER = re.compile(rf"^{_SP}{_DASH}{_SP}\d{{4}}")
_PLAN_WORDS = re.compile(r"规划|计划|纲要|目标|愿景|远景|展望")
_FOUNDED_ANYWHERE = re.compile(_FOUNDED)
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
_CLAUSE_END = re.compile(r"[，,。；;！？!?\n]")
_NEAR = 8  # how many characters either side of a date its cues may stand in


def role(text: str, mention: DateMention) -> DateRole:
    """The role of the date `mention` in `text` (the sentence or passage it was found in)."""
    before = text[max(0, mention.start - _NEAR) : mention.start].rstrip(" \t\u3000")
    after = text[mention.end : mention.end + _NEAR].lstrip(" \t\u3000")
    if _RANGE_BEFORE.search(text[max(0, mention.start - 12) : mention.start]) or _RANGE_AFTER.match(after):
        return DateRole.RANGE
    for found, pattern in _BEFORE:
        if pattern.search(before):
            return found
    for found, pattern in _AFTER:
        if pattern.match(after):
            return found
    if mention.year is not None and _FOUNDED_AFTER.match(after):
        return DateRole.PAST
    if mention.year is not None and _PLAN_WORDS.search(clause(text, mention)):
        return DateRole.TARGET
    return DateRole.NEWS


def tells_founding(text: str, mention: DateMention) -> bool:
    """True if the sentence goes on, after the date, to tell of a founding or a life event
    ("1996年5月26日，儿童村正式创办"): the date is history, whatever its punctuation."""
    end = _SENTENCE_END.search(text, mention.end)
    return _FOUNDED_ANYWHERE.search(text, mention.end, end.start() if end else len(text)) is not None


def clause(text: str, mention: DateMention) -> str:
    """The clause around the mention, between clause punctuation."""
    starts = [m.end() for m in _CLAUSE_END.finditer(text, 0, mention.start)]
    end = _CLAUSE_END.search(text, mention.end)
    return text[starts[-1] if starts else 0 : end.start() if end else len(text)]
