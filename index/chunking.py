"""Sentence splitting and sentence-aware chunking of one article.

A chunk is one contiguous span of `Article.text` made of whole sentences, so every chunk (and any
sentence inside it) can be shown to a user as an exact quote. Chunks never cross articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.records import Article, Chunk

# Bump whenever a rule below would move a chunk boundary: stored chunks built by an older
# version must be rebuilt, not mixed with new ones.
CHUNKER_VERSION = "sentences-2"  # 2: chunks carry their text source

# 320 characters: multilingual-e5-small reads at most 512 tokens and its XLM-R tokenizer spends
# roughly 0.7–1 token per Chinese character, so 320 characters plus the title and the
# "passage: " prompt stay well inside the limit, and nothing is silently truncated.
DEFAULT_MAX_CHARS = 320
DEFAULT_OVERLAP_CHARS = 80

_CLOSERS = "”’\"'）)]】」』》〉〕"
# A run of end marks ("……。", "！？"), then any closing quotes/brackets, which belong to the
# sentence they close. A Western full stop only counts before whitespace or the end of the text
# and never after a digit, so "83.4亿元", "3.5%" and "1. 5" (a list number) never split.
_SENTENCE_END = re.compile(
    rf"(?:[。！？!?；;…⋯｡]+|(?<![0-9０-９])[.．](?=\s|$))[{re.escape(_CLOSERS)}]*"
)
# A blank line (possibly holding spaces) ends a paragraph. A single line break does not: it may
# be a hard wrap inside a sentence.
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
# Where an over-long sentence may be cut: after a clause comma or an enumeration comma.
_CLAUSE_END = re.compile(r"[，,、]")
_WORD_CHAR = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ.．]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`, in order; `text[s:e]` is verbatim.

    Spans cover all non-space text, exclude leading/trailing whitespace, and end after the end
    mark and any closing quote or bracket. Text without a final end mark is still a sentence.
    """
    cuts = {0, len(text)}
    cuts.update(m.end() for m in _SENTENCE_END.finditer(text))
    cuts.update(m.start() for m in _PARAGRAPH_BREAK.finditer(text))
    bounds = sorted(cuts)
    spans = []
    for start, end in zip(bounds, bounds[1:]):
        span = _strip_span(text, start, end)
        if span is not None:
            spans.append(span)
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def chunk_article(
    article: Article,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    overlap_chars: int = DEFAULT_OVERLAP_CHARS,
) -> list[Chunk]:
    """Cut one article into chunks of whole sentences, each at most `max_chars` long.

    Consecutive chunks share whole trailing sentences totalling at most `overlap_chars`, so a
    fact stated across a boundary is still found in one piece. The headline is not part of the
    text; every chunk carries it in `title`. Chunk ids are `"<article id>:<n>"`, n from 001.
    """
    if max_chars <= 0 or overlap_chars < 0:
        raise ValueError("max_chars must be positive and overlap_chars not negative")
    units = _units(article.text, max_chars)
    spans = _pack(units, max_chars=max_chars, overlap_chars=overlap_chars)
    return [
        Chunk(
            id=f"{article.id}:{n:03d}",
            article_id=article.id,
            title=article.title,
            source=article.source,
            date=article.date,
            start=start,
            end=end,
            text=article.text[start:end],
            text_source=article.text_source,
        )
        for n, (start, end) in enumerate(spans, start=1)
    ]


def chunk_articles(articles: Iterable[Article], **opts) -> list[Chunk]:
    """Chunk each article on its own (options as in `chunk_article`), in input order."""
    return [chunk for article in articles for chunk in chunk_article(article, **opts)]


def _units(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Sentences, with any sentence longer than `max_chars` cut into pieces that fit."""
    units = []
    for start, end in split_sentences(text):
        while end - start > max_chars:
            cut = _cut_point(text, start, start + max_chars)
            units.append(_strip_span(text, start, cut))
            start = _strip_span(text, cut, end)[0]
        units.append((start, end))
    return units


def _cut_point(text: str, start: int, limit: int) -> int:
    """The last offset in (start, limit] just after a comma or 、; failing that a hard cut at
    `limit`, moved back so it does not split a number or a Latin word when that is possible."""
    commas = [m.end() for m in _CLAUSE_END.finditer(text, start, limit)]
    if commas:
        return commas[-1]
    cut = limit
    while cut > start + 1 and _WORD_CHAR.match(text[cut - 1]) and _WORD_CHAR.match(text[cut]):
        cut -= 1
    return cut if cut > start + 1 else limit


def _pack(
    units: list[tuple[int, int]], *, max_chars: int, overlap_chars: int
) -> list[tuple[int, int]]:
    """Greedily group consecutive units into spans of at most `max_chars`, with overlap."""
    spans: list[tuple[int, int]] = []
    first = 0
    while first < len(units):
        last = first
        while last + 1 < len(units) and units[last + 1][1] - units[first][0] <= max_chars:
            last += 1
        spans.append((units[first][0], units[last][1]))
        if last + 1 == len(units):
            break
        first = _overlap_start(units, first, last, max_chars=max_chars, overlap_chars=overlap_chars)
    return spans


def _overlap_start(
    units: list[tuple[int, int]], first: int, last: int, *, max_chars: int, overlap_chars: int
) -> int:
    """Index of the unit the next chunk starts at: the earliest trailing unit of the current
    chunk such that the repeated units total at most `overlap_chars` and the next unit still
    fits beside them. Always after `first`, so packing makes progress."""
    following_end = units[last + 1][1]
    start = last + 1
    while (
        start - 1 > first
        and units[last][1] - units[start - 1][0] <= overlap_chars
        and following_end - units[start - 1][0] <= max_chars
    ):
        start -= 1
    return start
