"""Scored evidence → a `Verdict`: answer (with which statements) or abstain (and why).

The best candidate answers when its probability reaches the fitted threshold. A how-many
question may be answered by reports of the same measure at several dates (a timeline), and a
question comparing periods by the best report of each period; both take only reports that
themselves reach the fitted timeline threshold.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

from index.records import SpanKind
from qa.analyze import AnswerType, Question, Subject
from qa.score import Scored
from qa.settings import Settings

MAX_TIMELINE = 4


class Reason(str, Enum):
    ANSWERED = "answered"
    NOTHING = "nothing"  # nothing retrieved says it
    SUBJECT = "subject"  # no article names the unit asked about
    TIME = "time"  # nothing from the asked time (or the date filter left nothing)


@dataclass(frozen=True)
class Verdict:
    found: bool
    reason: Reason
    #: the statements of the answer, in the order told (date order for a timeline)
    chosen: tuple[Scored, ...] = ()
    timeline: bool = False
    #: closest passages shown as possibly related when nothing answers
    related: tuple[Scored, ...] = ()
    subject: Subject | None = None


def decide(question: Question, scored: list[Scored], settings: Settings, *, filtered: bool = False) -> Verdict:
    """`scored` best first; `filtered`: the search was limited to a date range."""
    periods = _per_period(question, scored, settings)
    if len(periods) > 1:
        return Verdict(True, Reason.ANSWERED, tuple(periods), timeline=True)
    ok = admissible(question, scored)
    answering = [s for s in scored if s.probability >= settings.answer_threshold and ok(s)]
    if not answering:
        return _abstain(question, scored, settings, filtered=filtered)
    best = answering[0]
    if question.time.latest:  # 最新: the newest of the reports that answer
        best = max(answering, key=lambda s: (_date_key(s), s.probability))
    timeline = _timeline(question, best, scored, settings)
    if len(timeline) > 1:
        return Verdict(True, Reason.ANSWERED, tuple(timeline), timeline=True)
    return Verdict(True, Reason.ANSWERED, (best,))


def admissible(question: Question, scored: list[Scored]):
    """What no score can outweigh, as a test on one scored candidate:
    - the article names every unit the question names (a question about one district is not
      answered from another's report);
    - it names no other ordinal of the asked kind instead of the question's (第三轮 for 第二轮);
    - a figure asked as what there is (目前有) is not one stated as what was added (新增), nor
      the reverse;
    - a which-question naming its answer's noun (哪所小学) takes a span naming that noun, when
      any candidate does;
    - a how-many question counting a qualified noun (多少个微网格) is not answered by a figure of
      that noun qualified otherwise (309个中网格)."""
    needs_head = bool(question.head) and question.answer_type in _HEAD_TYPES and any(
        s.features.head_held >= 1.0 for s in scored)

    def ok(s: Scored) -> bool:
        f = s.features
        return (f.subjects_required >= 1.0 and f.contradicts < 1.0 and f.aspect_conflict < 1.0
                and (not needs_head or f.head_held >= 1.0) and not counts_otherwise(question, s.candidate))

    return ok


_HEAD_TYPES = (AnswerType.NAME, AnswerType.PLACE, AnswerType.LIST)


def counts_otherwise(question: Question, candidate) -> bool:
    """The figure counts the question's noun under another qualifier: its text goes on with one
    to three characters, then the counted noun's head, and those characters do not end with the
    question's qualifier (微网格 asked: 309个中网格 and 35个大网格 count otherwise, 5个市重点项目
    for 重点项目 does not)."""
    (qualifier, head), span = question.counted, candidate.span
    if not qualifier or not head or span is None:
        return False
    after = candidate.sentence.text[span.end : span.end + len(qualifier) + len(head) + 3]
    m = re.match(r"([\u4e00-\u9fff]{1,3}?)" + re.escape(head), after)
    return m is not None and not m.group(1).endswith(qualifier)


def _timeline(question: Question, best: Scored, scored: list[Scored], settings: Settings) -> list[Scored]:
    """Reports of the same measure at other dates: one per date, in date order."""
    if question.answer_type is not AnswerType.QUANTITY or best.candidate.span is None:
        return [best]
    ok = admissible(question, scored)
    from index.quantities import unit_family

    family = unit_family(best.candidate.span.label)
    per_date: dict[str | None, Scored] = {best.candidate.sentence.date.iso(): best}
    for s in scored:
        span = s.candidate.span
        if (s.probability < settings.timeline_threshold or not ok(s) or span is None or span.kind is not SpanKind.QUANTITY
                or unit_family(span.label) != family or s.candidate.sentence.article_id == best.candidate.sentence.article_id):
            continue
        date = s.candidate.sentence.date.iso()
        if date is not None and date not in per_date and len(per_date) < MAX_TIMELINE:
            per_date[date] = s
    return sorted(per_date.values(), key=_date_key) if len(per_date) > 1 else [best]


def _per_period(question: Question, scored: list[Scored], settings: Settings) -> list[Scored]:
    """For a question comparing periods: the best report of each period, in date order."""
    if not question.time.periods:
        return []
    chosen: dict[int, Scored] = {}
    ok = admissible(question, scored)
    for s in scored:
        sentence = s.candidate.sentence
        period = question.time.period_of(sentence.date, sentence.text)
        if period is not None and period not in chosen and s.probability >= settings.timeline_threshold and ok(s):
            chosen[period] = s
    return sorted(chosen.values(), key=_date_key)


def _abstain(question: Question, scored: list[Scored], settings: Settings, *, filtered: bool) -> Verdict:
    required = [s for s in question.subjects if s.required]
    named = [s for s in scored if s.features.subjects_required >= 1.0]
    related = tuple(_related(named or ([] if required else scored), settings.related))
    if filtered and not scored:
        return Verdict(False, Reason.TIME, related=related)
    if required and not named:
        return Verdict(False, Reason.SUBJECT, related=related, subject=required[0])
    if question.time.constrains and not any(s.features.time_fits >= 1.0 for s in named or scored):
        return Verdict(False, Reason.TIME, related=related)
    return Verdict(False, Reason.NOTHING, related=related)


def _related(scored: list[Scored], n: int) -> list[Scored]:
    """The closest passages, one per sentence."""
    seen, out = set(), []
    for s in scored:
        key = (s.candidate.sentence.article_id, s.candidate.sentence.start)
        if key not in seen:
            seen.add(key)
            out.append(s)
        if len(out) == n:
            break
    return out


def _date_key(s: Scored) -> dt.date:
    span = s.candidate.sentence.date.period()
    return span[1] if span else dt.date.min
