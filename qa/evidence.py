"""Sentence evidence: the sentences of the retrieved chunks, with the spans annotated at indexing
time, and the candidate answers inside them (a span of the asked kind and the clause to quote).

Nothing is parsed again here: a sentence's quantities, dates and names are the chunk's stored
annotations, shifted to the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.chunking import split_sentences
from index.records import ArticleDate, Hit, Span, SpanKind
from qa.analyze import AnswerType, Question

#: a sentence longer than this is read clause group by clause group
MAX_SENTENCE = 160
#: a clause that says little besides its figure (已开工20个: three characters more) is quoted
#: with the clause before it, which names what the figure counts
SHORT_CLAUSE = 4
#: the longest clause group quoted for a phrase answer
QUOTE_CHARS = 70
_CLAUSE_CUT = re.compile(r"(?<!\d)[,，](?!\d{3})|[；;：:]")
_LINE = re.compile(r"\n")

#: the span kinds that can answer each kind of question
ANSWER_KINDS: dict[AnswerType, tuple[SpanKind, ...]] = {
    AnswerType.QUANTITY: (SpanKind.QUANTITY,),
    AnswerType.DATE: (SpanKind.DATE,),
    AnswerType.PERSON: (SpanKind.PERSON, SpanKind.OFFICE, SpanKind.ORG),
    AnswerType.PLACE: (SpanKind.PLACE, SpanKind.ORG),
    AnswerType.NAME: (SpanKind.WORK, SpanKind.TERM, SpanKind.ORG, SpanKind.PLACE, SpanKind.PERSON),
    AnswerType.ORDINAL: (),
    AnswerType.LIST: (),
    AnswerType.FACT: (),
    AnswerType.AUTHOR: (),
}


@dataclass(frozen=True)
class Sentence:
    """A sentence (or clause group of an over-long one) of an article: `text` is
    `article.text[start:end]`; `spans` are its annotations, offsets into `text`; `rank` the
    retrieval rank of the best hit holding it, `dense` that hit's cosine to the question."""

    article_id: str
    chunk_id: str
    title: str
    source: str
    date: ArticleDate
    start: int
    end: int
    text: str
    spans: tuple[Span, ...]
    rank: int
    dense: float | None
    bm25_rank: int | None
    dense_rank: int | None
    text_source: str = "text"

    def spans_of(self, kinds: Sequence[SpanKind]) -> list[Span]:
        return [s for s in self.spans if s.kind in kinds]


@dataclass(frozen=True)
class Candidate:
    """A possible answer: a span of the asked kind in a sentence (None for questions answered
    by a phrase or a list) and the part of the sentence to quote, (start, end) in its text."""

    sentence: Sentence
    span: Span | None
    quote: tuple[int, int]

    @property
    def quote_text(self) -> str:
        return self.sentence.text[self.quote[0] : self.quote[1]]


def sentences(hits: Sequence[Hit]) -> list[Sentence]:
    """Every sentence of the hits, once each (chunks overlap), in hit order."""
    seen: dict[tuple[str, int], Sentence] = {}
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        for start, end in _sentence_spans(chunk.text):
            key = (chunk.article_id, chunk.start + start)
            if key in seen:
                continue
            spans = tuple(s.shifted(-start) for s in chunk.annotations if start <= s.start and s.end <= end)
            seen[key] = Sentence(
                article_id=chunk.article_id, chunk_id=chunk.id, title=chunk.title, source=chunk.source,
                date=chunk.date, start=chunk.start + start, end=chunk.start + end, text=chunk.text[start:end],
                spans=spans, rank=rank, dense=hit.dense_score,
                bm25_rank=hit.scores.get("bm25_rank"), dense_rank=hit.scores.get("dense_rank"),
                text_source=chunk.text_source,
            )
    return list(seen.values())


def candidates(question: Question, sentence: Sentence) -> list[Candidate]:
    """The candidate answers a sentence holds for the question."""
    kinds = ANSWER_KINDS[question.answer_type]
    clauses = clause_spans(sentence.text)
    out: list[Candidate] = []
    if kinds:
        bylines = sentence.spans_of((SpanKind.BYLINE,))
        for span in sentence.spans_of(kinds):
            if any(b.start <= span.start < b.end for b in bylines):
                continue  # a reporter's name in the credit line is not news
            out.append(Candidate(sentence, span, _quote_around(clauses, span.start, span.end, len(sentence.text))))
        if out:
            return out
    if question.answer_type is AnswerType.ORDINAL:
        from qa.analyze import ORDINAL

        for m in ORDINAL.finditer(sentence.text):
            if not question.ordinal_unit or m.group(2) == question.ordinal_unit:
                span = Span(m.start(), m.end(), SpanKind.QUANTITY, m.group(2))
                out.append(Candidate(sentence, span, _quote_around(clauses, m.start(), m.end(), len(sentence.text))))
        if out:
            return out
    # a phrase or a list, or no span of the asked kind: the sentence, and each clause group
    out.append(Candidate(sentence, None, (0, len(sentence.text))))
    if question.answer_type is not AnswerType.LIST and len(clauses) > 1:
        for s, e in _groups(clauses, QUOTE_CHARS):
            if (s, e) != (0, len(sentence.text)):
                out.append(Candidate(sentence, None, (s, e)))
    return out


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Clauses of a sentence, cut at commas, semicolons and colons (not a thousands comma)."""
    spans, at = [], 0
    for m in _CLAUSE_CUT.finditer(text):
        if m.start() > at:
            spans.append((at, m.start()))
        at = m.end()
    if at < len(text):
        spans.append((at, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()] or [(0, len(text))]


def _quote_around(clauses, start: int, end: int, length: int) -> tuple[int, int]:
    """The clause holding [start, end): the answer and what it is said of, not its neighbours'
    figures. A very short clause (已开工20个) is quoted with the clause before it."""
    holding = [i for i, (s, e) in enumerate(clauses) if s <= start < e or s < end <= e] or [0]
    first, last = holding[0], holding[-1]
    if first > 0 and clauses[last][1] - clauses[first][0] - (end - start) < SHORT_CLAUSE:
        first -= 1
    return clauses[first][0], clauses[last][1]


def _groups(clauses, size: int) -> list[tuple[int, int]]:
    groups: list[tuple[int, int]] = []
    for s, e in clauses:
        if groups and e - groups[-1][0] <= size:
            groups[-1] = (groups[-1][0], e)
        else:
            groups.append((s, e))
    return groups


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of a chunk: split at end marks and at line breaks (the parser has already
    joined lines the print layout broke mid-sentence, so a line break left ends a paragraph)."""
    spans = []
    for line_start, line_end in _lines(text):
        line = text[line_start:line_end]
        for s, e in split_sentences(line):
            s, e = s + line_start, e + line_start
            if e - s <= MAX_SENTENCE:
                spans.append((s, e))
            else:
                spans.extend((s + a, s + b) for a, b in _groups(clause_spans(text[s:e]), MAX_SENTENCE // 2))
    return spans


def _lines(text: str) -> list[tuple[int, int]]:
    out, at = [], 0
    for m in _LINE.finditer(text):
        if m.start() > at:
            out.append((at, m.start()))
        at = m.end()
    if at < len(text):
        out.append((at, len(text)))
    return out
