"""Opening an index for search, whatever its backend (`open_archive`), and the embedded
backend's retriever under its older names (`index.backends.local.retrieval`)."""

from index.backends import open_archive
from index.backends.local.retrieval import (  # noqa: F401 — the names other code imports from here
    MODES,
    HybridRetriever,
    SearchEncoder,
    _top,
    archive_of,
    describe_store,
    open_retriever,
    reciprocal_rank_fusion,
)

__all__ = ["MODES", "HybridRetriever", "SearchEncoder", "archive_of", "describe_store", "open_archive",
           "open_retriever", "reciprocal_rank_fusion"]
