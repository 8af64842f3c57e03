"""Verdict → Answer: the lead sentence built from verbatim quotes, each with its date and citation
marker, worded in the question's language from one table.

Everything inside “…” in an answer is contiguous source text, and every number an answer shows
sits inside such a quote (dates from article metadata and citation markers excepted): no text is
generated, so the answer says only what the articles say.
"""

from __future__ import annotations

import re

from index.records import ArticleDate
from qa.analyze import Language, Question
from qa.decide import Reason, Verdict
from qa.records import Answer, Citation
from qa.score import Scored

WORDING: dict[Language, dict[str, str]] = {
    Language.ZH: {
        "single": "据{date}的报道：{quote}。",
        "also": "另据{date}的报道：{quote}。",
        "timeline": "资料在不同日期有报道（按日期排列）：{listed}。最新的是{latest}的报道[{latest_id}]。",
        "item": "{date}：{quote}",
        "joiner": "；",
        "maybe_different": "这些报道可能指不同的对象，请核对各引文的标题。",
        "nothing": "资料中未找到能回答这个问题的内容",
        "subject": "资料中未找到关于{subject}的报道",
        "subject_unnamed": "资料中未找到关于该对象的报道",
        "time": "资料中未找到该时间范围内的相关报道",
        "related": "；以下是最接近的段落，可能相关，仅供参考。",
        "end": "。",
        "signed": "据{date}的报道，该文署名：{quote}。",
    },
    Language.EN: {
        "single": "According to the report of {date}: {quote}.",
        "also": " Also, on {date}: {quote}.",
        "timeline": "The archive reports this at different dates (in date order): {listed}. The latest is the {latest} report [{latest_id}].",
        "item": "{date}: {quote}",
        "joiner": "; ",
        "maybe_different": " These reports may concern different things; check each citation's headline.",
        "nothing": "The archive does not say",
        "subject": "The archive has no report about that subject",
        "subject_unnamed": "The archive has no report about that subject",
        "time": "The archive has no report on this from that time",
        "related": "; the closest passages are listed below as possibly related, not as an answer.",
        "end": ".",
        "signed": "According to the piece of {date}, it is signed: {quote}.",
    },
}


def compose(question: Question, verdict: Verdict) -> Answer:
    words = WORDING[question.language]
    if not verdict.found:
        related = citations(verdict.related, highlight=False)
        return Answer(question.original, refusal(question, verdict, related=bool(related)), False, related)
    cited = citations(verdict.chosen)
    statements = [(date_label(s.candidate.sentence.date, question.language), f"“{lead_quote(s)}”[{c.id}]")
                  for s, c in zip(verdict.chosen, cited)]
    if verdict.timeline:
        listed = words["joiner"].join(words["item"].format(date=d, quote=q) for d, q in statements)
        text = words["timeline"].format(listed=listed, latest=statements[-1][0], latest_id=cited[-1].id)
        if not question.subjects and not question.time.periods:
            text += words["maybe_different"]  # nothing shows that the reports measure one thing
    else:
        (d1, q1), rest = statements[0], statements[1:]
        text = words["single"].format(date=d1, quote=q1) + "".join(words["also"].format(date=d, quote=q) for d, q in rest)
    return Answer(question.original, text, True, cited)


def byline_answer(question: Question, scored: Scored) -> Answer:
    """The answer to a who-wrote question: the piece's byline, quoted where it stands."""
    cited = citations((scored,))
    date = date_label(scored.candidate.sentence.date, question.language)
    text = WORDING[question.language]["signed"].format(date=date, quote=f"“{scored.candidate.quote_text}”[1]")
    return Answer(question.original, text, True, cited)


def refusal(question: Question, verdict: Verdict, *, related: bool) -> str:
    """One sentence: why nothing answers, and that the passages shown are only possibly related."""
    words = WORDING[question.language]
    if verdict.reason is Reason.SUBJECT:
        name = verdict.subject.text if verdict.subject and not re.search(r"\d", verdict.subject.text) else None
        why = words["subject"].format(subject=name) if name and question.language is Language.ZH else words["subject_unnamed"]
    elif verdict.reason is Reason.TIME:
        why = words["time"]
    else:
        why = words["nothing"]
    return why + (words["related"] if related else words["end"])


def citations(chosen, *, highlight: bool = True) -> list[Citation]:
    out = []
    for i, s in enumerate(chosen, start=1):
        sentence, span = s.candidate.sentence, s.candidate.span
        out.append(Citation(
            id=i, quote=sentence.text, title=sentence.title, date=sentence.date, source=sentence.source,
            article_id=sentence.article_id, start=sentence.start, end=sentence.end,
            highlight=(span.start, span.end) if highlight and span is not None else None,
            score=round(float(s.probability), 4), text_source=sentence.text_source,
        ))
    return out


def lead_quote(s: Scored) -> str:
    """The quoted part of the sentence, without surrounding space or a closing mark (the answer
    adds its own punctuation)."""
    return s.candidate.quote_text.strip().rstrip("。；;，,：:")


def date_label(date: ArticleDate, language: Language) -> str:
    """The date as shown to a reader, an inferred one marked as such (约2018年, about 2018)."""
    return date.label(language.value)


#: what an answer may show outside quotes: citation markers and article dates
_ALLOWED = re.compile(r"\[\d+\]|\d{4}-\d{2}(?:-\d{2})?|\d{4}年(?:\d{1,2}月)?|\b\d{4}\b")


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
