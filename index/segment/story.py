"""`Story`: one story of a page as segmentation finds it, before it is dated; `StoryPlan`: which
lines make it, while the page is being planned."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from index.dates import Dateline
from index.records import Article, ArticleDate


class StoryKind(str, Enum):
    NEWS = "news"
    COLUMN = "column"  # a label such as 今日评论, a title, the author's name
    CAPTION = "caption"  # photo news closed by a "记者 … 摄" credit


@dataclass(frozen=True)
class Story:
    """Headline, kicker, byline and dateline of a story, and its text: verbatim page text from
    `page_start` to `page_end` with the `joins` (article offset, removed page text) taken out.
    `opening` is the lead's opening words, where a dateline stands; `stated_date` is a date the
    export labels the story with (日期：…), if any. `head_start` and `title_start` are page offsets
    of its first head line and of its headline's line."""

    title: str
    kicker: str | None
    byline: str | None
    kind: StoryKind
    text: str
    page_start: int
    page_end: int
    joins: tuple[tuple[int, str], ...] = ()
    dateline: Dateline | None = None
    opening: str = ""
    head_start: int | None = None  # where the story's head (kicker, headline) starts in the page
    title_start: int | None = None  # where its headline's line starts, when the title was printed
    stated_date: ArticleDate | None = None

    def article(self, *, id: str, source: str, date: ArticleDate) -> Article:
        return Article(
            id=id, source=source, title=self.title, kicker=self.kicker, byline=self.byline, date=date,
            text=self.text, kind=self.kind.value, page_start=self.page_start, page_end=self.page_end,
            joins=self.joins,
        )  # fmt: skip


@dataclass(frozen=True)
class StoryPlan:
    first: int  # first line of the story's head (kicker or title) or text
    text_first: int
    kind: StoryKind = StoryKind.NEWS
    title: str | None = None
    kicker: str | None = None
    byline: str | None = None
    run: tuple[int, int] | None = None  # the head lines (inclusive)
    last: int | None = None  # fixed last line (captions); else up to the next story
    title_line: int | None = None  # the line the title was printed on, if it was

    def heads(self, i: int) -> bool:
        """True if line `i` is one of this story's head lines."""
        return self.run is not None and self.run[0] <= i <= self.run[1]

    def as_caption(self, credit: str, last: int) -> StoryPlan:
        return replace(self, kind=StoryKind.CAPTION, byline=credit, last=last)
