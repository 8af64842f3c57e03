"""PDF pages of a printed edition, read from their text layer by PDFium (pypdfium2).

A PDF's text runs in whatever order the program that made it wrote it, which on a newspaper page
is often not reading order. So the text is ordered by position: characters make lines, lines
that stand one under another in the same type make blocks (a column of a story, a headline),
and the blocks are read by recursive XY-cut — bands top to bottom wherever white space crosses
the page, columns left to right inside a band. benchmarks/formats.py compares this with
pdfplumber's and pdfminer.six's text in reading order and speed.

Blocks keep what the layout shows: type much larger than the body text is a HEADLINE (a smaller
head right above it a KICKER, right below it a SUBTITLE, elsewhere a SUBHEADING), the column a
block stood in, its size relative to the body, and running heads and feet at the page's top and
bottom edge are FURNITURE. A paragraph is one line of the page text; it ends where a line stops
short of its column's edge or the next line is indented, and carries on across a column or page
break otherwise.

Pages without a text layer (scans) are read by OCR when asked (`newsqa index --ocr`); in a file
that mixes them with text pages, they are left out without it.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import UnreadableFileError
from index.formats.layout import PageBuilder
from index.reader import BlockRole, Page, PageMetadata, TextSource


_HEADLINE_RATIO = 1.45  # type this much larger than the body is a headline
_HEAD_RATIO = 1.08  # larger than the body: a kicker, subtitle or sub-heading
_EDGE = 0.06  # running heads and feet sit within this share of the page height of its edge
_MIN_TEXT_CHARS = 8  # a page with fewer recognisable characters has no text layer


@dataclass
class _Line:
    x0: float
    y0: float  # bottom (PDF coordinates grow upwards)
    x1: float
    y1: float  # top
    size: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class _Box:
    lines: list[_Line] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)

    @property
    def y0(self) -> float:
        return min(line.y0 for line in self.lines)

    @property
    def y1(self) -> float:
        return max(line.y1 for line in self.lines)

    @property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines)


@dataclass
class _Placed:
    """A block in reading order, with its page, column and role-relevant facts."""

    box: _Box
    page: int
    column: int | None
    furniture: bool


def open_pdf(path: Path, raw: bytes):
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(raw)
    except pypdfium2.PdfiumError as error:
        message = str(error).lower()
        if "password" in message:
            raise UnreadableFileError(
                f"{path.name}: the PDF is encrypted (password-protected); save an unprotected copy to index it."
            ) from None
        found = re.search(r"PDFium: ([^)]+)", str(error))
        why = found.group(1).lower() if found else str(error).rstrip(".")
        raise UnreadableFileError(f"{path.name}: the PDF is damaged and cannot be read ({why}).") from None


def read_pdf(path: Path, raw: bytes, *, sha256: str, ocr: bool = False) -> Page:
    """The page of a PDF file: its text layer in reading order; pages without one by OCR when
    `ocr`, else UnreadableFileError."""
    pdf = open_pdf(path, raw)
    try:
        pages, heights = [], []
        for n in range(len(pdf)):  # loading a page parses its content: once each
            page = pdf[n]
            pages.append(_page_lines(page))
            heights.append(page.get_height())
            page.close()
        if not pages:
            raise UnreadableFileError(f"{path.name}: the PDF has no pages.")
        scanned = [n for n, (lines, _) in enumerate(pages) if sum(len(line.text.strip()) for line in lines) < _MIN_TEXT_CHARS]
        if len(scanned) == len(pages):
            if not ocr:
                raise UnreadableFileError(
                    f"{path.name}: the PDF has no text layer (a scan); index with --ocr to read it by OCR."
                )
            from index.formats.ocr import ocr_pdf

            return ocr_pdf(path, pdf, sha256=sha256)
        source, sizes = TextSource.PDF, TEXT_LAYER
        if scanned and ocr:
            # some pages are scans: recognised, and the whole file marked as OCR text, since a
            # citation cannot tell which page its quote came from
            from index.formats.ocr import recognised_pdf_page

            for n in scanned:
                pages[n] = (recognised_pdf_page(path, pdf[n]), 0)
            source, sizes = TextSource.OCR, RECOGNISED
        title = (pdf.get_metadata_dict().get("Title") or "").strip() or None
    finally:
        pdf.close()
    builder = PageBuilder()
    lay_out(builder, [(lines, height) for (lines, _), height in zip(pages, heights)], sizes=sizes)
    if not builder.has_text:
        raise UnreadableFileError(f"{path.name}: the PDF's text layer holds no text.")
    blocks = builder.blocks()
    if sum(1 for b in blocks if b.role is BlockRole.HEADLINE) > 1:
        title = None  # a page of several stories: the file's title is not any one story's
    return Page(source=path.name, path=path, text=builder.text(), encoding="pdf", sha256=sha256,
                text_source=source, metadata=PageMetadata(title=_useful_title(title)), blocks=blocks)


def _useful_title(title: str | None) -> str | None:
    # tools write the file name or their own name as Title; only a title with CJK text says something
    if title and any("\u4e00" <= ch <= "\u9fff" for ch in title):
        return title
    return None


def _page_lines(page) -> tuple[list[_Line], int]:
    """The page's text lines (in the file's order) and its character count."""
    import pypdfium2.raw as pdfium

    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        lines: list[_Line] = []
        current: list[tuple[str, float, float, float, float, float]] = []
        for i in range(count):
            code = pdfium.FPDFText_GetUnicode(textpage.raw, i)
            if code in (0, 0xFFFE, 0x0A, 0x0D):
                continue
            if pdfium.FPDFText_IsGenerated(textpage.raw, i) == 1 and code != 0x20:
                continue  # PDFium's own line breaks; its generated spaces stand for gaps in the line
            char = chr(code)
            # loose boxes span the font's ascent and descent, so "，" and "”" sit on their line
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            size = pdfium.FPDFText_GetFontSize(textpage.raw, i) or (top - bottom) or 1.0
            if char.isspace():
                if current:
                    current.append((" ", current[-1][3], bottom, current[-1][3] + size * 0.3, top, size))
                continue
            if current and not _same_line(current[-1], (left, bottom, right, top, size)):
                lines.append(_make_line(current))
                current = []
            current.append((char, left, bottom, right, top, size))
        if current:
            lines.append(_make_line(current))
        return [line for line in lines if line.text.strip()], count
    finally:
        textpage.close()


def _same_line(previous, char) -> bool:
    _, p_left, p_bottom, p_right, p_top, p_size = previous
    left, bottom, right, top, size = char
    # on one line the boxes share most of their height (a fallback font's box for "—" sits a
    # little higher or lower than the CJK font's)
    overlap = min(top, p_top) - max(bottom, p_bottom)
    shared = overlap >= 0.5 * min(top - bottom, p_top - p_bottom)
    # moving on to the right, or within the previous glyph's box (one glyph drawn for "——")
    return shared and left >= p_left - 0.25 * size and left - p_right < 1.5 * max(size, p_size)


def _make_line(chars) -> _Line:
    while chars and chars[-1][0] == " ":
        chars = chars[:-1]
    glyphs = [c for c in chars if c[0] != " "]
    return _Line(
        x0=min(c[1] for c in glyphs),
        y0=min(c[2] for c in glyphs),
        x1=max(c[3] for c in glyphs),
        y1=max(c[4] for c in glyphs),
        size=statistics.median(c[5] for c in glyphs),
        text="".join(c[0] for c in chars),
    )


# --- blocks and reading order -------------------------------------------------------------------


def _blocks(lines: list[_Line], *, tolerance: float) -> list[_Box]:
    """Lines that stand one under another in the same type, close together, make one block."""
    order = sorted(range(len(lines)), key=lambda i: (-lines[i].y1, lines[i].x0))
    parent = list(range(len(lines)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a_pos, a in enumerate(order):
        upper = lines[a]
        for b in order[a_pos + 1 :]:
            lower = lines[b]
            gap = upper.y0 - lower.y1
            if gap > 1.2 * upper.size:
                break
            if gap < -0.3 * upper.size:
                continue  # same row: side by side, not one under the other
            overlap = min(upper.x1, lower.x1) - max(upper.x0, lower.x0)
            narrower = min(upper.x1 - upper.x0, lower.x1 - lower.x0)
            if overlap > 0.5 * narrower and abs(upper.size - lower.size) <= tolerance * upper.size:
                parent[root(b)] = root(a)
                break
    groups: dict[int, _Box] = {}
    for i in order:
        groups.setdefault(root(i), _Box()).lines.append(lines[i])
    for box in groups.values():
        box.lines.sort(key=lambda line: (-line.y1, line.x0))
    return list(groups.values())


def _xy_cut(boxes: list[_Box], *, column: int | None = None) -> list[tuple[_Box, int | None]]:
    """Boxes in reading order, by recursive XY-cut: the group is cut at its widest white gap that
    no box crosses — across the page (top part first) or down it (left part first) — and each
    part is cut again. Cutting at the widest gap first reads two stories side by side, each
    under its own headline, story by story rather than headline row first."""
    if len(boxes) <= 1:
        return [(box, column) for box in boxes]
    across, down = _widest_gap(boxes, horizontal=True), _widest_gap(boxes, horizontal=False)
    if across is None and down is None:
        return [(box, column) for box in sorted(boxes, key=lambda b: (-b.y1, b.x0))]
    if down is not None and (across is None or down[0] > across[0]):
        at = down[1]
        left = [b for b in boxes if b.x1 <= at]
        right = [b for b in boxes if b.x1 > at]
        first = column or 1
        return _xy_cut(left, column=first) + _xy_cut(right, column=first + _columns(left))
    at = across[1]
    return _xy_cut([b for b in boxes if b.y0 >= at], column=column) + _xy_cut([b for b in boxes if b.y0 < at], column=column)


def _columns(boxes: list[_Box]) -> int:
    """How many columns side by side a group holds (its most down-cuts in one band, plus one)."""
    down = _widest_gap(boxes, horizontal=False)
    if down is None:
        return 1
    at = down[1]
    return _columns([b for b in boxes if b.x1 <= at]) + _columns([b for b in boxes if b.x1 > at])


def _widest_gap(boxes: list[_Box], *, horizontal: bool) -> tuple[float, float] | None:
    """(width, position) of the widest gap no box crosses: a horizontal gap (position: a y
    between the parts) or a vertical one (an x); None when every gap is crossed."""
    if horizontal:
        spans = sorted(((-box.y1, -box.y0) for box in boxes))
    else:
        spans = sorted(((box.x0, box.x1) for box in boxes))
    best = None
    reach = spans[0][1]
    for start, end in spans[1:]:
        if start > reach and (best is None or start - reach > best[0]):
            middle = (start + reach) / 2
            best = (start - reach, -middle if horizontal else middle)
        reach = max(reach, end)
    return best


# --- page text ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """How sizes are told apart: `tolerance` is the share by which lines of one block may differ,
    `head` the ratio to the body size from which a line is a head (kicker, subtitle, sub-head)."""

    tolerance: float = 0.12
    head: float = _HEAD_RATIO


TEXT_LAYER = Sizes()
# An OCR box is as tall as the line's tallest glyph: quotes and brackets make a line of body text
# up to a fifth taller than its neighbours, so sizes are compared more loosely.
RECOGNISED = Sizes(tolerance=0.3, head=1.3)


def lay_out(builder: PageBuilder, pages: list[tuple[list[_Line], float]], *, sizes: Sizes = TEXT_LAYER) -> None:
    placed: list[_Placed] = []
    for number, (lines, height) in enumerate(pages):
        for box, column in _xy_cut(_blocks(lines, tolerance=sizes.tolerance)):
            middle = (box.y0 + box.y1) / 2
            edge = middle > height * (1 - _EDGE) or middle < height * _EDGE
            placed.append(_Placed(box, number, column, edge))
    body = _body_size([p.box for p in placed if not p.furniture])
    roles = _roles(placed, body, head=sizes.head)
    paragraph: list[str] = []
    paragraph_info: tuple | None = None

    def flush() -> None:
        nonlocal paragraph, paragraph_info
        if paragraph:
            role, column, size = paragraph_info
            builder.line(join_lines(paragraph), role, column=column, size=size)
        paragraph, paragraph_info = [], None

    for n, item in enumerate(placed):
        role = roles[n]
        box = item.box
        size = box.size / body if body else None
        if role is not BlockRole.PARAGRAPH:
            flush()
            texts = [line.text.strip() for line in box.lines]
            builder.line(" ".join(texts) if role is BlockRole.FURNITURE else join_lines(texts), role,
                         column=item.column, size=size)
            continue
        for k, line in enumerate(box.lines):
            indented = line.x0 > box.x0 + 0.8 * line.size
            if paragraph and (indented or (k == 0 and not _continues(placed, roles, n, tolerance=sizes.tolerance))):
                flush()
            if not paragraph:
                paragraph_info = (role, item.column, size)
            paragraph.append(line.text.strip())
            if line.x1 < box.x1 - 1.5 * line.size:  # stops short of the column's edge: paragraph end
                flush()
    flush()


_WORD_END = re.compile(r"[A-Za-z0-9.,;:!?)\]]$")
_WORD_START = re.compile(r"^[A-Za-z0-9(\[]")


def join_lines(texts: list[str]) -> str:
    """A paragraph's printed lines as one line: Chinese runs on without a break; a space only
    where a line of Latin words or figures met the next one."""
    joined = ""
    for text in texts:
        if joined and _WORD_END.search(joined) and _WORD_START.search(text) and not joined[-1].isdigit():
            joined += " "
        joined += text
    return joined


def _continues(placed: list[_Placed], roles: list[BlockRole], n: int, *, tolerance: float) -> bool:
    """Whether block n carries on the paragraph the previous body block ended with (a column or
    page break inside a paragraph): the previous block's last line ran to its edge and this
    block's first line is not indented."""
    previous = next((k for k in range(n - 1, -1, -1) if roles[k] is BlockRole.PARAGRAPH), None)
    if previous is None or previous != n - 1 and any(roles[k] is not BlockRole.FURNITURE for k in range(previous + 1, n)):
        return False
    before, box = placed[previous].box, placed[n].box
    if len(before.lines) < 2:
        return False  # one line shows no column edge to have run to
    last, first = before.lines[-1], box.lines[0]
    full = last.x1 >= before.x1 - 1.5 * last.size
    return full and abs(before.size - box.size) <= tolerance * box.size and first.x0 <= box.x0 + 0.8 * first.size


def _body_size(boxes: list[_Box]) -> float:
    """The body type's size: the size most characters are set in."""
    weights: dict[float, int] = {}
    for box in boxes:
        for line in box.lines:
            key = round(line.size, 1)
            weights[key] = weights.get(key, 0) + len(line.text)
    return max(weights, key=weights.get) if weights else 0.0


def _roles(placed: list[_Placed], body: float, *, head: float) -> list[BlockRole]:
    roles = []
    for item in placed:
        ratio = item.box.size / body if body else 1.0
        if item.furniture:
            roles.append(BlockRole.FURNITURE)
        elif ratio >= _HEADLINE_RATIO:
            roles.append(BlockRole.HEADLINE)
        elif ratio >= head:
            roles.append(BlockRole.SUBHEADING)
        else:
            roles.append(BlockRole.PARAGRAPH)
    for n, role in enumerate(roles):
        if role is BlockRole.SUBHEADING:
            if n + 1 < len(roles) and roles[n + 1] is BlockRole.HEADLINE:
                roles[n] = BlockRole.KICKER
            elif n > 0 and roles[n - 1] is BlockRole.HEADLINE:
                roles[n] = BlockRole.SUBTITLE
    return roles
