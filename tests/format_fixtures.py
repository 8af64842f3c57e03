"""The format fixtures (tests/fixtures/make_formats.py): committed HTML and DOCX pages, printed PDF
pages and scans made once per test session by Chromium, and the hand-checked stories they hold."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FORMATS = FIXTURES / "formats"
sys.path.insert(0, str(FIXTURES))

import make_formats  # noqa: E402

EXPECTED: dict[str, dict] = json.loads((FORMATS / "expected.json").read_text(encoding="utf-8"))
STORIES: dict[str, dict] = {
    f"{page['source']}#{n}": story for page in make_formats.load_pages() for n, story in enumerate(page["stories"])
}


def cases(kind: str) -> list[str]:
    return sorted(name for name, case in EXPECTED.items() if case["kind"] == kind)


def stories_of(name: str) -> list[dict]:
    return [STORIES[ref] for ref in EXPECTED[name]["stories"]]


@pytest.fixture(scope="session")
def printed(tmp_path_factory) -> Path:
    """The printed pages (pdf/print-NNN.pdf, pdf/print-swapped.pdf) and scans (scan/…)."""
    return make_formats.make_printed(tmp_path_factory.mktemp("printed"))


def block_texts(page, role) -> list[str]:
    return [page.text[b.start : b.end] for b in page.blocks if b.role is role]


def assert_blocks_are_page_text(page) -> None:
    """Every block is a span of the page text with no white space at its ends; a line block is one
    line; stories do not overlap, and a line block is wholly inside a story or wholly outside."""
    from index.reader import BlockRole

    stories = sorted((b for b in page.blocks if b.role is BlockRole.STORY), key=lambda b: b.start)
    for first, second in zip(stories, stories[1:]):
        assert first.end < second.start
    for block in page.blocks:
        assert 0 <= block.start < block.end <= len(page.text)
        span = page.text[block.start : block.end]
        assert span == span.strip(), block
        if block.role is not BlockRole.STORY:
            assert "\n" not in span, block
            for story in stories:
                inside = story.start <= block.start and block.end <= story.end
                outside = block.end <= story.start or block.start >= story.end
                assert inside or outside, (block, story)
