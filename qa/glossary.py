"""A small English → Chinese glossary of city-news vocabulary.

English questions are matched against Chinese articles by the multilingual embedding model; this
glossary adds the Chinese key terms so keyword search and evidence scoring can take part too.
General newsroom vocabulary only: places, offices, topics and measures, never answers.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, tuple[str, ...]] = {
    # places and administrative units
    "development zone": ("开发区",),
    "economic development zone": ("经济开发区", "开发区"),
    "demonstration zone": ("示范区",),
    "urban-rural integration demonstration zone": ("城乡一体化示范区", "示范区"),
    "industrial park": ("产业园",),
    "zhoukou": ("周口",),
    "henan": ("河南",),
    "community": ("社区",),
    "sub-district office": ("办事处",),
    "zhengzhou": ("郑州",),
    "shanghai": ("上海",),
    # offices and people
    "party secretary": ("党委书记", "书记"),
    "secretary": ("书记",),
    "mayor": ("市长",),
    "director": ("主任",),
    "reporter": ("记者",),
    "grid worker": ("网格员",),
    "grid": ("网格",),
    "volunteer": ("志愿者",),
    "leader": ("领导",),
    "committee": ("委员会",),
    "meeting": ("会议",),
    "chaired": ("主持",),
    "chair": ("主持",),
    "presided": ("主持",),
    "hosted": ("主持",),
    "commentary": ("评论",),
    "cppcc": ("政协",),
    "law enforcement": ("执法",),
    "law-enforcement": ("执法",),
    "officers": ("人员",),
    "inspectors": ("执法人员",),
    "finance bureau": ("财政局",),
    "tax bureau": ("税务局",),
    # economy and projects
    "key project": ("重点项目",),
    "key projects": ("重点项目",),
    "project": ("项目",),
    "projects": ("项目",),
    "started": ("开工",),
    "start construction": ("开工",),
    "construction": ("建设", "施工"),
    "investment": ("投资",),
    "invest": ("投资",),
    "tax": ("税收",),
    "taxes": ("税收",),
    "tax revenue": ("税收", "收入"),
    "revenue": ("收入",),
    "income": ("收入",),
    "output": ("产值",),
    "enterprise": ("企业",),
    "enterprises": ("企业",),
    "company": ("公司", "企业"),
    "companies": ("公司", "企业"),
    "loan": ("贷款",),
    "loans": ("贷款",),
    "bond": ("债券",),
    "bonds": ("债券",),
    "special bonds": ("专项债券",),
    "e-commerce": ("电子商务",),
    "testing": ("检验检测", "检测"),
    "laboratory": ("实验室",),
    "jobs": ("就业",),
    "employment": ("就业",),
    "new jobs": ("新增城镇就业", "就业"),
    "night market": ("夜市",),
    "night markets": ("夜市",),
    "housing": ("安置房",),
    "resettlement housing": ("安置房",),
    "kindergarten": ("幼儿园",),
    "toilets": ("公厕",),
    "public toilets": ("公厕",),
    "toilet": ("公厕",),
    "parking spaces": ("停车位",),
    "settled": ("入驻",),
    "urban": ("城镇",),
    "unemployment": ("失业",),
    "unemployment rate": ("失业率",),
    "coverage rate": ("覆盖率",),
    "party organization": ("党组织",),
    "major projects": ("重大项目",),
    "reserve": ("储备",),
    "planning": ("谋划",),
    "school": ("学校",),
    "schools": ("学校",),
    "road": ("道路",),
    "roads": ("道路",),
    "award": ("奖", "荣誉"),
    "honor": ("荣誉称号",),
    "title": ("称号",),
    # public affairs
    "epidemic": ("疫情",),
    "covid": ("疫情",),
    "epidemic prevention": ("疫情防控",),
    "nucleic acid test": ("核酸检测",),
    "nucleic acid testing": ("核酸检测",),
    "cases": ("病例",),
    "infections": ("感染",),
    "vaccination": ("疫苗接种",),
    "safety": ("安全",),
    "work safety": ("安全生产",),
    "fire safety": ("消防安全",),
    "party building": ("党建",),
    "party branch": ("党支部",),
    "party organizations": ("党组织",),
    "civilized city": ("文明城市",),
    "electric vehicle": ("电动车",),
    "electric bikes": ("电动车",),
    "license plates": ("上牌",),
    "training": ("培训",),
    "budget": ("预算",),
    "inspection": ("检查", "督导"),
    "market supervision": ("市场监管",),
    "growth": ("增长",),
}

_PHRASES = sorted(GLOSSARY, key=len, reverse=True)
PATTERN = re.compile(r"\b(" + "|".join(re.escape(p) for p in _PHRASES) + r")\b", re.I)


def is_english(text: str) -> bool:
    """True when the question is written mostly in Latin letters."""
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    return latin > 2 * cjk and latin >= 3


def other_words(text: str) -> list[list[str]]:
    """The English words of `text` outside glossary phrases, as runs between those phrases."""
    return [re.findall(r"[a-z][a-z'-]*", part.lower()) for part in PATTERN.split(text)[::2]]


def translate_terms(text: str) -> list[str]:
    """Chinese key terms for the glossary phrases in an English question (longest match first)."""
    terms: list[str] = []
    for m in PATTERN.finditer(text):
        for term in GLOSSARY[m.group(1).lower()]:
            if term not in terms:
                terms.append(term)
    return terms
