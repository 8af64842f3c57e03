"""A page's lines, each classified by its shape alone (index/segment/shapes.py).

Paragraphs start after a blank line or with an indent; on a page that uses neither, each line is
a paragraph. A short line that ends inside a word the next line completes is prose the layout
broke, not a headline.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from enum import Enum
from functools import cache

from index.dates import is_page_furniture_date
from index.formats.text import heading, unemphasized
from index.reader import BlockRole
from index.segment import shapes


class LineKind(Enum):
    HEADING = "heading"  # short, no end punctuation: headline, kicker, section head, photo label
    SUBTITLE = "subtitle"  # "——…" under a headline
    BYLINE = "byline"  # opens with 本报讯(…) / 新华社…电(…); the lead usually follows on the line
    REPORTER = "reporter"  # a byline on its own line: "记者 王晨", "记者 姬慧洋 文/图"
    CREDIT = "credit"  # photo credit closing a caption: "记者 王晨 摄"
    CAPTIONED = "captioned"  # a whole caption on one line, closed by its credit
    FURNITURE = "furniture"  # paper name, page number, printed page date, editor credits
    BODY = "body"


#: kinds a sentence broken by the layout may jump over (photo labels, furniture)
SKIPPABLE = (LineKind.HEADING, LineKind.FURNITURE)
_SENTENCE_END = "。！？!?；;…"
_CLOSERS = "”’」』\"'"
_BRACKET_CLOSERS = ")）】》"
_EDITOR_CODE = re.compile(r"[\u2460-\u2473]\d{0,2}$")  # "②7": the desk code after an article
_MAX_SKIPPED = 4  # photo labels and furniture lines a broken sentence may jump over
_TOP_TITLE_MAX = 64
_NOT_A_TITLE_END = "。；;，,、：:（(《“‘"


@dataclass(frozen=True)
class Line:
    start: int  # content bounds in the page text (without surrounding whitespace)
    end: int
    text: str
    gap: int  # blank lines before this one; 0 for the first line and within a block
    kind: LineKind
    level: int = 0  # a Markdown heading's level (1 for "#"), 0 for any other line
    label: str = ""  # the text without Markdown marks
    indent: bool = False  # the raw line starts with white space ("　　" opens a paragraph)
    para: bool = True  # starts a paragraph (False: a hard-wrapped continuation line)
    # where the file's layout marks it (index/segment/blocks.py): its block's role, which story
    # block and which other block it starts in
    role: BlockRole | None = None
    story: int | None = None
    block: int | None = None

    @property
    def md(self) -> bool:
        """A Markdown heading."""
        return self.level > 0

    @property
    def skippable(self) -> bool:
        return self.kind in SKIPPABLE and not self.md


def scan(text: str) -> list[Line]:
    """The page's non-blank lines, classified."""
    lines: list[Line] = []
    offset = 0
    blanks = 0
    for raw in text.split("\n"):
        content = raw.strip()
        if content:
            start = offset + len(raw) - len(raw.lstrip())
            kind, level, label = classify(content)
            gap = blanks if lines else 0
            lines.append(Line(start, start + len(content), content, gap, kind, level, label, indent=start > offset))
            blanks = 0
        else:
            blanks += 1
        offset += len(raw) + 1
    return _refine_fragments(_mark_paragraphs(_title_on_top(lines)))


def _title_on_top(lines: list[Line]) -> list[Line]:
    """A page's first line, set off from the rest by a blank line and too short for a paragraph,
    is its headline even with the punctuation web headlines use ("提醒！冻雨再袭，这些地区要注意！")."""
    if len(lines) < 2 or lines[0].kind != LineKind.BODY or lines[1].gap == 0:
        return lines
    text = lines[0].label
    if len(text) > _TOP_TITLE_MAX or text[-1] in _NOT_A_TITLE_END or not shapes.balanced(text):
        return lines
    return [replace(lines[0], kind=LineKind.HEADING), *lines[1:]]


def _mark_paragraphs(lines: list[Line]) -> list[Line]:
    """Paragraphs start after a blank line or with an indent. A page that uses neither puts one
    paragraph on each line; on other pages a line without them continues a hard-wrapped one."""
    if not any(line.gap or line.indent for line in lines[1:]):
        return lines
    return [replace(line, para=i == 0 or line.gap > 0 or line.indent) for i, line in enumerate(lines)]


def classify(text: str) -> tuple[LineKind, int, str]:
    """(kind, Markdown heading level or 0, text without Markdown marks) of one stripped line."""
    # the hot path of parsing: simplify each form of the line once and use the plain patterns
    simple = shapes.simplified(text)
    if shapes.FURNITURE.pattern.search(simple) or is_page_furniture_date(text):
        return LineKind.FURNITURE, 0, text
    marked = heading(text)
    if marked is not None:
        return LineKind.HEADING, *marked
    plain = unemphasized(text).strip()
    return _kind_of_plain(plain, simple), 0, plain


def _kind_of_plain(plain: str, simple: str) -> LineKind:
    simple_plain = shapes.simplified(plain)
    byline = shapes.BYLINE.pattern.match(simple) is not None
    if shapes.CREDIT.pattern.match(simple_plain):
        return LineKind.CREDIT
    if not byline and shapes.INLINE_CREDIT.pattern.search(simple_plain):
        return LineKind.CAPTIONED
    if byline:
        return LineKind.BYLINE
    if shapes.REPORTER.pattern.match(simple_plain) and not shapes.NOT_IN_HEADLINE.search(plain):
        return LineKind.REPORTER
    if shapes.SUBTITLE.match(plain):
        return LineKind.SUBTITLE
    if shapes.headline_shaped(plain):
        return LineKind.HEADING
    return LineKind.BODY


def _refine_fragments(lines: list[Line]) -> list[Line]:
    """A short line that ends inside a word the next line completes is a broken paragraph, not a
    headline: "督导组要求企业主要负责人必须严" / "格履行第一责任人的责任,…"."""
    refined = list(lines)
    for i in range(len(refined) - 1):
        line, nxt = refined[i], refined[i + 1]
        if line.kind == LineKind.HEADING and not line.md and nxt.kind == LineKind.BODY and _splits_word(line.text, nxt.text):
            refined[i] = replace(line, kind=LineKind.BODY)
    return refined


def _splits_word(left: str, right: str) -> bool:
    a, b = left[-3:], right[:3]
    if not (re.fullmatch(rf"[{shapes.CJK}]+", a) and re.match(rf"[{shapes.CJK}]", b)):
        return False
    position = 0
    for word in _segmenter().cut(a + b, HMM=False):
        if position < len(a) < position + len(word):
            return True
        position += len(word)
        if position >= len(a):
            return False
    return False


@cache
def _segmenter():
    # A private jieba instance: the search tokenizer's user dictionary must not change parsing.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()


# --- sentences across lines ---------------------------------------------------------------------


def finished(line: Line) -> bool:
    """True if the line ends a sentence (or is a headline or byline, which need no punctuation)."""
    if line.kind not in (LineKind.BODY, LineKind.BYLINE):
        return True
    text = _EDITOR_CODE.sub("", line.text).rstrip()
    if line.kind == LineKind.BYLINE:
        match = shapes.BYLINE.match(text)
        if match and not text[match.end() :].strip():
            return True
    if not text:
        return True
    last = text[-1]
    if last in _SENTENCE_END or last in _BRACKET_CLOSERS:
        return True
    if last in _CLOSERS:
        return len(text) > 1 and text[-2] in _SENTENCE_END
    if last == ".":
        return text.endswith("..") or not (len(text) > 1 and text[-2].isdigit())
    return False


def continuation(lines: list[Line], i: int) -> int | None:
    """The line that carries on the sentence line `i` leaves unfinished, jumping over a few photo
    labels and furniture lines; None when the sentence ends there."""
    line = lines[i]
    if line.kind not in (LineKind.BODY, LineKind.BYLINE) or finished(line):
        return None
    for j in range(i + 1, min(i + 2 + _MAX_SKIPPED, len(lines))):
        if lines[j].kind == LineKind.BODY:
            # where the layout marks blocks, a break between two of them is no layout accident
            return j if line.block is None or lines[j].block == line.block else None
        if not lines[j].skippable:
            return None
    return None


def paragraph_start(lines: list[Line], i: int) -> int:
    """The first line of the paragraph line `i` belongs to."""
    while i > 0 and not lines[i].para and lines[i - 1].kind in (LineKind.BODY, LineKind.BYLINE):
        i -= 1
    return i
