"""Word documents (headings by style) and scans read by OCR behind --ocr."""

from __future__ import annotations

import difflib

import pytest
from format_fixtures import FORMATS, assert_blocks_are_page_text, block_texts, cases, printed, stories_of  # noqa: F401

from index.errors import UnreadableFileError
from index.reader import BlockRole, TextSource, read_page


@pytest.mark.parametrize("name", cases("docx"))
def test_word_document_gives_a_story_per_heading_1(name):
    page = read_page(FORMATS / name)
    stories = stories_of(name)

    assert page.text_source is TextSource.DOCX
    blocks = [b for b in page.blocks if b.role is BlockRole.STORY]
    assert len(blocks) == len(stories)
    for block, story in zip(blocks, stories, strict=True):
        inside = [b for b in page.blocks if block.start <= b.start and b.end <= block.end and b is not block]
        roles = {role: [page.text[b.start : b.end] for b in inside if b.role is role] for role in BlockRole}
        assert roles[BlockRole.HEADLINE] == [story["title"]]
        assert roles[BlockRole.KICKER] == ([story["kicker"]] if story.get("kicker") else [])
        assert roles[BlockRole.SUBTITLE] == ([story["subtitle"]] if story.get("subtitle") else [])
        expected = ([story["byline"]] if story.get("byline") else []) + story["paragraphs"]
        expected += [story["credit"]] if story.get("credit") else []
        assert roles[BlockRole.PARAGRAPH] == expected
    assert_blocks_are_page_text(page)


def test_a_lower_heading_inside_a_story_is_a_subheading_not_a_story():
    page = read_page(FORMATS / "docx/page-002.docx")
    assert block_texts(page, BlockRole.SUBHEADING) == ["项目建设跑出加速度"]
    assert len([b for b in page.blocks if b.role is BlockRole.STORY]) == 1


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, "".join(a.split()), "".join(b.split()), autojunk=False).ratio()


@pytest.fixture(scope="module")
def scan_source(printed) -> str:  # noqa: F811
    """What the scanned crop shows: the start of the printed page's text layer."""
    page = read_page(printed / "pdf/print-004.pdf")
    story = stories_of("pdf/print-004.pdf")[0]
    end = page.text.index(story["paragraphs"][-1]) + len(story["paragraphs"][-1])
    return page.text[:end]


def test_a_scanned_image_is_read_by_ocr_and_marked_as_such(printed, scan_source):  # noqa: F811
    page = read_page(printed / "scan/crop-004.png", ocr=True)

    assert page.text_source is TextSource.OCR
    assert _similarity(page.text, scan_source) > 0.9
    story = stories_of("pdf/print-004.pdf")[0]
    [headline] = block_texts(page, BlockRole.HEADLINE)
    assert _similarity(headline, story["title"]) > 0.85
    assert_blocks_are_page_text(page)


def test_scans_need_ocr_and_a_pdf_scan_is_read_with_it(printed, scan_source):  # noqa: F811
    with pytest.raises(UnreadableFileError, match=r"^crop-004\.png: .*index with --ocr"):
        read_page(printed / "scan/crop-004.png")
    with pytest.raises(UnreadableFileError, match=r"^scan\.pdf: the PDF has no text layer \(a scan\); index with --ocr"):
        read_page(printed / "scan/scan.pdf")
    page = read_page(printed / "scan/scan.pdf", ocr=True)
    assert page.text_source is TextSource.OCR and _similarity(page.text, scan_source) > 0.9


def test_without_the_ocr_engine_installed_each_scan_says_how_to_get_it(printed, monkeypatch):  # noqa: F811
    import sys

    from index.formats import ocr

    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # as if it were not installed
    ocr.engine.cache_clear()
    try:
        with pytest.raises(UnreadableFileError) as error:
            read_page(printed / "scan/crop-004.png", ocr=True)
    finally:
        ocr.engine.cache_clear()
    assert str(error.value) == ("crop-004.png: OCR needs the rapidocr-onnxruntime package; install it with "
                                "`pip install -e '.[ocr]'`.")


def test_a_pdf_mixing_text_pages_and_scans_reads_the_scans_only_with_ocr(printed, scan_source, tmp_path):  # noqa: F811
    import pypdfium2

    mixed = pypdfium2.PdfDocument(printed / "pdf/print-002.pdf")
    mixed.import_pages(pypdfium2.PdfDocument(printed / "scan/scan.pdf"))
    path = tmp_path / "mixed.pdf"
    mixed.save(path)
    mixed.close()
    printed_story = stories_of("pdf/print-002.pdf")[0]

    without = read_page(path)
    assert without.text_source is TextSource.PDF and printed_story["title"] in without.text
    assert stories_of("pdf/print-004.pdf")[0]["title"] not in without.text
    with_ocr = read_page(path, ocr=True)
    assert with_ocr.text_source is TextSource.OCR  # one file, one mark: some of its text is OCR text
    assert with_ocr.text.startswith(without.text.rstrip("\n"))
    assert _similarity(with_ocr.text[len(without.text) :], scan_source) > 0.9
