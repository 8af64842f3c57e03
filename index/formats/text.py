"""Markdown marks on the lines of a plain-text or Markdown page.

Plain text has no marks; Markdown adds headings (`## 标题`) and emphasis (`**本报讯**`). Only
paired marks are emphasis (as in CommonMark, `__` not inside a word): a lone `__` or `**` in a
headline is text, e.g. code or markup printed on the page, and is shown as printed.
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
EMPHASIS = re.compile(r"\*\*(?=\S)(?P<a>.+?)(?<=\S)\*\*|(?<!\w)__(?=\S)(?P<b>.+?)(?<=\S)__(?!\w)")
#: the marks an emphasised run may open or close with, for patterns that read around them
EMPHASIS_MARK = r"(?:\*\*|__)"


def heading(line: str) -> tuple[int, str] | None:
    """(level, text) of a Markdown heading line (`## 标题 ##` → (2, `标题`), emphasis removed);
    None for any other line, and for marks with no words (`## #`)."""
    match = _HEADING.match(line)
    if match is None:
        return None
    text = unemphasized(match.group(2)).strip()
    # marks with no words (`## #`) head nothing: the line is text as printed
    return (len(match.group(1)), text) if text else None


def unemphasized(text: str) -> str:
    """`text` without paired emphasis marks: `**本报讯**（记者 甲）` → `本报讯（记者 甲）`."""
    return EMPHASIS.sub(lambda m: m.group("a") or m.group("b"), text)
