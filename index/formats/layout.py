"""How readers of formats with layout lay a page out as text, and mark what the layout knows.

Every reader writes the same shape: one line per headline, byline or paragraph (a paragraph's
own line breaks removed, runs of white space made one space), stories separated by a blank line.
That is how a plain-text page of one paragraph a line looks, so segmentation reads any page by
its lines; what the layout adds — that a line is a headline, where a story starts and ends,
which column it stood in and how large it was printed — goes into `Block`s over that text.
"""

from __future__ import annotations

import re

from index.reader import Block, BlockRole

_SPACE = re.compile(r"\s+")


def clean_line(text: str) -> str:
    """One line of page text: white space runs (line breaks, &nbsp;, ideographic spaces inside a
    line) become one space, none at either end."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()


class PageBuilder:
    """Accumulates lines and their roles; `text()` and `blocks()` give the page."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._newlines = 0  # line breaks at the end of the text so far
        self._blocks: list[Block] = []
        self._story_start: int | None = None
        self._story_lines = 0

    def line(self, text: str, role: BlockRole, *, column: int | None = None, size: float | None = None) -> Block | None:
        """Add one line; None (and nothing added) when it holds no text."""
        text = clean_line(text)
        if not text:
            return None
        if self._length and not self._newlines:
            self._append("\n")
        start = self._length
        self._append(text)
        block = Block(start, start + len(text), role, column=column, size=None if size is None else round(size, 2))
        self._blocks.append(block)
        self._story_lines += 1
        return block

    def start_story(self) -> None:
        self.end_story()
        self.separate()
        self._story_start = self._length
        self._story_lines = 0

    def end_story(self) -> None:
        """Close the open story: a STORY block over its lines, if it has any."""
        if self._story_start is not None and self._story_lines:
            start = self._story_start
            self._blocks.append(Block(start, self._length - self._newlines, BlockRole.STORY))
        self._story_start = None

    def separate(self) -> None:
        """A blank line, so that the next line visibly starts a new group."""
        if self._length and self._newlines < 2:
            self._append("\n" * (2 - self._newlines))

    @property
    def has_text(self) -> bool:
        """Whether any line other than page furniture was added."""
        return any(b.role not in (BlockRole.FURNITURE, BlockRole.STORY) for b in self._blocks)

    def text(self) -> str:
        body = "".join(self._parts).rstrip("\n")
        return body + "\n" if body else ""

    def blocks(self) -> tuple[Block, ...]:
        self.end_story()
        return tuple(sorted(self._blocks, key=lambda b: (b.start, b.role is not BlockRole.STORY, b.end)))

    def _append(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)
        stripped = piece.rstrip("\n")
        self._newlines = (self._newlines + len(piece)) if not stripped else len(piece) - len(stripped)
