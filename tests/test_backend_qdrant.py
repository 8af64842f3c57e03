"""The Qdrant backend passes the shared backend suite, in qdrant-client's local mode (the same
API, run in this process on a folder: no server needed)."""

from __future__ import annotations

from backend_suite import BackendTests

from index.backends import BackendConfig


class TestQdrantBackend(BackendTests):
    backend_name = "qdrant"

    def config(self, tmp_path):
        return BackendConfig(backend="qdrant", path=str(tmp_path / "qdrant"), collection="test")
