"""Answers → Markdown for the chat and HTML for the sources panel, with every piece of data inert.

Article text and questions come from outside (newspaper pages, users), so they are never trusted
as markup. Markdown gives meaning to ASCII punctuation and HTML to `<` and `&`; `inert()` turns
every ASCII punctuation character into a numeric character reference, which both Markdown and
HTML show as the literal character and never parse. Chinese text passes through untouched. The
only markup in the output is the markup this module writes itself.
"""

from __future__ import annotations

import html
import string

from index.records import ArticleDate
from qa.analyze import is_english

# every ASCII punctuation character, replaced by its numeric character reference
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in string.punctuation})

def inert(text: str) -> str:
    """`text` made safe to put anywhere in Markdown or HTML: it renders as itself, literally."""
    return text.translate(_INERT)


def citation_date(citation: dict, language: str = "zh") -> str:
    """The citation's date as a reader should see it: "2022-05-23", "2022年5月", "约2018年" for
    an inferred one ("about 2018" in English), "日期不详" when unknown."""
    return ArticleDate.from_json(citation).label(language)


def language_of(answer: dict | None) -> str:
    """"en" for an answer to an English question, else "zh"."""
    return "en" if is_english((answer or {}).get("question") or "") else "zh"


def highlighted_lines(quote: str, highlight: list[int] | tuple[int, int] | None) -> list[str]:
    """The quote's lines, inert, with the answering span (quote offsets) wrapped in <mark>.

    Marks are opened and closed per line so that a span crossing a line break never leaves a
    tag open across a Markdown block boundary.
    """
    lo, hi = _clamp(highlight, len(quote))
    lines, offset = [], 0
    for line in quote.split("\n"):
        start, end = offset, offset + len(line)
        a, b = max(lo, start) - start, min(hi, end) - start
        if a < b:
            lines.append(inert(line[:a]) + "<mark>" + inert(line[a:b]) + "</mark>" + inert(line[b:]))
        else:
            lines.append(inert(line))
        offset = end + 1
    return lines


def _clamp(highlight, length: int) -> tuple[int, int]:
    if not highlight:
        return 0, 0
    lo, hi = int(highlight[0]), int(highlight[1])
    return max(0, min(lo, length)), max(0, min(hi, length))


def citation_markdown(citation: dict, language: str = "zh") -> str:
    """One citation as a Markdown block quote: headline, date and source, then the quote."""
    header = (
        f"**&#91;{citation['id']}&#93; {inert(citation.get('title') or '')}**"
        f" · {inert(citation_date(citation, language))} · {inert(citation.get('source') or '')}"
    )
    body = [f"> {line}" if line.strip() else ">" for line in highlighted_lines(citation["quote"], citation.get("highlight"))]
    return "\n".join([f"> {header}", ">", *body])


def answer_markdown(answer: dict) -> str:
    """The whole chat reply: the answer text, then each citation as a quoted block."""
    language = language_of(answer)
    return "\n\n".join([answer_head(answer), *(citation_markdown(c, language) for c in answer.get("citations", []))])


def answer_head(answer: dict) -> str:
    """The answer text. A refusal already says that the quotes below are only the closest
    passages, in the question's language, so nothing is added to it."""
    return inert(answer.get("answer") or "")


def sources_html(answer: dict | None) -> str:
    """The sources panel: one entry per cited article (headline · date, and the citation
    numbers that quote it), in citation order, escaped."""
    citations = (answer or {}).get("citations", [])
    if not citations:
        return '<p class="newsqa-sources-empty">暂无来源。提问后,引用的文章会列在这里。</p>'
    language = language_of(answer)
    articles: dict[str, list[dict]] = {}
    for c in citations:
        articles.setdefault(c.get("article_id") or c.get("source") or str(c["id"]), []).append(c)
    items = []
    for quoted in articles.values():
        first = quoted[0]
        ids = "".join(f"[{int(c['id'])}]" for c in quoted)
        items.append(
            "<li>"
            f'<span class="newsqa-src-id">{ids}</span> '
            f'<strong>{html.escape(first.get("title") or "")}</strong>'
            f'<span class="newsqa-src-meta"> · {html.escape(citation_date(first, language))}</span>'
            "</li>"
        )
    return '<ol class="newsqa-sources">' + "".join(items) + "</ol>"
