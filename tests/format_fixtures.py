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
    """Every block is a span of the page text with no white space at its ends, inside the text;
    every line block lies inside a STORY block when the page has stories."""
    from index.reader import BlockRole

    stories = [b for b in page.blocks if b.role is BlockRole.STORY]
    for block in page.blocks:
        assert 0 <= block.start < block.end <= len(page.text)
        span = page.text[block.start : block.end]
        assert span == span.strip(), block
        if block.role is not BlockRole.STORY:
            assert "\n" not in span, block
            if stories and block.role is not BlockRole.FURNITURE:
                assert any(s.start <= block.start and block.end <= s.end for s in stories), block
