"""An archive's own dictionary (`newsqa-userdict.txt`): read from the corpus folders, recorded in
the index, used for that index's passages and questions and no other's."""

from __future__ import annotations

import ast
import io
import json
import hashlib
import re
import shutil
import tokenize as python_tokens
from pathlib import Path

import numpy as np
import pytest

import index.tokenize
from index.embedding import HashingEncoder
from index.lexical import bm25_scores
from index.paths import BUNDLED_CORPUS
from index.pipeline import build_index
from index.reader import USER_DICTIONARY_NAME, iter_corpus_files
from index.retrieval import HybridRetriever, open_retriever
from index.store import (ARTICLES, CHUNKS, DENSE, FORMAT_VERSION, MANIFEST, TOKENS, VECTORS, VOCABULARY, IndexStore,
                         _manifest_digest, segment_folders)
from index.tokenize import Tokenizer, Vocabulary, tokenize

PAGE = """郑东新区召开项目推进会

本报讯（记者 王晨）5月23日，郑东新区召开重点项目推进会，龙子湖智慧岛二期项目当天开工。

经开区发行专项债券

本报讯（记者 张华）3月16日，经开区成功发行专项债券三亿元，用于支持城市更新和基础设施建设。
"""

OTHER_PAGE = """高新区举办招聘会

本报讯（记者 李明）6月2日，高新区举办春风行动招聘会，四十家企业提供就业岗位一千二百个。
"""

WORDS = "# 郑州的地名\n郑东新区 ns\n龙子湖智慧岛 ns\n"
QUESTION = "龙子湖智慧岛二期什么时候开工?"


class CountingEncoder(HashingEncoder):
    def __init__(self, dimension: int = 64):
        super().__init__(dimension)
        self.encoded: list[str] = []

    def encode_passages(self, texts, *, progress=False):
        self.encoded.extend(texts)
        return super().encode_passages(texts, progress=progress)


def _folder(root: Path, name: str, *, words: str | None, pages=(("a.txt", PAGE),)) -> Path:
    folder = root / name
    folder.mkdir()
    for file_name, text in pages:
        (folder / file_name).write_text(text, encoding="utf-8")
    if words is not None:
        (folder / USER_DICTIONARY_NAME).write_text(words, encoding="utf-8")
    return folder


def _build(paths, index_dir, encoder=None):
    return build_index(list(paths), index_dir=index_dir, encoder=encoder or CountingEncoder(), progress=False)


def _all_tokens(store: IndexStore) -> set[str]:
    return {t for tokens in store.tokens() for t in tokens}


def test_the_folder_dictionary_is_recorded_in_the_index(tmp_path):
    folder = _folder(tmp_path, "pages", words=WORDS)

    report = _build([folder], tmp_path / "index")

    store = IndexStore.load(tmp_path / "index")
    assert report.added == ["a.txt"] and not report.errors  # the dictionary is not a page
    assert set(store.manifest["files"]) == {"a.txt"}
    assert store.vocabulary == Vocabulary.parse(WORDS)
    assert (store.path / VOCABULARY).read_text(encoding="utf-8") == "郑东新区 ns\n龙子湖智慧岛 ns\n"
    assert store.manifest["vocabulary"] == {
        "sources": [str((folder / USER_DICTIONARY_NAME).resolve())],
        "sha256": Vocabulary.parse(WORDS).sha256,
        "words": 2,
    }
    assert {"郑东新区", "龙子湖智慧岛"} <= _all_tokens(store)


def test_questions_are_cut_by_their_own_index_and_no_other(tmp_path, monkeypatch):
    with_words = _folder(tmp_path, "with", words=WORDS)
    without = _folder(tmp_path, "without", words=None)
    _build([with_words], tmp_path / "a")
    _build([without], tmp_path / "b")
    a, b = IndexStore.load(tmp_path / "a"), IndexStore.load(tmp_path / "b")

    assert "龙子湖智慧岛" in a.tokenizer.tokenize(QUESTION)
    assert "龙子湖智慧岛" not in b.tokenizer.tokenize(QUESTION)
    assert "龙子湖智慧岛" not in tokenize(QUESTION)  # the general tokenizer is untouched
    assert "龙子湖智慧岛" not in _all_tokens(b)

    # search cuts the question with the index's tokenizer, never with the general one
    monkeypatch.setattr(index.tokenize, "tokenize", lambda text: pytest.fail("the general tokenizer was used"))
    for store in (a, b):
        hits = HybridRetriever(store, encoder=None).search(QUESTION, k=3, mode="bm25")
        expected = _scores(store, store.tokenizer.tokenize(QUESTION))
        assert hits and [h.bm25_score for h in hits] == sorted(expected[expected > 0].tolist(), reverse=True)[:3]
    general = _scores(a, Tokenizer().tokenize(QUESTION))
    first = HybridRetriever(a, encoder=None).search(QUESTION, k=1, mode="bm25")[0]
    assert first.bm25_score != pytest.approx(float(general.max()))  # the words made a difference


def test_a_changed_dictionary_re_tokenizes_without_parsing_or_embedding_again(tmp_path):
    folder = _folder(tmp_path, "pages", words=WORDS, pages=(("a.txt", PAGE), ("b.txt", OTHER_PAGE)))
    _build([folder], tmp_path / "index")
    before = IndexStore.load(tmp_path / "index")

    (folder / USER_DICTIONARY_NAME).write_text(WORDS + "春风行动招聘会 n\n", encoding="utf-8")
    encoder = CountingEncoder()
    report = _build([folder], tmp_path / "index", encoder)

    after = IndexStore.load(tmp_path / "index")
    assert report.written and report.updated == ["a.txt", "b.txt"] and not report.added
    assert encoder.encoded == []  # the passages are the same, so are their vectors
    assert after.chunks == before.chunks
    np.testing.assert_array_equal(after.vectors, before.vectors)
    assert "春风行动招聘会" in _all_tokens(after) - _all_tokens(before)
    assert "春风行动招聘会" in after.tokenizer.tokenize("春风行动招聘会")

    assert not _build([folder], tmp_path / "index").written  # the same words again: nothing to do

    (folder / USER_DICTIONARY_NAME).unlink()
    report = _build([folder], tmp_path / "index")
    assert report.updated == ["a.txt", "b.txt"]
    assert not {"郑东新区", "春风行动招聘会"} & _all_tokens(IndexStore.load(tmp_path / "index"))


def test_a_malformed_dictionary_is_one_failed_file_and_the_rest_is_indexed(tmp_path):
    folder = _folder(tmp_path, "pages", words="郑东新区 ns\n龙子湖 智慧岛 ns\n")

    report = _build([folder], tmp_path / "index")

    assert report.added == ["a.txt"]
    [error] = report.errors
    assert str(folder / USER_DICTIONARY_NAME) in error.message and "line 2" in error.message
    assert error.message.endswith(".") and "\n" not in error.message
    store = IndexStore.load(tmp_path / "index")
    assert store.vocabulary == Vocabulary() and "郑东新区" not in _all_tokens(store)


def test_the_dictionaries_of_several_folders_make_one_vocabulary(tmp_path):
    first = _folder(tmp_path, "first", words="郑东新区 ns\n")
    second = _folder(tmp_path, "second", words="春风行动招聘会 n\n", pages=(("b.txt", OTHER_PAGE),))

    _build([first, second / "b.txt"], tmp_path / "index")  # a file named alone brings its folder's words

    store = IndexStore.load(tmp_path / "index")
    assert [w.text for w in store.vocabulary.words] == ["郑东新区", "春风行动招聘会"]
    assert len(store.manifest["vocabulary"]["sources"]) == 2


def _scores(store, tokens):
    return bm25_scores(store.keyword_parts(), tokens, num_docs=len(store.chunks), total_length=store.keyword_length)


def _as_previous_format(index_dir: Path) -> None:
    """Turn the live generation into one written before vocabularies were recorded (format 2):
    every file in the generation folder, checksummed by its manifest."""
    store = IndexStore.load(index_dir)
    generation = store.path
    [segment] = segment_folders(generation)
    manifest = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    manifest.update(format_version=2, tokenizer_version="an-earlier-tokenizer")
    # a manifest of format 2 held every file's record (format 5 keeps them in the segments)
    manifest["files"] = {source: {k: v for k, v in entry.items() if k != "segment"}
                         for source, entry in store.manifest["files"].items()}
    del manifest["vocabulary"], manifest["segments"]
    manifest["checksums"] = {}
    for name in (ARTICLES, CHUNKS, TOKENS, VECTORS, DENSE):
        shutil.copy(segment / name, generation / name)
        manifest["checksums"][name] = hashlib.sha256((generation / name).read_bytes()).hexdigest()
    (generation / VOCABULARY).unlink()
    manifest["manifest_sha256"] = _manifest_digest(manifest)
    (generation / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def test_an_index_of_the_previous_format_loads_and_a_build_re_tokenizes_it(tmp_path, capsys):
    folder = _folder(tmp_path, "pages", words=WORDS)
    _build([folder], tmp_path / "index")
    _as_previous_format(tmp_path / "index")

    old = IndexStore.load(tmp_path / "index")
    assert old.vocabulary is None and old.tokenizer.vocabulary == Vocabulary()
    retriever = open_retriever(tmp_path / "index")
    assert retriever.search(QUESTION, k=1, mode="bm25")
    warning = capsys.readouterr().err.strip()
    assert warning.startswith("warning:") and "`newsqa index`" in warning and warning.count("\n") == 0

    encoder = CountingEncoder()
    report = _build([folder], tmp_path / "index", encoder)

    new = IndexStore.load(tmp_path / "index")
    assert report.updated == ["a.txt"] and encoder.encoded == []
    assert new.manifest["format_version"] == FORMAT_VERSION and new.vocabulary == Vocabulary.parse(WORDS)


def test_the_bundled_corpus_ships_its_dictionary_beside_its_pages():
    path = BUNDLED_CORPUS / USER_DICTIONARY_NAME
    assert len(Vocabulary.read(path)) > 50
    assert path not in iter_corpus_files([BUNDLED_CORPUS])
    assert not (Path(index.tokenize.__file__).parent / "userdict.txt").exists()


# --- no archive's words in the product's code -------------------------------------------------

ARCHIVE_WORDS = re.compile("开发区|示范区|周口|王文峰|川汇")
ROOT = Path(__file__).resolve().parent.parent


def _code_files() -> list[Path]:
    return sorted({*ROOT.glob("index/**/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("eval/*.py")})


def _words_in_code(source: str) -> list[tuple[int, str]]:
    """(line, token) of every token naming an archive word outside comments and docstrings."""
    tree = ast.parse(source)
    docstrings = {
        node.body[0].lineno
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant) and isinstance(node.body[0].value.value, str)
    }
    found = []
    for token in python_tokens.generate_tokens(io.StringIO(source).readline):
        if token.type == python_tokens.COMMENT:
            continue
        if token.type == python_tokens.STRING and token.start[0] in docstrings:
            continue
        if ARCHIVE_WORDS.search(token.string):
            found.append((token.start[0], token.string))
    return found


def test_the_check_finds_words_in_code_but_not_in_comments_or_docstrings():
    source = '"""Module: 周口 in a docstring."""\nX = 1  # 开发区 in a comment\nUNITS = ["示范区"]\n'
    assert _words_in_code(source) == [(3, '"示范区"')]


def test_no_archive_words_remain_in_product_code():
    assert len(_code_files()) > 30
    found = {str(p.relative_to(ROOT)): hits for p in _code_files() if (hits := _words_in_code(p.read_text(encoding="utf-8")))}
    assert found == {}
