"""Numbers with their units or measure words in Chinese news text.

Chinese counts a thing with a measure word (23个项目, 90余家企业, 三名民警, 二十多家) and money in
scaled units (8.49 亿元, 431，970元); print layout sometimes puts spaces between the number and
the unit. Measure words are grouped in families, so a question asking for one member accepts
the others (个 ≈ 项 for projects).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNIT_FAMILIES: dict[str, frozenset[str]] = {
    "money": frozenset({"元", "万元", "亿元", "千元", "美元", "万美元", "亿美元", "欧元", "英镑", "日元", "港元",
                        "块", "块钱", "角", "毛"}),
    "people": frozenset({"人", "名", "位", "人次", "万人", "万人次"}),
    "area": frozenset({"平方米", "平方公里", "亩", "公顷", "万平方米", "万亩", "平米"}),
    "percent": frozenset({"%", "％", "个百分点", "成"}),
    "count": frozenset({"个", "项", "家", "座", "所", "条", "套", "栋", "户", "辆", "次", "批", "份", "台", "种",
                        "处", "场", "件", "起", "例", "宗", "张", "间", "篇", "盏", "株", "棵", "头", "只",
                        "支", "组", "轮", "层", "架", "艘", "册", "幅", "部", "期", "枚", "颗", "根", "袋",
                        "箱", "瓶", "盆", "本", "块地", "把", "匹", "双", "对", "届", "季", "单", "笔", "趟"}),
    "weight": frozenset({"吨", "万吨", "公斤", "千克", "斤", "克"}),
    "length": frozenset({"公里", "千米", "米", "厘米", "毫米"}),
    "volume": frozenset({"立方米", "万立方米", "升", "毫升"}),
    "power": frozenset({"千瓦", "万千瓦", "兆瓦", "千瓦时", "万千瓦时", "千伏"}),
    "time": frozenset({"天", "年", "个月", "月", "小时", "分钟", "周", "日", "秒", "个小时", "星期"}),
    "age": frozenset({"岁", "周岁"}),
    "speed": frozenset({"公里/小时", "千米/小时", "km/h", "米/秒"}),
}

_UNITS = sorted({u for family in UNIT_FAMILIES.values() for u in family}, key=len, reverse=True)
_UNIT_PATTERN = "|".join(map(re.escape, _UNITS))
# digits with decimals, or thousands groups (431,970 / 431，970): a full-width comma is a
# thousands mark only between a digit and exactly three digits
_DIGITS = r"\d+(?:(?:[,，]\d{3})+(?!\d))?(?:\.\d+)?"
_NUMERALS = "零〇一二两三四五六七八九十百千万亿"
_CN_NUMBER = rf"[{_NUMERALS}]*[一二两三四五六七八九十][{_NUMERALS}]*"
QUANTITY = re.compile(
    rf"(?P<number>{_DIGITS}|{_CN_NUMBER})\s*(?P<scale>[万亿千百](?![{_NUMERALS}]))?\s*(?P<approx>余|多|来)?\s*(?P<unit>{_UNIT_PATTERN})"
)
# a Chinese numeral that is part of a word, not a count (一些, 一起, 十分, 万一)
_NOT_A_COUNT = re.compile(r"一(?:些|起|样|般|直|切|旦|定|度|同|律|方面|线|带|行|再|处)|十分|万一|百姓|千万(?!元)|一下|一批次")
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
#: traditional forms of the measure words and scales, one character each, so offsets stay put
_UNITS_T2S = str.maketrans("個項萬億戶輛臺間張隻條場處棟組輪層冊噸畝歲週鐘時塊錢", "个项万亿户辆台间张只条场处栋组轮层册吨亩岁周钟时块钱")


@dataclass(frozen=True)
class Quantity:
    """A number and its unit at [start, end) of a text; `value` has the scale applied
    (8.49亿元 → 849000000.0, unit 亿元)."""

    start: int
    end: int
    value: float
    unit: str

    @property
    def family(self) -> str | None:
        return unit_family(self.unit)


def unit_family(unit: str) -> str | None:
    for name, members in UNIT_FAMILIES.items():
        if unit in members:
            return name
    return None


def find_quantities(text: str) -> list[Quantity]:
    """Every number-with-unit in `text`, in order. Years (2019年) and month-days (5月, 23日)
    are dates, not quantities; units printed in traditional characters read as simplified."""
    found = []
    simplified = text.translate(_UNITS_T2S)
    for m in QUANTITY.finditer(simplified):
        number, unit = m.group("number"), m.group("unit")
        if _is_date_part(simplified, m, number, unit) or _NOT_A_COUNT.match(simplified, m.start()):
            continue
        if m.start() > 0 and simplified[m.start() - 1] == "第":
            continue  # 第三届 is an ordinal
        value = parse_number(number)
        if value is None:
            continue
        scale = m.group("scale") or ""
        value *= {"": 1, "百": 100, "千": 1000, "万": 1e4, "亿": 1e8}[scale]
        full = scale + unit
        found.append(Quantity(m.start(), m.end(), value, full if full in _UNITS else unit))
    return found


def _is_date_part(text: str, m: re.Match, number: str, unit: str) -> bool:
    if unit == "年" and re.fullmatch(r"\d{4}|[零〇一二三四五六七八九]{4}", number):
        return True  # 2019年, 二〇二二年
    if unit in ("月", "日") and not m.group("approx"):
        # 5月 / 23日 are dates; 3个月 / 10日内 spans are durations only with 个 or a following 内/来
        after = text[m.end() : m.end() + 1]
        return not (unit == "日" and after in "内间")
    return False


def parse_number(text: str) -> float | None:
    """Digits (with thousands marks and decimals) or a Chinese numeral (二十三, 两千五百, 一万二)."""
    digits = text.replace(",", "").replace("，", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", digits):
        return float(digits)
    total, section, current = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGIT:
            current = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            section += (current or 1) * _CN_UNIT[ch]
            current = 0
        elif ch == "万":
            total += (section + current) * 10_000
            section = current = 0
        elif ch == "亿":
            total = (total + section + current) * 100_000_000
            section = current = 0
        else:
            return None
    return float(total + section + current)
