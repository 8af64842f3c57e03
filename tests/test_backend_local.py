"""The embedded backend (generation folders, FAISS, BM25) passes the shared backend suite."""

from __future__ import annotations

from backend_suite import BackendTests

from index.backends import BackendConfig


class TestLocalBackend(BackendTests):
    backend_name = "local"

    def config(self, tmp_path):
        return BackendConfig()


def test_a_full_disk_mid_build_is_one_sentence_and_the_retry_embeds_nothing_again(newsqa, tmp_path, monkeypatch):
    import errno

    import numpy as np
    from backend_suite import PAGE_A, PAGE_C, write_pages

    import index.embedding
    from index.backends.local.store import IndexStore

    folder = write_pages(tmp_path / "pages", {"a.txt": PAGE_A})
    index_dir = tmp_path / "index"
    assert newsqa("index", folder, "--model", "hashing", "--index-dir", index_dir)[0] == 0
    live = IndexStore.load(index_dir).path
    write_pages(folder, {"c.txt": PAGE_C})
    real_save = np.save

    def full(path, *args, **kwargs):
        if str(path).endswith("vectors.npy"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(path, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(np, "save", full)
        code, _, err = newsqa("index", folder, "--model", "hashing", "--index-dir", index_dir)
    assert code == 1 and "no space left on the disk" in err and "previous index is still the one in use" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert IndexStore.load(index_dir).path == live
    assert not [p.name for p in index_dir.iterdir() if p.name.startswith(".tmp-gen-")]

    encoded = []
    real_encode = index.embedding.HashingEncoder.encode_passages
    monkeypatch.setattr(index.embedding.HashingEncoder, "encode_passages",
                        lambda self, texts, **kw: encoded.extend(texts) or real_encode(self, texts, **kw))
    code, out, _ = newsqa("index", folder, "--model", "hashing", "--index-dir", index_dir)

    assert code == 0 and "1 added" in out and encoded == []  # c.txt's vectors were kept from the failed build
    assert not [p.name for p in index_dir.iterdir() if p.name.startswith((".tmp-", "pending-"))]
