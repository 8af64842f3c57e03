"""Chinese names written in pinyin in English questions ("Song Li", "Zhang Xiaoming", "Wenchang").

A dictionary cannot translate a person's or a small place's name, but its pinyin can be matched
against the articles' characters: 宋力 reads "song li". Capitalized words inside an English question
that split wholly into pinyin syllables are taken as a name (English words such as "New", "Eve" or
"Party" do not split); a sentence holds the name when a run of its characters reads exactly so,
ignoring tones. Both orders of a two-word name are tried (Xiaoming Zhang = Zhang Xiaoming).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import cache

#: longest name matched, in characters (a four-character place name, a compound surname + given name)
MAX_CHARS = 6
_WORD = re.compile(r"[A-Za-z]+(?:'s)?")
_lock = threading.Lock()
_readings: OrderedDict[str, list[str]] = OrderedDict()
_CACHE_SIZE = 4096


def names_in(question: str, *, skip: str = "") -> tuple[tuple[str, ...], ...]:
    """The pinyin names of an English question, each as its spellings (letters only, lower case).
    `skip` is a regex of phrases already understood otherwise (glossary terms); the first word of
    the question is a question word, not a name."""
    text = re.sub(skip, " | ", question, flags=re.I) if skip else question
    names: list[tuple[str, ...]] = []
    run: list[str] = []
    for n, match in enumerate(_WORD.finditer(text)):
        word = match.group(0).removesuffix("'s")
        follows = run and text[match.start() - 1 : match.start()] == " "  # "Song Li", not "Song, Li"
        if n > 0 and word[:1].isupper() and _is_pinyin(word.lower()):
            run = run + [word.lower()] if follows else [word.lower()]
            if len(run) == 1:
                names.append(())
            names[-1] = _spellings(run)
        else:
            run = []
    # one syllable (Li, Wang) reads as too many characters to point at anyone
    return tuple(n for n in names if n and _syllable_count(n[0]) >= 2)


def holds(text: str, spellings: tuple[str, ...]) -> bool:
    """Whether a run of `text`'s characters reads as one of the spellings."""
    return any(_find(text, s) is not None for s in spellings)


def span(text: str, spellings: tuple[str, ...]) -> tuple[int, int] | None:
    """Where `text` names the name first, if it does."""
    found = [f for s in spellings if (f := _find(text, s)) is not None]
    return min(found) if found else None


def _find(text: str, spelling: str) -> tuple[int, int] | None:
    readings = _reading(text)
    for start, first in enumerate(readings):
        if not first or not spelling.startswith(first):
            continue
        joined = ""
        for end in range(start, min(start + MAX_CHARS, len(readings))):
            if not readings[end]:
                break
            joined += readings[end]
            if joined == spelling:
                return start, end + 1
            if not spelling.startswith(joined):
                break
    return None


def _spellings(words: list[str]) -> tuple[str, ...]:
    forward = "".join(words)
    if len(words) == 2:
        return forward, words[1] + words[0]
    return (forward,)


def _reading(text: str) -> list[str]:
    """Toneless pinyin of each character of `text` ("" for anything not Chinese), cached."""
    cached = _readings.get(text)
    if cached is None:
        from pypinyin import lazy_pinyin

        cached = lazy_pinyin(text, errors=lambda chars: [""] * len(chars))
        with _lock:
            _readings[text] = cached
            while len(_readings) > _CACHE_SIZE:
                _readings.popitem(last=False)
    return cached


def _is_pinyin(word: str) -> bool:
    """Whether the word splits wholly into pinyin syllables (xiaoming → xiao·ming)."""
    return _syllable_count(word) > 0


def _syllable_count(word: str) -> int:
    """The fewest pinyin syllables `word` splits into; 0 when it does not split."""
    syllables = _syllables()
    fewest = [0] + [0] * len(word)  # 0 = cannot end a split here (except at the start)
    for end in range(1, len(word) + 1):
        counts = [fewest[start] + 1 for start in range(max(0, end - 6), end)
                  if (start == 0 or fewest[start]) and word[start:end] in syllables]
        fewest[end] = min(counts) if counts else 0
    return fewest[-1]


@cache
def _syllables() -> frozenset[str]:
    """Every toneless reading pypinyin gives a common character (about 400 syllables)."""
    from pypinyin import lazy_pinyin

    readings = lazy_pinyin("".join(map(chr, range(0x4E00, 0x9FA6))))
    return frozenset(r for r in readings if re.fullmatch(r"[a-z]*[aeiouv][a-z]*", r))
