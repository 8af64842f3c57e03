"""Question analysis: str → `Question` (what kind of answer it wants, the words to look for,
who or what it is about, and when).

Everything here reads the question alone; nothing knows any archive. Names and places in the
question are found by the same tagger that annotates articles at indexing time (LAC), and a
named unit (高新区, 郑东新区, 某某街道) is recognised by its form: a proper name ending in a word
for an administrative unit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum

from index.normalize import fold, to_simplified
from index.quantities import UNIT_FAMILIES, unit_family
from index.tokenize import tokenize
from qa import romanized
from qa.errors import QuestionError
from qa.timeframe import TimeFrame, parse_timeframe

MAX_QUESTION_CHARS = 500


class AnswerType(str, Enum):
    """What kind of span answers the question."""

    QUANTITY = "quantity"  # 多少, 几, how many / much
    DATE = "date"  # 什么时候, 哪天, when
    PERSON = "person"  # 谁, who
    PLACE = "place"  # 哪里, where
    NAME = "name"  # 哪个 / 哪家 / 什么奖: a named thing
    LIST = "list"  # 哪些: several things
    ORDINAL = "ordinal"  # 第几
    FACT = "fact"  # 什么 / 怎样 / 为什么: a phrase
    AUTHOR = "author"  # 作者, who wrote it: the byline


class Language(str, Enum):
    ZH = "zh"
    EN = "en"


# Order matters: 几月几日 is a when-question even though it contains 几; 第几轮 an ordinal.
_TYPES: tuple[tuple[AnswerType, re.Pattern], ...] = (
    (AnswerType.AUTHOR, re.compile(r"作者|谁写|谁撰写|撰稿|执笔|署名|(?:哪位|哪个|什么)记者|记者是谁|who (?:wrote|authored|penned)|(?:which|what) (?:reporter|journalist)s?\b|\bauthor\b|written by|\bbyline\b", re.I)),
    (AnswerType.DATE, re.compile(r"什么时候|何时|哪天|哪一天|几月几[日号]|几号|哪年|哪一年|什么时间|哪个月|几点|什么时段|\bwhen\b|(?:what|which) (?:date|day|time|year|month)|what time", re.I)),
    (AnswerType.ORDINAL, re.compile(r"第几|which (?:round|session|edition|place|rank)|what (?:round|session|edition|place|rank)", re.I)),
    (AnswerType.LIST, re.compile(r"哪几|哪些|分别(?:是|叫)(?!多少)")),
    (AnswerType.PERSON, re.compile(r"(?:人|者|男子|女子|男孩|女孩|姑娘|小伙|老人|孩子|司机|民警|老师|校长|医生|嫌疑人|主任|书记|局长|市长|县长|员|长)(?:的名字)?叫什么(?:名字)?")),
    (AnswerType.QUANTITY, re.compile(r"多少|(?<![十百千万])几(?![十百千万乎])|多大|多高|多长|多远|多重|多久|多深|多宽|百分之几|how (?:many|much|large|big|long|far|old|high|tall|deep)|what (?:percentage|share|proportion)|number of|what (?:is|was) the [\w\s'-]{0,40}\brate\b", re.I)),
    (AnswerType.PERSON, re.compile(r"谁|哪位|何人|什么人|\bwho(?:m|se)?\b", re.I)),
    (AnswerType.PLACE, re.compile(r"哪里|哪儿|何地|何处|在哪|什么地方|哪个(?:城市|省|县|区|镇|村|地方|国家|路口|地点)|哪条路|\bwhere\b|(?:which|what) (?:city|country|province|county|town|village|road|street|place)", re.I)),
    (AnswerType.LIST, re.compile(r"\bwhich\b.*\b(?:ones|are|were)\b|what (?:are|were) the\b", re.I)),
    (AnswerType.NAME, re.compile(r"哪个|哪家|哪项|哪一|哪所|哪部|哪款|什么(?:企业|公司|项目|单位|称号|奖|名字|作品|品牌|机构|药|病|罪|平台|活动)|叫什么|\bwhich\b|what (?:company|companies|project|projects|award|title|honou?r|name|brand|drug|disease|platform)", re.I)),
)
#: how-questions that name the measure by their wording (多远 → a length)
_HOW_FAMILIES = (("多远", "length"), ("多长时间", "time"), ("多久", "time"), ("多高", "length"), ("多长", "length"),
                 ("多深", "length"), ("多宽", "length"), ("多重", "weight"), ("多大年纪", "age"), ("多大岁数", "age"),
                 ("几岁", "age"), ("高寿", "age"), ("年龄", "age"), ("how far", "length"), ("how long", "time"),
                 ("how old", "age"), ("how high", "length"), ("how tall", "length"), ("how deep", "length"))
#: nouns of a how-many question → the unit family of its answer (general vocabulary)
_NOUN_FAMILIES: tuple[tuple[str, str], ...] = (
    ("率", "percent"), ("比例", "percent"), ("增速", "percent"), ("百分", "percent"), ("占比", "percent"),
    ("税", "money"), ("收入", "money"), ("投资", "money"), ("资金", "money"), ("金额", "money"), ("钱", "money"),
    ("产值", "money"), ("贷款", "money"), ("补贴", "money"), ("工资", "money"), ("罚款", "money"), ("费", "money"),
    ("营收", "money"), ("利润", "money"), ("预算", "money"), ("价格", "money"), ("价值", "money"), ("赔偿", "money"),
    ("面积", "area"), ("占地", "area"), ("人数", "people"), ("人员", "people"), ("重量", "weight"),
    ("距离", "length"), ("长度", "length"), ("高度", "length"), ("时长", "time"), ("天数", "time"),
)
_EN_UNIT_WORDS = {"projects": "count", "companies": "count", "enterprises": "count", "households": "count",
                  "vehicles": "count", "schools": "count", "cases": "count", "times": "count", "units": "count",
                  "people": "people", "persons": "people", "workers": "people", "students": "people",
                  "victims": "people", "yuan": "money", "money": "money", "cost": "money", "fine": "money",
                  "pay": "money", "paid": "money", "price": "money", "worth": "money", "fee": "money",
                  "revenue": "money", "percent": "percent", "percentage": "percent", "rate": "percent",
                  "area": "area", "days": "time", "hours": "time", "months": "time", "weeks": "time",
                  "years": "time", "minutes": "time", "kilometers": "length", "kilometres": "length",
                  "meters": "length", "metres": "length", "tons": "weight", "tonnes": "weight",
                  "kilograms": "weight", "hectares": "area", "mu": "area", "old": "age", "aged": "age"}
_EN_ASKED = re.compile(r"how (?:many|much|long|far|old|high|tall)((?:\s+[\w'-]+){0,4})|what (?:is|was) the [\w\s'-]{0,40}\b(rate)\b", re.I)
_ASKED_UNIT = re.compile(r"(?:多少|几)\s*(" + "|".join(sorted(
    {u for f in UNIT_FAMILIES.values() for u in f} | {"钱"}, key=len, reverse=True)) + ")")
# Question words, particles and verbs of asking, and words about the archive: no content.
_NON_TERMS = frozenset(
    "多少 几 什么 哪 哪里 哪儿 哪个 哪些 哪家 哪位 谁 何时 何地 什么时候 时候 多大 多久 怎么 怎样 如何 是否 为什么 "
    "是 有 了 吗 呢 的 在 请问 一下 告诉 我 你 那 那么 还 又 共 一共 总共 目前 最新 最近 现在 截至 截至目前 "
    "已经 已 个 项 家 人 名 位 次 元 亿元 万元 钱 年 月 日 号 份 前 今年 去年 情况 多 少 大 请 远 久 叫 名字 "
    "那次 那位 那场 那个 这次 这位 这个 分别 共有 被 把 给 对 让 做 起 得 地 都 要 会 能 用 "
    "据 根据 报道 报导 据报道 资料 文章 新闻 消息 提到 提及 介绍 显示 一次 上一次 最近一次 最新一次 "
    "数量 数目 数字 具体 相关 哪些 哪几".split()
)
ORDINAL = re.compile(r"第\s*([一二两三四五六七八九十百零\d]+|几)\s*([轮届次名期批个位项家])")
_ASKING = re.compile(r"多少|几|谁|哪[个些家位里儿天年一]?|什么")
_FOCUS_GAP = re.compile(r"(?:是|有|为|共|共有|一共|一共有|总共|总共有|约|大约|由|的|了|都|还|已|达|达到|超过|被)*$")
_QUESTION_WORDS = re.compile(r"哪一(?:年|天|个月|月|日)|哪(?:年|天|个月|月|日)|几月几[日号]|什么时候|什么时间|几点")
_PUNCT_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)
_YEAR_ASKED = re.compile(r"哪一?年|几几年|(?:what|which) year", re.I)
_DAY_ASKED = re.compile(r"哪一?天|几月几[日号]|几号|(?:what|which) (?:date|day)|on what day", re.I)
_TIME_ASKED = re.compile(r"几点|什么时段|what time", re.I)
_NAMED_TITLE = re.compile(r"《([^《》]{1,60})》")
#: words for an administrative unit or a zone: a proper name ending in one names a unit
_UNIT_ENDINGS = ("街道", "社区", "新区", "园区", "办事处", "地区", "自治州", "自治县", "省", "市", "县", "区", "镇", "乡", "村", "州", "旗")
_GENERIC = frozenset("地区 城区 辖区 全区 本区 该区 各区 市区 小区 园区 社区 街道 全市 我市 本市 该市 城市 都市 超市 夜市 上市 "
                     "全省 本省 我省 外省 全县 本县 农村 乡村 城乡 新区 景区 片区 灾区 山区 学区 专区 校区 全镇 本镇 该镇 该县 "
                     "市长 省长 县长 区长 镇长 乡长 村长 该村 全村 本村".split())
_SUBJECT_TAGS = {"PER": "person", "LOC": "place", "ORG": "org", "nz": "name", "nw": "work"}


@dataclass(frozen=True)
class Subject:
    """A name the question is about. `variants` are the spellings that count as a mention
    (郑州市 → 郑州市, 郑州). A `unit` (an administrative unit or zone) must be named by the
    article answering; other names are weighed, not required."""

    text: str
    variants: tuple[str, ...]
    kind: str  # unit | person | place | org | name | work

    @property
    def required(self) -> bool:
        return self.kind == "unit"

    def mentioned_in(self, normalized_text: str) -> bool:
        return any(v in normalized_text for v in self.variants)


@dataclass(frozen=True)
class Question:
    """An analysed question. `text` is the simplified, folded question used for search."""

    original: str
    text: str
    language: Language
    answer_type: AnswerType
    terms: tuple[str, ...]
    subjects: tuple[Subject, ...] = ()
    time: TimeFrame = field(default_factory=TimeFrame)
    #: for a quantity: the measure words and unit families asked (多少名 → 名, people)
    units: frozenset[str] = frozenset()
    families: frozenset[str] = frozenset()
    #: the key terms naming what is asked about (罚款 in 罚款多少, 校长 in 校长是谁)
    focus: tuple[str, ...] = ()
    #: for a date: year, day, time or "" (any)
    granularity: str = ""
    ordinals: tuple[tuple[str, str], ...] = ()
    ordinal_unit: str = ""
    titles: tuple[str, ...] = ()
    #: the noun a which-question names for its answer (哪所小学 → 小学, 什么奖 → 奖): the answer is one
    head: str = ""
    #: the question asks for a stock (目前有, 共有) or a change (新增, 增加), or neither ("")
    aspect: str = ""
    #: where the question word stands in `text` (多少名 in …组织了多少名民兵…): the answer stands
    #: in its place in the sentence that states it
    slot: tuple[int, int] | None = None
    #: for a quantity: the noun counted right after the question word, as (qualifier, head)
    #: (多少个微网格 → ("微", "网格"); ("", "") when none)
    counted: tuple[str, str] = ("", "")
    #: for a quantity: the verb the figure answers (多少个项目开工了 → 开工; 出动了多少人 → 出动)
    predicate: str = ""
    #: for English words: the dictionary's Chinese alternatives, any one of which counts
    alternatives: tuple[tuple[str, ...], ...] = ()
    #: Chinese names written in pinyin ("Song Li") as their spellings (qa/romanized.py)
    names: tuple[tuple[str, ...], ...] = ()

    @property
    def english(self) -> bool:
        return self.language is Language.EN

    @property
    def search_text(self) -> str:
        """What the retriever is asked: the question plus Chinese terms for an English one."""
        added = [w for group in self.alternatives for w in group[:2]]
        return " ".join([self.text, *added]) if added else self.text

    @property
    def has_terms(self) -> bool:
        return bool(self.terms or self.alternatives or self.names)

    @property
    def all_terms(self) -> tuple[tuple[str, ...], ...]:
        """Every term as a group of spellings any one of which counts."""
        return tuple((t,) for t in self.terms) + self.alternatives


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


def is_english(text: str) -> bool:
    """True when the question is written mostly in Latin letters."""
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    return latin > 2 * cjk and latin >= 3


def analyze(question: str) -> Question:
    text = fold(to_simplified(validate(question)))
    language = Language.EN if is_english(text) else Language.ZH
    answer_type = answer_type_of(text)
    time = parse_timeframe(text)
    names = romanized.names_in(question) if language is Language.EN else ()
    alternatives = _english_terms(text, names) if language is Language.EN else ()
    terms = key_terms(text, time=time)
    if language is Language.EN:  # Chinese words an English question quotes (全国文明单位) count too
        terms = tuple(t for t in terms if not t.isascii())
    subjects = find_subjects(text) if language is Language.ZH else _english_units(alternatives) + _quoted_units(text)
    units, families = asked_units(text) if answer_type is AnswerType.QUANTITY else (frozenset(), frozenset())
    focus = ()
    if language is Language.ZH and answer_type in (AnswerType.QUANTITY, AnswerType.PERSON, AnswerType.NAME,
                                                   AnswerType.FACT, AnswerType.LIST):
        focus = tuple(t for t in focus_terms(text, terms) if not any(t in v for s in subjects for v in s.variants))
    return Question(
        original=question, text=text, language=language, answer_type=answer_type, terms=terms,
        subjects=subjects, time=time, units=units, families=families, focus=focus,
        granularity=date_granularity(text) if answer_type is AnswerType.DATE else "",
        ordinals=tuple((n, u) for n, u in ORDINAL.findall(text) if n != "几"),
        ordinal_unit=next((u for n, u in ORDINAL.findall(text) if n == "几"), ""),
        titles=tuple(_NAMED_TITLE.findall(text)), alternatives=alternatives, names=names,
        head=head_noun(text) if language is Language.ZH and answer_type in _HEADED else "", aspect=aspect_of(text),
        slot=question_slot(text) if language is Language.ZH else None,
        counted=counted_noun(text) if language is Language.ZH and answer_type is AnswerType.QUANTITY else ("", ""),
        predicate=predicate_of(text) if language is Language.ZH and answer_type is AnswerType.QUANTITY else "",
    )


#: words saying a figure is a stock (what there is) or a change (what was added): general Chinese
STOCK_WORDS = ("目前", "现有", "共有", "总共", "一共", "累计", "总计", "总数", "现在", "截至", "至今")
CHANGE_WORDS = ("新增", "增加", "增长", "新建", "新开", "减少", "下降", "提高", "新招", "新设", "新发展")


_HEADED = (AnswerType.NAME, AnswerType.PLACE, AnswerType.PERSON, AnswerType.LIST, AnswerType.FACT)


def head_noun(text: str) -> str:
    """The noun a which-question names for its answer: the tagger's noun right after 哪所 /
    哪家 / 什么 (哪所小学 → 小学, 哪部电影 → 电影, 什么奖 → 奖)."""
    from index.lexical_analysis import analyzer

    tokens = analyzer().analyze(text)
    for i, token in enumerate(tokens):
        word = text[token.start:token.end]
        m = re.search(r"(?:哪|什么|何)(?:一)?(?:个|所|家|条|位|座|部|款|种|项|只|支|名|类|处|间|些|几)?", word)
        if m is None:
            continue
        rest = re.sub(r"[上里中内]$", "", word[m.end():])
        if rest:  # the tagger kept the noun with the question word (联合哪所小学)
            return rest
        for later in tokens[i + 1 : i + 3]:
            if later.tag in ("n", "nz", "LOC", "ORG", "nw", "s"):
                return re.sub(r"(?<=.)[上里中内]$", "", text[later.start:later.end])
            if later.tag not in ("q", "m"):
                break
        return ""
    return ""


def counted_noun(text: str) -> tuple[str, str]:
    """The noun a how-many question counts, when the tagger puts one right after the question
    word and its measure word: (qualifier, head) of that phrase (多少个微网格 → ("微", "网格"),
    多少个重点项目 → ("重点", "项目"); 多少人次 → ("", ""): the unit is the measure)."""
    from index.lexical_analysis import analyzer

    slot = question_slot(text)
    if slot is None:
        return ("", "")
    phrase, at = [], slot[1]
    for token in analyzer().analyze(text):
        if token.end <= slot[1]:
            continue
        if token.start != at or token.tag not in ("a", "b", "n", "nz", "nw", "vn"):
            break
        phrase.append(text[token.start:token.end])
        at = token.end
    while phrase and not re.fullmatch(r"[\u4e00-\u9fff]+", phrase[-1]):
        phrase.pop()
    if not phrase:
        return ("", "")
    return ("".join(phrase[:-1]), phrase[-1])


def predicate_of(text: str) -> str:
    """The verb a how-many question asks about: the tagger's first verb after the question word
    (多少个重点项目开工了 → 开工), else the last one before it (出动执法人员多少人次 → 出动); "" for
    有/是, which say nothing of what is counted."""
    from index.lexical_analysis import analyzer

    slot = question_slot(text)
    if slot is None:
        return ""
    verbs = [(t.start, text[t.start:t.end]) for t in analyzer().analyze(text)
             if t.tag in ("v", "vn") and text[t.start:t.end] not in _EMPTY_VERBS and len(text[t.start:t.end]) > 1]
    after = [v for start, v in verbs if start >= slot[1]]
    before = [v for start, v in verbs if start < slot[0]]
    return after[0] if after else (before[-1] if before else "")


#: verbs too general to tie a figure to what is asked
_EMPTY_VERBS = ("有", "是", "共有", "拥有", "达到", "达", "为", "约", "占", "实现", "完成", "进行", "开展")


def question_slot(text: str) -> tuple[int, int] | None:
    """The question word with its measure word (多少名, 哪所, 什么时候): (start, end) in `text`."""
    from index.quantities import _UNIT_PATTERN

    m = _ASKING.search(text)
    if m is None:
        return None
    unit = re.compile(f"(?:{_UNIT_PATTERN})?").match(text, m.end()).group(0)
    return m.start(), m.end() + len(unit)


def aspect_of(text: str) -> str:
    if any(w in text for w in CHANGE_WORDS):
        return "change"
    return "stock" if any(w in text for w in STOCK_WORDS) else ""


def answer_type_of(text: str) -> AnswerType:
    for kind, pattern in _TYPES:
        if pattern.search(text):
            return kind
    return AnswerType.FACT


def date_granularity(text: str) -> str:
    if _TIME_ASKED.search(text):
        return "time"
    if _YEAR_ASKED.search(text):
        return "year"
    return "day" if _DAY_ASKED.search(text) else ""


def asked_units(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The measure word a how-many question asks for (多少个 → 个) and the unit families it
    implies, from the measure word, the how-word (多远) or the nouns (罚款 → money)."""
    units: set[str] = set()
    families: set[str] = set()
    m = _ASKED_UNIT.search(text)
    if m:
        unit = "元" if m.group(1) == "钱" else m.group(1)
        units.add(unit)
        families.add(unit_family(unit) or "count")
    lowered = text.lower()
    for phrase, family in _HOW_FAMILIES:
        if phrase in lowered and not families:
            families.add(family)
    for noun, family in _NOUN_FAMILIES:
        if noun in text and not families:
            families.add(family)
    for m in _EN_ASKED.finditer(text):
        for word in re.findall(r"[a-z]+", (m.group(1) or m.group(2) or "").lower()):
            if word in _EN_UNIT_WORDS and not families:
                families.add(_EN_UNIT_WORDS[word])
    return frozenset(units), frozenset(families)


def key_terms(text: str, *, time: TimeFrame) -> tuple[str, ...]:
    """The content words to look for in evidence: the question's terms without question words,
    units, numbers or the time expression (time is matched separately)."""
    untimed = text
    for start, end in sorted(time.spans, reverse=True):
        untimed = untimed[:start] + " " + untimed[end:]
    untimed = _QUESTION_WORDS.sub(" ", untimed)
    terms = [t for t in tokenize(untimed) if t not in _NON_TERMS and not re.fullmatch(r"[\d.%]+|[a-z]", t)
             and "几" not in t and "多少" not in t and not re.match(r"哪|什么|谁", t)]
    return tuple(dict.fromkeys(terms))


def focus_terms(text: str, terms: tuple[str, ...]) -> tuple[str, ...]:
    """The noun right before the question word (罚款 in 罚款多少, 校长 in 校长是谁) and the one
    right after a counted measure word (民兵 in 多少名民兵); the longest key term at each."""
    m = _ASKING.search(text)
    if m is None:
        return ()
    from index.quantities import _UNIT_PATTERN

    unit = re.compile(f"(?:{_UNIT_PATTERN})?").match(text, m.end()).group(0)
    gap = _FOCUS_GAP.search(text[: m.start()]).group(0)
    before = m.start() - len(gap)
    places = [] if "了" in gap else [lambda t, i: i + len(t) == before]
    if unit and m.group(0) in ("多少", "几"):
        places.append(lambda t, i: i == m.end() + len(unit))
    elif m.group(0) in ("什么",):
        places.append(lambda t, i: i == m.end())
    found = []
    for fits in places:
        here = [t for t in terms if any(fits(t, i.start()) for i in re.finditer(re.escape(t), text))]
        if here:
            found.append(max(here, key=len))
    return tuple(dict.fromkeys(found))


def find_subjects(text: str) -> tuple[Subject, ...]:
    """The names a (simplified) Chinese question is about: units by their form, and the
    tagger's persons, places, organisations and proper names."""
    from index.lexical_analysis import analyzer

    subjects: dict[str, Subject] = {}
    tokens = analyzer().analyze(text)
    words = [(text[t.start:t.end], t.tag) for t in tokens]
    # a unit: a proper name (or any word) ending in a unit word, possibly split by the tagger (张滩/镇)
    joined = []
    for i, (word, tag) in enumerate(words):
        if i + 1 < len(words) and words[i + 1][0] in _UNIT_ENDINGS and tag in ("LOC", "ORG", "nz", "n", "ns", "vn"):
            joined.append(word + words[i + 1][0])
        joined.append(word)
    # the search tokenizer's words too: it keeps some names whole that the tagger splits (示范/区)
    for word in sorted(dict.fromkeys([*joined, *tokenize(text)]), key=len, reverse=True):
        if _is_unit(word) and not any(word in s.text for s in subjects.values()):
            subjects.setdefault(word, Subject(word, _variants(word), "unit"))
    for word, tag in words:
        kind = _SUBJECT_TAGS.get(tag)
        if kind and len(word) >= 2 and word not in _GENERIC and not any(word in s.text for s in subjects.values()):
            subjects.setdefault(word, Subject(word, _variants(word), kind))
    return tuple(subjects.values())


def _is_unit(word: str) -> bool:
    return (len(word) >= 3 and word not in _GENERIC and not word.isascii()
            and any(word.endswith(s) and len(word) > len(s) + 1 for s in _UNIT_ENDINGS)
            and not re.search(r"[的和与及在了是]", word))


def _variants(word: str) -> tuple[str, ...]:
    """Ways an article may mention a name: in full, and without a trailing 市/省/县 (a city
    paper writes 郑州 for 郑州市)."""
    variants = [word]
    if word[-1] in "市省县" and len(word) >= 3:
        variants.append(word[:-1])
    return tuple(variants)


def _english_units(groups: tuple[tuple[str, ...], ...]) -> tuple[Subject, ...]:
    """The units an English question names, as the dictionary gives them ("development zone" →
    开发区): required like a Chinese question's, any of the group's words counting as a mention."""
    return tuple(Subject(g[0], tuple(w for w in g if _is_unit(w)), "unit") for g in groups if _is_unit(g[0]))


def _quoted_units(text: str) -> tuple[Subject, ...]:
    """The units an English question names in Chinese ("… started in 示范区?"): required too."""
    chinese = " ".join(re.findall(r"[\u4e00-\u9fff]+", text))
    return tuple(s for s in find_subjects(chinese) if s.required) if chinese else ()


def _english_terms(text: str, names: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """Dictionary alternatives for the English words of a question; a name's words are not
    words to translate ("Song Li" is no song)."""
    from qa.dictionary import proper_names, translate

    named = [spellings[0] for spellings in names]
    words = [w for w in re.findall(r"[a-z][a-z'-]*", text.lower()) if not any(w in n for n in named)]
    groups = translate(words)
    # a name the dictionary knows (Xiamen → 厦门) is looked for in its Chinese form too
    groups += [found for spellings in names if (found := proper_names(spellings[0]))]
    return tuple(dict.fromkeys(g for g in groups if not any(w in _NON_TERMS for w in g)))
