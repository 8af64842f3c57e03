"""Reading corpus files: encodings, line endings, rejections with one clear sentence."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from index.errors import UnreadableFileError
from index.reader import MANIFEST_NAME, iter_corpus_files, load_sidecar, read_page

TEXT = "开发区召开会议。\n本报讯(记者 王晨)5月23日，会议强调要抓好项目建设。\n"


def write(tmp_path: Path, name: str, raw: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),  # GBK is a subset: decoded as GB18030
        (b"\xff\xfe" + TEXT.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # no BOM: the newlines' NUL bytes give it away
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_encodings_are_detected(tmp_path, raw, encoding):
    page = read_page(write(tmp_path, "page.txt", raw))
    assert page.text == TEXT
    assert page.encoding == encoding
    assert page.sha256 == hashlib.sha256(raw).hexdigest()
    assert page.source == "page.txt"


def test_line_endings_and_bom_are_normalized(tmp_path):
    raw = "\ufeff标题\r\n\r\n正文一。\r正文二。\n".encode()
    page = read_page(write(tmp_path, "page.md", raw))
    assert page.text == "标题\n\n正文一。\n正文二。\n"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf  \n\n", "only blank space"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary"),
        (bytes(range(1, 9)) * 20, "binary"),  # control characters without a NUL
        (b"\x81\xfe\x8f" * 30, "could not be recognised"),
    ],
)
def test_unusable_files_are_rejected_with_a_sentence(tmp_path, raw, why):
    with pytest.raises(UnreadableFileError) as error:
        read_page(write(tmp_path, "bad.txt", raw))
    message = str(error.value)
    assert message.startswith("bad.txt: ") and why in message and message.endswith(".")


def test_directory_missing_file_and_wrong_suffix_are_rejected(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(UnreadableFileError, match=r"^folder\.txt: is a directory"):
        read_page(tmp_path / "folder.txt")
    with pytest.raises(UnreadableFileError, match=r"^gone\.txt: the file does not exist"):
        read_page(tmp_path / "gone.txt")
    with pytest.raises(UnreadableFileError, match=r"^notes\.xyz: files of type \.xyz cannot be indexed; NewsQA reads"):
        read_page(write(tmp_path, "notes.xyz", b"x"))
    with pytest.raises(UnreadableFileError, match=r"^report\.doc: \.doc files cannot be read; save it as \.docx"):
        read_page(write(tmp_path, "report.doc", b"\xd0\xcf\x11\xe0"))


def test_unreadable_file_is_rejected(tmp_path, monkeypatch):
    path = write(tmp_path, "locked.txt", TEXT.encode())

    def denied(self):
        raise PermissionError(13, "Permission denied")

    # chmod cannot lock out root (tests may run as root), so the denial is simulated
    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(UnreadableFileError, match=r"^locked\.txt: .*permission denied"):
        read_page(path)


def test_iter_corpus_files_expands_directories(tmp_path):
    names = ["b.txt", "a.md", "sub/c.TXT", "page.html", "print.PDF", "scan.png", "story.docx", "notes.xyz",
             "report.doc", ".hidden/d.txt", MANIFEST_NAME]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    explicit = tmp_path / "notes.xyz"  # named: kept, so that reading it can say why it is refused
    files = iter_corpus_files([tmp_path, explicit, tmp_path / "a.md"])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "a.md", "b.txt", "page.html", "print.PDF", "scan.png", "story.docx", "sub/c.TXT", "notes.xyz"]


def test_load_sidecar(tmp_path):
    assert load_sidecar(tmp_path) == {}
    entry = {"date": "2022-10", "title": "特刊", "publication": "周口日报"}
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"pages": {"p.txt": entry}}), encoding="utf-8")
    assert load_sidecar(tmp_path) == {"p.txt": entry}


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("{not json", "not valid UTF-8 JSON"),
        ('{"pages": []}', '"pages" object'),
        ('{"pages": {"p.txt": {"date": "17/10/2022"}}}', "is not YYYY-MM-DD"),
    ],
)
def test_malformed_sidecar_is_an_error(tmp_path, content, why):
    (tmp_path / MANIFEST_NAME).write_text(content, encoding="utf-8")
    with pytest.raises(UnreadableFileError, match=why):
        load_sidecar(tmp_path)
