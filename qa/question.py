"""What a question asks: its kind, the unit it wants, its key terms, subjects and time."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from index.normalize import fold, to_simplified
from index.tokenize import tokenize
from qa.entities import Subject, find_subjects, is_noun
from qa.errors import QuestionError
from qa.glossary import PATTERN as GLOSSARY_PATTERN
from qa.glossary import is_english, other_words, translate_terms
from qa.romanized import names_in
from qa.quantities import NOUN_FAMILIES, UNIT_FAMILIES, unit_family
from qa.timeframe import TimeFrame, parse_timeframe

MAX_QUESTION_CHARS = 500

# Order matters: 几月几日 is a when-question even though it contains 几, and 第几轮 asks for an
# ordinal (第三轮), not a count.
_KINDS: tuple[tuple[str, re.Pattern], ...] = (
    ("when", re.compile(r"什么时候|何时|哪天|哪一天|几月几[日号]|几号|哪年|哪一年|什么时间|哪个月|\bwhen\b|(?:what|which) (?:date|day|time|year|month)", re.I)),
    ("ordinal", re.compile(r"第几|which (?:round|session|edition|place|rank)|what (?:round|session|edition|place|rank)", re.I)),
    ("how_many", re.compile(r"多少|几[^乎]|几$|多大|多高|多长|多远|多重|多久|百分之几|how (?:many|much|large|big|long|far|old)|what (?:percentage|share|proportion)|number of|what (?:is|was) the [\w\s'-]{0,40}\brate\b", re.I)),
    ("who", re.compile(r"谁|哪位|何人|什么人|叫什么(?:名字)?\??$|\bwho(?:m|se)?\b", re.I)),
    ("where", re.compile(r"哪里|哪儿|何地|何处|在哪|什么地方|\bwhere\b", re.I)),
    ("which", re.compile(r"哪个|哪些|哪家|哪项|哪一|哪几|什么(?:企业|公司|项目|单位|称号|奖)|\bwhich\b|what (?:company|companies|project|projects|award|title|honou?r)", re.I)),
)
#: how-questions that name the measure by their wording (多远 → a length)
_HOW_FAMILIES = (("多远", "length"), ("多长时间", "time"), ("多久", "time"), ("多高", "length"), ("多长", "length"),
                 ("多重", "weight"), ("多大年纪", "age"), ("多大岁数", "age"), ("几岁", "age"),
                 ("how far", "length"), ("how long", "time"), ("how old", "age"))
#: English words right after "how many / how much" (or in "what … rate") that name the measure
_EN_ASKED = re.compile(r"how (?:many|much)((?:\s+[\w'-]+){1,4})|what (?:is|was) the [\w\s'-]{0,40}\b(rate)\b", re.I)
_ASKED_UNIT = re.compile(r"(?:多少|几)\s*(" + "|".join(sorted(
    {u for f in UNIT_FAMILIES.values() for u in f} | {"钱"}, key=len, reverse=True)) + ")")
_EN_UNIT_WORDS = {"people": "people", "persons": "people", "workers": "people", "yuan": "money",
                  "money": "money", "invest": "money", "investment": "money", "revenue": "money",
                  "tax": "money", "percent": "percent", "percentage": "percent", "rate": "percent",
                  "square": "area", "area": "area", "projects": "count", "companies": "count",
                  "enterprises": "count", "households": "count", "vehicles": "count",
                  "days": "time", "hours": "time", "months": "time", "weeks": "time", "years": "time",
                  "kilometers": "length", "kilometres": "length", "meters": "length", "metres": "length",
                  "tons": "weight", "tonnes": "weight", "hectares": "area", "mu": "area"}
# Question words, particles and verbs of asking: they carry no content to look for.
_NON_TERMS = frozenset(
    "多少 几 什么 哪 哪里 哪儿 哪个 哪些 哪家 哪位 谁 何时 何地 什么时候 时候 多大 多久 怎么 怎样 如何 是否 "
    "是 有 了 吗 呢 的 在 请问 一下 告诉 我 你 那 那么 还 又 共 一共 总共 目前 最新 最近 现在 截至 截至目前 "
    "已经 已 个 项 家 人 名 位 次 元 亿元 万元 钱 年 月 日 号 份 前 今年 去年 情况 多 少 大 请 远 久 叫 名字 "
    "那次 那位 那场 那个 这次 这位 这个 分别 共有 "
    # words about the archive or the asking, not the news: 据报道, 根据资料, 最近一次报道的…数量
    "据 根据 报道 报导 据报道 资料 文章 新闻 消息 提到 提及 介绍 显示 一次 上一次 最近一次 最新一次 "
    "数量 数目 数字 具体 相关".split()
)
#: an ordinal such as 第三轮 / 第八届: the numeral and the measure word it counts
ORDINAL = re.compile(r"第\s*([一二两三四五六七八九十百零\d]+|几)\s*([轮届次名期批个位项家])")
#: words that may stand between the thing asked about and the question word (党组织有多少个)
_FOCUS_GAP = re.compile(r"(?:是|有|为|共|共有|一共|一共有|总共|总共有|约|大约|由|的|了|都|还|已)*$")
_ASKING = re.compile(r"多少|几|谁|哪[个些家位里儿天年一]?|什么")
_QUESTION_WORDS = re.compile(r"哪一(?:年|天|个月|月|日)|哪(?:年|天|个月|月|日)|几月几[日号]|什么时候|什么时间")
_MEASURE = re.compile("(?:" + "|".join(sorted({u for f in UNIT_FAMILIES.values() for u in f}, key=len, reverse=True)) + ")?")
_PUNCT_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)
#: how fine a date a when-question wants: 哪一年 a year, 哪天 a day; 什么时候 any date
_YEAR_ASKED = re.compile(r"哪一?年|几几年|(?:what|which) year", re.I)
_DAY_ASKED = re.compile(r"哪一?天|几月几[日号]|几号|(?:what|which) (?:date|day)|on what day", re.I)
#: a question asking who wrote a piece (作者, 谁写的, 哪位记者, who wrote, the author)
_AUTHOR_ASKED = re.compile(r"作者|谁写|谁撰写|撰稿|执笔|署名|(?:哪位|哪个|什么)记者|记者是谁|who (?:wrote|authored|penned)|(?:which|what) (?:reporter|journalist)s?\b|\bauthor\b|written by|\bbyline\b", re.I)
#: titles a question names in book-title marks (《依法治理保安全》)
_NAMED_TITLE = re.compile(r"《([^《》]{2,60})》")


#: how many of a word's dictionary alternatives go into the search text
SEARCHED_ALTERNATIVES = 2


@dataclass(frozen=True)
class Question:
    """An analysed question. `text` is the simplified, folded question used for search."""

    original: str
    text: str
    kind: str  # "how_many" | "when" | "ordinal" | "who" | "where" | "which" | "what"
    units: frozenset[str]
    families: frozenset[str]
    terms: tuple[str, ...]
    subjects: tuple[Subject, ...]
    time: TimeFrame
    english: bool = False
    extra_terms: tuple[str, ...] = field(default=())
    #: the key terms naming what is asked about (租金 in 租金是多少, 员工 in 多少名员工): a sentence
    #: holding the other terms but not these speaks of the same thing without answering
    focus: tuple[str, ...] = field(default=())
    #: ordinals the question names (第二轮 → ("二", "轮")), and the measure word of 第几轮
    ordinals: tuple[tuple[str, str], ...] = field(default=())
    ordinal_unit: str = ""
    #: for a when-question: "year" (哪一年), "day" (哪天, 几月几日) or "" (什么时候: any date)
    granularity: str = ""
    #: the question asks who wrote a piece: the answer is its byline, not a name in its text
    asks_author: bool = False
    #: titles named in 《…》, matched against article titles
    titles: tuple[str, ...] = field(default=())
    #: for English words the glossary does not know, the dictionary's Chinese alternatives: a
    #: sentence holding any one of a group holds that word
    alternatives: tuple[tuple[str, ...], ...] = field(default=())
    #: Chinese names an English question writes in pinyin ("Song Li"), as their spellings
    #: ("songli", "lisong"); a sentence holds one when its characters read so (qa/romanized.py)
    names: tuple[tuple[str, ...], ...] = field(default=())

    @property
    def search_text(self) -> str:
        """What the retriever is asked: the question plus glossary and dictionary terms for English."""
        added = [*self.extra_terms, *(w for group in self.alternatives for w in group[:SEARCHED_ALTERNATIVES])]
        return " ".join([self.text, *added]) if added else self.text

    @property
    def has_terms(self) -> bool:
        """Whether the question names anything to look for beyond its subjects' names."""
        return bool(self.terms or self.alternatives or self.names)


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
    names = names_in(question, skip=GLOSSARY_PATTERN.pattern) if english else ()
    alternatives = _alternatives(text, names=names) if english and not extra else ()
    kind = question_kind(text)
    units, families = asked_units(text) if kind == "how_many" else (frozenset(), frozenset())
    time = parse_timeframe(text)
    terms = key_terms(text, time=time, extra=extra)
    subjects = tuple(find_subjects(text if not english else "", extra_terms=extra))
    ordinals = tuple((n, u) for n, u in ORDINAL.findall(text) if n != "几")
    asked = next((u for n, u in ORDINAL.findall(text) if n == "几"), "")
    return Question(
        original=question, text=text, kind=kind, units=units, families=families,
        terms=terms, english=english, extra_terms=extra,
        subjects=subjects,
        time=time, focus=_without_subjects(focus_terms(text, terms), subjects) if _focused(kind, english) else (),
        ordinals=ordinals, ordinal_unit=asked,
        granularity=date_granularity(text) if kind == "when" else "",
        asks_author=bool(_AUTHOR_ASKED.search(text)), titles=tuple(_NAMED_TITLE.findall(text)),
        alternatives=alternatives, names=names,
    )


def _alternatives(text: str, *, names: tuple[tuple[str, ...], ...] = ()) -> tuple[tuple[str, ...], ...]:
    """Dictionary alternatives for the words of an English question the glossary knows none of.
    Only then: the dictionary's several senses of a word (build → 建设, 修建, 建造) match far more
    sentences than a glossary term, so beside glossary terms they would let loosely related
    figures pass for answers."""
    from qa.dictionary import translate

    # a name's words are not English words to translate ("Song Li" is no song)
    named = [spellings[0] for spellings in names]
    runs = [[w for w in run if not any(w in n for n in named)] for run in other_words(text)]
    groups = [g for run in runs for g in translate(run)]
    return tuple(dict.fromkeys(g for g in groups if not any(w in _NON_TERMS for w in g)))


def date_granularity(text: str) -> str:
    """How fine a date the question wants: "year", "day" or "" (any)."""
    if _YEAR_ASKED.search(text):
        return "year"
    return "day" if _DAY_ASKED.search(text) else ""


def _focused(kind: str, english: bool) -> bool:
    # a count or a person is asked *of* something named next to the question word (开工率,
    # 园长); for when/which/where questions that word is the event or the verb, not the answer
    return kind in ("how_many", "who") and not english


def _without_subjects(focus: tuple[str, ...], subjects) -> tuple[str, ...]:
    """Subjects are checked against the whole article, not the sentence."""
    words = [v for s in subjects for v in s.variants]
    return tuple(t for t in focus if not any(t in w for w in words))


def focus_terms(text: str, terms: tuple[str, ...]) -> tuple[str, ...]:
    """The noun right before the question word (开工率 in 开工率是多少, 园长 in 园长是谁) and the
    one right after a counted measure word (员工 in 多少名员工); the longest key term at each.
    A verb there (带来多少消费, 划分了多少个) names no thing, so it is no focus."""
    m = _ASKING.search(text)
    if m is None:
        return ()
    unit = _MEASURE.match(text, m.end()).group(0)
    gap = _FOCUS_GAP.search(text[:m.start()]).group(0)
    before = m.start() - len(gap)
    places = [] if "了" in gap else [(before, lambda t, i: i + len(t) == before)]
    if unit and m.group(0) in ("多少", "几"):  # 多少名员工: the counted noun follows the measure word
        places.append((m.end() + len(unit), lambda t, i: i == m.end() + len(unit)))
    found = []
    for at, fits in places:
        here = [t for t in terms if any(fits(t, i.start()) for i in re.finditer(re.escape(t), text))]
        if here and is_noun(max(here, key=len)):
            found.append(max(here, key=len))
    return tuple(dict.fromkeys(found))


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
    for phrase, family in _HOW_FAMILIES:
        if phrase in text.lower() and not families:
            families.add(family)
    for noun, family in NOUN_FAMILIES:
        if noun in text and not families:
            families.add(family)
    # only the words that say what is counted: "how many grid cells … its area" asks a count
    for m in _EN_ASKED.finditer(text):
        for word in re.findall(r"[a-z]+", (m.group(1) or m.group(2)).lower()):
            if word in _EN_UNIT_WORDS and not families:
                families.add(_EN_UNIT_WORDS[word])
    return frozenset(units), frozenset(families)


def key_terms(text: str, *, time: TimeFrame, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The content words to look for in evidence: the question's terms without question words,
    units, numbers or the time expression (time is matched separately)."""
    untimed = text
    for start, end in sorted(time.spans, reverse=True):
        untimed = untimed[:start] + " " + untimed[end:]
    untimed = _QUESTION_WORDS.sub(" ", untimed)  # 哪一年 would leave 一年 as a term
    # an English question's terms are its glossary translations, cut like Chinese text so that
    # 重点项目 also matches 重点建设项目 through 重点 and 项目
    terms = tokenize(" ".join(extra)) if is_english(text) else tokenize(untimed)
    terms = [t for t in terms if t not in _NON_TERMS and not re.fullmatch(r"[\d.%]+|[a-z]", t)
             and "几" not in t and "多少" not in t and not re.match(r"哪|什么|谁", t)]
    return tuple(dict.fromkeys(terms))
