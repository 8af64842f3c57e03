"""Bad corpus files: each is refused with one clear line, the good ones are indexed, the exit
code says some failed (3), and the index that results is whole and self-consistent.

Permissions: the tests may run as root, whom `chmod 000` does not stop. The unreadable file is
therefore chmod-ed to 000 *and*, when running as root, its read is made to fail the way the
kernel fails it for everybody else (PermissionError from Path.read_bytes) — so the same test
checks the real denial as a normal user and the simulated one as root.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from index.paths import BUNDLED_CORPUS
from index.pipeline import build_index
from index.reader import MAX_PAGE_BYTES, iter_corpus_files
from index.store import IndexStore

BUNDLED = iter_corpus_files([BUNDLED_CORPUS])


def page_text(n: int) -> str:
    return BUNDLED[n].read_text(encoding="utf-8")


def truncated_utf8(text: str) -> bytes:
    """The text's UTF-8 bytes cut one byte into its last multi-byte character."""
    raw = text.encode("utf-8")
    last = max(i for i, b in enumerate(raw) if b >= 0xC0)  # lead byte of the last multi-byte char
    return raw[: last + 1]


def invalid_in_the_middle(text: str) -> bytes:
    raw = bytearray(text.encode("utf-8"))
    raw[len(raw) // 2 : len(raw) // 2 + 3] = b"\xff\xfe\xfd"
    return bytes(raw)


#: name → (bytes, what the one line must say)
BAD = {
    "empty.txt": (b"", "is empty"),
    "blank.txt": (b" \n\t\n", "only blank space"),
    "binary.txt": (bytes(range(256)) * 8, "binary"),
    "controls.txt": (bytes(range(1, 9)) * 40, "binary"),
    "truncated.txt": (truncated_utf8(page_text(0)[:400]), "truncated"),
    "garbled.txt": (invalid_in_the_middle(page_text(0)), "could not be recognised"),
    "scan.pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "the PDF is damaged"),
    "notes.xyz": (b"x", "cannot be indexed"),
}
#: legal but unusual encodings of the bundled pages: each must be indexed
GOOD = {
    "utf8.txt": lambda: page_text(0).encode("utf-8"),
    "gbk.txt": lambda: page_text(1).encode("gbk"),
    "gb18030.txt": lambda: (page_text(2) + "\n㐀䶵𠀀\n").encode("gb18030"),  # beyond GBK's repertoire
    "utf16.txt": lambda: page_text(3).encode("utf-16"),  # with BOM
    "utf16le.md": lambda: page_text(4).encode("utf-16-le"),  # no BOM
}


@pytest.fixture
def mixed_corpus(tmp_path) -> Path:
    folder = tmp_path / "pages"
    (folder / "nested").mkdir(parents=True)
    for name, make in GOOD.items():
        (folder / name).write_bytes(make())
    for name, (raw, _) in BAD.items():
        (folder / "nested" / name).write_bytes(raw)
    (folder / "locked.txt").write_text(page_text(0), encoding="utf-8")
    return folder


@pytest.fixture
def locked(monkeypatch, mixed_corpus):
    """Make pages/locked.txt unreadable, for real (non-root) or simulated (root)."""
    path = mixed_corpus / "locked.txt"
    path.chmod(0)
    if os.geteuid() == 0:
        real_read = Path.read_bytes

        def read_bytes(self):
            if self.name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real_read(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    yield path
    path.chmod(0o644)


def assert_consistent(index_dir: Path) -> IndexStore:
    """Every record of the live generation agrees with every other one."""
    store = IndexStore.load(index_dir)
    files = store.manifest["files"]
    assert {a.source for a in store.articles.values()} <= set(files)
    assert store.manifest["counts"] == {"files": len(files), "articles": len(store.articles), "chunks": len(store.chunks)}
    for chunk in store.chunks:
        article = store.articles[chunk.article_id]
        assert article.text[chunk.start : chunk.end] == chunk.text
        assert chunk.source == article.source
    assert store.vectors.shape == (len(store.chunks), store.dimension)
    assert sum(s.live_chunks for s in store.segments) == len(store.chunks)
    for segment in store.segments:  # each segment's FAISS index holds its rows, removed ones too
        assert segment.dense.ntotal == segment.chunk_count == len(segment.read_tokens())
    assert len(store.tokens()) == len(store.chunks)
    return store


def test_mixed_folder_indexes_the_good_and_names_each_bad_file_once(newsqa, mixed_corpus, locked, tmp_path):
    index_dir = tmp_path / "index"
    code, out, err = newsqa("index", mixed_corpus, "--index-dir", index_dir, "--model", "hashing")

    assert code == 3
    assert "Traceback" not in out + err
    failed = [line for line in err.splitlines() if line.startswith("failed: ")]
    expected = {**{name: why for name, (_, why) in BAD.items() if not name.endswith(".xyz")}, "locked.txt": "permission denied"}
    # files of a type no reader reads are not corpus inside a folder: skipped without a word
    assert len(failed) == len(expected), err
    for name, why in expected.items():
        [line] = [line for line in failed if line.startswith(f"failed: {name}: ")]
        assert why in line and line.endswith(".")
    assert f"{len(GOOD)} added" in out and f"{len(expected)} failed" in out

    store = assert_consistent(index_dir)
    assert set(store.manifest["files"]) == set(GOOD)
    assert {a.source for a in store.articles.values()} == set(GOOD)
    encodings = {name: entry["encoding"] for name, entry in store.manifest["files"].items()}
    assert encodings == {"utf8.txt": "utf-8", "gbk.txt": "gb18030", "gb18030.txt": "gb18030",
                         "utf16.txt": "utf-16-le", "utf16le.md": "utf-16-le"}


def test_each_bad_file_named_alone_is_one_line_and_exit_3(newsqa, tmp_path):
    (tmp_path / "good.txt").write_text(page_text(0), encoding="utf-8")
    for name, (raw, why) in BAD.items():
        (tmp_path / name).write_bytes(raw)
        code, out, err = newsqa("index", tmp_path / "good.txt", tmp_path / name,
                                "--index-dir", tmp_path / "index", "--model", "hashing")
        assert code == 3, (name, out, err)
        assert err.strip().splitlines() == [line for line in err.strip().splitlines() if line.startswith("failed: ")]
        [line] = err.strip().splitlines()
        assert line.startswith(f"failed: {name}: ") and why in line


def test_a_page_over_the_size_limit_is_refused_without_reading_it(newsqa, tmp_path, monkeypatch):
    big = tmp_path / "archive-dump.txt"
    line = ("开发区重点项目建设进展顺利。" * 20 + "\n").encode("utf-8")
    with big.open("wb") as out:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):  # a 50 MB "page"
            out.write(line)
    assert big.stat().st_size > MAX_PAGE_BYTES
    (tmp_path / "good.txt").write_text(page_text(0), encoding="utf-8")
    real_read = Path.read_bytes

    def read_bytes(self):
        assert self.name != big.name, "the oversized file was read into memory"
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, _, err = newsqa("index", tmp_path / "good.txt", big, "--index-dir", tmp_path / "index", "--model", "hashing")
    assert code == 3
    assert err.strip() == (
        f"failed: archive-dump.txt: the file is 50.0 MB, too large for one newspaper page "
        f"(the limit is {MAX_PAGE_BYTES // 1024 // 1024} MB); split it into pages."
    )
    assert set(assert_consistent(tmp_path / "index").manifest["files"]) == {"good.txt"}


def test_duplicate_content_under_two_names_is_indexed_once(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(BUNDLED[0], folder / "a.txt")
    shutil.copy(BUNDLED[0], folder / "b-copy.txt")
    shutil.copy(BUNDLED[1], folder / "c.txt")

    report = build_index([folder], index_dir=tmp_path / "index", encoder=HashingEncoder(), progress=False)

    [error] = report.errors
    assert error.source == "b-copy.txt"
    assert "a.txt" in error.message and "same" in error.message and "\n" not in error.message
    store = assert_consistent(tmp_path / "index")
    assert set(store.manifest["files"]) == {"a.txt", "c.txt"}
    assert {c.source for c in store.chunks} == {"a.txt", "c.txt"}


def test_a_file_that_turns_bad_is_dropped_and_the_index_stays_consistent(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for n in range(3):
        shutil.copy(BUNDLED[n], folder / f"p{n}.txt")
    index_dir = tmp_path / "index"
    first = build_index([folder], index_dir=index_dir, encoder=HashingEncoder(), progress=False)
    assert not first.errors

    (folder / "p1.txt").write_bytes(truncated_utf8(page_text(1)))  # a copy that was cut short
    report = build_index([folder], index_dir=index_dir, encoder=HashingEncoder(), progress=False)

    assert [e.source for e in report.errors] == ["p1.txt"]
    store = assert_consistent(index_dir)
    assert set(store.manifest["files"]) == {"p0.txt", "p2.txt"}
    assert len(store.articles) == first.articles - sum(1 for a in _articles_of(BUNDLED[1]))


def _articles_of(path: Path):
    from index.ingest import parse_file

    return parse_file(path)


def test_a_folder_with_only_bad_files_is_exit_3_and_leaves_no_broken_index(newsqa, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, (raw, _) in BAD.items():
        (folder / name).write_bytes(raw)
    code, out, err = newsqa("index", folder, "--index-dir", tmp_path / "index", "--model", "hashing")
    assert code == 3 and "Traceback" not in out + err
    store = assert_consistent(tmp_path / "index")  # an empty index, but a loadable one
    assert store.articles == {} and store.chunks == []
