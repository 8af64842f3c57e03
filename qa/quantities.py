"""Numbers with their units or measure words in Chinese news text, and which units fit a question.

Chinese counts a thing with a measure word (23个项目, 90余家企业, 1800多个停车位) and money in
scaled units (8.49 亿元); print layout sometimes puts spaces between the number and the unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: unit families: a question asking for one member accepts the others (个 ≈ 项 for projects)
UNIT_FAMILIES: dict[str, frozenset[str]] = {
    "money": frozenset({"元", "万元", "亿元", "千元", "美元", "万美元", "亿美元"}),
    "people": frozenset({"人", "名", "位", "人次", "万人"}),
    "area": frozenset({"平方米", "平方公里", "亩", "公顷", "万平方米"}),
    "percent": frozenset({"%", "％", "个百分点"}),
    "count": frozenset({"个", "项", "家", "座", "所", "条", "套", "栋", "户", "辆", "次", "批", "份", "台", "种",
                        "处", "场", "件", "起", "例", "宗", "张", "间", "篇", "块", "盏", "株", "棵", "头", "只",
                        "支", "组", "轮", "层", "架", "艘", "册", "幅", "部", "期"}),
    "weight": frozenset({"吨", "万吨", "公斤", "千克"}),
    "length": frozenset({"公里", "千米", "米"}),
    "volume": frozenset({"立方米", "万立方米", "升"}),
    "power": frozenset({"千瓦", "万千瓦", "兆瓦", "千瓦时", "万千瓦时"}),
    "time": frozenset({"天", "年", "个月", "小时", "分钟", "周"}),
    "age": frozenset({"岁", "周岁"}),
}

_UNITS = sorted({u for family in UNIT_FAMILIES.values() for u in family}, key=len, reverse=True)
_NUMBER = r"\d+(?:[.,]\d+)*"
QUANTITY = re.compile(
    rf"(?P<number>{_NUMBER})\s*(?P<scale>[万亿千百])?\s*(?P<approx>余|多)?\s*(?P<unit>{'|'.join(map(re.escape, _UNITS))})"
)

#: nouns in a how-many question → the unit family the answer should carry
NOUN_FAMILIES: tuple[tuple[str, str], ...] = (
    ("率", "percent"), ("比例", "percent"), ("增速", "percent"), ("增长", "percent"), ("百分", "percent"),
    ("税", "money"), ("收入", "money"), ("投资", "money"), ("资金", "money"), ("金额", "money"),
    ("产值", "money"), ("贷款", "money"), ("补贴", "money"), ("工资", "money"), ("钱", "money"),
    ("营收", "money"), ("利润", "money"), ("利税", "money"), ("预算", "money"), ("消费额", "money"),
    ("基金", "money"), ("经费", "money"), ("成本", "money"), ("价格", "money"), ("财政", "money"),
    ("面积", "area"), ("占地", "area"),
    ("人数", "people"), ("人员", "people"), ("就业", "people"), ("党员", "people"), ("干部", "people"),
    ("居民", "people"), ("员工", "people"), ("志愿者", "people"), ("学生", "people"), ("人", "people"),
    ("重量", "weight"), ("产量", "weight"), ("距离", "length"), ("长度", "length"),
    ("数量", "count"), ("项目", "count"), ("企业", "count"), ("公司", "count"), ("学校", "count"),
    ("机构", "count"), ("单位", "count"),
)


@dataclass(frozen=True)
class Quantity:
    """A number and its unit at [start, end) of a text."""

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


#: traditional forms of the measure words and scales, one character each, so offsets stay put
_UNITS_T2S = str.maketrans("個項萬億戶輛臺間張隻條場處棟組輪層冊噸畝歲週鐘時", "个项万亿户辆台间张只条场处栋组轮层册吨亩岁周钟时")


def find_quantities(text: str) -> list[Quantity]:
    """Every number-with-unit in `text`, in order; dates (2019年, 5月, 23日) are not quantities.
    Units printed in traditional characters (1800個, 3.5億元) are read as their simplified forms."""
    found = []
    for m in QUANTITY.finditer(text.translate(_UNITS_T2S)):
        if m.group("unit") == "年" and len(m.group("number")) == 4:
            continue
        value = float(m.group("number").replace(",", ""))
        unit = (m.group("scale") or "") + m.group("unit")
        found.append(Quantity(m.start(), m.end(), value, unit if unit in _UNITS else m.group("unit")))
    return found


def fit(quantity: Quantity, *, units: frozenset[str], families: frozenset[str]) -> float:
    """How well a quantity answers a how-many question asking for `units` / `families` (0..1)."""
    if quantity.unit in units:
        return 1.0
    if quantity.family in families:
        return 0.8
    if not units and not families:
        return 0.6  # the question names no unit: any quantity is a candidate
    return 0.15
