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
from index.records import Article
from qa.evidence import Candidate, normalized
from qa.question import Question

#: words by which a question says the piece is an opinion column rather than a report
_COLUMN_WORDS = re.compile(r"评论|社论|时评|专栏|言论|commentary|editorial|column|opinion", re.I)
#: the reporters' part of a news dateline: (记者 王晨 通讯员 曹文娟 文/图)
_REPORTERS = re.compile(r"[（(]\s*记者[^（）()\n]{1,40}[）)]")
#: a column's author line is short: a name or two, perhaps with an office
_MAX_AUTHOR_LINE = 30
#: the best sentence of the article must hold this share of the question's key terms, so that
#: a who-wrote question about a piece the archive lacks is not answered from an unrelated one
MIN_ARTICLE_COVERAGE = 0.3


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


def author_article(question: Question, ranked: list[Candidate], articles: ArticleLookup) -> Article | None:
    """The article a who-wrote question is about, or None when none can be told."""
    named = titled(question, articles)
    if question.titles:
        return named[0] if len(named) == 1 else None
    wants_column = bool(_COLUMN_WORDS.search(question.text))
    for c in ranked:
        article = articles.article(c.article_id)
        if article is None or not (c.subject_ok and c.time_ok) or c.coverage < MIN_ARTICLE_COVERAGE:
            continue
        if wants_column and article.kind != "column":
            continue
        return article
    return None


def author_citation(question: Question, ranked: list[Candidate], articles: ArticleLookup) -> Candidate | None:
    """The byline of the asked article as a candidate to quote (highlighting the whole of it),
    or None when the question does not ask who wrote a piece or the piece names no author."""
    if not question.asks_author:
        return None
    article = author_article(question, ranked, articles)
    span = byline_span(article) if article is not None else None
    if span is None:
        return None
    start, end = span
    text = article.text[start:end]
    return Candidate(article.id, article.title, article.source, article.date, start, end, text,
                     rank=0, coverage=1.0, kind_fit=1.0, score=1.0, highlight=(0, len(text)))
