"""The keyword-search tokenizer: the one place jieba is used.

Documents and questions go through the same `tokenize`, so whatever spelling variant a reader
types (traditional characters, full-width digits, "2019 年 12 月") meets the same terms as the
printed text.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from pathlib import Path

import jieba

from index.normalize import fold, to_simplified

USER_DICT = Path(__file__).with_name("userdict.txt")

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

_lock = threading.Lock()
_jieba: jieba.Tokenizer | None = None


def tokenize(text: str) -> list[str]:
    """Keyword terms of `text`: simplified, folded, lower-cased, cut by jieba in search mode
    (words plus their dictionary sub-words), without spaces, punctuation or stopwords."""
    normalized = fold(to_simplified(text)).lower()
    terms: list[str] = []
    for token in _tokenizer().lcut_for_search(normalized, HMM=True):
        terms.extend(t for t in _terms(token) if t not in STOPWORDS)
    return terms


def _terms(token: str) -> list[str]:
    """The searchable forms of one jieba token: nothing for space or punctuation, the token
    itself, and for a token mixing numbers with other characters also its parts."""
    parts = _PART.findall(token)
    if len(parts) <= 1:
        return parts  # "3.5%" → ["3.5"]; "，" → []
    return [token, *parts]  # "5g" → ["5g", "5", "g"]


def word_frequencies() -> dict[str, int]:
    """How common each word of the tokenizer's dictionary is (jieba's counts; 0 or absent: rare)."""
    return _tokenizer().FREQ


def _tokenizer() -> jieba.Tokenizer:
    """One jieba tokenizer for the process, with our user dictionary, built on first use.

    A private instance rather than jieba's global one, so other code adding words to jieba
    cannot change our terms (and we do not change theirs).
    """
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict…" chatter
                tokenizer = jieba.Tokenizer()
                tokenizer.load_userdict(io.StringIO(_user_dict_entries()))
                _jieba = tokenizer
    return _jieba


def _user_dict_entries() -> str:
    """userdict.txt without its blank and "#" note lines, which jieba would read as words."""
    lines = USER_DICT.read_text(encoding="utf-8").splitlines()
    return "\n".join(ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#"))

