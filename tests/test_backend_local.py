"""The embedded backend (generation folders, FAISS, BM25) passes the shared backend suite."""

from __future__ import annotations

from backend_suite import BackendTests

from index.backends import BackendConfig


class TestLocalBackend(BackendTests):
    backend_name = "local"

    def config(self, tmp_path):
        return BackendConfig()
