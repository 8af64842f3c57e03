"""build_index: incremental updates, embedding reuse, per-file errors, keyword-only fallback."""

from __future__ import annotations

import json

import numpy as np
import pytest

import index.embedding
import index.store
from index.embedding import HashingEncoder
from index.errors import ModelUnavailableError
from index.pipeline import NoCorpusFilesError, build_index, passage_text
from index.store import IndexStore

PAGE_A = """开发区召开项目推进会

本报讯（记者 王晨）5月23日，开发区召开重点项目推进会，研究部署项目建设工作。会议要求，各部门要压实责任，确保项目按期开工。

开发区开展安全生产检查

本报讯（记者 李明）5月24日，开发区组织开展安全生产大检查，排查企业隐患二十处，已全部整改到位。
"""

PAGE_B = """示范区发行专项债券

本报讯（记者 张华）3月16日，示范区成功发行专项债券三亿元，用于支持城市更新和基础设施建设。
"""

PAGE_C = """开发区举办招聘会

本报讯（记者 王晨）6月2日，开发区举办春风行动招聘会，四十家企业提供就业岗位一千二百个。
"""


class CountingEncoder(HashingEncoder):
    """HashingEncoder that remembers every passage it was asked to embed."""

    def __init__(self, dimension: int = 64):
        super().__init__(dimension)
        self.encoded: list[str] = []

    def encode_passages(self, texts, *, progress=False):
        self.encoded.extend(texts)
        return super().encode_passages(texts, progress=progress)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(PAGE_A, encoding="utf-8")
    (folder / "b.txt").write_text(PAGE_B, encoding="utf-8")
    return folder


def _build(corpus, index_dir, encoder=None, **options):
    return build_index([corpus], index_dir=index_dir, encoder=encoder or CountingEncoder(), progress=False, **options)


def _passages(store, source):
    return [passage_text(c) for c in store.chunks if c.source == source]


def test_first_build_indexes_every_file_and_embeds_each_passage_once(corpus, tmp_path):
    encoder = CountingEncoder()
    report = _build(corpus, tmp_path / "index", encoder)

    store = IndexStore.load(tmp_path / "index")
    assert (report.added, report.updated, report.removed, report.unchanged) == (["a.txt", "b.txt"], [], [], [])
    assert report.articles == len(store.articles) >= 3
    assert report.chunks == len(store.chunks) >= 3
    assert sorted(encoder.encoded) == sorted({passage_text(c) for c in store.chunks})
    entry = store.manifest["files"]["a.txt"]
    assert len(entry["sha256"]) == 64 and entry["encoding"] and entry["chunks"] >= 2
    assert store.manifest["model"] == "hashing-64" and store.manifest["dimension"] == 64
    np.testing.assert_allclose(store.vectors, encoder.encode_queries(_passages(store, "a.txt") + _passages(store, "b.txt")), atol=1e-6)


def test_rebuild_without_changes_embeds_nothing_and_keeps_the_generation(corpus, tmp_path):
    _build(corpus, tmp_path / "index")
    live = IndexStore.load(tmp_path / "index").path
    encoder = CountingEncoder()

    report = _build(corpus, tmp_path / "index", encoder)

    assert report.unchanged == ["a.txt", "b.txt"] and not (report.added or report.updated or report.removed)
    assert encoder.encoded == []
    assert IndexStore.load(tmp_path / "index").path == live


def test_incremental_build_adds_updates_removes_and_reuses(corpus, tmp_path):
    _build(corpus, tmp_path / "index")
    before = IndexStore.load(tmp_path / "index")
    (corpus / "c.txt").write_text(PAGE_C, encoding="utf-8")
    (corpus / "a.txt").write_text(PAGE_A.replace("二十处", "三十处"), encoding="utf-8")
    (corpus / "b.txt").unlink()
    encoder = CountingEncoder()

    report = _build(corpus, tmp_path / "index", encoder)

    after = IndexStore.load(tmp_path / "index")
    assert (report.added, report.updated, report.removed, report.unchanged) == (["c.txt"], ["a.txt"], ["b.txt"], [])
    assert {a.source for a in after.articles.values()} == {"a.txt", "c.txt"}
    # only passages never embedded before reach the encoder: the changed one and the new page's
    unchanged_in_a = set(_passages(before, "a.txt")) & set(_passages(after, "a.txt"))
    assert unchanged_in_a, "the edit should leave the first article of a.txt as it was"
    assert not unchanged_in_a & set(encoder.encoded)
    assert set(encoder.encoded) == set(_passages(after, "a.txt")) - unchanged_in_a | set(_passages(after, "c.txt"))
    assert all("三十处" in t or t in _passages(after, "c.txt") for t in encoder.encoded)


def test_unchanged_file_keeps_its_records_and_vectors(corpus, tmp_path):
    _build(corpus, tmp_path / "index")
    before = IndexStore.load(tmp_path / "index")
    (corpus / "c.txt").write_text(PAGE_C, encoding="utf-8")
    encoder = CountingEncoder()

    report = _build(corpus, tmp_path / "index", encoder)

    after = IndexStore.load(tmp_path / "index")
    assert report.unchanged == ["a.txt", "b.txt"] and report.added == ["c.txt"]
    assert set(encoder.encoded) == set(_passages(after, "c.txt"))
    old_rows = [i for i, c in enumerate(before.chunks) if c.source == "a.txt"]
    new_rows = [i for i, c in enumerate(after.chunks) if c.source == "a.txt"]
    assert [before.chunks[i] for i in old_rows] == [after.chunks[i] for i in new_rows]
    np.testing.assert_array_equal(before.vectors[old_rows], after.vectors[new_rows])


def test_a_changed_sidecar_entry_reprocesses_its_file(corpus, tmp_path):
    _build(corpus, tmp_path / "index")
    sidecar = {"pages": {"b.txt": {"date": "2022-03-16"}}}
    (corpus / "newsqa-manifest.json").write_text(json.dumps(sidecar), encoding="utf-8")

    report = _build(corpus, tmp_path / "index")

    assert report.updated == ["b.txt"] and report.unchanged == ["a.txt"]
    dates = {a.date.iso() for a in IndexStore.load(tmp_path / "index").articles.values() if a.source == "b.txt"}
    assert dates == {"2022-03-16"}


def test_another_model_re_embeds_everything(corpus, tmp_path):
    _build(corpus, tmp_path / "index")
    encoder = CountingEncoder(dimension=32)

    report = _build(corpus, tmp_path / "index", encoder)

    store = IndexStore.load(tmp_path / "index")
    assert report.unchanged == ["a.txt", "b.txt"]
    assert store.manifest["model"] == "hashing-32" and store.vectors.shape[1] == 32
    assert sorted(encoder.encoded) == sorted({passage_text(c) for c in store.chunks})


def test_a_new_build_of_the_same_model_re_embeds_everything(corpus, tmp_path, monkeypatch, capsys):
    from index import embedding
    from index.retrieval import open_retriever

    monkeypatch.setattr(embedding, "model_revision", lambda name: "build-1")
    _build(corpus, tmp_path / "index", CountingEncoder())
    assert IndexStore.load(tmp_path / "index").manifest["model_revision"] == "build-1"
    unchanged = CountingEncoder()
    assert not _build(corpus, tmp_path / "index", unchanged).written and unchanged.encoded == []

    monkeypatch.setattr(embedding, "model_revision", lambda name: "build-2")  # the product was upgraded
    open_retriever(tmp_path / "index")  # the old vectors still serve, with a warning
    assert "earlier build of hashing-64" in capsys.readouterr().err
    encoder = CountingEncoder()
    report = _build(corpus, tmp_path / "index", encoder)

    store = IndexStore.load(tmp_path / "index")
    assert report.written and report.unchanged == ["a.txt", "b.txt"]
    assert store.manifest["model_revision"] == "build-2"
    assert sorted(encoder.encoded) == sorted({passage_text(c) for c in store.chunks})


def test_bad_files_are_reported_and_the_rest_indexed(corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 8)

    report = _build(corpus, tmp_path / "index")

    assert sorted(e.source for e in report.errors) == ["binary.txt", "empty.txt"]
    assert all(e.message.endswith(".") and "\n" not in e.message for e in report.errors)
    assert report.added == ["a.txt", "b.txt"]


def test_a_file_that_starts_failing_is_dropped_from_the_index(corpus, tmp_path):
    _build(corpus, tmp_path / "index")
    (corpus / "b.txt").write_bytes(b"")

    report = _build(corpus, tmp_path / "index")

    assert [e.source for e in report.errors] == ["b.txt"] and report.written
    assert {a.source for a in IndexStore.load(tmp_path / "index").articles.values()} == {"a.txt"}


def test_unavailable_model_gives_a_keyword_only_index(corpus, tmp_path, monkeypatch, capsys):
    def unavailable(name=None, **_):
        raise ModelUnavailableError("The embedding model could not be loaded.")

    monkeypatch.setattr(index.embedding, "load_encoder", unavailable)

    report = build_index([corpus], index_dir=tmp_path / "index", progress=False)

    store = IndexStore.load(tmp_path / "index")
    assert report.keyword_only and store.keyword_only
    assert (store.manifest["model"], store.manifest["dimension"], store.manifest["dense_index"]) == (None, None, None)
    warning = capsys.readouterr().err.strip()
    assert warning.startswith("warning:") and "keyword-only" in warning and warning.count("\n") == 0


def test_a_crash_mid_build_keeps_the_previous_index(corpus, tmp_path, monkeypatch):
    _build(corpus, tmp_path / "index")
    before = IndexStore.load(tmp_path / "index")
    (corpus / "c.txt").write_text(PAGE_C, encoding="utf-8")

    with monkeypatch.context() as patch:
        patch.setattr(index.store, "_fsync_tree", lambda _root: (_ for _ in ()).throw(KeyboardInterrupt))
        with pytest.raises(KeyboardInterrupt):
            _build(corpus, tmp_path / "index")
    still = IndexStore.load(tmp_path / "index")
    report = _build(corpus, tmp_path / "index")

    assert (still.path, still.chunks) == (before.path, before.chunks)
    assert report.added == ["c.txt"]
    assert not [p for p in (tmp_path / "index").iterdir() if p.name.startswith(".tmp-")]


def test_missing_path_is_one_sentence(tmp_path):
    with pytest.raises(NoCorpusFilesError, match="does not exist"):
        build_index([tmp_path / "nope"], index_dir=tmp_path / "index", encoder=HashingEncoder(), progress=False)
