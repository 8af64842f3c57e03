"""Word documents (.docx), read with python-docx: paragraphs in order, roles from their styles.

`Title` and `Heading 1` paragraphs are headlines (each opens a STORY block that runs to the next
one); a heading of a lower level right above a headline is its kicker, `Subtitle` (or a lower
heading right below the headline) its subtitle, other lower headings are sub-headings inside the
story; `Caption` is a caption. Tables are read row by row, after the paragraphs they follow.
The document's core properties give the title (of a one-story document) and author; their dates are when the file was
written, not when the story was published, so they date nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from index.errors import UnreadableFileError
from index.formats.layout import PageBuilder, clean_line
from index.reader import BlockRole, Page, PageMetadata, TextSource


_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)


def read_docx(path: Path, raw: bytes, *, sha256: str) -> Page:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise UnreadableFileError(f"{path.name}: the file is not a valid .docx document (not a zip package), or it is damaged.")
    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise UnreadableFileError(f"{path.name}: the .docx document is damaged ({type(error).__name__}).") from None
    except Exception as error:  # noqa: BLE001 — lxml and python-docx raise many kinds on broken parts
        raise UnreadableFileError(f"{path.name}: the .docx document cannot be read ({type(error).__name__}).") from None
    items = list(_items(document))
    builder = PageBuilder()
    levels = [level for _, level, _ in items if level]
    top = min(levels) if levels else None
    for n, (text, level, style) in enumerate(items):
        if level == top:
            if not (n > 0 and items[n - 1][1] is not None and items[n - 1][1] != top):
                builder.start_story()  # unless its kicker, right above, opened it
            builder.line(text, BlockRole.HEADLINE)
            continue
        if level is not None:
            if n + 1 < len(items) and items[n + 1][1] == top:
                builder.start_story()  # the kicker opens the story of the headline below it
                role = BlockRole.KICKER
            elif n > 0 and items[n - 1][1] == top:
                role = BlockRole.SUBTITLE
            else:
                role = BlockRole.SUBHEADING
        elif style == "subtitle":
            role = BlockRole.SUBTITLE
        elif style == "caption":
            role = BlockRole.CAPTION
        else:
            role = BlockRole.PARAGRAPH
        builder.line(text, role)
    builder.end_story()
    if not builder.has_text:
        raise UnreadableFileError(f"{path.name}: the .docx document holds no text.")
    properties = document.core_properties
    blocks = builder.blocks()
    # the document's title names its one story; a document of several stories is titled as a whole
    one_story = sum(1 for b in blocks if b.role is BlockRole.STORY) <= 1
    metadata = PageMetadata(title=(clean_line(properties.title or "") or None) if one_story else None,
                            byline=clean_line(properties.author or "") or None)
    return Page(source=path.name, path=path, text=builder.text(), encoding="docx", sha256=sha256,
                text_source=TextSource.DOCX, metadata=metadata, blocks=builder.blocks())


def _items(document):
    """(text, heading level or None, style kind) for each paragraph and table row, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = clean_line(block.text)
            if text:
                yield (text, *_style(block))
        elif isinstance(block, Table):
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    value = clean_line(cell.text)
                    if value and (not cells or cells[-1] != value):  # merged cells repeat
                        cells.append(value)
                if cells:
                    yield " ".join(cells), None, "table"


def _style(paragraph) -> tuple[int | None, str]:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    lowered = name.strip().lower()
    if lowered in ("title", "标题"):
        return 0, "title"
    match = _HEADING.match(lowered)
    if match:
        return int(match.group(1)), "heading"
    if lowered in ("subtitle", "副标题"):
        return None, "subtitle"
    if lowered in ("caption", "题注"):
        return None, "caption"
    return None, "body"
