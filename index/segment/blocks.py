"""Stories where the file's own layout marks them (`Page.blocks`, from the readers of HTML, PDF,
DOCX and scans).

The layout outranks the shape of a line: a STORY block is one story, whatever headlines or
bylines it holds; a SUBHEADING never starts a story; a HEADLINE (with a KICKER above it) opens
one; FURNITURE is never story text. With STORY blocks, what lies outside them is the site's or
the page's, not a story. With headlines but no STORY blocks, a story runs from its headline to
the next one.
"""

from __future__ import annotations

from dataclasses import replace

from index.reader import Block, BlockRole
from index.segment.lines import Line, LineKind
from index.segment.plan import plan_stories
from index.segment.story import StoryKind, StoryPlan

_HEAD_ROLES = (BlockRole.KICKER, BlockRole.HEADLINE, BlockRole.SUBTITLE)
_KIND_OF_ROLE = {
    BlockRole.FURNITURE: LineKind.FURNITURE,
    BlockRole.HEADLINE: LineKind.HEADING,
    BlockRole.KICKER: LineKind.HEADING,
    BlockRole.SUBHEADING: LineKind.HEADING,
    BlockRole.SUBTITLE: LineKind.SUBTITLE,
    BlockRole.BYLINE: LineKind.REPORTER,  # a credit on its own, whatever its wording
}


def with_blocks(lines: list[Line], blocks: tuple[Block, ...]) -> list[Line]:
    """The lines with the role, story and block the layout gives each (the block a line starts
    in), and the kind that role implies."""
    stories = [b for b in blocks if b.role is BlockRole.STORY]
    inner = [b for b in blocks if b.role is not BlockRole.STORY]
    marked = []
    for line in lines:
        story = next((n for n, b in enumerate(stories) if b.start <= line.start < b.end), None)
        block = next((n for n, b in enumerate(inner) if b.start <= line.start < b.end), None)
        role = inner[block].role if block is not None else None
        kind = _KIND_OF_ROLE.get(role, line.kind)
        if role is BlockRole.PARAGRAPH and kind in (LineKind.HEADING, LineKind.SUBTITLE):
            kind = LineKind.BODY  # short, unpunctuated, but a paragraph all the same
        marked.append(replace(line, kind=kind, role=role, story=story, block=block))
    return marked


def plan_by_layout(lines: list[Line]) -> list[StoryPlan]:
    """The stories of lines marked by `with_blocks`."""
    if any(line.story is not None for line in lines):
        return [p for p in map(_story_block_plan, _story_groups(lines)) if p is not None]
    if any(line.role is BlockRole.HEADLINE for line in lines):
        return _headline_plans(lines)
    return plan_stories(lines)


def _story_groups(lines: list[Line]) -> list[list[tuple[int, Line]]]:
    groups: dict[int, list[tuple[int, Line]]] = {}
    for i, line in enumerate(lines):
        if line.story is not None:
            groups.setdefault(line.story, []).append((i, line))
    return [groups[n] for n in sorted(groups)]


def _story_block_plan(group: list[tuple[int, Line]]) -> StoryPlan | None:
    kept = [(i, line) for i, line in group if line.kind != LineKind.FURNITURE]
    if not kept:
        return None
    head = _head_of(kept)
    first, last = kept[0][0], kept[-1][0]
    if head is None:
        return StoryPlan(first=first, text_first=first, last=last)
    return replace(head, last=max(last, head.text_first))


def _headline_plans(lines: list[Line]) -> list[StoryPlan]:
    starts = [i for i, line in enumerate(lines) if line.role is BlockRole.HEADLINE and not _same_block(lines, i - 1, i)]
    opens = [_kicker_above(lines, i) for i in starts]
    plans = []
    if opens and any(line.kind == LineKind.BODY for line in lines[: opens[0]]):
        plans.append(StoryPlan(first=0, text_first=0, last=opens[0] - 1))  # prose before the first headline
    for n, at in enumerate(opens):
        end = (opens[n + 1] if n + 1 < len(opens) else len(lines)) - 1
        group = [(i, lines[i]) for i in range(at, end + 1) if lines[i].kind != LineKind.FURNITURE]
        plan = _story_block_plan(group)
        if plan is not None:
            plans.append(plan)
    return plans


def _head_of(group: list[tuple[int, Line]]) -> StoryPlan | None:
    """The head (kicker, headline, subtitles) at the top of a story's lines, as a plan."""
    heads = []
    for i, line in group:
        if line.role not in _HEAD_ROLES:
            break
        heads.append((i, line))
    headline = [(i, line) for i, line in heads if line.role is BlockRole.HEADLINE]
    if not headline:
        return None
    title = "".join(line.label for _, line in headline) + "".join(line.label for _, line in heads if line.role is BlockRole.SUBTITLE)
    kicker = "".join(line.label for _, line in heads if line.role is BlockRole.KICKER) or None
    after = [i for i, _ in group if i > heads[-1][0]]
    text_first = after[0] if after else headline[0][0]
    return StoryPlan(first=heads[0][0], text_first=text_first, kind=StoryKind.NEWS, title=title, kicker=kicker,
                     run=(heads[0][0], heads[-1][0]), title_line=headline[0][0])


def _kicker_above(lines: list[Line], i: int) -> int:
    while i > 0 and lines[i - 1].role is BlockRole.KICKER:
        i -= 1
    return i


def _same_block(lines: list[Line], a: int, b: int) -> bool:
    return a >= 0 and lines[a].block is not None and lines[a].block == lines[b].block
