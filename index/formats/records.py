"""Archive exports that label their fields in the text: key-value records and front matter.

Two shapes are common besides a printed page:

- **Records**: each article opens with labelled lines, then its text, and a file may hold many::

      标题：开发区召开安全生产工作会议
      作者：记者 刘洋
      日期：2022-11-08
      正文：
      11月7日下午，……

  Keys are matched in Chinese or English (标题/title, 作者/author, 日期/date, 来源/source, 正文/body,
  …, see `KEYS`); an article starts at each title line.
- **Front matter** in Markdown: a `---` block of `key: value` lines at the top. With a title it
  makes the file one article; otherwise its date dates the page and the rest is read as a page.

Values are read, never rewritten: an article's text is still exact page text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from index.dates import labelled_date
from index.reader import Page

#: label → field; the labels an export may use for each
KEYS: dict[str, str] = {
    **dict.fromkeys(("标题", "题目", "主标题", "正标题", "title", "headline"), "title"),
    **dict.fromkeys(("副标题", "subtitle"), "subtitle"),
    **dict.fromkeys(("引题", "肩题", "眉题", "kicker"), "kicker"),
    **dict.fromkeys(("作者", "记者", "撰稿", "撰文", "author", "byline"), "byline"),
    **dict.fromkeys(
        ("日期", "时间", "发布时间", "发表时间", "出版日期", "见报日期", "刊发日期", "刊登日期", "date", "published"), "date"
    ),
    **dict.fromkeys(("来源", "出处", "报纸", "刊名", "source", "publication"), "source"),
    **dict.fromkeys(("版次", "版面", "版名", "栏目", "page", "section"), "section"),
    **dict.fromkeys(("正文", "内容", "body", "content", "text"), "body"),
}
_LABELLED = re.compile(
    r"^[ \t\u3000]*(?:【(?P<k1>[^】]{1,6})】|(?P<k2>[\u4e00-\u9fffA-Za-z]{1,12})[ \t\u3000]*[:：])[ \t\u3000]*(?P<value>.*?)[ \t\u3000]*$"
)
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?P<block>.*?)\n---[ \t]*(?:\n|\Z)", re.S)


@dataclass
class Record:
    """One labelled article: its fields, where its title line starts (`start`) and where its text
    lies in the page (`body_start`, `end`: offsets; the text is the page's lines in between)."""

    fields: dict[str, str] = field(default_factory=dict)
    start: int = 0
    body_start: int = 0
    end: int = 0
    labelled_body: bool = False  # the text was introduced by "正文：" or the like


def labelled(line: str) -> tuple[str, str, int] | None:
    """(field, value, where the value starts in the line) for a labelled line such as
    "日期：2022-11-08" or "【标题】…", else None."""
    match = _LABELLED.match(line)
    if match is None:
        return None
    key = (match["k1"] or match["k2"]).strip()
    name = KEYS.get(key) or KEYS.get(key.lower())
    return (name, match["value"], match.start("value")) if name else None


def front_matter(text: str) -> tuple[dict[str, str], int]:
    """The fields of a leading `---` block and the offset where the page proper starts; ({}, 0)
    when there is none."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, 0
    fields: dict[str, str] = {}
    for line in match["block"].split("\n"):
        found = labelled(line)
        if found and found[1]:
            fields.setdefault(found[0], found[1].strip("\"'"))
    return (fields, match.end()) if fields else ({}, 0)


def with_front_matter(page: Page) -> Page:
    """`page` with the `date:` of its front matter as its metadata date (source "front-matter"),
    unless its reader found one already."""
    fields, _ = front_matter(page.text)
    date = labelled_date(fields["date"], source="front-matter") if fields.get("date") else None
    if date is None or page.metadata.date is not None:
        return page
    return replace(page, metadata=replace(page.metadata, date=date))


def records(text: str, *, start: int = 0) -> list[Record]:
    """The labelled articles of `text` from `start`: each opens at a title line, takes the labelled
    lines right after it as its fields and the lines up to the next title line as its text. None
    when the text has no title line followed by another labelled line or text."""
    found: list[Record] = []
    offset = start
    current: Record | None = None
    in_header = False
    for raw in text[start:].split("\n"):
        line_end = offset + len(raw)
        entry = labelled(raw) if raw.strip() else None
        if entry is not None and entry[0] == "title" and entry[1]:
            if current is not None:
                current.end = offset
            current = Record({"title": entry[1]}, start=offset, body_start=line_end, end=len(text))
            found.append(current)
            in_header = True
        elif current is not None and in_header and raw.strip():
            if entry is not None and entry[0] != "title":
                if entry[0] == "body":  # "正文：" alone, or with the text's first words after it
                    in_header, current.labelled_body = False, True
                    current.body_start = offset + entry[2] if entry[1] else line_end
                else:
                    current.fields.setdefault(entry[0], entry[1])
                    current.body_start = line_end
            else:
                in_header = False  # the text begins
        offset = line_end + 1
    # a lone "题目：…" inside a printed story is not an export: a single record must carry another
    # label (作者, 日期, 正文 …) or open the file
    if len(found) == 1 and len(found[0].fields) == 1 and not found[0].labelled_body:
        if text[start : found[0].start].strip():
            return []
    return found
