"""The pieces behind `newsqa eval`: dataset choice, usable modes, answer function."""

from __future__ import annotations

import sys

from eval.dataset import Question
from eval.formats import write_beir
from eval.runner import qa_answer
from eval.suite import answer_function, load_dataset, usable_modes
from index.interfaces import Archive, IndexInfo


def test_load_dataset_default_jsonl_and_beir(tmp_path):
    questions, name = load_dataset(None)
    assert name == "built-in dev set" and len(questions) >= 60
    q = Question(id="q1", question="多少？", answers=("1个",), kind="numeric")
    write_beir(tmp_path / "set", questions=[q], docs=[], qrels={})
    assert load_dataset(tmp_path / "set") == ([q], "set")


def test_keyword_only_retrievers_run_bm25_only():
    def archive(keyword_only):
        info = IndexInfo(backend="local", generation=None, model=None, keyword_only=keyword_only, sources=0,
                         articles=0, chunks=0)
        return Archive(retriever=None, describe=lambda: info)

    modes, notes = usable_modes(archive(True), ["bm25", "dense", "hybrid"])
    assert modes == ["bm25"]
    assert notes == ["dense skipped: the index is keyword-only or its model could not be loaded.",
                     "hybrid skipped: the index is keyword-only or its model could not be loaded."]
    assert usable_modes(archive(False), ["dense"]) == (["dense"], [])


def test_answer_function(monkeypatch):
    assert answer_function(False) == (None, None)
    assert answer_function(True) == (qa_answer, None)
    monkeypatch.setitem(sys.modules, "qa", None)  # as if the answering layer were missing
    fn, note = answer_function(True)
    assert fn is None and note.startswith("answer metrics skipped: the answering layer is not available")
