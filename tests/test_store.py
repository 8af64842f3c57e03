"""The on-disk index: round trip, validation, atomic generation switch, garbage collection."""

from __future__ import annotations

import json

import numpy as np
import pytest
from index_fixtures import article, whole_chunk, write_index

import index.store as store
from index.errors import IndexIncompatibleError, IndexMissingError, IndexWriteError
from index.records import ArticleDate
from index.store import IndexStore, build_lock, current_generation


def _two_articles():
    return [article(1, "第一篇\n正文。", title="开发区"), article(2, "第二篇。", date=ArticleDate.unknown())]


def _write(index_dir, articles=None, **options):
    articles = articles or _two_articles()
    vectors = np.eye(len(articles), 3, dtype=np.float32)
    return write_index(index_dir, articles, tokens=[["第一篇"], ["第二篇"]][: len(articles)],
                       vectors=vectors, **options)


def _generations(index_dir):
    return sorted(p.name for p in index_dir.iterdir() if p.name.startswith("gen-"))


def test_round_trip_keeps_every_field(tmp_path):
    articles = _two_articles()
    _write(tmp_path, articles)

    loaded = IndexStore.load(tmp_path)

    assert list(loaded.articles.values()) == articles
    assert loaded.chunks == [whole_chunk(a) for a in articles]
    assert loaded.article("000_page#002").date == ArticleDate.unknown()
    np.testing.assert_array_equal(loaded.vectors, np.eye(2, 3, dtype=np.float32))
    assert loaded.tokens() == [["第一篇"], ["第二篇"]]
    assert (loaded.model, loaded.dimension, loaded.keyword_only) == ("table-3", 3, False)
    assert loaded.manifest["dense_index"] == "flat"
    assert [s.dense.ntotal for s in loaded.segments] == [2]


def test_keyword_only_round_trip_has_no_vectors(tmp_path):
    write_index(tmp_path, _two_articles(), tokens=[["a"], ["b"]], vectors=None, model=None)

    loaded = IndexStore.load(tmp_path)

    assert loaded.keyword_only
    assert loaded.vectors is None and [s.dense for s in loaded.segments] == [None]
    assert [s.postings.row_count for s in loaded.segments] == [2]


def test_missing_index_tells_the_user_what_to_run(tmp_path):
    with pytest.raises(IndexMissingError, match="run `newsqa index`"):
        IndexStore.load(tmp_path / "nowhere")


def _segment(manifest_path):
    """The folder of the one segment of the generation whose manifest is at `manifest_path`."""
    [folder] = (manifest_path.parent.parent / store.SEGMENTS).iterdir()
    return folder


def _edit_manifest(path, edit) -> None:
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edit(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.mark.parametrize(
    "damage",
    [
        lambda m: m.write_text("{not json", encoding="utf-8"),
        lambda m: m.write_text(json.dumps({"kind": "something-else"}), encoding="utf-8"),
        lambda m: m.write_text(
            json.dumps({**json.loads(m.read_text(encoding="utf-8")), "format_version": 999}), encoding="utf-8"
        ),
        lambda m: m.unlink(),
        lambda m: (_segment(m) / store.CHUNKS).write_text("", encoding="utf-8"),
        lambda m: (_segment(m) / store.ARTICLES).write_text("[1, 2]\n", encoding="utf-8"),
        lambda m: (m.parent / store.VOCABULARY).write_text("别的词 ns\n", encoding="utf-8"),
        # well-formed JSON with one value changed: only the manifest's digest of itself can tell
        lambda m: _edit_manifest(m, lambda manifest: manifest["counts"].update(extra=1)),
        lambda m: _edit_manifest(m, lambda manifest: manifest.update(model="another-model")),
    ],
    ids=["not-json", "foreign", "newer-format", "no-manifest", "chunks-truncated", "articles-garbled", "vocabulary-swapped",
         "value-edited", "model-swapped"],
)
def test_damaged_or_foreign_index_is_incompatible(tmp_path, damage):
    generation = _write(tmp_path)
    damage(generation / store.MANIFEST)

    with pytest.raises(IndexIncompatibleError) as raised:
        IndexStore.load(tmp_path)
    assert "newsqa index" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_pointer_to_a_missing_generation_is_incompatible(tmp_path):
    _write(tmp_path)
    (tmp_path / store.CURRENT).write_text("gen-20990101T000000-abcdef\n", encoding="utf-8")

    with pytest.raises(IndexIncompatibleError):
        IndexStore.load(tmp_path)


def test_vectors_of_the_wrong_shape_are_incompatible(tmp_path):
    generation = _write(tmp_path)
    np.save(_segment(generation / store.MANIFEST) / store.VECTORS, np.zeros((5, 3), dtype=np.float32))

    with pytest.raises(IndexIncompatibleError):
        IndexStore.load(tmp_path).vectors


def test_crash_before_the_switch_leaves_the_previous_generation_live(tmp_path, monkeypatch):
    _write(tmp_path)
    before = IndexStore.load(tmp_path)

    def crash(_root):
        raise KeyboardInterrupt  # as if the process were killed mid-build

    monkeypatch.setattr(store, "_fsync_tree", crash)
    with pytest.raises(KeyboardInterrupt):
        _write(tmp_path, [article(9, "新内容。")])

    after = IndexStore.load(tmp_path)
    assert after.path == before.path
    assert after.chunks == before.chunks
    assert any(p.name.startswith(".tmp-") for p in tmp_path.iterdir())  # the half-written folder


def test_crash_while_replacing_the_pointer_leaves_the_previous_generation_live(tmp_path, monkeypatch):
    _write(tmp_path)
    before = IndexStore.load(tmp_path)
    monkeypatch.setattr(store, "_replace_atomically", lambda *a: (_ for _ in ()).throw(OSError("disk full")))

    with pytest.raises(IndexWriteError, match="previous index is still the one in use"):
        _write(tmp_path, [article(9, "新内容。")])

    assert IndexStore.load(tmp_path).chunks == before.chunks
    assert len(_generations(tmp_path)) == 2  # the orphan is complete but never became current


def test_next_build_after_a_killed_one_succeeds_and_cleans_up(tmp_path, monkeypatch):
    _write(tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(store, "_fsync_tree", lambda _root: (_ for _ in ()).throw(KeyboardInterrupt))
        with pytest.raises(KeyboardInterrupt):
            _write(tmp_path, [article(9, "新内容。")])
    (tmp_path / "gen-20000101T000000-000000").mkdir()  # an orphan from an older crash

    _write(tmp_path, [article(7, "第三次。")])

    assert [a.text for a in IndexStore.load(tmp_path).articles.values()] == ["第三次。"]
    assert not any(p.name.startswith(".tmp-") for p in tmp_path.iterdir())
    assert "gen-20000101T000000-000000" not in _generations(tmp_path)


def test_old_generations_are_collected_but_the_previous_one_is_kept(tmp_path):
    first = _write(tmp_path)
    second = _write(tmp_path)
    third = _write(tmp_path)

    assert _generations(tmp_path) == sorted([second.name, third.name])
    assert not first.exists()
    assert current_generation(tmp_path) == third


def test_a_second_build_cannot_take_the_lock(tmp_path):
    with build_lock(tmp_path):
        with pytest.raises(store.IndexBusyError, match="wait"):
            with build_lock(tmp_path):
                pass
