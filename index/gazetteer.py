"""China's administrative divisions: does a word name a province, city, county or district?

The names come from a maintained package, not from any archive: `jionlp`'s dictionary of China's
divisions (`china_location.txt`: every province, prefecture-level city and county-level unit with
its code and short forms, kept up to date with the official lists). Its file is read straight from
the installed package, without importing jionlp, whose import takes about two seconds, prints to
standard output and unzips its dictionaries into its own install folder.

What counts as a name:

- the full name at every level (`河南省`, `许昌市`, `黔东南苗族侗族自治州`, `海淀区`, `义乌市`, and
  the development zones numbered among counties, `天府新区`), except the placeholders for
  units under a province or city directly (`省直辖行政区划`) and the district names that are also
  ordinary words for any town's parts (`城区`, `郊区`, `矿区`);
- the short form of a province or prefecture-level city (`河南`, `许昌`, `广西`, `延边`);
- the short form of a county-level unit (`嘉定` for 嘉定区, `义乌` for 义乌市) unless jieba's general
  dictionary knows it as an ordinary word (tagged other than a name: `公安` for 公安县, `合作` for
  合作市, `港口` for 港口区); a zone's short form is a kind, not a name (`高新区` is given to 32
  zones, `经开区` to 59).

`admin_divisions_in` finds full names and the short forms of provinces and cities in running text;
a county's short form stands alone too rarely, and collides with ordinary words too often (`和平`,
`新华`, `太平`), to be taken for a place without a suffix. Named units that are no administrative
division (`郑东新区`, `某某街道`) are for the caller to recognise by their form.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import util
from pathlib import Path

from index.errors import NewsQAError
from index.normalize import to_simplified

PACKAGE = "jionlp"
_DATA = ("dictionary", "china_location.zip", "china_location.txt")
# district names that are also the ordinary words for a town's parts
_GENERIC_NAMES = frozenset({"城区", "郊区", "矿区"})
# jieba's tags for names (places, persons, other proper nouns): a county's short form with
# another tag is an ordinary word first (公安 n, 合作 vn, 友好 a, 南部 f)
_NAME_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz"})


class GazetteerUnavailableError(NewsQAError):
    """The package holding the divisions is not installed, or its data is not where expected."""


class Level(str, Enum):
    PROVINCE = "province"  # provinces, autonomous regions, municipalities, SARs
    CITY = "city"  # prefecture-level: cities, prefectures, autonomous prefectures, leagues
    COUNTY = "county"  # county-level: counties, districts, county-level cities, banners, zones


@dataclass(frozen=True)
class Division:
    name: str  # 许昌市
    level: Level
    code: str | None  # the official six-digit code; None where the package gives none
    short: tuple[str, ...] = ()  # 许昌


def is_admin_division(word: str) -> bool:
    """Whether `word` (simplified or traditional) is the name of an administrative division of
    China or the short form of one (see the module's notes)."""
    word = to_simplified(word.strip())
    return word in _names() or word in _county_short_forms()


def admin_divisions_in(text: str) -> list[tuple[int, int]]:
    """(start, end) of every division named in `text`: full names and the short forms of
    provinces and cities, longest first, left to right, never overlapping."""
    simplified = to_simplified(text)
    if len(simplified) != len(text):  # the conversion rewrote a phrase: offsets would shift
        simplified = text
    names, longest = _names(), _longest_name()
    spans, start = [], 0
    while start < len(simplified):
        end = next((start + n for n in range(min(longest, len(simplified) - start), 1, -1)
                    if simplified[start:start + n] in names), None)
        if end is None:
            start += 1
        else:
            spans.append((start, end))
            start = end
    return spans


def divisions_named(word: str) -> list[Division]:
    """Every division `word` is the full name or short form of (朝阳: a city and two districts)."""
    word = to_simplified(word.strip())
    return [d for d in divisions() if word == d.name or word in d.short]


@cache
def divisions() -> tuple[Division, ...]:
    """Every division in the package's dictionary, provinces first, as it lists them."""
    return tuple(_read())


@cache
def _names() -> frozenset[str]:
    """Full names of every level, short forms of provinces and cities."""
    names = set()
    for division in divisions():
        names.add(division.name)
        if division.level is not Level.COUNTY:
            names.update(division.short)
    return frozenset(names - _GENERIC_NAMES - _kinds())


@cache
def _county_short_forms() -> frozenset[str]:
    from index.tokenize import general_tags

    counties = [d for d in divisions() if d.level is Level.COUNTY and not _is_zone(d)]
    candidates = {short for d in counties for short in d.short} - _GENERIC_NAMES - _kinds()
    tags = general_tags(candidates)
    return frozenset(s for s in candidates if tags.get(s, "ns") in _NAME_TAGS)


@cache
def _kinds() -> frozenset[str]:
    """Short forms that name a kind of unit, not one: given to several divisions and ending like
    a kind does (高新区, 经开区, 产业园), where a name's short form drops the kind."""
    counts = Counter(short for d in divisions() for short in d.short)
    return frozenset(s for s, n in counts.items() if n > 1 and s.endswith(("区", "园")))


@cache
def _longest_name() -> int:
    return max(map(len, _names()))


def _is_zone(division: Division) -> bool:
    """A development or new zone numbered among counties (codes xxxx7x): not a division proper."""
    return division.code is not None and division.code[4] == "7"


def _read() -> Iterator[Division]:
    """The first three levels of the package's file: a tab per level, then name, code, short forms."""
    levels = {0: Level.PROVINCE, 1: Level.CITY, 2: Level.COUNTY}
    for line in _lines():
        depth = len(line) - len(line.lstrip("\t"))
        if depth not in levels or not line.strip():
            continue  # towns and villages, one level below counties
        name, code, short = [*line.strip().split("\t"), None, None][:3]
        if "直辖" in name:  # 省直辖行政区划: the units directly under a province, not a name
            continue
        shorts = tuple(s for s in (short or "").split("/") if s and s != name)
        yield Division(name=name, level=levels[depth], code=code, short=shorts)


def _lines() -> list[str]:
    spec = util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise GazetteerUnavailableError(
            f"Recognising place names needs the {PACKAGE} package; install it with `pip install {PACKAGE}`."
        )
    *folders, archive, member = _DATA
    path = Path(next(iter(spec.submodule_search_locations)), *folders, archive)
    try:
        with zipfile.ZipFile(path) as data:
            return data.read(member).decode("utf-8").splitlines()
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as error:
        raise GazetteerUnavailableError(
            f"The {PACKAGE} package's list of administrative divisions cannot be read ({error})."
        ) from None
