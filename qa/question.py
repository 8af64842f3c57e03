"""What a question asks: its kind, the unit it wants, its key terms, subjects and time."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from index.normalize import fold, to_simplified
from index.tokenize import tokenize
from qa.entities import Subject, find_subjects
from qa.errors import QuestionError
from qa.glossary import is_english, translate_terms
from qa.quantities import NOUN_FAMILIES, UNIT_FAMILIES, unit_family
from qa.timeframe import TimeFrame, parse_timeframe

MAX_QUESTION_CHARS = 500

# Order matters: 几月几日 is a when-question even though it contains 几.
_KINDS: tuple[tuple[str, re.Pattern], ...] = (
    ("when", re.compile(r"什么时候|何时|哪天|哪一天|几月几[日号]|几号|哪年|哪一年|什么时间|哪个月|\bwhen\b|what (?:date|day|time|year)", re.I)),
    ("how_many", re.compile(r"多少|几[^乎]|几$|多大|多高|多长|多远|多重|多久|百分之几|how (?:many|much|large|big|long)|what (?:percentage|share|proportion)|number of", re.I)),
    ("who", re.compile(r"谁|哪位|何人|什么人|\bwho(?:m|se)?\b", re.I)),
    ("where", re.compile(r"哪里|哪儿|何地|何处|在哪|什么地方|\bwhere\b", re.I)),
    ("which", re.compile(r"哪个|哪些|哪家|哪项|哪一|哪几|什么(?:企业|公司|项目|单位|称号|奖)|\bwhich\b|what (?:company|companies|project|projects|award|title|honou?r)", re.I)),
)
_ASKED_UNIT = re.compile(r"(?:多少|几)\s*(" + "|".join(sorted(
    {u for f in UNIT_FAMILIES.values() for u in f} | {"钱"}, key=len, reverse=True)) + ")")
_EN_UNIT_WORDS = {"people": "people", "persons": "people", "workers": "people", "yuan": "money",
                  "money": "money", "invest": "money", "investment": "money", "revenue": "money",
                  "tax": "money", "percent": "percent", "percentage": "percent", "rate": "percent",
                  "square": "area", "area": "area", "projects": "count", "companies": "count",
                  "enterprises": "count", "households": "count", "vehicles": "count"}
# Question words, particles and verbs of asking: they carry no content to look for.
_NON_TERMS = frozenset(
    "多少 几 什么 哪 哪里 哪儿 哪个 哪些 哪家 哪位 谁 何时 何地 什么时候 时候 多大 多久 怎么 怎样 如何 是否 "
    "是 有 了 吗 呢 的 在 请问 一下 告诉 我 你 那 那么 还 又 共 一共 总共 目前 最新 最近 现在 截至 截至目前 "
    "已经 已 个 项 家 人 名 位 次 元 亿元 万元 钱 年 月 日 号 份 前 今年 去年 情况 多 少 大 请".split()
)
_PUNCT_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)


@dataclass(frozen=True)
class Question:
    """An analysed question. `text` is the simplified, folded question used for search."""

    original: str
    text: str
    kind: str  # "how_many" | "when" | "who" | "where" | "which" | "what"
    units: frozenset[str]
    families: frozenset[str]
    terms: tuple[str, ...]
    subjects: tuple[Subject, ...]
    time: TimeFrame
    english: bool = False
    extra_terms: tuple[str, ...] = field(default=())

    @property
    def search_text(self) -> str:
        """What the retriever is asked: the question plus glossary terms for English."""
        return " ".join([self.text, *self.extra_terms]) if self.extra_terms else self.text


def validate(question: str) -> str:
    """The question stripped, or QuestionError for one a user cannot mean."""
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("The question is empty; please type a question.")
    text = question.strip()
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"The question is too long ({len(text)} characters); please keep it under {MAX_QUESTION_CHARS}.")
    if _PUNCT_ONLY.match(unicodedata.normalize("NFKC", text)):
        raise QuestionError("The question has no words, only punctuation; please type a question.")
    return text


def analyze(question: str) -> Question:
    text = fold(to_simplified(validate(question)))
    english = is_english(text)
    extra = tuple(translate_terms(text)) if english else ()
    kind = question_kind(text)
    units, families = asked_units(text) if kind == "how_many" else (frozenset(), frozenset())
    time = parse_timeframe(text)
    return Question(
        original=question, text=text, kind=kind, units=units, families=families,
        terms=key_terms(text, time=time, extra=extra), english=english, extra_terms=extra,
        subjects=tuple(find_subjects(text if not english else "", extra_terms=extra)),
        time=time,
    )


def question_kind(text: str) -> str:
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return "what"


def asked_units(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The measure word a how-many question asks for (多少个 → 个) and the unit families it
    implies, from the measure word or from the nouns (税收 → money, 面积 → area)."""
    units: set[str] = set()
    families: set[str] = set()
    m = _ASKED_UNIT.search(text)
    if m:
        unit = "元" if m.group(1) == "钱" else m.group(1)
        units.add(unit)
        families.add(unit_family(unit) or "count")
    for noun, family in NOUN_FAMILIES:
        if noun in text and not families:
            families.add(family)
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _EN_UNIT_WORDS and not families:
            families.add(_EN_UNIT_WORDS[word])
    return frozenset(units), frozenset(families)


def key_terms(text: str, *, time: TimeFrame, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The content words to look for in evidence: the question's terms without question words,
    units, numbers or the time expression (time is matched separately)."""
    untimed = text
    for start, end in sorted(time.spans, reverse=True):
        untimed = untimed[:start] + " " + untimed[end:]
    # an English question's terms are its glossary translations, cut like Chinese text so that
    # 重点项目 also matches 重点建设项目 through 重点 and 项目
    terms = tokenize(" ".join(extra)) if is_english(text) else tokenize(untimed)
    terms = [t for t in terms if t not in _NON_TERMS and not re.fullmatch(r"[\d.%]+|[a-z]", t)]
    return tuple(dict.fromkeys(terms))
