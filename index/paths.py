"""Where the product keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "data" / "zhoukou-daily"


def home() -> Path:
    """The product's home directory: `$NEWSQA_HOME`, default `~/.newsqa`."""
    return Path(os.environ.get("NEWSQA_HOME") or Path.home() / ".newsqa").expanduser()


def default_index_dir() -> Path:
    return home() / "index"


def model_cache_dir() -> Path:
    return home() / "models"
