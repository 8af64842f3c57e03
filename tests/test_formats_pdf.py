"""PDF pages of a printed edition (printed by Chromium from the bundled pages): text in reading
order across columns, headlines and kickers by type size, columns and running heads as blocks."""

from __future__ import annotations

import pytest
from format_fixtures import assert_blocks_are_page_text, block_texts, cases, printed, stories_of  # noqa: F401

from index.reader import BlockRole, TextSource, read_page


def squash(text: str) -> str:
    # a space where a line wrapped is not painted, so the text layer has none (2019 年 12 月|19 日)
    return "".join(text.split())


def _in_order(text: str, pieces: list[str]) -> bool:
    at = 0
    for piece in pieces:
        found = text.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


@pytest.mark.parametrize("name", cases("pdf"))
def test_printed_page_reads_in_reading_order_with_its_headlines(printed, name):  # noqa: F811
    page = read_page(printed / name)
    stories = stories_of(name)

    assert page.text_source is TextSource.PDF
    lines = [squash(line) for line in page.text.splitlines()]
    paragraphs = [squash(p) for story in stories for p in story["paragraphs"]]
    # every paragraph is one line of the page text, across column and page breaks, in order
    assert all(p in lines for p in paragraphs), [p[:20] for p in paragraphs if p not in lines]
    pieces = [squash(piece) for s in stories for piece in [s.get("title") or ""] + s["paragraphs"]]
    assert _in_order(squash(page.text), pieces)
    titles = [s["title"] for s in stories if s.get("title")]
    assert block_texts(page, BlockRole.HEADLINE) == titles
    assert block_texts(page, BlockRole.KICKER) == [s["kicker"] for s in stories if s.get("kicker")]
    heads = [b for b in page.blocks if b.role is BlockRole.HEADLINE]
    assert all(b.size >= 1.8 for b in heads)  # set in 21 pt over a 10.5 pt body
    body = [b for b in page.blocks if b.role is BlockRole.PARAGRAPH and squash(page.text[b.start : b.end]) in paragraphs]
    assert len(body) == len(paragraphs)
    assert {b.column for b in body} >= {1, 2} and all(abs(b.size - 1.0) < 0.05 for b in body)
    # the running head (paper, date, page number) is furniture, not article text
    assert block_texts(page, BlockRole.FURNITURE)[:3] == ["周口日报", page.text.splitlines()[1], "第3版"]
    assert_blocks_are_page_text(page)


def test_stories_side_by_side_are_read_story_by_story_whatever_the_file_order(printed):  # noqa: F811
    # the file holds the right-hand story first; reading order is the left one, then the right
    page = read_page(printed / "pdf/print-swapped.pdf")
    left, right = stories_of("pdf/print-swapped.pdf")
    text = page.text
    assert text.index(left["title"]) < text.index(left["paragraphs"][-1]) < text.index(right["title"])
    columns = {page.text[b.start : b.end]: b.column for b in page.blocks if b.role is BlockRole.HEADLINE}
    assert columns == {left["title"]: 1, right["title"]: 2}


def test_indexed_pdf_articles_are_the_printed_stories(printed, tmp_path):  # noqa: F811
    from index.embedding import HashingEncoder
    from index.pipeline import build_index
    from index.store import IndexStore

    report = build_index([printed / "pdf/print-004.pdf"], index_dir=tmp_path / "index", encoder=HashingEncoder(),
                         progress=False)
    assert not report.errors
    articles = list(IndexStore.load(tmp_path / "index").articles.values())
    assert [a.title for a in articles] == [s["title"] for s in stories_of("pdf/print-004.pdf")]
    assert {a.text_source for a in articles} == {"pdf"}
    # the printed page date in the running head dates the page
    assert {a.date.iso()[:7] for a in articles} == {"2022-03"}
