"""The embedded index grows by segments: a build writes only what it adds, removed files are
tombstones until a merge, and every search gives what a single index rebuilt from the same files
would give (same hits, BM25 scores to float tolerance)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import index.backends.local.store as store
from index.backends.local import plan_merge
from index.embedding import HashingEncoder
from index.paths import BUNDLED_CORPUS
from index.pipeline import build_index, passage_text
from index.reader import iter_corpus_files
from index.retrieval import open_retriever
from index.store import IndexStore, current_generation, segment_folders

PAGES = iter_corpus_files([BUNDLED_CORPUS])
QUESTIONS = ["开发区重点项目开工", "示范区", "招聘会 就业岗位", "安全生产检查", "郑州 经济 发展 项目 建设"]


class CountingEncoder(HashingEncoder):
    def __init__(self):
        super().__init__()
        self.encoded: list[str] = []

    def encode_passages(self, texts, *, progress=False):
        self.encoded.extend(texts)
        return super().encode_passages(texts, progress=progress)


def _build(folder: Path, index_dir: Path, encoder=None):
    report = build_index([folder], index_dir=index_dir, encoder=encoder or HashingEncoder(), progress=False)
    assert not report.errors
    return report


def _copy(folder: Path, *numbers: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        shutil.copy(PAGES[n], folder / PAGES[n].name)


def _changed(folder: Path, n: int) -> None:
    """Page n with one long paragraph rewritten (the rest of its passages are as before)."""
    path = folder / PAGES[n].name
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if len(line) > 60)
    lines[at] = lines[at] + "另据了解，相关部门将继续加强督导检查。"
    path.write_text("\n".join(lines), encoding="utf-8")


def _every_score(index_dir: Path, question: str, mode: str, **filters) -> dict[str, float]:
    retriever = open_retriever(index_dir, encoder=HashingEncoder())
    hits = retriever.search(question, k=10_000, mode=mode, **filters)
    return {hit.chunk.id: hit.score for hit in hits}


def _assert_same_search(grown: Path, rebuilt: Path) -> None:
    for question in QUESTIONS:
        ours, theirs = _every_score(grown, question, "bm25"), _every_score(rebuilt, question, "bm25")
        assert ours and set(ours) == set(theirs), question
        for chunk_id, score in theirs.items():
            assert ours[chunk_id] == pytest.approx(score, rel=1e-5, abs=1e-6), (question, chunk_id)
        ours, theirs = _every_score(grown, question, "dense"), _every_score(rebuilt, question, "dense")
        assert list(ours)[:20] == list(theirs)[:20]
        np.testing.assert_allclose(list(ours.values()), list(theirs.values()), rtol=1e-5)
        hybrid = open_retriever(grown, encoder=HashingEncoder()).search(question, k=8)
        expected = open_retriever(rebuilt, encoder=HashingEncoder()).search(question, k=8)
        assert [h.chunk.id for h in hybrid] == [h.chunk.id for h in expected]
        assert [h.score for h in hybrid] == pytest.approx([h.score for h in expected])
    source = PAGES[0].name
    filtered = _every_score(grown, QUESTIONS[0], "bm25", sources=[source])
    assert filtered and filtered == pytest.approx(_every_score(rebuilt, QUESTIONS[0], "bm25", sources=[source]))


def _grow(tmp_path: Path) -> tuple[Path, Path]:
    """An index grown by adds, a change and a removal, and its folder of pages as they now are."""
    folder, index_dir = tmp_path / "pages", tmp_path / "grown"
    _copy(folder, 0, 1, 2)
    _build(folder, index_dir)
    _copy(folder, 3)
    _build(folder, index_dir)
    _changed(folder, 1)
    _build(folder, index_dir)
    (folder / PAGES[2].name).unlink()
    _copy(folder, 4)
    _build(folder, index_dir)
    return folder, index_dir


def test_a_grown_index_searches_exactly_as_one_rebuilt_from_its_files(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "MERGE_FACTOR", 100)  # no merge: every build's segment stays
    monkeypatch.setattr(store, "MAX_REMOVED_SHARE", 1.0)
    folder, grown = _grow(tmp_path)
    rebuilt = tmp_path / "rebuilt"
    _build(folder, rebuilt)

    live = IndexStore.load(grown)
    assert len(live.segments) == 4
    assert any(segment.removed for segment in live.segments)  # the changed and the removed page
    assert len(IndexStore.load(rebuilt).segments) == 1
    assert sorted(c.id for c in live.chunks) == sorted(c.id for c in IndexStore.load(rebuilt).chunks)
    _assert_same_search(grown, rebuilt)


def test_merged_segments_search_as_the_rebuilt_index_too(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "MERGE_FACTOR", 2)  # merge at every chance
    folder, grown = _grow(tmp_path)
    rebuilt = tmp_path / "rebuilt"
    _build(folder, rebuilt)

    live = IndexStore.load(grown)
    assert len(live.segments) < 4 and not any(s.removed for s in live.segments if s.live is not None)
    _assert_same_search(grown, rebuilt)


def test_adding_a_page_writes_one_segment_of_its_own_chunks_and_touches_no_other(tmp_path):
    folder, index_dir = tmp_path / "pages", tmp_path / "index"
    _copy(folder, 0, 1, 2)
    _build(folder, index_dir)
    [first] = segment_folders(current_generation(index_dir))
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in first.rglob("*")}
    _copy(folder, 3)
    encoder = CountingEncoder()

    report = _build(folder, index_dir, encoder)

    old, new = segment_folders(current_generation(index_dir))
    assert old == first and {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in first.rglob("*")} == before
    live = IndexStore.load(index_dir)
    added = [c for c in live.chunks if c.source == PAGES[3].name]
    assert live.segments[1].chunk_count == len(added) and report.added == [PAGES[3].name]
    assert sorted(encoder.encoded) == sorted({passage_text(c) for c in added})
    assert live.manifest["files"][PAGES[3].name]["segment"] == new.name
    assert live.manifest["files"][PAGES[0].name]["segment"] == first.name


def test_a_changed_page_is_a_tombstone_and_only_its_new_passages_are_embedded(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "MAX_REMOVED_SHARE", 1.0)
    folder, index_dir = tmp_path / "pages", tmp_path / "index"
    _copy(folder, 0, 1, 2)
    _build(folder, index_dir)
    old_texts = {passage_text(c) for c in IndexStore.load(index_dir).chunks}
    _changed(folder, 1)
    encoder = CountingEncoder()

    report = _build(folder, index_dir, encoder)

    live = IndexStore.load(index_dir)
    assert report.updated == [PAGES[1].name]
    assert live.segments[0].removed == {PAGES[1].name} and live.segments[0].live is not None
    assert encoder.encoded and not set(encoder.encoded) & old_texts  # unchanged passages keep their vectors
    assert [c.source for c in live.chunks].count(PAGES[1].name) == live.segments[1].chunk_count
    np.testing.assert_allclose(live.vectors, HashingEncoder().encode_passages([passage_text(c) for c in live.chunks]),
                               atol=1e-6)


def test_a_segment_mostly_removed_is_merged_away(tmp_path):
    folder, index_dir = tmp_path / "pages", tmp_path / "index"
    _copy(folder, 0, 1, 2, 3)
    _build(folder, index_dir)
    [first] = segment_folders(current_generation(index_dir))
    for n in (1, 2):
        (folder / PAGES[n].name).unlink()

    report = _build(folder, index_dir)

    assert sorted(report.removed) == sorted(PAGES[n].name for n in (1, 2))
    live = IndexStore.load(index_dir)
    assert [s.live for s in live.segments] == [None] and live.segments[0].name != first.name
    assert {c.source for c in live.chunks} == {PAGES[0].name, PAGES[3].name}
    assert first.exists()  # the previous generation, kept beside the live one, lists it
    _copy(folder, 4)
    _build(folder, index_dir)
    assert not first.exists()  # listed by neither the live generation nor its predecessor


def test_merge_policy_rewrites_crowded_tiers_and_mostly_removed_segments():
    def segment(name, chunks, live=None):
        return {"name": name, "chunks": chunks, "live_chunks": chunks if live is None else live}

    assert plan_merge([segment("big", 100_000)] + [segment(f"s{n}", 120) for n in range(5)], adding=100) == set()
    crowded = [segment("big", 100_000)] + [segment(f"s{n}", 120) for n in range(9)]
    assert plan_merge(crowded, adding=100) == {f"s{n}" for n in range(9)}
    assert plan_merge([segment("big", 100_000, live=70_000)], adding=100) == {"big"}
    assert plan_merge([segment("big", 100_000, live=80_000)], adding=100) == set()
    # merging nine of 900 makes a segment of the next tier, where nine more wait: both go
    cascade = [segment(f"k{n}", 1_500) for n in range(9)] + [segment(f"s{n}", 900) for n in range(9)]
    assert plan_merge(cascade, adding=900) == {s["name"] for s in cascade}


def test_a_failed_add_keeps_the_previous_generation_and_its_segments_whole(tmp_path, monkeypatch):
    folder, index_dir = tmp_path / "pages", tmp_path / "index"
    _copy(folder, 0, 1)
    _build(folder, index_dir)
    before = IndexStore.load(index_dir)
    _copy(folder, 2)
    real = store._write_staging

    def killed(*args, **kwargs):  # after the new segment is in place, before its generation is
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_write_staging", killed)
    with pytest.raises(Exception, match="previous index is still the one in use"):
        _build(folder, index_dir)
    monkeypatch.setattr(store, "_write_staging", real)

    after = IndexStore.load(index_dir)
    assert (after.path, after.chunks) == (before.path, before.chunks)
    _build(folder, index_dir)
    listed = {p.name for p in segment_folders(current_generation(index_dir))}
    assert {p.name for p in (index_dir / store.SEGMENTS).iterdir()} == listed  # the orphan is collected
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".tmp-")]


def test_a_damaged_carried_over_segment_makes_the_next_build_start_afresh(tmp_path, capsys):
    folder, index_dir = tmp_path / "pages", tmp_path / "index"
    _copy(folder, 0, 1)
    _build(folder, index_dir)
    [segment] = segment_folders(current_generation(index_dir))
    raw = bytearray((segment / store.VECTORS).read_bytes())
    raw[-8:] = bytes(b ^ 0x5A for b in raw[-8:])  # same size, other bytes: found by its new mtime
    (segment / store.VECTORS).write_bytes(bytes(raw))
    _copy(folder, 2)

    report = _build(folder, index_dir)

    assert "Rebuilding it from scratch" in capsys.readouterr().err
    assert len(report.added) == 3 and len(IndexStore.load(index_dir).segments) == 1


def test_a_build_over_an_unchanged_carried_over_segment_hashes_none_of_it(tmp_path, monkeypatch):
    folder, index_dir = tmp_path / "pages", tmp_path / "index"
    _copy(folder, 0, 1)
    _build(folder, index_dir)
    [segment] = segment_folders(current_generation(index_dir))
    _copy(folder, 2)
    hashed = []
    real = store._sha256
    monkeypatch.setattr(store, "_sha256", lambda path: hashed.append(Path(path)) or real(path))

    _build(folder, index_dir)

    assert not [p for p in hashed if p.parent == segment or segment in p.parents]
    os.utime(segment / store.TOKENS, ns=(1, 1))  # touched: hashed again (and still intact)
    _copy(folder, 3)
    _build(folder, index_dir)
    assert segment / store.TOKENS in hashed


def _as_format_4(index_dir: Path) -> None:
    """The live generation as format 4 wrote it: every file's record in the manifest (naming its
    segment), none in the segments' records."""
    import hashlib
    import json

    records = IndexStore.load(index_dir).manifest["files"]
    generation = current_generation(index_dir)
    manifest = json.loads((generation / store.MANIFEST).read_text(encoding="utf-8"))
    for entry in manifest["segments"]:
        path = index_dir / store.SEGMENTS / entry["name"] / store.SEGMENT_MANIFEST
        record = json.loads(path.read_text(encoding="utf-8"))
        del record["files"]
        raw = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        path.write_bytes(raw)
        entry["sha256"] = hashlib.sha256(raw).hexdigest()
    manifest.update(format_version=4, files=records)
    manifest[store._DIGEST] = store._manifest_digest(manifest)
    (generation / store.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def test_file_records_live_in_their_segments_and_a_format_4_index_is_carried_forward(tmp_path):
    import json

    corpus, index_dir = tmp_path / "pages", tmp_path / "index"
    _copy(corpus, 0, 1)
    _build(corpus, index_dir)
    generation = current_generation(index_dir)
    assert "files" not in json.loads((generation / store.MANIFEST).read_text(encoding="utf-8"))
    before = IndexStore.load(index_dir).manifest["files"]
    assert set(before) == {PAGES[0].name, PAGES[1].name}

    _as_format_4(index_dir)
    old = IndexStore.load(index_dir)
    assert old.manifest["format_version"] == 4 and old.manifest["files"] == before

    encoder = CountingEncoder()
    _copy(corpus, 2)
    _build(corpus, index_dir, encoder)
    grown = IndexStore.load(index_dir)
    assert grown.manifest["format_version"] == store.FORMAT_VERSION
    assert set(grown.manifest["files"]) == {PAGES[0].name, PAGES[1].name, PAGES[2].name}
    assert {k: v for k, v in grown.manifest["files"][PAGES[0].name].items() if k != "segment"} == \
        {k: v for k, v in before[PAGES[0].name].items() if k != "segment"}
    # the carried-forward files' vectors were reused: only the new page was embedded
    assert encoder.encoded and all(t in {passage_text(c) for c in grown.chunks if c.source == PAGES[2].name}
                                   for t in encoder.encoded)

    os.remove(corpus / PAGES[1].name)  # a removed file leaves its record behind as a tombstone
    _build(corpus, index_dir)
    assert set(IndexStore.load(index_dir).manifest["files"]) == {PAGES[0].name, PAGES[2].name}
