"""Follow-up questions: 那示范区呢? / 10月份呢? / and in 2019? inherit what they leave out.

A short follow-up that names only a subject or a time is the previous question with that part
replaced; the rest (what is asked, the other part) is kept.

A follow-up may be written in another language than the question it follows (`那示范区呢?` after
an English question). The subject it names then takes the place of the old one in the earlier
question's own language — a Chinese name goes in where the English one stood, an English unit is
looked up in the dictionary and goes in where the Chinese one stood — and when that cannot be
done the follow-up is asked on its own: an earlier subject is never kept in place of a new one.
The answer is worded in the language of the turn that asks (`analyzed`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from index.normalize import fold, to_simplified
from qa.analyze import Language, Question, analyze, find_subjects, is_english
from qa.timeframe import parse_timeframe

MAX_FOLLOWUP_CHARS = 14  # Chinese characters; English: words below
MAX_FOLLOWUP_WORDS = 7
_ZH_OPENERS = re.compile(r"^(?:那么|那|还有|再问|另外)")
_ZH_CLOSERS = re.compile(r"(?:的情况|情况|呢|吗|怎么样|如何)?[\s?？。.!！]*$")
_EN_OPENERS = re.compile(r"^(?:and|but|what about|how about|then|also)\b[\s,]*", re.I)
_EN_CLOSERS = re.compile(r"[\s?.!]*$")
# an administrative unit or zone named in English: a few words ending in a word for one
_EN_UNIT = re.compile(
    r"\b(?:the\s+)?((?:(?!(?:has|have|had|the|of|in|on|at|is|was|are|were|did|does|do|a|an|which|what|how|many|much|and|about)\b)[A-Za-z-]+\s+){0,3}(?:zone|district|county|city|province|town|township|village|"
    r"park|area|street|community|prefecture))\b", re.I)


def resolve(question: str, history: Sequence[Mapping]) -> str:
    """The question to answer, with a follow-up completed from the earlier turns."""
    previous = None
    for turn in history:
        asked = str(turn.get("question", "")).strip()
        if asked:
            previous = asked if previous is None else rewrite(previous, asked)
    return question if previous is None else rewrite(previous, question)


def analyzed(question: str, history: Sequence[Mapping]) -> Question:
    """The analysed question to answer, worded in the language `question` itself is written in."""
    resolved = analyze(resolve(question, history))
    asked = Language.EN if is_english(question) else Language.ZH
    return resolved if resolved.language is asked else replace(resolved, language=asked)


def is_followup(question: str) -> bool:
    text = question.strip()
    if is_english(text):
        words = text.split()
        return len(words) <= MAX_FOLLOWUP_WORDS and bool(_EN_OPENERS.match(text))
    core = _zh_core(text)
    short = len(core) <= MAX_FOLLOWUP_CHARS
    return short and bool(_ZH_OPENERS.match(text) or re.search(r"呢[\s?？]*$", text))


def rewrite(previous: str, current: str) -> str:
    """`current` as a whole question: itself if it is not a follow-up, else `previous` with the
    subject and/or time `current` names put in place of the old ones."""
    if not is_followup(current):
        return current
    if is_english(current) != is_english(previous):
        return _rewrite_across(previous, current)
    if is_english(current):
        return _rewrite_english(previous, _EN_CLOSERS.sub("", _EN_OPENERS.sub("", current.strip())))
    return _rewrite_chinese(fold(to_simplified(previous)), fold(to_simplified(_zh_core(current))))


def _rewrite_across(previous: str, current: str) -> str:
    """A follow-up in the other language: its subject put in the place of the earlier question's,
    or its time in place of that question's time; the follow-up alone when neither fits."""
    if is_english(current):
        core = _EN_CLOSERS.sub("", _EN_OPENERS.sub("", current.strip()))
        unit = _EN_UNIT.search(core)
        if unit is None:
            years = re.fullmatch(r"(?:in\s+)?((?:19|20)\d\d)", core, flags=re.I)
            # a year is written the same way in both; any other English time is asked on its own
            return _rewrite_chinese(fold(to_simplified(previous)), years.group(1) + "年") if years else current
        chinese = _chinese_unit(unit.group(1))
        if chinese is None:
            return current
        return _rewrite_chinese(fold(to_simplified(previous)), chinese)
    core = fold(to_simplified(_zh_core(current)))
    subjects = [s.text for s in find_subjects(core) if s.required]
    if not subjects:
        return current if not parse_timeframe(core).spans else _rewrite_english_time(previous, core)
    old = _EN_UNIT.search(previous)
    if old is None:
        return current
    return previous[:old.start()] + subjects[0] + previous[old.end():]


def _chinese_unit(english: str) -> str | None:
    """The Chinese word for an English unit name ("the demonstration zone" → 示范区), or None."""
    from qa.dictionary import lookup

    words = re.sub(r"^the\s+", "", english.strip(), flags=re.I).lower()
    for found in lookup(words):
        if find_subjects(found) and any(s.required for s in find_subjects(found)):
            return found
    return None


def _rewrite_english_time(previous: str, core: str) -> str:
    """The English question with the time of `core` (any language) put in place of its own."""
    spans = parse_timeframe(core).spans
    new_time = " ".join(core[s:e] for s, e in spans)
    old = parse_timeframe(previous).spans
    if old:
        return _replace_spans(previous, old, new_time, prepend=False)
    return re.sub(r"[\s?.!]*$", "", previous) + f" in {new_time}?"


def _zh_core(text: str) -> str:
    return _ZH_CLOSERS.sub("", _ZH_OPENERS.sub("", text.strip()))


def _rewrite_chinese(previous: str, core: str) -> str:
    time_spans = parse_timeframe(core).spans
    new_time = "".join(core[s:e] for s, e in time_spans)
    rest = core
    for s, e in sorted(time_spans, reverse=True):
        rest = rest[:s] + rest[e:]
    new_subjects = [s.text for s in find_subjects(rest) if s.required]
    result = previous
    if new_subjects:
        old = [s.text for s in find_subjects(previous) if s.required]
        result = result.replace(old[0], new_subjects[0], 1) if old else new_subjects[0] + result
    elif not new_time and rest:
        swapped = _swap_like(previous, rest)  # 那中网格呢? after …多少个大网格?: the like word swapped
        return swapped if swapped is not None else rest + "?"
    if new_time:
        result = _replace_spans(result, parse_timeframe(result).spans, new_time, prepend=True)
    return result


def _swap_like(previous: str, core: str) -> str | None:
    """`previous` with the word that ends like `core` (大网格 for 中网格) replaced by it, or None
    when no word of it does."""
    for shared in range(len(core) - 1, 0, -1):
        at = previous.find(core[-shared:])
        start = at - (len(core) - shared)
        if at >= 0 and start >= 0 and not re.search(r"[\W\d]", previous[start:at]) and previous[start:at + shared] != core:
            return previous[:start] + core + previous[at + shared:]
    return None


def _rewrite_english(previous: str, core: str) -> str:
    time_spans = parse_timeframe(core).spans
    result = previous
    unit = _EN_UNIT.search(core)
    if unit:
        old = _EN_UNIT.search(result)
        result = result[:old.start(1)] + unit.group(1) + result[old.end(1):] if old else f"{result} ({unit.group(1)})"
    if time_spans:
        new_time = " ".join(core[s:e] for s, e in time_spans)
        old_spans = parse_timeframe(result).spans
        if old_spans:
            result = _replace_spans(result, old_spans, new_time, prepend=False)
        else:
            result = re.sub(r"[\s?.!]*$", "", result) + f" in {new_time}?"
    return result


def _replace_spans(text: str, spans, new: str, *, prepend: bool) -> str:
    """Drop the old time expressions; put the new one where the first was (or at the start)."""
    if not spans:
        return new + text if prepend else f"{text} {new}"
    first = spans[0][0]
    for s, e in sorted(spans, reverse=True):
        text = text[:s] + text[e:]
    return text[:first] + new + text[first:]
