"""From scored candidates to an answer: choose the evidence, write the lead, number the quotes.

Everything inside “…” in an answer is contiguous source text, and every number an answer shows
sits inside such a quote (dates from article metadata and citation markers excepted): there is
no language model here, so the answer is built only from what the articles say.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from index.records import ArticleDate
from qa.entities import Subject
from qa.evidence import Candidate, clause_spans, held_terms
from qa.question import Question
from qa.records import Answer, Citation

#: a best candidate must reach these to count as an answer (calibrated, see tests/test_qa_corpus.py)
MIN_COVERAGE = 0.5
MIN_KIND_FIT = {"how_many": 0.6, "when": 0.9, "who": 0.9, "where": 0.9, "which": 0.5, "ordinal": 0.9, "what": 1.0}
MIN_COSINE_WITHOUT_TERMS = 0.82  # English questions whose words the glossary does not know
#: A sentence holding under MIN_COVERAGE of the key terms may still answer in other words (签了
#: 多少份保证书 / 签订承诺书102份). It is accepted when the model ranks it (near) first, it stands
#: out from the other embedded candidates, it holds a fitting answer (a number with a unit of the
#: asked family, a name, a date: STRICT_KIND_FIT) and it shares at least a little vocabulary.
#: Why these values: on the bundled pages (eval/data dev + holdout) raw cosines do NOT separate
#: answers from near misses — multilingual-e5-small puts a paraphrase's answer at 0.86–0.91 and
#: the best sentence for an unanswerable question at 0.88–0.96 — so the cosine only picks *which*
#: sentence: within SEMANTIC_TOP_MARGIN of the best, and SEMANTIC_ABOVE_MEAN over the mean of
#: the EMBED_TOP candidates (paraphrase answers stand 0.02–0.05 above it). The decision itself
#: rests on the kind of content and on the absence of contradictions (focus, ordinal, period).
#: A "what" question has no kind of content to check, so similarity alone never answers it.
SEMANTIC_MIN_COVERAGE = 0.15
SEMANTIC_TOP_MARGIN = 0.01
SEMANTIC_ABOVE_MEAN = 0.02
STRICT_KIND_FIT = {"how_many": 0.8, "when": 1.0, "who": 1.0, "where": 1.0, "which": 1.0, "ordinal": 1.0}
#: a date finer or coarser than asked (a day for 哪一年) answers only from a sentence holding
#: this share of the key terms: it is then plainly about the asked event, and its article's date
#: (or the year around the day) is the answer's date
COARSE_DATE_COVERAGE = 0.75
#: a question comparing periods splits its key terms between them, so each period's sentence
#: needs only this share of them
MIN_PERIOD_COVERAGE = 0.3
#: other candidates join the answer when they score this close to the best one
NEAR_BEST = 0.8
#: how much less of the key terms a second report (from another article) may hold than the first
SECOND_COVERAGE_SLACK = 0.1
#: reports of the same count at other dates join a how-many answer when this close
TIMELINE_NEAR = 0.65
MAX_TIMELINE = 4
MAX_RELATED = 3
LEAD_CHARS = 90


@dataclass(frozen=True)
class Verdict:
    """Whether the best candidates answer the question, and if not, why (for the wording)."""

    found: bool
    reason: str = ""  # "subject" | "time" | "nothing"
    subject: Subject | None = None


@dataclass(frozen=True)
class Semantics:
    """The spread of the model's cosines over the embedded candidates (none embedded: empty)."""

    top: float | None = None
    mean: float | None = None

    @classmethod
    def of(cls, ranked: list[Candidate]) -> Semantics:
        cosines = [c.cosine for c in ranked if c.cosine is not None]
        return cls(max(cosines), sum(cosines) / len(cosines)) if cosines else cls()

    def singles_out(self, c: Candidate) -> bool:
        return (self.top is not None and c.cosine is not None and c.cosine >= self.top - SEMANTIC_TOP_MARGIN
                and c.cosine - self.mean >= SEMANTIC_ABOVE_MEAN)


def answers(question: Question, c: Candidate, semantics: Semantics = Semantics(), *,
            min_coverage: float = MIN_COVERAGE) -> bool:
    """Whether one candidate counts as answering the question.

    By words: it holds `min_coverage` of the key terms, including the ones naming what is asked
    (a sentence with all the words but 租金 is about the same stalls, not their rent). By
    meaning: see SEMANTIC_ABOVE_MEAN. Never when it names another ordinal (第三轮 for 第二轮).
    """
    if not (c.subject_ok and c.time_ok) or c.contradicts or c.kind_fit < MIN_KIND_FIT[question.kind]:
        return False
    if question.kind == "when" and c.kind_fit < STRICT_KIND_FIT["when"] and c.coverage < COARSE_DATE_COVERAGE:
        return False  # 10月25日 for 哪一年: only a sentence plainly about the asked event lends its article's year
    if question.has_terms:
        if c.coverage >= min_coverage:
            return c.focus_ok
        strict = STRICT_KIND_FIT.get(question.kind)
        return (strict is not None and c.kind_fit >= strict and c.coverage >= SEMANTIC_MIN_COVERAGE
                and semantics.singles_out(c))
    # no words to look for: an English question no dictionary covers may still be matched by
    # meaning; a Chinese one ("那2022年呢?" with no earlier turn) names nothing to answer about
    return question.english and c.cosine is not None and c.cosine >= MIN_COSINE_WITHOUT_TERMS


def judge(question: Question, ranked: list[Candidate], *, filtered: bool = False) -> Verdict:
    """Whether the archive answers, and if not, why. `filtered`: the search was limited to a date
    range (since/until), so an empty result says nothing about the subject, only about the time."""
    semantics = Semantics.of(ranked)
    if any(answers(question, c, semantics) for c in ranked) or per_period(question, ranked):
        return Verdict(True)
    if filtered and not ranked:
        return Verdict(False, "time")
    missing = [s for s in question.subjects if s.kind == "unit"]
    if missing and not any(c.unit_ok for c in ranked):
        return Verdict(False, "subject", missing[0])
    if question.time.constrains and not any(c.time_ok and c.subject_ok for c in ranked):
        return Verdict(False, "time")
    return Verdict(False, "nothing")


def per_period(question: Question, ranked: list[Candidate]) -> list[Candidate]:
    """For a question comparing periods: the best answering sentence of each period, in date
    order (periods with none are left out)."""
    if not question.time.periods:
        return []
    semantics, chosen = Semantics.of(ranked), {}
    for c in ranked:
        if c.period is not None and c.period not in chosen and answers(
                question, c, semantics, min_coverage=MIN_PERIOD_COVERAGE):
            chosen[c.period] = c
    return sorted(chosen.values(), key=_date_key)


def select_evidence(question: Question, ranked: list[Candidate]) -> list[Candidate]:
    """The statements the answer is made of, in the order they are told.

    For a how-many question the archive may report the same count at several dates: the best
    fitting sentence of each date joins, and they are told in date order (a timeline). Otherwise
    the best sentence leads, followed by a second one from another article when it is as good.
    """
    periods = per_period(question, ranked)
    if len(periods) > 1:
        return periods
    semantics = Semantics.of(ranked)
    good = [c for c in ranked if answers(question, c, semantics)] or periods
    best = good[0]
    close = [c for c in good if c.score >= NEAR_BEST * best.score]
    if question.time.latest:
        best = max(close, key=lambda c: (_date_key(c), c.score))
    if question.kind == "how_many":
        per_date: dict[object, Candidate] = {}
        for c in [best, *(c for c in good if c.score >= TIMELINE_NEAR * best.score)]:
            per_date.setdefault(c.date.iso(), c)
        timeline = sorted(list(per_date.values())[:MAX_TIMELINE], key=_date_key)
        if len(timeline) > 1:
            return timeline
        return [best]
    # a second report joins only when it holds the question's words as fully as the first: one
    # that merely shares some (another meeting on another day) is a different event
    second = next((c for c in close if c is not best and c.article_id != best.article_id
                   and c.coverage >= best.coverage - SECOND_COVERAGE_SLACK), None)
    return [best, second] if second else [best]


def _date_key(c: Candidate) -> dt.date:
    span = c.date.period()
    return span[1] if span else dt.date.min


def compose(question: Question, ranked: list[Candidate], *, filtered: bool = False) -> Answer:
    verdict = judge(question, ranked, filtered=filtered)
    if not verdict.found:
        related = _citations(_related(ranked))
        for c in related:
            c.highlight = None  # nothing in a related passage answers the question
        return Answer(question.original, not_found_text(question, verdict, related=bool(related)), False, related)
    evidence = select_evidence(question, ranked)
    citations = _citations(evidence)
    return Answer(question.original, lead_text(question, evidence, citations), True, citations)


def byline_answer(question: Question, byline: Candidate) -> Answer:
    """The answer to a who-wrote question: the piece's byline, quoted where it stands."""
    date = byline.date.iso() or ("undated" if question.english else "日期不详")
    quote = f"“{byline.text}”[1]"
    text = (f"According to the piece of {date}, it is signed: {quote}." if question.english
            else f"据{date}的报道，该文署名：{quote}。")
    return Answer(question.original, text, True, _citations([byline]))


def _related(ranked: list[Candidate]) -> list[Candidate]:
    """Closest passages to show as possibly related; never ones about another unit than asked."""
    ordered = sorted((c for c in ranked if c.unit_ok), key=lambda c: -c.score)
    return ordered[:MAX_RELATED]


def _citations(evidence: list[Candidate]) -> list[Citation]:
    return [
        Citation(id=i, quote=c.text, title=c.title, date=c.date, source=c.source,
                 article_id=c.article_id, start=c.start, end=c.end, highlight=c.highlight,
                 score=round(float(c.score), 4))
        for i, c in enumerate(evidence, start=1)
    ]


def lead_quote(question: Question, c: Candidate) -> str:
    """The part of the sentence that states the answer: the clause holding the highlight, widened
    by neighbouring clauses that carry key terms it lacks, within LEAD_CHARS (exact source text)."""
    clauses = clause_spans(c.text)
    if not clauses or len(c.text) <= LEAD_CHARS // 2:
        return _trim(c.text)
    anchor = c.highlight or _best_clause(question, c.text, clauses)
    i = next((n for n, (s, e) in enumerate(clauses) if s <= anchor[0] < e), 0)
    lo = hi = i
    covered = _terms_in(question, c.text[clauses[i][0]:clauses[i][1]])
    for j in _neighbours(i, len(clauses)):
        s, e = clauses[j]
        new = _terms_in(question, c.text[s:e]) - covered
        width = max(e, clauses[hi][1]) - min(s, clauses[lo][0])
        if new and width <= LEAD_CHARS and (j == lo - 1 or j == hi + 1):
            lo, hi = min(lo, j), max(hi, j)
            covered |= new
    return _trim(c.text[clauses[lo][0]:clauses[hi][1]])


def _trim(quote: str) -> str:
    """Without surrounding space and the closing mark (the answer adds its own punctuation)."""
    return quote.strip().rstrip("。；;，,：:")


def _neighbours(i: int, n: int):
    for step in range(1, n):
        for j in (i - step, i + step):
            if 0 <= j < n:
                yield j


def _best_clause(question: Question, text: str, clauses) -> tuple[int, int]:
    return max(clauses, key=lambda se: len(_terms_in(question, text[se[0]:se[1]])))


def _terms_in(question: Question, text: str) -> set[str]:
    """Key terms in a clause; a date counts as one when the question is about a time, so the
    lead keeps "2019 年前 11 个月" with the figure it qualifies."""
    found = held_terms(question, text)
    if question.time.constrains and question.time.fits(_NO_DATE, text):
        found.add("\0time")
    return found


#: said under a timeline when the question names no zone or body: nothing then shows that the
#: reports measure one thing (总投资多少? may find two different projects)
_MAYBE_DIFFERENT = {False: "这些报道可能指不同的对象，请核对各引文的标题。",
                    True: " These reports may concern different things; check each citation's headline."}


def lead_text(question: Question, evidence: list[Candidate], citations: list[Citation]) -> str:
    english = question.english
    statements = []
    for c, cite in zip(evidence, citations):
        date = c.date.iso() or ("undated" if english else "日期不详")
        statements.append((date, f"“{lead_quote(question, c)}”[{cite.id}]"))
    if len(evidence) > 1 and (question.kind == "how_many" or question.time.periods):
        latest_date, latest_id = statements[-1][0], citations[-1].id
        listed = "; ".join(f"{d}: {q}" for d, q in statements) if english else "；".join(f"{d}：{q}" for d, q in statements)
        caution = "" if question.subjects or question.time.periods else _MAYBE_DIFFERENT[english]
        if english:
            return (f"The archive reports this at different dates (in date order): {listed}. "
                    f"The latest is the {latest_date} report [{latest_id}].{caution}")
        return f"资料在不同日期有报道（按日期排列）：{listed}。最新的是{latest_date}的报道[{latest_id}]。{caution}"
    (d1, q1), rest = statements[0], statements[1:]
    if english:
        text = f"According to the report of {d1}: {q1}."
        return text + "".join(f" Also, on {d}: {q}." for d, q in rest)
    return f"据{d1}的报道：{q1}。" + "".join(f"另据{d}的报道：{q}。" for d, q in rest)


def not_found_text(question: Question, verdict: Verdict, *, related: bool = True) -> str:
    """Why nothing answers; `related`: closest passages follow as possibly related."""
    subject = verdict.subject.text if verdict.subject and not re.search(r"\d", verdict.subject.text) else None
    if question.english:
        why = {
            "subject": "The archive has no report about that subject.",
            "time": "The archive has no report on this from that time.",
        }.get(verdict.reason, "The archive does not say.")
        return f"{why} The closest passages are listed below as possibly related, not as an answer." if related else why
    why = {
        "subject": f"资料中未找到关于{subject}的相关报道。" if subject else "资料中未找到关于该对象的相关报道。",
        "time": "资料中未找到该时间范围内的相关报道。",
    }.get(verdict.reason, "资料中未找到能回答这个问题的内容。")
    return f"{why}以下是最接近的段落，可能相关，仅供参考。" if related else why


_NO_DATE = ArticleDate.unknown()
_ALLOWED = re.compile(r"\[\d+\]|\d{4}-\d{2}(?:-\d{2})?|\b\d{4}\b")


def numbers_outside_quotes(text: str) -> list[str]:
    """Numbers an answer shows outside its quotes (dates and citation markers excepted); an
    answer must have none, as every quantity it states comes from a quote. Quotes nest (source
    text has its own “…”), so depth is counted rather than matched by a pattern."""
    outside, depth = [], 0
    for ch in text:
        if ch == "“":
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
        elif depth == 0:
            outside.append(ch)
            continue
        outside.append(" ")
    bare = _ALLOWED.sub(" ", "".join(outside))
    return re.findall(r"\d+(?:\.\d+)?|[一二三四五六七八九十百千万亿两]+[个项家人名位次元]", bare)
