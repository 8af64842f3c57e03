"""A damaged or foreign index is found when it is loaded and reported in one sentence.

Each case damages one file of a copy of the bundled index (HashingEncoder): cut in half,
emptied, bytes overwritten in the middle or at the start, or swapped for the same file of
another index. Loading and searching it in every mode must raise IndexIncompatibleError —
never a numpy, FAISS or bm25s traceback, and never a silent load of wrong data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ui.cli
from index.embedding import HashingEncoder
from index.errors import IndexIncompatibleError
from index.pipeline import build_index
from index.retrieval import MODES, open_retriever
from index.store import (ARTICLES, CHUNKS, DENSE, KEYS, MANIFEST, SEGMENT_MANIFEST, TOKENS, VECTORS, IndexStore,
                         current_generation, segment_folders)

#: the files a search reads: the generation's manifest and its (one) segment's files
FILES = [MANIFEST, SEGMENT_MANIFEST, ARTICLES, CHUNKS, VECTORS, DENSE, "keyword/terms.json", "keyword/indptr.npy",
         "keyword/rows.npy", "keyword/tfs.npy", "keyword/lengths.npy"]


def where(generation: Path, name: str) -> Path:
    """A file of the index whose live generation is `generation`: its manifest, or a file of its segment."""
    if name == MANIFEST:
        return generation / name
    [segment] = segment_folders(generation)
    return segment / name


def halve(path: Path, other: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])


def empty(path: Path, other: Path) -> None:
    path.write_bytes(b"")


def garble_middle(path: Path, other: Path) -> None:
    raw = bytearray(path.read_bytes())
    middle = len(raw) // 2
    raw[middle : middle + 8] = bytes(b ^ 0x5A for b in raw[middle : middle + 8])
    path.write_bytes(bytes(raw))


def garble_head(path: Path, other: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[:4] = b"\x00\xff\x00\xff"
    path.write_bytes(bytes(raw))


def foreign(path: Path, other: Path) -> None:
    """The same file from another index: well-formed, but not this index's."""
    shutil.copy(other, path)


DAMAGE = {"halved": halve, "emptied": empty, "garbled-middle": garble_middle, "garbled-head": garble_head,
          "foreign": foreign}


@pytest.fixture(scope="module")
def other_index(tmp_path_factory) -> Path:
    """A second, smaller index (one bundled page) whose files are swapped in as foreign ones."""
    from index.paths import BUNDLED_CORPUS
    from index.reader import iter_corpus_files

    root = tmp_path_factory.mktemp("other")
    page = iter_corpus_files([BUNDLED_CORPUS])[2]
    build_index([page], index_dir=root, encoder=HashingEncoder(), progress=False)
    return current_generation(root)


def load_and_search(index_dir: Path) -> None:
    retriever = open_retriever(index_dir, encoder=HashingEncoder())
    for mode in MODES:
        retriever.search("开发区重点项目", k=3, mode=mode)


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("name", FILES)
def test_damaged_file_is_one_sentence_on_load(fake_index_dir, other_index, tmp_path, name, damage):
    index_dir = tmp_path / "index"
    shutil.copytree(fake_index_dir, index_dir)
    DAMAGE[damage](where(current_generation(index_dir), name), where(other_index, name))

    with pytest.raises(IndexIncompatibleError) as raised:
        load_and_search(index_dir)
    message = str(raised.value)
    assert "\n" not in message and message.endswith(".")
    assert "newsqa index" in message


@pytest.mark.parametrize("name", [TOKENS, KEYS])
@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_tokens_are_found_by_the_next_build_which_starts_afresh(fake_index_dir, other_index, tmp_path,
                                                                        bundled_corpus, capsys, damage, name):
    """Searches never read a segment's tokens or passage keys, builds do (merging, reusing vectors)."""
    index_dir = tmp_path / "index"
    shutil.copytree(fake_index_dir, index_dir)
    DAMAGE[damage](where(current_generation(index_dir), name), where(other_index, name))
    with pytest.raises(IndexIncompatibleError):
        store = IndexStore.load(index_dir)
        store.tokens() if name == TOKENS else store.segments[0].keys

    report = build_index([bundled_corpus], index_dir=index_dir, encoder=HashingEncoder(), progress=False)

    assert report.written and not report.errors and not report.unchanged  # everything re-processed
    assert "Rebuilding it from scratch" in capsys.readouterr().err
    assert len(IndexStore.load(index_dir).tokens()) == report.chunks


def test_a_pointer_to_something_else_is_one_sentence(fake_index_dir, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(fake_index_dir, index_dir)
    (index_dir / "CURRENT").write_bytes(b"\x00\x01../../etc\n")
    with pytest.raises(IndexIncompatibleError, match="CURRENT file names no generation"):
        load_and_search(index_dir)


def test_cli_and_server_report_a_damaged_index_in_one_line(fake_index_dir, tmp_path, monkeypatch, capsys):
    from ui.service import open_service

    index_dir = tmp_path / "index"
    shutil.copytree(fake_index_dir, index_dir)
    garble_middle(where(current_generation(index_dir), VECTORS), None)
    monkeypatch.setenv("NEWSQA_HOME", str(tmp_path / "home"))

    for command in (["search", "开发区"], ["ask", "开发区有多少个项目?"]):
        code = ui.cli.main([*command, "--index-dir", str(index_dir)])
        _, err = capsys.readouterr()
        assert code == 1
        assert err.startswith("error: The index generation ") and err.count("\n") == 1
        assert "vectors.npy does not match its checksum" in err
    with pytest.raises(IndexIncompatibleError):
        open_service(index_dir, concurrency=1)
