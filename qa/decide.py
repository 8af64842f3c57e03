"""Scored evidence → a `Verdict`: answer (with which statements) or abstain (and why).

The best candidate answers when its probability reaches the fitted threshold. A how-many
question may be answered by reports of the same measure at several dates (a timeline), and a
question comparing periods by the best report of each period; both take only reports that
themselves reach the fitted timeline threshold.
"""

from __future__ import annotations

import datetime as dt
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
    answering = [s for s in scored if s.probability >= settings.answer_threshold]
    if not answering:
        return _abstain(question, scored, settings, filtered=filtered)
    best = answering[0]
    if question.time.latest:  # 最新: the newest of the reports about as good as the best
        close = [s for s in answering if s.probability >= best.probability - 0.1]
        best = max(close, key=lambda s: (_date_key(s), s.probability))
    timeline = _timeline(question, best, scored, settings)
    if len(timeline) > 1:
        return Verdict(True, Reason.ANSWERED, tuple(timeline), timeline=True)
    return Verdict(True, Reason.ANSWERED, (best,))


def _timeline(question: Question, best: Scored, scored: list[Scored], settings: Settings) -> list[Scored]:
    """Reports of the same measure at other dates: one per date, in date order."""
    if question.answer_type is not AnswerType.QUANTITY or best.candidate.span is None:
        return [best]
    from index.quantities import unit_family

    family = unit_family(best.candidate.span.label)
    per_date: dict[str | None, Scored] = {best.candidate.sentence.date.iso(): best}
    for s in scored:
        span = s.candidate.span
        if (s.probability < settings.timeline_threshold or span is None or span.kind is not SpanKind.QUANTITY
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
    for s in scored:
        sentence = s.candidate.sentence
        period = question.time.period_of(sentence.date, sentence.text)
        if period is not None and period not in chosen and s.probability >= settings.timeline_threshold:
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
