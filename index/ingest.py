"""A page → its dated articles: stories (index/segment), a page date (index/dates), each story
dated by its dateline. `build_index` runs this for every file of a corpus."""

from __future__ import annotations

from pathlib import Path

from index.dates import resolve_article_date, resolve_page_date
from index.formats.records import with_front_matter
from index.reader import Page, load_sidecar, read_page
from index.records import Article, ArticleDate
from index.segment import Story, segment


def split_page(page: Page, *, page_date: ArticleDate | None = None, sidecar: dict | None = None) -> list[Article]:
    """The articles of `page`, in page order; ids `<file stem>#001`, `#002`, …

    `page_date` is the page's date when already known; by default it is found from the page
    (`sidecar`: its manifest entry) and, failing that, inferred from its stories' datelines.
    """
    page = with_front_matter(page)
    stories = segment(page)
    if page_date is None:
        page_date = _page_date(page, stories, sidecar=sidecar)
    stem = Path(page.source).stem
    return [
        story.article(id=f"{stem}#{n:03d}", source=page.source,
                      date=resolve_article_date(story.dateline, story.stated_date or page_date))
        for n, story in enumerate(stories, 1)
    ]  # fmt: skip


def date_of_page(page: Page, *, sidecar: dict | None = None) -> ArticleDate:
    """The date `split_page` gives the page: what states it, or an inference from its datelines."""
    page = with_front_matter(page)
    return _page_date(page, segment(page), sidecar=sidecar)


def parse_file(path: Path, *, sidecar: dict | None = None) -> list[Article]:
    """Read, date and split one file. `sidecar` is the file's manifest entry; when None, the
    `newsqa-manifest.json` next to the file is consulted."""
    page = read_page(path)
    if sidecar is None:
        sidecar = load_sidecar(Path(path).parent).get(page.source)
    return split_page(page, sidecar=sidecar)


def _page_date(page: Page, stories: list[Story], *, sidecar: dict | None) -> ArticleDate:
    printed = [s for s in stories if s.stated_date is None]
    datelines = [s.dateline for s in printed if s.dateline is not None]
    return resolve_page_date(page, sidecar=sidecar, datelines=datelines, openings=[s.opening for s in printed])
