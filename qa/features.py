"""(Question, Candidate) → Features: the measurements one scoring function weighs.

Each feature is a number with a plain meaning (share of the question's words in the sentence,
whether the span is of the asked kind, how far it sits from those words …); none is a decision.
Term weights are inverse document frequencies from jieba's general Chinese corpus statistics, so
a rare word counts more than a common one in any archive.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, fields
from enum import Enum
from functools import lru_cache

import numpy as np

from index.normalize import fold, to_simplified
from index.records import SpanKind
from qa import romanized
from qa.analyze import ORDINAL, AnswerType, Question
from qa.evidence import Candidate

_TYPE_NAMES = tuple(t.value for t in AnswerType)
_DEFAULT_IDF = 9.0  # jieba's median-ish idf: words it does not know are rare-ish
_lock = threading.Lock()
_idf: dict[str, float] | None = None
_ENUMERATION = re.compile(r"[、]|(?:和|与|及|以及)")


@dataclass(frozen=True)
class Features:
    coverage: float  # weighted share of the question's terms in the sentence
    quote_coverage: float  # … in the quoted clause group
    window_coverage: float  # … within a few characters of the answer span
    title_coverage: float  # … in the headline
    article_coverage: float  # … anywhere in the article
    focus_held: float  # the noun asked about (罚款 in 罚款多少) is in the quote or headline
    focus_missing: float  # the question names one, and the quote and headline lack it
    subjects_required: float  # every unit the question names is in the article
    subjects_article: float  # share of the question's names the article mentions
    subjects_sentence: float  # … the sentence or headline mentions
    fit_exact: float  # the span is of exactly the asked kind (see `Fit`)
    fit_close: float
    fit_loose: float
    typed_spans: float  # log1p of how many spans of the asked kind the sentence holds
    distance: float  # log1p characters from the span to the nearest question term
    has_span: float
    rank: float  # 1 / (1 + retrieval rank of the chunk)
    dense: float  # the chunk's cosine to the question
    dense_gap: float  # best chunk cosine among the hits minus this one's
    cosine: float  # the sentence's cosine to the question minus the best sentence's (see `with_similarity`)
    token_match: float  # how well the question's words find a match among the quote's (BERTScore recall)
    token_match_gap: float  # the best quote's token match minus this one's
    window_match: float  # … among the words around the answer span
    window_match_gap: float
    slot_left: float  # the question's words before its question word match the words before the span
    slot_right: float  # … and its words after the question word the words after the span
    head_held: float  # the answer span names the noun the question asks for (哪所小学 → …小学)
    predicate_near: float  # the question's verb stands right before the figure or right after its noun (已开工20个)
    aspect_conflict: float  # a stock asked (目前有) and a change stated next to the figure (新增), or the reverse
    time_fits: float  # the question names a time, and the article's date or the sentence fits it
    time_misses: float  # the question names a time the article and sentence do not fit
    contradicts: float  # the sentence names another ordinal of the asked kind (第三轮 for 第二轮)
    enumeration: float  # the quote lists several things (、 or 和)
    length: float  # log1p of the quote's length
    lead: float  # the sentence opens its article

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return _field_names(cls)

    def vector(self) -> tuple[float, ...]:
        # every field is a float: no deep copy (dataclasses.astuple) is needed on this hot path
        return tuple(getattr(self, name) for name in _field_names(type(self)))


@lru_cache(maxsize=None)
def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def feature_names() -> tuple[str, ...]:
    """Features plus the question-type indicators the scorer also weighs."""
    return Features.names() + tuple(f"type_{t}" for t in _TYPE_NAMES)


def row(question: Question, features: Features) -> list[float]:
    return [*features.vector(), *(1.0 if question.answer_type.value == t else 0.0 for t in _TYPE_NAMES)]


@dataclass(frozen=True)
class Context:
    """What features need beyond the candidate: the article's title + text in matching form and
    the best chunk cosine among the hits."""

    article: str
    best_dense: float


def features(question: Question, c: Candidate, ctx: Context) -> Features:
    s = c.sentence
    fitness = fit(question, c)
    sentence = normalized(s.text)
    quote = normalized(c.quote_text)
    title = normalized(s.title)
    groups = _term_groups(question)
    window = quote
    if c.span is not None:
        window = normalized(s.text[max(0, c.span.start - WINDOW) : c.span.end + WINDOW])
    subjects = question.subjects
    in_article = [sub.mentioned_in(ctx.article) for sub in subjects]
    in_sentence = [sub.mentioned_in(sentence) or sub.mentioned_in(title) for sub in subjects]
    names_ok = [romanized.holds(ctx.article, n) for n in question.names]
    focus_ok = all(_holds_term(question, quote, t) or _holds_term(question, title, t) for t in question.focus)
    time_ok = question.time.fits(s.date, s.text) if question.time.constrains else True
    return Features(
        coverage=_coverage(groups, sentence),
        quote_coverage=_coverage(groups, quote),
        window_coverage=_coverage(groups, window),
        title_coverage=_coverage(groups, title),
        article_coverage=_coverage(groups, ctx.article),
        focus_held=1.0 if question.focus and focus_ok else 0.0,
        focus_missing=1.0 if question.focus and not focus_ok else 0.0,
        subjects_required=1.0 if all(ok for sub, ok in zip(subjects, in_article) if sub.required) and all(names_ok) else 0.0,
        subjects_article=_share(in_article + names_ok),
        subjects_sentence=_share(in_sentence),
        fit_exact=1.0 if fitness is Fit.EXACT else 0.0,
        fit_close=1.0 if fitness is Fit.CLOSE else 0.0,
        fit_loose=1.0 if fitness is Fit.LOOSE else 0.0,
        typed_spans=math.log1p(sum(1 for x in s.spans if c.span is not None and x.kind is c.span.kind)),
        distance=math.log1p(_distance(question, s.text, c)) if c.span is not None else 0.0,
        has_span=1.0 if c.span is not None else 0.0,
        rank=1.0 / (1 + s.rank),
        dense=s.dense or 0.0,
        dense_gap=ctx.best_dense - (s.dense or 0.0),
        cosine=0.0,
        token_match=0.0,
        token_match_gap=0.0,
        window_match=0.0,
        window_match_gap=0.0,
        slot_left=0.0,
        slot_right=0.0,
        head_held=1.0 if question.head and question.head in _span_text(c) else 0.0,
        predicate_near=1.0 if _predicate_near(question, c) else 0.0,
        aspect_conflict=1.0 if _aspect_conflict(question, c) else 0.0,
        time_fits=1.0 if question.time.constrains and time_ok else 0.0,
        time_misses=1.0 if question.time.constrains and not time_ok else 0.0,
        contradicts=1.0 if _contradicts(question, ctx.article) else 0.0,
        enumeration=1.0 if _ENUMERATION.search(c.quote_text) else 0.0,
        length=math.log1p(c.quote[1] - c.quote[0]),
        lead=1.0 if s.start < 60 else 0.0,
    )


#: characters either side of an answer span that count as its neighbourhood
WINDOW = 12


@dataclass(frozen=True)
class Similarity:
    """The model's comparison of a candidate with the question: the cosine of the question's
    and the sentence's vectors, and BERTScore-style recall (the mean over the question's tokens
    of its best cosine with a token) over the quote's tokens and over the span's neighbourhood."""

    cosine: float
    token_match: float
    window_match: float
    slot_left: float = 0.0
    slot_right: float = 0.0


def candidate_key(c: Candidate) -> tuple:
    s = c.sentence
    return (s.article_id, s.start, c.quote, (c.span.start, c.span.end) if c.span else None)


#: question tokens on each side of the question word that anchor its slot
SLOT_TOKENS = 2


def similarity(question: Question, encoded_question, encoded_sentence, c: Candidate) -> Similarity:
    """Similarity of one candidate, from the question's and its sentence's token vectors
    (`encode_tokens` triples: vector, token vectors, token offsets)."""
    question_vector, question_tokens, question_offsets = encoded_question
    sentence_vector, tokens, offsets = encoded_sentence

    def recall(lo: int, hi: int, asked=None) -> float:
        asked = question_tokens if asked is None else asked
        inside = (offsets[:, 0] >= lo) & (offsets[:, 1] <= hi) if len(offsets) else np.zeros(0, dtype=bool)
        if not inside.any() or not len(asked):
            return 0.0
        return float((asked @ tokens[inside].T).max(axis=1).mean())

    lo, hi = c.quote
    quote = recall(lo, hi)
    window = recall(max(lo, c.span.start - WINDOW), min(hi, c.span.end + WINDOW)) if c.span is not None else quote
    left = right = 0.0
    if c.span is not None and question.slot is not None and len(question_offsets):
        before = question_tokens[question_offsets[:, 1] <= question.slot[0]][-SLOT_TOKENS:]
        after = question_tokens[question_offsets[:, 0] >= question.slot[1]][:SLOT_TOKENS]
        left = recall(max(0, c.span.start - WINDOW), c.span.start, before)
        right = recall(c.span.end, c.span.end + WINDOW, after)
    return Similarity(float(sentence_vector @ question_vector), quote, window, left, right)


def with_similarity(pairs: list, measured: dict[tuple, Similarity]) -> list:
    """(candidate, features) with the similarity features set from the candidates measured:
    gaps to the best measured; a candidate not measured (ranked too low to be) counts as the
    worst."""
    if not measured:
        return pairs
    from dataclasses import replace

    values = list(measured.values())
    worst = Similarity(min(v.cosine for v in values), min(v.token_match for v in values),
                       min(v.window_match for v in values), 0.0, 0.0)
    best = Similarity(max(v.cosine for v in values), max(v.token_match for v in values), max(v.window_match for v in values))
    out = []
    for c, f in pairs:
        m = measured.get(candidate_key(c), worst)
        out.append((c, replace(f, cosine=m.cosine - best.cosine, token_match=m.token_match,
                               token_match_gap=best.token_match - m.token_match, window_match=m.window_match,
                               window_match_gap=best.window_match - m.window_match, slot_left=m.slot_left,
                               slot_right=m.slot_right)))
    return out


class Fit(str, Enum):
    """How well a span fits what the question asks for."""

    EXACT = "exact"  # the asked unit (多少名 → 40名), granularity (哪天 → 11月16日), a person for who
    CLOSE = "close"  # the asked family (名 for 人), a finer date, an office for who, an org for where
    LOOSE = "loose"  # some span of a kind that may answer (a quantity for a question naming no unit)
    NONE = "none"  # a span of the wrong kind or unit, or none where one is wanted


_KIND_FITS: dict[AnswerType, dict[SpanKind, Fit]] = {
    AnswerType.PERSON: {SpanKind.PERSON: Fit.EXACT, SpanKind.OFFICE: Fit.CLOSE, SpanKind.ORG: Fit.LOOSE},
    AnswerType.PLACE: {SpanKind.PLACE: Fit.EXACT, SpanKind.ORG: Fit.CLOSE},
    AnswerType.NAME: {SpanKind.WORK: Fit.EXACT, SpanKind.TERM: Fit.EXACT, SpanKind.ORG: Fit.CLOSE,
                      SpanKind.PLACE: Fit.LOOSE, SpanKind.PERSON: Fit.LOOSE},
}
_DATE_ORDER = ("year", "month", "day", "time")


def fit(question: Question, c: Candidate) -> Fit:
    span, kind = c.span, question.answer_type
    if kind in (AnswerType.FACT, AnswerType.LIST):
        return Fit.EXACT  # any clause may state a fact
    if span is None:
        return Fit.NONE
    if kind is AnswerType.QUANTITY:
        from index.quantities import unit_family

        if span.label in question.units:
            return Fit.EXACT
        if unit_family(span.label) in question.families:
            return Fit.CLOSE
        return Fit.LOOSE if not question.units and not question.families else Fit.NONE
    if kind is AnswerType.DATE:
        wanted = question.granularity
        if span.label == "relative":
            return Fit.LOOSE
        if not wanted or span.label == wanted:
            return Fit.EXACT
        if wanted in _DATE_ORDER and span.label in _DATE_ORDER and _DATE_ORDER.index(span.label) > _DATE_ORDER.index(wanted):
            return Fit.CLOSE  # a finer date names the asked coarser one
        return Fit.LOOSE
    if kind in _KIND_FITS:
        return _KIND_FITS[kind].get(span.kind, Fit.NONE)
    return Fit.EXACT  # an ordinal span


def normalized(text: str) -> str:
    """The matching form of source text (the tokenizer's normalization)."""
    return _normalized(text)


@lru_cache(maxsize=8192)
def _normalized(text: str) -> str:
    return fold(to_simplified(text)).lower()


def _term_groups(question: Question) -> list[tuple[tuple[str, ...], float]]:
    """(spellings, weight) per question term: subject names are left to the subject features."""
    subject_words = [v for s in question.subjects for v in s.variants]
    groups = [g for g in question.all_terms if not any(t in w for t in g for w in subject_words)]
    return [(g, idf(g[0])) for g in groups]


def _coverage(groups, text: str) -> float:
    if not groups:
        return 0.0
    total = sum(w for _, w in groups)
    return sum(w for g, w in groups if any(t in text for t in g)) / total


def _share(values: list[bool]) -> float:
    return sum(values) / len(values) if values else 1.0


def _holds_term(question: Question, norm: str, term: str) -> bool:
    """The term, its usual abbreviation (公共厕所 → 公厕: first character and a later one), or
    the shorter key terms it is made of (重点项目 in 重点建设项目 as 重点 + 项目)."""
    if term in norm or (len(term) >= 4 and any(term[0] + ch in norm for ch in term[2:])):
        return True
    parts = [t for t in question.terms if t != term and t in term]
    return bool(parts) and sum(map(len, parts)) >= len(term) and all(t in norm for t in parts)


def _distance(question: Question, text: str, c: Candidate) -> int:
    norm = normalized(text)
    haystack = norm if len(norm) == len(text) else text.lower()
    positions = [m.start() for g in question.all_terms for t in g for m in re.finditer(re.escape(t), haystack)]
    positions += [p[0] for n in question.names if (p := romanized.span(text, n)) is not None]
    if not positions:
        return 80
    a, b = c.span.start, c.span.end
    return min(0 if a <= p < b else min(abs(p - a), abs(p - b)) for p in positions)


def _predicate_near(question: Question, c: Candidate) -> bool:
    """The question's verb within a few characters before the span (已开工20个), or after it
    once the counted noun is past (20个项目开工) — unless another figure follows that verb
    (15个项目已开工9个: 开工 is 9个's)."""
    verb, span = question.predicate, c.span
    if not verb or span is None:
        return False
    text = c.sentence.text
    if verb in text[max(0, span.start - len(verb) - 3) : span.start]:
        return True
    reach = span.end + len("".join(question.counted)) + len(verb) + 3
    at = text.find(verb, span.end, reach)
    return at >= 0 and not _FIGURE_NEXT.match(text, at + len(verb))


#: a figure right after a verb (开工9个, 开工了九个)
_FIGURE_NEXT = re.compile(r"[了过]?\s*[0-9０-９一二三四五六七八九十百千万两]")


def _span_text(c: Candidate) -> str:
    span = c.span
    return normalized(c.sentence.text[span.start:span.end] if span is not None else c.quote_text)


def _aspect_conflict(question: Question, c: Candidate) -> bool:
    """A change word (新增) right before the figure when the question asks what there is (目前有),
    or none near it when the question asks what was added."""
    if not question.aspect or c.span is None:
        return False
    from qa.analyze import CHANGE_WORDS

    before = normalized(c.sentence.text[max(0, c.span.start - WINDOW) : c.span.start])
    changed = any(w in before for w in CHANGE_WORDS)
    return changed if question.aspect == "stock" else not changed


def _contradicts(question: Question, article: str) -> bool:
    if not question.ordinals:
        return False
    named = set(ORDINAL.findall(article))
    return any((n, u) not in named and any(u2 == u for _, u2 in named) for n, u in question.ordinals)


def idf(term: str) -> float:
    """A term's inverse document frequency in jieba's general corpus (higher = rarer)."""
    global _idf
    if _idf is None:
        with _lock:
            if _idf is None:
                _idf = _read_idf()
    value = _idf.get(term)
    if value is None:  # an unknown word: as rare as its rarest known part, else the default
        parts = [_idf[t] for t in (term[:2], term[-2:]) if t in _idf]
        value = max(parts) if parts else _DEFAULT_IDF
    return value


def _read_idf() -> dict[str, float]:
    from importlib.resources import files

    table: dict[str, float] = {}
    text = (files("jieba") / "analyse" / "idf.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word, _, value = line.rpartition(" ")
        if word:
            table[word] = float(value)
    return table
