"""The keyword-search tokenizer: the one place jieba is used.

Documents and questions go through the same `Tokenizer`, so whatever spelling variant a reader
types (traditional characters, full-width digits, "2019 年 12 月") meets the same terms as the
printed text.

jieba's own dictionary is general vocabulary. The words one archive uses that it lacks or cuts
apart (the names of its districts, bodies and campaigns) are the archive's to supply, beside its
pages, as a `Vocabulary` (`newsqa-userdict.txt`, jieba's user-dictionary format). An index
records the vocabulary it was built with, and its `Tokenizer` cuts both its passages and every
question searched against it; no archive's words reach another archive's index.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jieba

from index.errors import UnreadableFileError
from index.normalize import fold, to_simplified

# A dictionary of every word of a large archive is a few megabytes; much more is a mistake.
MAX_VOCABULARY_BYTES = 16 * 1024 * 1024

# Function words and question words: they match almost any passage (or none that answers), so
# they only add noise to keyword scores. Numbers and measure words (个, 亿元, 项, 人次) stay: a
# "how many" question is answered by a count, and BM25's idf already discounts a common 个.
STOPWORDS = frozenset(
    """
    的 了 和 与 及 或 是 有 在 等 也 都 而 把 被 对 就 这 那 之 其 并 着 过 地 得 又 从 向 于 以 由
    吗 呢 吧 啊 呀 么 哪 哪些 哪个 什么 怎么 怎样 如何 为什么 多少 几 请问 有没有
    a an the of and or to in on is are was were be
    """.split()
)

# A number (with decimals) or a run of other letters: the searchable parts of a mixed token such
# as "3.5%" or "abc123", so "3.5" alone still finds them.
_PART = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")
_TAG = re.compile(r"[A-Za-z]+")
_FREQUENCY = re.compile(r"\d+")


class VocabularyError(UnreadableFileError):
    """An archive's dictionary file is not in jieba's user-dictionary format."""


@dataclass(frozen=True)
class Word:
    """One dictionary entry: the word as the tokenizer sees text (simplified, folded, lower
    case), and optionally jieba's frequency and part-of-speech tag for it."""

    text: str
    freq: int | None = None
    tag: str | None = None

    def line(self) -> str:
        return " ".join(part for part in (self.text, _str(self.freq), self.tag) if part)


@dataclass(frozen=True)
class Vocabulary:
    """Words added to jieba's general dictionary, in the order they are added."""

    words: tuple[Word, ...] = ()

    @classmethod
    def parse(cls, text: str, *, source: str = "the dictionary") -> Vocabulary:
        """Read jieba's user-dictionary format: `word [freq] [tag]` a line, blank lines and
        lines starting with `#` ignored. Raises VocabularyError naming `source` and the line."""
        words = []
        for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
            line = raw.strip()
            if line and not line.startswith("#"):
                words.append(_word(line, number=number, source=source))
        return cls(tuple(words)).merged()

    @classmethod
    def read(cls, path: Path) -> Vocabulary:
        """The dictionary file at `path` (UTF-8). Raises VocabularyError."""
        path = Path(path)
        try:
            if path.stat().st_size > MAX_VOCABULARY_BYTES:
                raise VocabularyError(
                    f"{path}: the dictionary is larger than {MAX_VOCABULARY_BYTES // (1024 * 1024)} MB; "
                    "it was not used."
                )
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise VocabularyError(f"{path}: the dictionary is not UTF-8 text; it was not used.") from None
        except OSError as error:
            raise VocabularyError(f"{path}: the dictionary cannot be read ({error.strerror or error}).") from None
        return cls.parse(text, source=str(path))

    def merged(self, *others: Vocabulary) -> Vocabulary:
        """This vocabulary and `others` as one; a word listed again keeps its first place and
        takes its last frequency and tag."""
        entries: dict[str, Word] = {}
        for vocabulary in (self, *others):
            for word in vocabulary.words:
                entries[word.text] = word
        return Vocabulary(tuple(entries.values()))

    def text(self) -> str:
        """The canonical dictionary file: one `word [freq] [tag]` a line."""
        return "".join(f"{word.line()}\n" for word in self.words)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.text().encode("utf-8")).hexdigest()

    def __len__(self) -> int:
        return len(self.words)


EMPTY = Vocabulary()


class Tokenizer:
    """Keyword terms of text, cut by jieba's general dictionary plus `vocabulary`.

    jieba's dictionary is loaded on first use (about a second); each tokenizer then holds its own
    copy with its vocabulary added, so other code adding words to jieba cannot change our terms,
    and one archive's words never change another's.
    """

    def __init__(self, vocabulary: Vocabulary = EMPTY) -> None:
        self.vocabulary = vocabulary
        self._jieba: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    def tokenize(self, text: str) -> list[str]:
        """Keyword terms of `text`: simplified, folded, lower-cased, cut by jieba in search mode
        (words plus their dictionary sub-words), without spaces, punctuation or stopwords."""
        terms: list[str] = []
        for token in self._tokenizer().lcut_for_search(_normalized(text), HMM=True):
            terms.extend(t for t in _terms(token) if t not in STOPWORDS)
        return terms

    def word_frequencies(self) -> dict[str, int]:
        """How common each word of the dictionary is (jieba's counts; 0 or absent: rare)."""
        return self._tokenizer().FREQ

    def __repr__(self) -> str:
        return f"Tokenizer({len(self.vocabulary)} words, {self.vocabulary.sha256[:12]})"

    def _tokenizer(self) -> jieba.Tokenizer:
        if self._jieba is None:
            with self._lock:
                if self._jieba is None:
                    self._jieba = _with_words(self.vocabulary)
        return self._jieba


_cache_lock = threading.Lock()
_cache: OrderedDict[str, Tokenizer] = OrderedDict()
_CACHED = 4  # an index being served, the one replacing it, and the evaluation corpora


def tokenizer_for(vocabulary: Vocabulary) -> Tokenizer:
    """The tokenizer of `vocabulary`, shared by every index built with the same words (a rebuilt
    generation, the corpora of an evaluation), so each dictionary is loaded once per process."""
    with _cache_lock:
        tokenizer = _cache.get(vocabulary.sha256)
        if tokenizer is None:
            tokenizer = _cache[vocabulary.sha256] = Tokenizer(vocabulary)
            while len(_cache) > _CACHED:
                _cache.popitem(last=False)
        _cache.move_to_end(vocabulary.sha256)
        return tokenizer


def general_tokenizer() -> Tokenizer:
    """jieba's general dictionary alone: for text that belongs to no index."""
    return tokenizer_for(EMPTY)


def tokenize(text: str) -> list[str]:
    """Keyword terms of `text` by the general dictionary alone (see `Tokenizer.tokenize`); an
    index's passages and questions use that index's `IndexStore.tokenizer`."""
    return general_tokenizer().tokenize(text)


def word_frequencies() -> dict[str, int]:
    """How common each word of jieba's general dictionary is (0 or absent: rare)."""
    return general_tokenizer().word_frequencies()


def general_tags(words: Iterable[str]) -> dict[str, str]:
    """jieba's part-of-speech tag for each of `words` its general dictionary lists ("ns" a
    place, "nr" a person, "n" a noun, "v" a verb, "a" an adjective …); absent words are left out."""
    wanted = set(words)
    tags = {}
    with _general().get_dict_file() as lines:
        for line in lines:
            word, _, rest = line.decode("utf-8").strip().partition(" ")
            if word in wanted:
                tags[word] = rest.rpartition(" ")[2]
    return tags


def _normalized(text: str) -> str:
    return fold(to_simplified(text)).lower()


def _terms(token: str) -> list[str]:
    """The searchable forms of one jieba token: nothing for space or punctuation, the token
    itself, and for a token mixing numbers with other characters also its parts."""
    parts = _PART.findall(token)
    if len(parts) <= 1:
        return parts  # "3.5%" → ["3.5"]; "，" → []
    return [token, *parts]  # "5g" → ["5g", "5", "g"]


def _word(line: str, *, number: int, source: str) -> Word:
    """One entry line → Word; VocabularyError if it is not `word [freq] [tag]`."""
    fields = line.split()
    text, rest = _normalized(fields[0]), fields[1:]
    freq = int(rest.pop(0)) if rest and _FREQUENCY.fullmatch(rest[0]) else None
    tag = rest.pop(0).lower() if rest and _TAG.fullmatch(rest[0]) else None
    if rest or not _PART.search(text):
        raise VocabularyError(
            f"{source}: line {number} is not a dictionary entry (word, then optionally a frequency "
            f"and a part-of-speech tag): {line!r}; the dictionary was not used."
        )
    if freq == 0:
        # jieba reads frequency 0 as "never join these characters", for every tokenizer in the
        # process: one archive's entry would change the terms of every other index
        raise VocabularyError(
            f"{source}: line {number} gives {fields[0]!r} frequency 0, which is not supported "
            "(leave a word out rather than forbid it); the dictionary was not used."
        )
    return Word(text, freq, tag)


def _with_words(vocabulary: Vocabulary) -> jieba.Tokenizer:
    """A jieba tokenizer of its general dictionary plus `vocabulary`."""
    general = _general()
    if not vocabulary.words:
        return general
    tokenizer = jieba.Tokenizer()
    # a copy of the loaded general dictionary (jieba 0.42's prefix-frequency table), not a
    # second load from disk: tens of milliseconds instead of about a second
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(general.FREQ), general.total, True
    for word in vocabulary.words:
        tokenizer.add_word(word.text, word.freq, word.tag)
    return tokenizer


_general_lock = threading.Lock()
_general_jieba: jieba.Tokenizer | None = None


def _general() -> jieba.Tokenizer:
    """jieba's general dictionary, loaded once per process into a private instance (not jieba's
    global one, which other code may add words to)."""
    global _general_jieba
    if _general_jieba is None:
        with _general_lock:
            if _general_jieba is None:
                jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict…" chatter
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _general_jieba = tokenizer
    return _general_jieba


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)
