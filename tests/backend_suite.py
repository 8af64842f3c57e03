"""One test suite for every index backend, written as mixin classes (as Haystack's
`DocumentStoreBaseTests`): a backend's test module inherits them and supplies `config`, the
`BackendConfig` of a fresh index. Every backend is proven by the same tests.

The corpus: three small pages dated by a sidecar manifest, built with a hashing encoder that
counts what it embeds.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from index.backends import BackendConfig, backend_for
from index.embedding import HashingEncoder
from index.pipeline import build_index, passage_text

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

DATES = {"a.txt": "2022-05-24", "b.txt": "2021-03-16", "c.txt": "2022-06"}


class CountingEncoder(HashingEncoder):
    def __init__(self, dimension: int = 64):
        super().__init__(dimension)
        self.encoded: list[str] = []

    def encode_passages(self, texts, *, progress=False):
        self.encoded.extend(texts)
        return super().encode_passages(texts, progress=progress)


def write_pages(folder: Path, pages: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    sidecar = {"pages": {name: {"date": DATES[name]} for name in pages if name in DATES}}
    (folder / "newsqa-manifest.json").write_text(json.dumps(sidecar), encoding="utf-8")
    return folder


class BackendFixtures:
    """What a backend's test class provides: `config(tmp_path)`; the rest is shared."""

    def config(self, tmp_path: Path) -> BackendConfig:  # pragma: no cover — every backend overrides it
        raise NotImplementedError

    @pytest.fixture
    def index(self, tmp_path):
        """A fresh index: (index folder, backend config); archives opened in a test are closed after it."""
        self._opened = []
        yield tmp_path / "index", self.config(tmp_path)
        for archive in self._opened:
            archive.retriever.backend.close() if hasattr(archive.retriever, "backend") else None

    def build(self, index, folder, *, encoder=None, **options):
        index_dir, config = index
        self.close_all()
        return build_index([folder], index_dir=index_dir, encoder=encoder or CountingEncoder(), progress=False,
                           config=config, **options)

    def open(self, index, encoder=None):
        index_dir, _ = index
        self.close_all()
        archive = backend_for(index_dir).open(encoder=encoder or HashingEncoder())
        self._opened.append(archive)
        return archive

    def close_all(self):
        for archive in getattr(self, "_opened", []):
            retriever = archive.retriever
            if hasattr(retriever, "backend"):
                retriever.backend.close()
        self._opened = []


class BuildAndSearchTests(BackendFixtures):
    def test_build_holds_every_file_article_and_chunk(self, index, tmp_path):
        report = self.build(index, write_pages(tmp_path / "pages", {"a.txt": PAGE_A, "b.txt": PAGE_B}))

        info = self.open(index).info()
        assert report.added == ["a.txt", "b.txt"] and report.written
        assert (info.sources, info.articles, info.chunks) == (2, report.articles, report.chunks)
        assert info.backend == self.backend_name and info.model == "hashing-64" and not info.keyword_only
        assert sorted(Path(f).name for f in info.files) == ["a.txt", "b.txt"]

    def test_search_finds_the_passage_and_quotes_it_verbatim(self, index, tmp_path):
        self.build(index, write_pages(tmp_path / "pages", {"a.txt": PAGE_A, "b.txt": PAGE_B}))
        archive = self.open(index)

        for mode in ("hybrid", "dense", "bm25"):
            hits = archive.retriever.search("专项债券", k=3, mode=mode)
            assert hits and hits[0].chunk.source == "b.txt", mode
            for hit in hits:
                article = archive.articles.article(hit.chunk.article_id)
                assert article.text[hit.chunk.start : hit.chunk.end] == hit.chunk.text

    def test_hits_carry_their_ranks_and_scores(self, index, tmp_path):
        self.build(index, write_pages(tmp_path / "pages", {"a.txt": PAGE_A, "b.txt": PAGE_B}))
        hits = self.open(index).retriever.search("开发区安全生产检查", k=3)

        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert all(h.dense_score is not None and h.bm25_score is not None for h in hits)
        assert hits[0].scores["dense_rank"] is not None and hits[0].scores["bm25_rank"] == 1

    def test_date_and_source_filters(self, index, tmp_path):
        self.build(index, write_pages(tmp_path / "pages", {"a.txt": PAGE_A, "b.txt": PAGE_B, "c.txt": PAGE_C}))
        search = self.open(index).retriever.search

        def sources(**options):
            return sorted({h.chunk.source for h in search("开发区 示范区", k=20, **options)})

        assert sources() == ["a.txt", "b.txt", "c.txt"]
        assert sources(since=dt.date(2022, 1, 1)) == ["a.txt", "c.txt"]
        assert sources(until=dt.date(2021, 12, 31)) == ["b.txt"]
        assert sources(since=dt.date(2022, 6, 2), until=dt.date(2022, 6, 2)) == ["c.txt"]  # its dateline: 6月2日
        assert sources(sources={"a.txt"}) == ["a.txt"]
        assert sources(since=dt.date(2023, 1, 1)) == []
        for mode in ("dense", "bm25"):
            assert {h.chunk.source for h in search("开发区", k=20, mode=mode, until=dt.date(2021, 12, 31))} <= {"b.txt"}

    def test_article_lookup(self, index, tmp_path):
        self.build(index, write_pages(tmp_path / "pages", {"a.txt": PAGE_A}))
        articles = self.open(index).articles

        listed = list(articles.all_articles())
        assert [a.title for a in listed] == ["开发区召开项目推进会", "开发区开展安全生产检查"]
        first = articles.article(listed[0].id)
        assert first == listed[0] and first.byline and first.date.iso() == "2022-05-23"  # its dateline: 5月23日
        assert articles.article("no-such-article") is None
        chunks = list(articles.all_chunks())
        assert {c.article_id for c in chunks} == {a.id for a in listed}
        assert all(articles.article(c.article_id).text[c.start : c.end] == c.text for c in chunks)

    def test_chunks_come_back_as_they_were_stored(self, index, tmp_path):
        # every field of a chunk, the annotations computed at ingestion among them
        from index.pipeline import _process
        from index.reader import read_page

        folder = write_pages(tmp_path / "pages", {"a.txt": PAGE_A})
        self.build(index, folder)
        page = read_page(folder / "a.txt")
        expected = _process(page, entry={}, sidecar={"date": DATES["a.txt"]}).chunks

        archive = self.open(index)
        assert list(archive.articles.all_chunks()) == expected
        hit = archive.retriever.search("安全生产大检查", k=1)[0]
        assert hit.chunk == next(c for c in expected if c.id == hit.chunk.id)


class IncrementalTests(BackendFixtures):
    def test_same_files_twice_writes_nothing(self, index, tmp_path):
        folder = write_pages(tmp_path / "pages", {"a.txt": PAGE_A, "b.txt": PAGE_B})
        self.build(index, folder)
        before = self.open(index).info()
        encoder = CountingEncoder()

        report = self.build(index, folder, encoder=encoder)

        assert not report.written and report.unchanged == ["a.txt", "b.txt"] and encoder.encoded == []
        assert self.open(index).info().generation == before.generation

    def test_add_change_and_remove_touch_exactly_their_files(self, index, tmp_path):
        folder = write_pages(tmp_path / "pages", {"a.txt": PAGE_A, "b.txt": PAGE_B})
        self.build(index, folder)
        old_passages = {passage_text(c) for c in self.open(index).articles.all_chunks()}
        write_pages(folder, {"a.txt": PAGE_A.replace("二十处", "三十处"), "c.txt": PAGE_C})
        (folder / "b.txt").unlink()
        encoder = CountingEncoder()

        report = self.build(index, folder, encoder=encoder)

        assert (report.added, report.updated, report.removed) == (["c.txt"], ["a.txt"], ["b.txt"])
        archive = self.open(index)
        chunks = list(archive.articles.all_chunks())
        assert {c.source for c in chunks} == {"a.txt", "c.txt"}
        assert {a.source for a in archive.articles.all_articles()} == {"a.txt", "c.txt"}
        assert archive.info().chunks == len(chunks) == report.chunks
        assert not archive.retriever.search("专项债券", k=5, mode="bm25")  # b.txt is gone
        assert any("三十处" in h.chunk.text for h in archive.retriever.search("隐患三十处", k=3))
        # only passages never embedded before reach the encoder
        assert encoder.encoded and not set(encoder.encoded) & old_passages
        assert all("三十处" in t or "招聘会" in t for t in encoder.encoded)

    def test_two_indexers_feed_one_index(self, index, tmp_path):
        first = write_pages(tmp_path / "one", {"a.txt": PAGE_A, "b.txt": PAGE_B})
        second = write_pages(tmp_path / "two", {"c.txt": PAGE_C})
        self.build(index, first, indexer="one")
        self.build(index, second, indexer="two")

        assert {a.source for a in self.open(index).articles.all_articles()} == {"a.txt", "b.txt", "c.txt"}
        # each indexer mirrors its own files only: one drops b.txt, two's c.txt stays
        (first / "b.txt").unlink()
        report = self.build(index, first, indexer="one")
        assert report.removed == ["b.txt"]
        assert {a.source for a in self.open(index).articles.all_articles()} == {"a.txt", "c.txt"}
        # the same file name from another indexer is reported, not mixed in
        write_pages(second, {"a.txt": PAGE_A.replace("王晨", "王明")})
        report = self.build(index, second, indexer="two")
        assert [e.source for e in report.errors] == ["a.txt"] and "'one'" in report.errors[0].message
        assert {a.source for a in self.open(index).articles.all_articles()} == {"a.txt", "c.txt"}

    def test_a_failed_write_keeps_the_index_and_the_computed_vectors(self, index, tmp_path, monkeypatch):
        from index.errors import IndexWriteError

        folder = write_pages(tmp_path / "pages", {"a.txt": PAGE_A})
        self.build(index, folder)
        write_pages(folder, {"c.txt": PAGE_C})
        backend_class = type(backend_for(index[0], index[1]))

        def disk_full(self, changes, **options):
            raise IndexWriteError("The index could not be written (no space left on the disk).")

        with monkeypatch.context() as patch:
            patch.setattr(backend_class, "apply", disk_full)
            first = CountingEncoder()
            with pytest.raises(IndexWriteError):
                self.build(index, folder, encoder=first)
        assert first.encoded  # c.txt's passages were embedded before the write failed
        assert {a.source for a in self.open(index).articles.all_articles()} == {"a.txt"}  # still serving

        retry = CountingEncoder()
        report = self.build(index, folder, encoder=retry)

        assert report.added == ["c.txt"] and retry.encoded == []
        assert {a.source for a in self.open(index).articles.all_articles()} == {"a.txt", "c.txt"}
        assert not [p.name for p in index[0].iterdir() if p.name.startswith((".tmp-", "pending-"))]


def _html_page(text: str) -> str:
    """A CMS article page holding `text` (headline, then paragraphs)."""
    title, *paragraphs = [line for line in text.splitlines() if line.strip()]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<article><h1>{title}</h1>{body}</article></body></html>")


def _fake_ocr(monkeypatch, texts: dict[str, str]) -> list[str]:
    """Scans "recognised" as the given page texts, without the OCR engine; returns the names read."""
    import hashlib

    import index.formats.ocr
    from index.reader import Page, TextSource

    read: list[str] = []

    def read_image(path, raw, *, sha256):
        read.append(path.name)
        return Page(source=path.name, path=path, text=texts[path.name], encoding="ocr",
                    sha256=sha256 or hashlib.sha256(raw).hexdigest(), text_source=TextSource.OCR)

    monkeypatch.setattr(index.formats.ocr, "read_image", read_image)
    return read


class FormatTests(BackendFixtures):
    def test_articles_say_where_their_text_came_from(self, index, tmp_path, monkeypatch):
        folder = write_pages(tmp_path / "pages", {"a.txt": PAGE_A})
        (folder / "b.html").write_text(_html_page(PAGE_B), encoding="utf-8")
        (folder / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n a scan")
        _fake_ocr(monkeypatch, {"c.png": PAGE_C})

        report = self.build(index, folder, ocr=True)

        assert report.added == ["a.txt", "b.html", "c.png"] and not report.errors
        articles = self.open(index).articles
        listed = list(articles.all_articles())
        assert {a.source: a.text_source for a in listed} == {"a.txt": "text", "b.html": "html", "c.png": "ocr"}
        assert all(articles.article(a.id).text_source == a.text_source == a.to_json()["text_source"] for a in listed)

    def test_an_unchanged_scan_is_not_read_again_and_kept_without_ocr(self, index, tmp_path, monkeypatch):
        folder = write_pages(tmp_path / "pages", {"a.txt": PAGE_A})
        (folder / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n a scan")
        read = _fake_ocr(monkeypatch, {"c.png": PAGE_C})
        self.build(index, folder, ocr=True)
        assert read == ["c.png"]

        for ocr in (True, False):
            report = self.build(index, folder, ocr=ocr)
            assert not report.written and report.unchanged == ["a.txt", "c.png"] and not report.errors
        assert read == ["c.png"]  # recognised once
        assert {a.source: a.text_source for a in self.open(index).articles.all_articles()} == {"a.txt": "text",
                                                                                              "c.png": "ocr"}

        (folder / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n another scan")
        report = self.build(index, folder)  # changed, and no --ocr: it cannot be read
        assert [e.source for e in report.errors] == ["c.png"] and "index with --ocr" in report.errors[0].message
        assert {a.source for a in self.open(index).articles.all_articles()} == {"a.txt"}


class VocabularyTests(BackendFixtures):
    def test_the_archive_dictionary_cuts_passages_and_questions_and_a_changed_one_recuts(self, index, tmp_path):
        folder = write_pages(tmp_path / "pages", {"a.txt": PAGE_A, "c.txt": PAGE_C})
        dictionary = folder / "newsqa-userdict.txt"
        dictionary.write_text("# 本报的词\n春风行动招聘会 n\n", encoding="utf-8")
        self.build(index, folder)
        archive = self.open(index)
        question = "春风行动招聘会提供多少岗位"
        assert "春风行动招聘会" in archive.tokenizer.tokenize(question)
        [with_word] = archive.retriever.search(question, k=1, mode="bm25")
        assert with_word.chunk.source == "c.txt"

        dictionary.write_text("安全生产大检查 n\n", encoding="utf-8")
        encoder = CountingEncoder()
        report = self.build(index, folder, encoder=encoder)

        assert report.updated == ["a.txt", "c.txt"] and encoder.encoded == []  # cut again, not embedded
        archive = self.open(index)
        assert "春风行动招聘会" not in archive.tokenizer.tokenize(question)
        assert "安全生产大检查" in archive.tokenizer.tokenize("安全生产大检查")
        [without_word] = archive.retriever.search(question, k=1, mode="bm25")
        # the whole word no longer matches, in the passage's terms or the question's
        assert without_word.chunk.id == with_word.chunk.id and without_word.bm25_score < with_word.bm25_score
        assert not self.build(index, folder).written



class BackendTests(BuildAndSearchTests, IncrementalTests, FormatTests, VocabularyTests):
    """Everything a backend must pass."""
