"""A page → its stories, undated (index/ingest.py dates them into `Article` records).

An export's labelled records (标题：… 日期：… then the text) and Markdown front matter are read as
such (index/formats/records.py). A page whose reader marked its layout (`Page.blocks`: HTML,
PDF, DOCX, scans) is split where the layout says (blocks.py). Anything else is split as a
printed page: its lines are classified by shape (lines.py) and grouped into stories (plan.py).
Either way each story is cut out verbatim (build.py).
"""

from __future__ import annotations

from dataclasses import replace

from index.dates import labelled_date
from index.formats.records import Record, front_matter, records
from index.reader import Page
from index.segment.blocks import plan_by_layout, with_blocks
from index.segment.build import build_story
from index.segment.lines import Line, classify, scan
from index.segment.plan import plan_stories
from index.segment.story import Story, StoryKind, StoryPlan

__all__ = ["Story", "StoryKind", "segment"]


def segment(page: Page) -> list[Story]:
    """The stories of `page`, in page order."""
    meta, start = front_matter(page.text)
    found = [Record(meta, start=start, body_start=start, end=len(page.text))] if meta.get("title") else records(page.text, start=start)
    lines = scan(page.text)
    if page.blocks:
        lines = with_blocks(lines, page.blocks)
    # a printed page, or what precedes an export's first record
    first_record = found[0].start if found else len(page.text)
    printed = [line for line in lines if start <= line.start < first_record]
    plan = plan_by_layout if page.blocks else plan_stories
    stories = [build_story(page.text, printed, p) for p in (plan(printed) if printed else [])]
    stories += [_record_story(page, lines, record) for record in found]
    return [s for s in stories if s is not None]


def _record_story(page: Page, lines: list[Line], record: Record) -> Story | None:
    """A labelled record as a story: its fields give title, kicker, byline and date; its text is
    the page's lines between the labels and the next record, breaks repaired as on a page."""
    body = [_from_body_start(page, line, record) for line in lines if line.end > record.body_start and line.start < record.end]
    if not body:
        return None
    fields = record.fields
    date = labelled_date(fields["date"], source="metadata") if fields.get("date") else None
    title = fields["title"] + (f"——{fields['subtitle'].lstrip('—')}" if fields.get("subtitle") else "")
    plan = StoryPlan(first=0, text_first=0, title=title, kicker=fields.get("kicker") or None,
                     byline=fields.get("byline") or None, last=len(body) - 1)
    return build_story(page.text, body, plan, stated_date=date)


def _from_body_start(page: Page, line: Line, record: Record) -> Line:
    """The line, starting no earlier than the record's text ("正文：" with the text's first words
    after it)."""
    if line.start >= record.body_start:
        return line
    text = page.text[record.body_start : line.end].strip()
    kind, level, label = classify(text)
    return replace(line, start=line.end - len(text), text=text, kind=kind, level=level, label=label)
