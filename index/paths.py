"""Where the product keeps its files, and how many CPUs it may use."""

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


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask, which containers narrow), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
