"""Who wrote a piece: the byline of the article the question is about.

A column prints its author's name on its own line above the text (李清华), a news report its
reporters in the dateline (本报讯(记者 王晨)). A name inside the text is somebody the piece is
about, so a who-wrote question is answered from the byline only, quoted where it stands in the
article text. The article is the one whose title the question names in 《…》, else the article
of the best answering sentence (a column first when the question asks about a commentary).
"""

from __future__ import annotations

import re

from index.interfaces import ArticleLookup
from index.records import Article, Span, SpanKind
from qa.analyze import Question
from qa.evidence import Candidate, Sentence
from qa.features import normalized
from qa.score import Scored

#: words by which a question says the piece is an opinion column rather than a report
_COLUMN_WORDS = re.compile(r"评论|社论|时评|专栏|言论|commentary|editorial|column|opinion", re.I)
#: the reporters' part of a news dateline: (记者 王晨 通讯员 曹文娟 文/图)
_REPORTERS = re.compile(r"[（(]\s*(?:记者|通讯员)[^（）()\n]{1,40}[）)]")
#: a column's author line is short: a name or two, perhaps with an office
_MAX_AUTHOR_LINE = 30


def byline_span(article: Article) -> tuple[int, int] | None:
    """Where the author is named in `article.text`: the column's author line or the reporters of
    a news dateline; None when the text names no author."""
    head = article.text[:300]
    if article.kind == "column" and article.byline:
        at = head.find(article.byline)
        if at >= 0 and len(article.byline) <= _MAX_AUTHOR_LINE:
            return at, at + len(article.byline)
    m = _REPORTERS.search(head)
    return m.span() if m else None


def titled(question: Question, articles: ArticleLookup) -> list[Article]:
    """Articles whose title the question names in 《…》 (compared in matching form)."""
    names = [normalized(t) for t in question.titles]
    if not names:
        return []
    return [a for a in articles.all_articles() if any(n and n == normalized(a.title) for n in names)]


def author_article(question: Question, scored: list[Scored], articles: ArticleLookup, *, min_coverage: float) -> Article | None:
    """The article a who-wrote question is about, or None when none can be told."""
    if question.titles:
        named = titled(question, articles)
        return named[0] if len(named) == 1 else None
    wants_column = bool(_COLUMN_WORDS.search(question.text))
    for s in scored:
        article = articles.article(s.candidate.sentence.article_id)
        if article is None or s.features.subjects_required < 1 or s.features.coverage < min_coverage:
            continue
        if wants_column and article.kind != "column":
            continue
        return article
    return None


def author_citation(question: Question, scored: list[Scored], articles: ArticleLookup, *, min_coverage: float) -> Scored | None:
    """The byline of the asked article as a scored candidate (its whole text highlighted), or
    None when the piece cannot be told or names no author."""
    article = author_article(question, scored, articles, min_coverage=min_coverage)
    span = byline_span(article) if article is not None else None
    if span is None:
        return None
    start, end = span
    text = article.text[start:end]
    sentence = Sentence(article_id=article.id, chunk_id="", title=article.title, source=article.source,
                        date=article.date, start=start, end=end, text=text,
                        spans=(Span(0, len(text), SpanKind.BYLINE),), rank=0, dense=None, bm25_rank=None, dense_rank=None,
                        text_source=article.text_source)
    candidate = Candidate(sentence, Span(0, len(text), SpanKind.BYLINE), (0, len(text)))
    best = scored[0].features if scored else None
    return Scored(candidate, best, 1.0)
