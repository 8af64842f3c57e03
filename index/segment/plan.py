"""Which lines make which story, on a page read line by line.

A story starts only where the page shows one does:

- a headline followed by a byline (本报讯（记者 …）, 新华社北京10月17日电, 人民网讯, 记者 王晨);
- a byline opening a paragraph after a finished one, with no headline (a brief in a digest);
- a column: a title over its author's name (a person's name: index/segment/names.py) or a column
  label (今日评论) over a title;
- a Markdown heading at a level the page uses for headlines over bylines;
- on a page of several stories, a photo caption closed by its credit (记者 王晨 摄); on a page of
  one story, the caption belongs to it;
- the page's first headline.

Anything else headline-shaped — ●…, 一、…, 【…】, 小标题, a question, a short bold line — is a
sub-heading or a photo label inside the story around it. On a page whose stories carry bylines,
prose before the first story (a page that opens mid-story) or between stories becomes a story of
its own. A page with no byline is one story: from its headline to the furniture that closes it
(责任编辑：…; what follows is the site's links and lists), or, without a headline, all of it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from index.reader import BlockRole
from index.segment import shapes
from index.segment.captions import add_captions
from index.segment.lines import Line, LineKind, continuation, finished
from index.segment.names import is_person_name
from index.segment.story import StoryKind, StoryPlan

HEADING, SUBTITLE, BODY = LineKind.HEADING, LineKind.SUBTITLE, LineKind.BODY
BYLINE, REPORTER, CREDIT = LineKind.BYLINE, LineKind.REPORTER, LineKind.CREDIT


# On a page of several stories a photo with its caption is news of its own; on a one-story page
# (a web article) it illustrates that story.
_SEVERAL = 2


@dataclass(frozen=True)
class _Evidence:
    """What the whole page shows about how it marks its stories."""

    anchored: bool  # it has bylines: its stories are marked by them
    story_levels: frozenset[int]  # Markdown heading levels it puts over bylines
    top: int  # its first line that is not furniture

    @classmethod
    def of(cls, lines: list[Line]) -> _Evidence:
        levels = {lines[i].level for i in range(len(lines) - 1) if lines[i].md and _over_byline(lines, i)}
        top = next((i for i, line in enumerate(lines) if line.kind != LineKind.FURNITURE), len(lines))
        return cls(any(line.kind in (BYLINE, REPORTER) for line in lines), frozenset(levels), top)


def _over_byline(lines: list[Line], i: int) -> bool:
    """True if the head lines from `i` on are followed by a byline."""
    j = i + 1
    while j < len(lines) and lines[j].kind in (HEADING, SUBTITLE):
        j += 1
    return j < len(lines) and lines[j].kind in (BYLINE, REPORTER)


def plan_stories(lines: list[Line]) -> list[StoryPlan]:
    """The stories of a page's lines, in page order."""
    if not lines:
        return []
    page = _Evidence.of(lines)
    plans = [p for run in _head_runs(lines) if (p := _head_start(lines, run, page=page))]
    plans += _byline_starts(lines, plans)
    if len(plans) >= _SEVERAL:
        plans = add_captions(lines, plans)
    plans.sort(key=lambda p: p.first)
    ends = _ends(lines, plans)
    plans = [replace(p, last=end) for p, end in zip(plans, ends, strict=True) if end >= p.text_first]
    if page.anchored:
        plans = sorted(plans + _orphans(lines, plans), key=lambda p: p.first)
    return plans or _whole_page(lines)


# --- headlines ----------------------------------------------------------------------------------


def _head_runs(lines: list[Line]) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, line in enumerate(lines + [None]):
        if line is not None and line.kind in (HEADING, SUBTITLE) and line.role is not BlockRole.SUBHEADING:
            start = i if start is None else start
        elif start is not None:
            runs.append((start, i - 1))
            start = None
    return runs


def _head_start(lines: list[Line], run: tuple[int, int], *, page: _Evidence) -> StoryPlan | None:
    """The story a run of headline-shaped lines opens, if it opens one."""
    a, b = run
    nxt = lines[b + 1] if b + 1 < len(lines) else None
    md = [i for i in range(a, b + 1) if lines[i].level in page.story_levels]
    column = _column_start(lines, run, nxt, md)
    if column is not None:
        return column
    if nxt is not None and nxt.kind in (BYLINE, REPORTER):
        title_i = md[-1] if md else _last_title_line(lines, a, b)
    elif md:
        title_i = md[-1]
    elif a == page.top and not page.anchored and nxt is not None:
        # the headline of a page that marks no story: its first line; the lines under it are its
        # subtitle or the site's labels, and stay in the text
        return replace(_plan_from_head(lines, (a, a), a, text_first=a + 1), run=run)
    else:
        return None
    if title_i is None or b + 1 >= len(lines):
        return None
    return _plan_from_head(lines, run, title_i, text_first=b + 1)


def _byline_starts(lines: list[Line], plans: list[StoryPlan]) -> list[StoryPlan]:
    """Stories with no headline, opened by a byline right after the finished prose of a story that
    had a byline of its own: the briefs of a digest (本报武山讯…, 本报清水讯…). The first byline
    under a headline is that story's (标题 / 原标题：… / 红网5月18日讯…); a byline under a byline is
    one credit (中国江苏网6月19日讯 / （记者 …）…); a report a story quotes ("据新华社…电") is none."""
    opened = {p.text_first for p in plans}
    starts, credited = [], False
    for i, line in enumerate(lines):
        if i in opened:
            credited = False
        if line.kind == BYLINE and credited and _prose(lines[i - 1]) and not line.label.startswith("据"):
            starts.append(StoryPlan(first=i, text_first=i))
        credited = credited or line.kind in (BYLINE, REPORTER)
    return starts


def _prose(line: Line) -> bool:
    """A finished paragraph of text (with or without a byline in front)."""
    if line.kind == BYLINE:
        credit = shapes.BYLINE.match(line.text)
        return credit is not None and bool(line.text[credit.end() :].strip()) and finished(line)
    return line.kind == BODY and finished(line)


def _whole_page(lines: list[Line]) -> list[StoryPlan]:
    """One story of every line, for a page that shows no headline on top or whose only line under
    its headline is another headline-shaped one."""
    kept = [i for i, line in enumerate(lines) if line.kind != LineKind.FURNITURE] or [0]
    first, last = kept[0], kept[-1]
    titled = lines[first].kind == HEADING and last > first
    return [StoryPlan(first=first, text_first=first + 1 if titled else first, last=last,
                      title=lines[first].label if titled else None, title_line=first if titled else None)]


def _column_start(lines: list[Line], run, nxt: Line | None, md: list[int]) -> StoryPlan | None:
    """A column: a title over its author's name, or a column label over a title."""
    a, b = run
    if nxt is None or nxt.kind != BODY:
        return None
    if b > a and _is_author(lines[b]):
        title_i = _last_title_line(lines, a, b - 1)
        if title_i is not None:
            plan = _plan_from_head(lines, run, title_i, text_first=b, kind=StoryKind.COLUMN)
            return replace(plan, byline=lines[b].label)
    if not md and _labelled_column(lines, a, b):
        return _plan_from_head(lines, run, b, text_first=b + 1, kind=StoryKind.COLUMN)
    return None


def _labelled_column(lines: list[Line], a: int, b: int) -> bool:
    """A column label right above a title, both set off as headlines: "今日评论" / "抓项目就是抓发展"."""
    return b > a and lines[b - 1].kind == HEADING and shapes.COLUMN_LABEL.match(lines[b - 1].label) is not None


def _is_author(line: Line) -> bool:
    if line.kind != HEADING:
        return False
    if shapes.AUTHOR.match(line.label):
        return True
    return shapes.BARE_NAME.match(line.label) is not None and is_person_name(line.label)


def _last_title_line(lines: list[Line], a: int, b: int) -> int | None:
    for i in range(b, a - 1, -1):
        if lines[i].kind == HEADING:
            return i
    return None


def _plan_from_head(lines: list[Line], run, title_i: int, *, text_first: int, kind=StoryKind.NEWS) -> StoryPlan:
    a, _ = run
    title = lines[title_i].label
    for i in range(title_i + 1, text_first):  # "——…" subtitles belong to the headline
        if lines[i].kind != SUBTITLE:
            break
        title += lines[i].label
    first, kicker = title_i, None
    above = title_i - 1
    # A kicker sits right above its headline; a line set off by extra space is a photo label.
    if above >= a and lines[above].kind == HEADING and lines[title_i].gap <= 1 and lines[above].gap <= 1:
        first, kicker = above, lines[above].label
    return StoryPlan(first=first, text_first=text_first, kind=kind, title=title or None, kicker=kicker, run=run,
                     title_line=title_i)


# --- where stories end --------------------------------------------------------------------------


def _ends(lines: list[Line], plans: list[StoryPlan]) -> list[int]:
    """Each story's last line: before the next story, page furniture, or trailing labels."""
    ends = []
    for n, plan in enumerate(plans):
        end = plans[n + 1].first - 1 if n + 1 < len(plans) else len(lines) - 1
        if plan.last is not None:
            end = min(end, plan.last)
        for k in range(plan.text_first, end + 1):
            # furniture ends a story, unless a sentence carries on past it (a page break)
            if lines[k].kind == LineKind.FURNITURE and not _runs_through(lines, k, plan.text_first, end):
                end = k - 1
                break
        while end > plan.text_first and lines[end].kind in (HEADING, SUBTITLE):
            end -= 1
        ends.append(end)
    return ends


def _runs_through(lines: list[Line], k: int, first: int, last: int) -> bool:
    before = k - 1
    while before >= first and lines[before].skippable:
        before -= 1
    if before < first:
        return False
    after = continuation(lines[: last + 1], before)
    return after is not None and after > k


def _orphans(lines: list[Line], plans: list[StoryPlan]) -> list[StoryPlan]:
    """On a page whose stories carry bylines, prose outside every story becomes a story of its
    own; stray headlines, banners and furniture are dropped."""
    covered = set()
    for plan in plans:
        covered.update(range(plan.first, plan.last + 1))
    orphans, group = [], []
    for i, line in enumerate(lines + [None]):
        if line is not None and i not in covered and line.kind != LineKind.FURNITURE:
            group.append(i)
            continue
        plan = _orphan_plan(lines, group)
        if plan is not None:
            orphans.append(plan)
        group = []
    return orphans


def _orphan_plan(lines: list[Line], group: list[int]) -> StoryPlan | None:
    prose = [i for i in group if lines[i].kind in (BODY, BYLINE, REPORTER)]
    if not prose:
        return None
    first = prose[0]
    last = max(i for i in group if lines[i].kind not in (HEADING, SUBTITLE))
    above = first - 1
    if above in group and lines[above].kind == HEADING and lines[first].gap <= 1:
        return StoryPlan(first=above, text_first=first, title=lines[above].label, last=last, title_line=above)
    return StoryPlan(first=first, text_first=first, last=last)
