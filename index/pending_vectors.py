"""Vectors a build computed but has not yet written into its index, kept beside the index.

Embedding is nearly all of a build's time. A build saves the vectors it computed here before it
writes them to the backend; if the write then fails (disk full, the server gone, the process
killed), the next build finds them here and does not embed those passages again. A build that
completes removes the file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

FILE = "pending-vectors.npz"


def load(index_dir: Path, *, model: str, revision: str | None, keys: set[str]) -> dict[str, np.ndarray]:
    """The saved vectors of `keys` (text keys) made by that model build; {} when none are."""
    path = Path(index_dir) / FILE
    if not keys or not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as saved:
            if str(saved["model"]) != model or str(saved["revision"]) != str(revision):
                return {}
            stored_keys = [k.decode("ascii") for k in saved["keys"]]
            vectors = saved["vectors"]
    except (OSError, ValueError, KeyError):  # a file cut short by the failure itself: nothing to reuse
        return {}
    return {key: vectors[row] for row, key in enumerate(stored_keys) if key in keys}


def save(index_dir: Path, *, model: str, revision: str | None, keys: list[str], vectors: np.ndarray) -> None:
    """Add `vectors` to the saved ones (best effort: a full disk only loses this safety net)."""
    path = Path(index_dir) / FILE
    previous = load(index_dir, model=model, revision=revision, keys=_saved_keys(path))
    previous.update(zip(keys, np.asarray(vectors, dtype=np.float32)))
    temporary = path.with_name(f".tmp-{FILE}")
    try:
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as out:
            np.savez(out, model=np.array(model), revision=np.array(str(revision)),
                     keys=np.array([k.encode("ascii") for k in previous], dtype="S64"),
                     vectors=np.stack(list(previous.values())) if previous else np.zeros((0, 0), np.float32))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        print(f"warning: the computed vectors could not be saved beside the index ({error.strerror or error}); "
              "a failed build would embed them again.", file=sys.stderr)


def clear(index_dir: Path) -> None:
    (Path(index_dir) / FILE).unlink(missing_ok=True)


def _saved_keys(path: Path) -> set[str]:
    try:
        with np.load(path, allow_pickle=False) as saved:
            return {k.decode("ascii") for k in saved["keys"]}
    except (OSError, ValueError, KeyError):
        return set()
