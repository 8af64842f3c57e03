"""Text folding for matching. Never used to change what is shown: quotes stay as printed.

Printed pages vary in ways a reader ignores: full-width digits and punctuation, spaces that
typesetting puts around numbers ("2019 年 12 月"), traditional characters in older or
cross-strait copy. Matching (keyword search, quote location, evaluation) folds both sides the
same way so those variants meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Horizontal space between a digit and a CJK character in either direction.
_DIGIT_CJK_SPACE = re.compile(rf"(?<=\d)[^\S\n]+(?=[{_CJK}])|(?<=[{_CJK}])[^\S\n]+(?=\d)")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFKC (full-width → half-width), no spaces between digits and CJK, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIGIT_CJK_SPACE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def well_formed(text: str) -> str:
    """`text` with any lone surrogate replaced by "?".

    Undecodable bytes in a command-line argument reach Python as lone surrogates, and a JSON
    client may send "\\ud800". They are not text: UTF-8 encoding, tokenizers and hashes raise on
    them, so anything typed by a user passes through here before it is searched or embedded.
    """
    return text.encode("utf-8", "replace").decode("utf-8")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC t2s); other text passes through unchanged."""
    return _t2s().convert(text)


@cache
def _t2s():
    # Building the converter loads its dictionaries; do it once per process.
    from opencc import OpenCC

    return OpenCC("t2s")
