"""The checker: which sentences of a model's answer the cited passages support.

A sentence is kept only when
- it cites at least one passage (`[n]`, `[1][3]`, `[1, 3]`, `【2】`) and every marker names a
  passage the model was given;
- all text it puts in quotation marks (“…”, 「…」, "…") is verbatim text of a cited passage (or
  its headline), closing punctuation aside;
- every date in it (2022年5月23日, 5月23日, 2022-05-23, May 23, 2022, a year) agrees with a date
  in a cited passage's text or with that passage's publication date, part by part;
- every number, percentage and quantity in it has its value in a cited passage, after reading
  Chinese numerals, scales and units (二十三个 = 23个, 124亿元 = 1.24e10 元, 12.4 billion,
  百分之八十六点九 = 86.9%);
- every person LAC tags in it (Chinese text) is named in a cited passage.

What it cannot see: a sentence whose numbers and names all occur in the passage but whose claim
does not (a figure attached to the wrong subject within one passage), and numbers written as
English words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index.quantities import find_quantities, parse_number
from qa.llm.prompt import Passage
from qa.records import DropReason, Dropped

_TERMINATORS = "。！？!?"
_OPEN, _CLOSE = "“「『", "”」』"
MARKER = re.compile(r"\s*(?:\[\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*\]|【\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*】)")
#: a marker after an end mark, on the same line
_FOLLOWING_MARKER = re.compile(r"[ \t]*(?:\[\s*\d+(?:\s*[,，、]\s*\d+)*\s*\]|【\s*\d+(?:\s*[,，、]\s*\d+)*\s*】)")
_MASK = "■"


@dataclass(frozen=True)
class Sentence:
    """One sentence of the model's answer as written, and the passage numbers it cites."""

    text: str
    markers: tuple[int, ...]


@dataclass(frozen=True)
class Checked:
    kept: tuple[Sentence, ...]
    dropped: tuple[Dropped, ...]

    @property
    def total(self) -> int:
        return len(self.kept) + len(self.dropped)


# --- sentences and markers ----------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, each with the markers that follow its end mark. End marks inside
    quotation marks do not end a sentence (a quote may hold several); a line break always does."""
    out: list[str] = []
    start = depth = 0
    ascii_open = False
    i = 0
    while i < len(text):
        ch = text[i]
        end = None
        if ch == "\n":
            end, depth, ascii_open = i + 1, 0, False
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
            if depth == 0 and i > 0 and text[i - 1] in _TERMINATORS + "." and not ascii_open:
                end = i + 1  # “……开工了。”[1] ends where the quote closes
        elif ch == '"':
            ascii_open = not ascii_open
        elif depth == 0 and not ascii_open and (ch in _TERMINATORS or (ch == "." and _full_stop(text, i))):
            end = i + 1
        if end is not None:
            while end < len(text) and text[end] in _TERMINATORS + ".":
                end += 1
            while (m := _FOLLOWING_MARKER.match(text, end)) is not None:
                end = m.end()
            _add(out, text[start:end])
            start = i = end
            continue
        i += 1
    _add(out, text[start:])
    return out


_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "prof", "no", "vs", "etc", "inc", "co", "ltd", "st", "jr"})


def _full_stop(text: str, i: int) -> bool:
    """A "." at `i` ends an English sentence: not a decimal point, not in i.e., U.S. or Mr."""
    following = text[i + 1 : i + 2]
    if following and not (following.isspace() or following in "[【\"”"):
        return False
    word = re.search(r"([A-Za-z]+)$", text[:i])
    return not (word and (len(word.group(1)) == 1 or word.group(1).lower() in _ABBREVIATIONS))


def _add(out: list[str], piece: str) -> None:
    piece = piece.strip()
    if not piece:
        return
    if not re.search(r"\w", MARKER.sub("", piece)) and out:
        out[-1] += piece  # markers alone on a line belong to the sentence before
    elif re.search(r"\w", piece):
        out.append(piece)


def markers(sentence: str) -> tuple[int, ...]:
    found: list[int] = []
    for m in MARKER.finditer(sentence):
        found += [int(n) for n in re.split(r"[,，、\s]+", (m.group(1) or m.group(2)).strip()) if n]
    return tuple(dict.fromkeys(found))


def without_markers(sentence: str) -> str:
    return MARKER.sub("", sentence)


# --- quotes -------------------------------------------------------------------------------------


def quotes(text: str) -> list[str]:
    """Text inside top-level quotation marks (nested marks stay inside the quote)."""
    found, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
            if depth == 0:
                found.append(text[start:i])
    found += re.findall(r'"([^"\n]+)"', text)
    return [q for q in (q.strip().rstrip("。，,；;.") for q in found) if q]


# --- dates --------------------------------------------------------------------------------------

_MONTHS = {name: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], start=1) for name in names}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_DATE_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    _YEAR + r"\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]",
    _YEAR + r"[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)",
    _YEAR + r"\s*年\s*(?P<m>\d{1,2})\s*月",
    _YEAR + r"[-/](?P<m>\d{1,2})(?!\d)",
    r"(?<!\d)(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]",
    r"\b" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s*" + _YEAR + r")?\b",
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s*" + _YEAR + r")?\b",
    r"\b" + _MONTH + r",?\s+" + _YEAR + r"\b",
    _YEAR + r"\s*年",
    r"(?<![\d.])(?P<m>\d{1,2})\s*月(?!份?\s*\d)",
    r"(?<![\d.])(?P<d>\d{1,2})\s*[日号](?![均常内间])",
    r"(?<![\d.])" + _YEAR + r"(?![\d.%％])(?!\s*(?:个|项|家|人|名|元|万|亿|年|多|余))",
)]


@dataclass(frozen=True)
class DateRef:
    """A date as far as a text states it: any part may be missing."""

    year: int | None
    month: int | None
    day: int | None

    def agrees(self, other: "DateRef") -> bool:
        """Every part this date states, `other` states the same."""
        return all(mine is None or mine == theirs
                   for mine, theirs in ((self.year, other.year), (self.month, other.month), (self.day, other.day)))


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = _MASK * (b - a)
    return "".join(chars)


def find_dates(text: str) -> tuple[list[DateRef], str]:
    """The dates in `text`, and the text with them masked out."""
    found: list[DateRef] = []
    for pattern in _DATE_PATTERNS:
        spans = []
        for m in pattern.finditer(text):
            parts = m.groupdict()
            month = _MONTHS[parts["mon"].lower()] if parts.get("mon") else (int(parts["m"]) if parts.get("m") else None)
            day = int(parts["d"]) if parts.get("d") else None
            if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
                continue
            found.append(DateRef(int(parts["y"]) if parts.get("y") else None, month, day))
            spans.append(m.span())
        text = _mask(text, spans)
    return found, text


# --- numbers ------------------------------------------------------------------------------------

_CN_DECIMAL = dict(zip("零〇一二两三四五六七八九", "001223456789"))
_PERCENTS = (
    re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?:[%％]|percent\b|per\s+cent\b)", re.IGNORECASE),
    re.compile(r"百分之(?P<cn>[零〇一二两三四五六七八九十百]+(?:点[零〇一二两三四五六七八九]+)?)"),
)
_ENGLISH_SCALED = re.compile(r"(?P<n>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<scale>thousand|million|billion|trillion)\b", re.IGNORECASE)
_ENGLISH_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_BARE = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?")


def _chinese_decimal(text: str) -> float | None:
    whole, _, fraction = text.partition("点")
    value = parse_number(whole) if whole else 0.0
    if value is None:
        return None
    return float(f"{int(value)}.{''.join(_CN_DECIMAL[c] for c in fraction)}") if fraction else value


def find_numbers(text: str) -> list[tuple[str, float]]:
    """(as written, value) for every number in `text` that is not part of a date: percentages,
    quantities with their scale (Chinese numerals read), English scaled numbers, bare digits."""
    found: list[tuple[str, float]] = []

    def take(spans_values):
        nonlocal text
        spans = []
        for (a, b), value in spans_values:
            if value is not None:
                found.append((text[a:b], value))
                spans.append((a, b))
        text = _mask(text, spans)

    for pattern in _PERCENTS:
        take([(m.span(), float(m.group("n")) if m.groupdict().get("n") else _chinese_decimal(m.group("cn")))
              for m in pattern.finditer(text)])
    # 一个, 一项 … is as often an article as a count: the figure 1 written so is not checked
    take([((q.start, q.end), None if text[q.start] == "一" and q.value == 1 else q.value) for q in find_quantities(text)])
    take([(m.span(), float(m.group("n").replace(",", "")) * _ENGLISH_SCALES[m.group("scale").lower()])
          for m in _ENGLISH_SCALED.finditer(text)])
    take([(m.span(), float(m.group().replace(",", "").replace("，", ""))) for m in _BARE.finditer(text)])
    return found


# --- what a passage holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class Support:
    """What one passage can vouch for: its text and headline, dates and number values."""

    texts: tuple[str, ...]
    dates: tuple[DateRef, ...]
    values: tuple[float, ...]


def support(passage: Passage) -> Support:
    chunk = passage.chunk
    published = chunk.date.value
    year = published.year if published else None
    dates: list[DateRef] = []
    values: list[float] = []
    for text in (chunk.title, chunk.text):
        found, rest = find_dates(text)
        dates += [DateRef(d.year if d.year is not None else year, d.month, d.day) for d in found]
        values += [v for _, v in find_numbers(rest)]
        # the digits of a scaled quantity too (8.49亿元 vouches for "8.49"), but not those of a date
        values += [float(m.group().replace(",", "").replace("，", "")) for m in _BARE.finditer(rest)]
    if published is not None:
        precision = chunk.date.precision.value
        dates.append(DateRef(published.year, published.month if precision in ("day", "month") else None,
                             published.day if precision == "day" else None))
    return Support((chunk.title, chunk.text), tuple(dates), tuple(values))


# --- the check ----------------------------------------------------------------------------------


def check(text: str, numbered: Sequence[Passage], *, names=None) -> Checked:
    """Each sentence of `text` kept or dropped with its reason. `names(sentence)` gives the
    person names in a sentence (default: LAC's PER entities)."""
    passages = {p.number: p for p in numbered}
    supports: dict[int, Support] = {}
    find_names = names or person_names
    kept, dropped = [], []
    for sentence in split_sentences(text):
        cited = markers(sentence)
        verdict = _verdict(sentence, cited, passages, supports, find_names)
        if verdict is None:
            kept.append(Sentence(sentence, cited))
        else:
            dropped.append(Dropped(sentence, *verdict))
    return Checked(tuple(kept), tuple(dropped))


def _verdict(sentence, cited, passages, supports, find_names) -> tuple[DropReason, str] | None:
    if not cited:
        return DropReason.NO_CITATION, "no [n] marker"
    missing = [n for n in cited if n not in passages]
    if missing:
        return DropReason.MISSING_PASSAGE, f"[{missing[0]}] names no passage (1–{max(passages, default=0)} were given)"
    for n in cited:
        if n not in supports:
            supports[n] = support(passages[n])
    backing = [supports[n] for n in cited]
    texts = [t for s in backing for t in s.texts]
    plain = without_markers(sentence)
    for quoted in quotes(plain):
        if not any(quoted in t for t in texts):
            return DropReason.QUOTE, quoted
    dates, rest = find_dates(plain)
    for date in dates:
        if not any(date.agrees(d) for s in backing for d in s.dates):
            return DropReason.DATE, _date_text(date)
    values = [v for s in backing for v in s.values]
    for written, value in find_numbers(rest):
        if not any(math.isclose(value, v, rel_tol=1e-9, abs_tol=1e-9) for v in values):
            return DropReason.NUMBER, written.strip()
    if re.search(r"[\u4e00-\u9fff]", plain):
        for name in find_names(plain):
            if not any(name in t for t in texts):
                return DropReason.PERSON, name
    return None


def _date_text(date: DateRef) -> str:
    return "-".join(str(part) if part is not None else "?" for part in (date.year, date.month, date.day))


def person_names(text: str) -> list[str]:
    """The persons LAC finds in `text` (two characters or more)."""
    from index.lexical_analysis import analyzer

    return [text[t.start:t.end] for t in analyzer().analyze(text) if t.tag == "PER" and t.end - t.start >= 2]


# --- language -----------------------------------------------------------------------------------


def written_in_chinese(text: str) -> bool | None:
    """Whether the text outside its quotes is mostly Chinese (True), mostly Latin letters
    (False), or has neither (None)."""
    outside = text
    for quoted in quotes(text):
        outside = outside.replace(quoted, " ")
    outside = without_markers(outside)
    cjk = len(re.findall(r"[\u4e00-\u9fff]", outside))
    latin = len(re.findall(r"[A-Za-z]", outside))
    if cjk == 0 and latin == 0:
        return None
    return cjk >= latin
