"""Evidence selection: the sentences of the retrieved chunks that answer the question.

Each sentence of each hit becomes a `Candidate`, scored on the question's key terms, its
semantic similarity to the question (the retriever's own encoder, for the best few only), how
well it fits the kind of question (a number with the asked unit, a name, a date, a place), who
the question is about and when.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from index.chunking import split_sentences
from index.interfaces import Encoder
from index.normalize import fold, to_simplified
from index.records import ArticleDate, Hit
from qa import romanized
from qa.entities import date_spans, name_spans, person_spans, place_spans, role_spans
from qa.quantities import Quantity, find_quantities, fit
from qa.question import ORDINAL, Question

#: weights of the score parts; calibrated on the bundled corpus questions (see tests)
W_TERMS, W_SEMANTIC, W_KIND, W_PRIOR = 0.5, 0.25, 0.2, 0.05
#: only this many candidates (best by the cheap parts) are embedded
EMBED_TOP = 8
#: when the best sentence already holds this share of the key terms, the words decide and the
#: model is not asked (it costs a forward pass per sentence; it matters for paraphrases)
CLEAR_COVERAGE = 0.75
#: a sentence from an article outside the question's time is kept only as a weak candidate
OFF_TIME_FACTOR = 0.35
#: a proper noun of the question missing from the article
MISSING_ENTITY_FACTOR = 0.7
_MAX_SENTENCE = 400  # a "sentence" longer than this is a layout accident; quote its clauses


@dataclass
class Candidate:
    """One sentence of an article: `text == article.text[start:end]`."""

    article_id: str
    title: str
    source: str
    date: ArticleDate
    start: int
    end: int
    text: str
    rank: int  # best retrieval rank of a chunk holding it (0 = best)
    coverage: float = 0.0
    kind_fit: float = 0.0
    semantic: float | None = None  # cosine rescaled across the embedded candidates (0..1)
    cosine: float | None = None
    subject_ok: bool = True
    #: the article is about the asked zone (subject_ok also needs any pinyin name the question gives)
    unit_ok: bool = True
    time_ok: bool = True
    score: float = 0.0
    highlight: tuple[int, int] | None = None
    quantities: list[Quantity] = field(default_factory=list)
    focus_ok: bool = True  # the sentence names what the question asks about (Question.focus)
    contradicts: bool = False  # it names another ordinal than the question (第三轮 for 第二轮)
    period: int | None = None  # which of the question's compared periods it speaks for


def candidates_from_hits(hits: Sequence[Hit]) -> list[Candidate]:
    """The distinct sentences of the hits (overlapping chunks share sentences), in hit order."""
    seen: dict[tuple[str, int, int], Candidate] = {}
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        for s, e in _sentences(chunk.text):
            key = (chunk.article_id, chunk.start + s, chunk.start + e)
            if key not in seen:
                seen[key] = Candidate(chunk.article_id, chunk.title, chunk.source, chunk.date,
                                      key[1], key[2], chunk.text[s:e], rank)
    return list(seen.values())


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for s, e in split_sentences(text):
        if e - s <= _MAX_SENTENCE:
            spans.append((s, e))
        else:  # quote an over-long run clause group by clause group
            spans.extend((s + a, s + b) for a, b in _clause_groups(text[s:e], _MAX_SENTENCE // 2))
    return spans


_CLAUSE_CUT = re.compile(r"(?<!\d)[,，](?!\d)|[；;：:]|本报讯\s*[（(][^）)]{0,40}[）)]")


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Clauses of a sentence (cut at commas, semicolons, colons and a 本报讯(…) byline)."""
    spans, at = [], 0
    for m in _CLAUSE_CUT.finditer(text):
        if m.start() > at:
            spans.append((at, m.start()))
        at = m.end()
    if at < len(text):
        spans.append((at, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _clause_groups(text: str, size: int) -> list[tuple[int, int]]:
    groups: list[tuple[int, int]] = []
    for s, e in clause_spans(text):
        if groups and e - groups[-1][0] <= size:
            groups[-1] = (groups[-1][0], e)
        else:
            groups.append((s, e))
    return groups


def normalized(text: str) -> str:
    """The matching form of source text (same normalization as the tokenizer's)."""
    return fold(to_simplified(text)).lower()


def score_candidates(
    question: Question,
    candidates: list[Candidate],
    *,
    article_text: dict[str, str],
    encoder: Encoder | None = None,
    query_vector: np.ndarray | None = None,
) -> list[Candidate]:
    """Score every candidate in place and return them best first.

    `article_text` maps article id → title + text, for checking the question's subjects.
    `query_vector` is the retriever's vector of `question.search_text`, when it hands it out
    (saves a forward pass; for English it also carries the glossary terms).
    """
    for c in candidates:
        _score_cheap(question, c, article_text.get(c.article_id, c.title + c.text))
    candidates.sort(key=lambda c: -c.score)
    if encoder is not None and candidates and candidates[0].coverage < CLEAR_COVERAGE:
        if query_vector is None:
            query_vector = _query_vector(encoder, question.search_text)
        _add_semantic(candidates[:EMBED_TOP], encoder, query_vector)
    for c in candidates:
        c.score = _final(c)
    candidates.sort(key=lambda c: (-c.score, c.rank, c.start))
    return candidates


def _score_cheap(question: Question, c: Candidate, context: str) -> None:
    units = [s for s in question.subjects if s.kind == "unit"]
    # a question naming two units compares them (示范区和开发区分别…): either one will do
    c.unit_ok = (any if len(units) > 1 else all)(_mentioned(s, context) for s in units)
    # a person or place named in pinyin must be in the article: another's meeting is no answer
    c.subject_ok = c.unit_ok and all(romanized.holds(context, spellings) for spellings in question.names)
    entities_ok = all(_mentioned(s, context) for s in question.subjects if s.kind == "entity")
    c.coverage = term_coverage(question, c.text, c.title)
    c.quantities = find_quantities(c.text)
    c.kind_fit, c.highlight = kind_fit(question, c)
    c.time_ok = question.time.fits(c.date, c.text)
    if question.time.periods:
        c.period = question.time.period_of(c.date, c.text)
    norm = normalized(c.text)
    head = normalized(c.title)  # a headline states what its report's figures are (完成税收 8.49 亿元)
    c.focus_ok = all(_holds(question, norm, t) or _holds(question, head, t) for t in question.focus)
    c.contradicts = contradicts(question, context)
    factor = 1.0 if entities_ok else MISSING_ENTITY_FACTOR
    factor *= 1.0 if c.time_ok else OFF_TIME_FACTOR
    c.score = factor * (W_TERMS * c.coverage + W_KIND * c.kind_fit + W_PRIOR / (1 + c.rank))
    if not c.subject_ok:
        c.score *= 0.1


def _mentioned(subject, context: str) -> bool:
    """Whether the article names the subject; an article printed in traditional characters
    (開發區) is read in simplified form, converted only when the plain text does not match."""
    return subject.mentioned_in(context) or subject.mentioned_in(_simplified_context(context))


@lru_cache(maxsize=1024)
def _simplified_context(context: str) -> str:
    return normalized(context)


def _final(c: Candidate) -> float:
    factor = 1.0 if c.time_ok else OFF_TIME_FACTOR
    semantic = c.semantic if c.semantic is not None else 0.0
    score = c.score + factor * W_SEMANTIC * semantic
    return score if c.subject_ok else score * 0.1


#: the weight of a pinyin name among the key terms (a four-character term weighs 4)
NAME_WEIGHT = 4


def term_coverage(question: Question, sentence: str, title: str) -> float:
    """Share of the question's key terms (weighted by length) found in the sentence; a term found
    only in the headline counts half. Terms naming the question's subjects are left out: they
    are checked against the whole article, as reports name their zone once, in the headline or
    the lead, and not in every sentence."""
    subject_words = [v for s in question.subjects for v in s.variants]
    terms = [(t,) for t in question.terms if not any(t in w for w in subject_words)]
    terms += [g for g in question.alternatives if not any(t in w for t in g for w in subject_words)]
    if not terms and not question.names:
        return 0.0  # nothing asked beyond the subject: no sentence can be told to answer
    text, head = normalized(sentence), normalized(title)
    total = found = 0.0
    for group in terms:  # a group of alternatives counts as one term, held by any of its words
        weight = min(len(group[0]), 4)
        total += weight
        if any(t in text for t in group):
            found += weight
        elif any(t in head for t in group):
            found += weight / 2
    for spellings in question.names:  # a name in pinyin, held by characters that read so
        total += NAME_WEIGHT
        if romanized.holds(sentence, spellings):
            found += NAME_WEIGHT
        elif romanized.holds(title, spellings):
            found += NAME_WEIGHT / 2
    return found / total


def held_terms(question: Question, text: str) -> set[str]:
    """The question's key terms `text` holds: its words, a dictionary group (named by its first
    word) when any of the group is there, a pinyin name (by its first spelling) when it reads so."""
    norm = normalized(text)
    held = {t for t in question.terms if t in norm}
    held.update(group[0] for group in question.alternatives if any(t in norm for t in group))
    held.update(spellings[0] for spellings in question.names if romanized.holds(text, spellings))
    return held


def _holds(question: Question, norm: str, term: str) -> bool:
    """The term, its usual abbreviation (公共厕所 → 公厕: first character and a later one), or all
    the shorter key terms it is made of (重点项目 in 重点建设项目 as 重点 + 项目)."""
    if term in norm or (len(term) >= 4 and any(term[0] + ch in norm for ch in term[2:])):
        return True
    parts = [t for t in question.terms if t != term and t in term]
    return bool(parts) and sum(map(len, parts)) >= len(term) and all(t in norm for t in parts)


def contradicts(question: Question, sentence: str) -> bool:
    """The article names an ordinal of the asked kind other than the question's, and not the
    question's: a report of the 第三轮 testing does not answer a question about the 第二轮."""
    if not question.ordinals:
        return False
    named = set(ORDINAL.findall(normalized(sentence)))
    return any((n, u) not in named and any(u2 == u for _, u2 in named) for n, u in question.ordinals)


#: how well an office or group (市领导) answers a who-question, against 1.0 for a person's name
ROLE_FIT = 0.9


def kind_fit(question: Question, c: Candidate) -> tuple[float, tuple[int, int] | None]:
    """How well the sentence holds the kind of thing asked for, and where (a span in c.text)."""
    kind = question.kind
    if kind == "how_many":
        return _quantity_fit(question, c)
    if kind == "when":
        return _date_fit(question, c)
    if kind == "who":
        named = _nearest(c, person_spans(c.text), question, found=1.0, missing=0.2)
        if named[1] is not None:
            return named
        # an office or group (市领导走访慰问…) answers when no one is named, a little less surely
        return _nearest(c, role_spans(c.text), question, found=ROLE_FIT, missing=0.2)
    if kind == "where":
        return _nearest(c, place_spans(c.text), question, found=1.0, missing=0.3)
    if kind == "ordinal":
        spans = [m.span() for m in ORDINAL.finditer(c.text) if m.group(2) == question.ordinal_unit or not question.ordinal_unit]
        return _nearest(c, spans, question, found=1.0, missing=0.0)
    if kind == "which":
        spans = name_spans(c.text) + [m.span() for m in re.finditer(r"“[^”]{2,30}”", c.text)]
        return _nearest(c, spans, question, found=1.0, missing=0.5)
    return 1.0, None


_HAS_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
_HAS_DAY = re.compile(r"\d\s*[日号]|当天|当日|(?:周|星期|礼拜)[一二三四五六日天]")
#: a date other than the granularity asked (10月25日 for 哪一年): it answers only when the
#: sentence is plainly about the asked event (compose.COARSE_DATE_COVERAGE), never by similarity
COARSE_DATE_FIT = 0.9


def _date_fit(question: Question, c: Candidate) -> tuple[float, tuple[int, int] | None]:
    """A date of the granularity asked: 哪一年 wants a year named (the article's date gives
    the year of a 10月25日 only when the sentence is about the asked event), 哪天 a day."""
    spans = date_spans(c.text)
    wanted = {"year": _HAS_YEAR, "day": _HAS_DAY}.get(question.granularity)
    if wanted is not None and spans:
        fitting = [s for s in spans if wanted.search(c.text[s[0]:s[1]])]
        if fitting:
            return _nearest(c, fitting, question, found=1.0, missing=COARSE_DATE_FIT)
        return _nearest(c, spans, question, found=COARSE_DATE_FIT, missing=0.4)
    return _nearest(c, spans, question, found=1.0, missing=0.4)


def _quantity_fit(question: Question, c: Candidate) -> tuple[float, tuple[int, int] | None]:
    if not c.quantities:
        return 0.0, None
    scored = [(fit(q, units=question.units, families=question.families), q) for q in c.quantities]
    best_fit = max(f for f, _ in scored)
    term_positions = _term_positions(question, c.text)
    clauses = clause_spans(c.text)
    # the figure whose own clause names most key terms ("新增基层党组织53个", not the "5个" of the
    # next clause), then the one nearest a key term
    best = min((q for f, q in scored if f == best_fit),
               key=lambda q: (-_clause_terms(question, c.text, clauses, q.start),
                              _distance((q.start, q.end), term_positions)))
    return best_fit, _quantity_span(c.text, best, [q for f, q in scored if f == best_fit])


def _clause_terms(question: Question, text: str, clauses, at: int) -> int:
    """Key terms in the clause at `at`, not counting the subject's name (开发区新购环卫车 46 辆
    does not speak of 公厕 because it names the zone)."""
    subject_words = [v for s in question.subjects for v in s.variants]
    for s, e in clauses:
        if s <= at < e:
            norm = normalized(text[s:e])
            return sum(1 for t in question.terms if t in norm and not any(t in w for w in subject_words))
    return 0


def _quantity_span(text: str, best: Quantity, fitting: list[Quantity]) -> tuple[int, int]:
    """The best quantity, widened to the other fitting quantities of its clause ("23个…已开工20个"
    reads as 20 of 23), when that stays short."""
    for s, e in clause_spans(text):
        if s <= best.start < e:
            inside = [q for q in fitting if s <= q.start and q.end <= e]
            start, end = min(q.start for q in inside), max(q.end for q in inside)
            return (start, end) if end - start <= 40 else (best.start, best.end)
    return best.start, best.end


_BYLINE = re.compile(r"本报讯|[（(]\s*(?:记者|通讯员)[^）)]{0,40}[）)]|记者\s*\S{2,4}\s*(?:摄|文/图)")


def _nearest(c: Candidate, spans, question: Question, *, found: float, missing: float):
    """The span nearest the question's key terms; names in a byline (记者 王晨) are the
    reporter's, not an answer."""
    bylines = [m.span() for m in _BYLINE.finditer(c.text)]
    spans = [s for s in spans if not any(a <= s[0] < b for a, b in bylines)]
    if not spans:
        return missing, None
    positions = _term_positions(question, c.text)
    return found, min(spans, key=lambda span: _distance(span, positions))


def _term_positions(question: Question, text: str) -> list[int]:
    """Offsets in `text` where key terms occur; the normalized form keeps offsets only when it
    keeps length, so fall back to the raw text otherwise."""
    norm = normalized(text)
    haystack = norm if len(norm) == len(text) else text.lower()
    positions = []
    for term in (*question.terms, *(t for group in question.alternatives for t in group)):
        for m in re.finditer(re.escape(term), haystack):
            positions.append(m.start())
    for spellings in question.names:
        named = romanized.span(text, spellings)
        if named is not None:
            positions.append(named[0])
    return positions


def _distance(span: tuple[int, int], positions: list[int]) -> int:
    if not positions:
        return span[0]
    return min(0 if span[0] <= p < span[1] else min(abs(p - span[0]), abs(p - span[1])) for p in positions)


# Sentence vectors are cached per encoder and text: a warm process re-scores the same sentences.
_VECTORS: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_CACHE_SIZE = 4096


def _query_vector(encoder: Encoder, text: str) -> np.ndarray:
    # used only when the retriever does not hand out its own query vector
    key = ("query:" + encoder.name, text)
    if key not in _VECTORS:
        _VECTORS[key] = np.asarray(encoder.encode_queries([text]), dtype=np.float32)[0]
    return _VECTORS[key]


def _add_semantic(candidates: list[Candidate], encoder: Encoder, q: np.ndarray) -> None:
    """Cosine of each candidate to the question, rescaled to 0..1 across the candidates, so the
    part weighs the same for any model (e5's cosines sit in a narrow band near 0.8). The
    candidates not yet cached are embedded in one batch."""
    missing = [c.text for c in candidates if (encoder.name, c.text) not in _VECTORS]
    if missing:
        for text, vector in zip(missing, np.asarray(encoder.encode_passages(missing), dtype=np.float32)):
            _VECTORS[(encoder.name, text)] = vector
        while len(_VECTORS) > _CACHE_SIZE:
            _VECTORS.popitem(last=False)
    cosines = np.array([float(_VECTORS[(encoder.name, c.text)] @ q) for c in candidates])
    low, high = float(cosines.min()), float(cosines.max())
    for c, cos in zip(candidates, cosines):
        c.cosine = float(cos)
        c.semantic = (cos - low) / (high - low) if high > low else 1.0
