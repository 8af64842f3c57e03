"""A planned story → a `Story`: verbatim text, title, byline and dateline.

`Story.text` is page text from the story's first line after the headline (usually the byline)
to its last line, except for line breaks the print layout put in the middle of a sentence and the
marks of Markdown emphasis (`**本报讯**` reads 本报讯): those are removed and recorded in
`Story.joins`, so every offset maps back to the page.
"""

from __future__ import annotations

import re

from index.dates import Dateline, find_dateline, opening
from index.formats.text import EMPHASIS, unemphasized
from index.records import ArticleDate
from index.segment import shapes
from index.segment.lines import Line, LineKind, continuation
from index.segment.story import Story, StoryKind, StoryPlan

_TITLE_MAX = 30


def build_story(
    page_text: str, lines: list[Line], plan: StoryPlan, *, stated_date: ArticleDate | None = None
) -> Story | None:
    """The story `plan` makes of `lines` (a page's lines); None when it holds no line."""
    body = lines[plan.text_first : plan.last + 1]
    if not body:
        return None
    page_start, page_end = body[0].start, body[-1].end
    text, joins = _cut(page_text, page_start, page_end, sorted(_layout_breaks(body) + _emphasis_marks(page_text, body)))
    byline = plan.byline
    if byline is None and body[0].kind in (LineKind.BYLINE, LineKind.REPORTER):
        byline = _byline_of(body[0])
    return Story(
        title=plan.title or _title_from_text(body),
        kicker=plan.kicker,
        byline=byline,
        kind=plan.kind,
        text=text,
        page_start=page_start,
        page_end=page_end,
        joins=joins,
        dateline=None if plan.kind == StoryKind.COLUMN else _dateline(body),
        opening=opening(lead(body)),
        head_start=lines[plan.first].start if plan.first < len(lines) else page_start,
        title_start=lines[plan.title_line].start if plan.title_line is not None else None,
        stated_date=stated_date,
    )


def _layout_breaks(body: list[Line]) -> list[tuple[int, int]]:
    """Page spans to remove: breaks (and photo labels) inside a sentence cut by the layout."""
    gaps = []
    i = 0
    while i < len(body) - 1:
        j = continuation(body, i)
        if j is None:
            i += 1
            continue
        gaps.append((body[i].end, body[j].start))
        i = j
    return gaps


def _emphasis_marks(page_text: str, body: list[Line]) -> list[tuple[int, int]]:
    """Page spans of paired emphasis marks inside the body's lines (the `**` around 本报讯)."""
    marks = []
    for line in body:
        for m in EMPHASIS.finditer(page_text, line.start, line.end):
            marks += [(m.start(), m.start() + 2), (m.end() - 2, m.end())]
    return marks


def _cut(page_text: str, start: int, end: int, gaps: list[tuple[int, int]]) -> tuple[str, tuple]:
    pieces, joins, cursor, length = [], [], start, 0
    for gap_start, gap_end in gaps:
        piece = page_text[cursor:gap_start]
        pieces.append(piece)
        length += len(piece)
        joins.append((length, page_text[gap_start:gap_end]))
        cursor = gap_end
    pieces.append(page_text[cursor:end])
    return "".join(pieces), tuple(joins)


def _byline_of(line: Line) -> str:
    if line.kind == LineKind.BYLINE:
        match = shapes.BYLINE.match(line.text)
        if match:
            return unemphasized(line.text[: match.end()]).strip()
    return line.label


def lead(body: list[Line]) -> str:
    """The story's first paragraph after its byline (hard-wrapped lines put back together)."""
    for i, line in enumerate(body):
        if line.kind == LineKind.BYLINE:
            match = shapes.BYLINE.match(line.text)
            text = line.text[match.end() :].strip() if match else line.text
        elif line.kind == LineKind.BODY:
            text = line.text
        else:
            continue
        for nxt in body[i + 1 :]:
            if nxt.para or nxt.kind != LineKind.BODY:
                break
            text += nxt.text
        if text:
            return text
    return ""


def _dateline(body: list[Line]) -> Dateline | None:
    """The date that opens the story: in a wire byline ("新华社北京10月17日电（记者 …）") or in the
    lead's first sentence."""
    agency = shapes.BYLINE.match(body[0].text) if body[0].kind == LineKind.BYLINE else None
    return find_dateline(lead(body), wire=body[0].text[: agency.end()] if agency else "")


def _title_from_text(body: list[Line]) -> str:
    """A title for a story printed without one: its first sentence, shortened."""
    text = lead(body) or body[0].label
    sentence = re.split(r"(?<=[。！？!?；;])", text, maxsplit=1)[0].strip()
    if len(sentence) <= _TITLE_MAX:
        return sentence
    cut = max(sentence.rfind(p, 0, _TITLE_MAX) for p in "，,、：:")
    return sentence[: cut if cut > 0 else _TITLE_MAX] + "…"
