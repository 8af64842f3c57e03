"""Photo captions: one or two paragraphs (under an optional short title) closed by a credit
("记者 王晨 摄"), or a whole caption with its credit on one line. On a page of several stories
(index/segment/plan.py decides) a captioned photo is news of its own.
"""

from __future__ import annotations

from index.segment import shapes
from index.segment.lines import Line, LineKind, finished, paragraph_start
from index.segment.story import StoryKind, StoryPlan

HEADING, BODY, BYLINE, REPORTER, CREDIT = (
    LineKind.HEADING, LineKind.BODY, LineKind.BYLINE, LineKind.REPORTER, LineKind.CREDIT)  # fmt: skip


def add_captions(lines: list[Line], plans: list[StoryPlan]) -> list[StoryPlan]:
    """Photo captions: one or two paragraphs (under an optional short title) closed by a credit."""
    plans = list(plans)
    for c, line in enumerate(lines):
        if line.kind == LineKind.CAPTIONED:
            _inline_caption(lines, plans, c)
        elif line.kind == CREDIT:
            _credited_caption(lines, plans, c)
    return plans


def _credited_caption(lines: list[Line], plans: list[StoryPlan], c: int) -> None:
    """The caption a credit line on its own closes: its story turns into photo news, or a
    caption story is added to `plans`."""
    credit = lines[c].label
    j, count = _walk_back(lines, c)
    if count == 0:
        return  # the credit follows a headline or a story's lead: it is that story's
    owner = next((n for n, p in enumerate(plans) if p.heads(j)), None) if j >= 0 else None
    if owner is not None and plans[owner].kind == StoryKind.NEWS and plans[owner].byline is None:
        # a headline, a paragraph or two and a credit: the whole story is photo news
        plans[owner] = plans[owner].as_caption(credit, c)
    elif owner is None and j >= 0 and lines[j].kind == HEADING:
        plans.append(StoryPlan(first=j, text_first=j + 1, kind=StoryKind.CAPTION, title=lines[j].label, byline=credit, last=c,
                               title_line=j))
    elif not (count == 1 and j >= 0 and byline_only(lines[j])):
        # no title of its own: only the paragraph right above the credit is the caption
        first = paragraph_start(lines, c - 1)
        plans.append(StoryPlan(first=first, text_first=first, kind=StoryKind.CAPTION, byline=credit, last=c))


def _inline_caption(lines: list[Line], plans: list[StoryPlan], c: int) -> None:
    """A one-line caption, under its own short title when a headline sits right above. When that
    headline already opens a story (a Markdown heading), the story becomes the caption."""
    label = lines[c].label
    found = shapes.INLINE_CREDIT.search(label)
    credit = label[found.start("credit") : found.end("credit")].strip("(（)）")
    above = c - 1
    opened = next((n for n, p in enumerate(plans) if p.run and p.run[1] == above and p.text_first == c), None)
    if opened is not None and plans[opened].kind == StoryKind.NEWS and plans[opened].byline is None:
        plans[opened] = plans[opened].as_caption(credit, c)
        return
    owned = any(p.heads(above) for p in plans)
    if above >= 0 and lines[above].kind == HEADING and not lines[above].md and not owned and lines[c].gap <= 1:
        plans.append(StoryPlan(first=above, text_first=c, kind=StoryKind.CAPTION, title=lines[above].label, byline=credit,
                               last=c, title_line=above))
    else:
        plans.append(StoryPlan(first=c, text_first=c, kind=StoryKind.CAPTION, byline=credit, last=c))


def _walk_back(lines: list[Line], credit: int) -> tuple[int, int]:
    """(line above the caption paragraphs, how many paragraphs) walking up from a credit."""
    j, count = credit - 1, 0
    while j >= 0 and count < 2 and lines[j].kind in (BODY, BYLINE):
        start = paragraph_start(lines, j)
        if lines[start].kind != BODY:  # reached a story's lead paragraph
            return start, count
        j, count = start - 1, count + 1
    return j, count


def byline_only(line: Line) -> bool:
    """A byline with no lead text after it: the paragraph below is the whole story."""
    return line.kind == REPORTER or (line.kind == BYLINE and finished(line))
