"""Files of the new formats that cannot be read: each gets one `failed:` line saying why, the
others are indexed, and `newsqa index` exits 3."""

from __future__ import annotations

import io
import zipfile

from format_fixtures import FORMATS, printed  # noqa: F401

GOOD = "html/article-000-00-og-meta.html"


def _broken_docx() -> bytes:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as package:
        package.writestr("word/document.xml", "<w:document/>")  # no [Content_Types].xml, no relationships
    return raw.getvalue()


def _bad_files(printed_dir) -> dict[str, tuple[bytes, str]]:
    """name → (bytes, what its one line must say)."""
    return {
        "encrypted.pdf": ((FORMATS / "bad/encrypted.pdf").read_bytes(), "the PDF is encrypted (password-protected)"),
        "scan.pdf": ((printed_dir / "scan/scan.pdf").read_bytes(),
                     "the PDF has no text layer (a scan); index with --ocr to read it by OCR"),
        "photo.png": ((printed_dir / "scan/crop-004.png").read_bytes(), "index with --ocr"),
        "truncated.pdf": ((printed_dir / "pdf/print-002.pdf").read_bytes()[:3000], "the PDF is damaged"),
        "menu.html": ('<html><body><ul><li><a href="/">首页</a></li><li><a href="/n">新闻</a></li></ul>'
                      "<div>Copyright © 2026</div></body></html>".encode(), "no article text was found"),
        "notzip.docx": (b"PK\x03\x04 this is not really a zip", "not a valid .docx document"),
        "broken.docx": (_broken_docx(), "the .docx document is damaged"),
        "empty.html": (b"", "is empty"),
    }


def test_each_bad_file_of_a_new_format_is_one_line_and_the_rest_is_indexed(newsqa, printed, tmp_path):  # noqa: F811
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "good.html").write_bytes((FORMATS / GOOD).read_bytes())
    (folder / "good.docx").write_bytes((FORMATS / "docx/page-002.docx").read_bytes())
    bad = _bad_files(printed)
    for name, (raw, _) in bad.items():
        (folder / name).write_bytes(raw)

    code, out, err = newsqa("index", folder, "--index-dir", tmp_path / "index", "--model", "hashing")

    assert code == 3, (out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert all(line.startswith("failed: ") for line in lines), err
    assert len(lines) == len(bad), err
    for name, (_, why) in bad.items():
        [line] = [line for line in lines if line.startswith(f"failed: {name}: ")]
        assert why in line and line.endswith("."), line
    assert "2 added" in out and f"{len(bad)} failed" in out


def test_an_unsupported_type_named_on_the_command_line_says_what_can_be_read(newsqa, tmp_path):
    (tmp_path / "good.html").write_bytes((FORMATS / GOOD).read_bytes())
    (tmp_path / "slides.pptx").write_bytes(b"PK\x03\x04")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    code, _, err = newsqa("index", tmp_path / "good.html", tmp_path / "slides.pptx", tmp_path / "old.doc",
                          "--index-dir", tmp_path / "index", "--model", "hashing")
    assert code == 3
    assert err.strip().splitlines() == [
        "failed: slides.pptx: files of type .pptx cannot be indexed; NewsQA reads .txt, .md, .html, .htm, .pdf, "
        ".docx and, with --ocr, images (.png, .jpg, .jpeg, .tif, .tiff).",
        "failed: old.doc: .doc files cannot be read; save it as .docx to index it.",
    ]


def test_ocr_reads_the_scans_and_a_later_build_without_it_keeps_them(newsqa, printed, tmp_path):  # noqa: F811
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes((printed / "scan/scan.pdf").read_bytes())
    (folder / "good.html").write_bytes((FORMATS / GOOD).read_bytes())
    index_dir = tmp_path / "index"

    code, out, err = newsqa("index", folder, "--ocr", "--index-dir", index_dir, "--model", "hashing")
    assert code == 0, err
    code, out, _ = newsqa("articles", "--index-dir", index_dir, "--json")
    import json

    sources = {json.loads(line)["source"]: json.loads(line)["text_source"] for line in out.splitlines()}
    assert sources == {"scan.pdf": "ocr", "good.html": "html"}
    # unchanged since it was read by OCR: kept without --ocr (and without a second OCR)
    code, out, err = newsqa("index", folder, "--index-dir", index_dir, "--model", "hashing")
    assert code == 0 and "Nothing changed" in out, (out, err)


def test_a_printed_edition_pdf_may_be_larger_than_a_text_page(printed, tmp_path):  # noqa: F811
    from index.reader import MAX_PAGE_BYTES, read_page

    path = tmp_path / "edition.pdf"  # fonts and images make PDFs far larger than their text
    path.write_bytes((printed / "pdf/print-002.pdf").read_bytes() + b"\n%" + b" " * MAX_PAGE_BYTES)
    assert "乘势而上谋突破" in read_page(path).text
