"""Who and where a question is about, and the names, places and dates a sentence holds.

Subjects: a question about one administrative unit (示范区) must not be answered from articles
about another (开发区). A small gazetteer of unit suffixes recognises such units among the
question's words; proper nouns found by jieba's part-of-speech tagger (places, organisations,
people) are softer subjects. Both are checked against an article's title and text.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass

import jieba
import jieba.posseg

from index.tokenize import tokenize

#: endings that make a word an administrative unit or zone (longest first when matching)
UNIT_SUFFIXES = ("开发区", "示范区", "高新区", "集聚区", "新区", "园区", "办事处", "街道", "社区",
                 "省", "市", "县", "区", "镇", "乡", "村")
#: words with a unit ending that name no particular unit
GENERIC_UNITS = frozenset(
    "地区 城区 辖区 全区 本区 该区 各区 市区 小区 园区 社区 街道 全市 我市 本市 该市 城市 都市 超市 夜市 上市 "
    "全省 本省 我省 外省 全县 本县 农村 乡村 城乡 新区 景区 片区 灾区 山区 学区 专区 园区 校区 "
    "全镇 本镇 集聚区 示范 开发 市长 省长 县长 区长".split()
)
_PROPER_TAGS = {"ns": "place", "nt": "organisation", "nr": "person", "nz": "name"}
# jieba's tagger guesses person names for unknown verbs (荣获/nr), so only places and
# organisations count as a question's subjects
_SUBJECT_TAGS = {"ns", "nt"}

_lock = threading.Lock()
_tagger: jieba.posseg.POSTokenizer | None = None

_DATE_MENTION = re.compile(
    r"(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号](?:\s*(?:上午|下午|晚上|晚|早上|中午))?"
    r"|(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:底|初|中旬|上旬|下旬)?|\d{1,2}\s*月(?:份|底|初|中旬|上旬|下旬)?"
    r"|(?<!\d)\d{1,2}\s*日(?:\s*(?:上午|下午|晚上|晚|早上|中午))?(?![均常])"  # wire copy: "13日上午"
    r"|(?:今年|明年|去年|年)(?:底|初|内|中)|今年以来|近日|连日来|当天|当日"
    r"|(?:每|本|上|下)?(?:周|星期|礼拜)[一二三四五六日天](?![次遍个轮])"  # a weekday (每周三): the day a routine falls on
)


@dataclass(frozen=True)
class Subject:
    """Something a question is about. `variants` are the spellings that count as a mention
    (周口市 → 周口市, 周口); a "unit" subject is required, an "entity" only preferred."""

    text: str
    variants: tuple[str, ...]
    kind: str  # "unit" | "entity"

    def mentioned_in(self, text: str) -> bool:
        return any(v in text for v in self.variants)


def find_subjects(question: str, *, extra_terms: tuple[str, ...] = ()) -> list[Subject]:
    """The administrative units and proper nouns a (simplified) question names.

    `extra_terms` are Chinese terms obtained otherwise (the glossary, for English questions).
    """
    subjects: dict[str, Subject] = {}
    words = list(dict.fromkeys([*tokenize(question), *extra_terms]))
    for word in sorted(words, key=len, reverse=True):
        if _is_unit(word) and not any(word in s.text for s in subjects.values()):
            subjects[word] = Subject(word, _variants(word), "unit")
    for word, tag in _tag(question):
        if tag in _SUBJECT_TAGS and len(word) >= 2 and not _is_unit(word) and word not in GENERIC_UNITS:
            if not any(word in s.text or s.text in word for s in subjects.values()):
                subjects[word] = Subject(word, (word,), "entity")
    return list(subjects.values())


def _is_unit(word: str) -> bool:
    return (len(word) >= 2 and word not in GENERIC_UNITS and not word.isascii()
            and any(word.endswith(s) for s in UNIT_SUFFIXES))


def _variants(word: str) -> tuple[str, ...]:
    """Ways an article may mention a unit: the full name, the name without 市/省/县 (articles of
    a city paper write 周口 for 周口市), and a zone name's generic tail (周口经济开发区 → 开发区)."""
    variants = [word]
    if word[-1] in "市省县" and len(word) >= 3:
        variants.append(word[:-1])
    for tail in UNIT_SUFFIXES[:5]:
        if word.endswith(tail) and word != tail:
            variants.append(tail)
            break
    return tuple(variants)


def person_spans(text: str) -> list[tuple[int, int]]:
    """Person names. The tagger often cuts a name it does not know into a surname tagged nr and
    a given name tagged otherwise (王/nr 文峰/n): such pairs are joined."""
    spans, at = [], 0
    tagged = _tag(text)
    for i, (word, tag) in enumerate(tagged):
        if tag == "nr" and len(word) >= 2:
            spans.append((at, at + len(word)))
        elif tag == "nr" and i + 1 < len(tagged):
            given = tagged[i + 1][0]
            if 1 <= len(given) <= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in given):
                spans.append((at, at + 1 + len(given)))
        at += len(word)
    return spans


# Where something happened, by the sentence's shape: "在经开区举行", "于市民广场召开".
_VENUE = re.compile(
    r"(?:在|于)(?P<place>[\u4e00-\u9fffA-Za-z0-9·（）()]{2,20}?)"
    r"(?:隆重|顺利|正式|成功|如期)?(?:举行|召开|举办|开幕|闭幕|开工|开展|进行|落成|启动|揭牌|签约|落户|召集)"
)
# Names ending in a word for a place or a body: 经开区, 文昌街道, 川汇区人民医院, 市民广场.
_PLACE_WORD = re.compile(
    r"[^\W\d_A-Za-z在于的和与及了是将把被对从向为等个年月日]{1,8}?(?:省|市|县|区|镇|乡|村|街道|社区|园区|新区|广场|公园|大厦|大道|路|街|"
    r"会议室|会议中心|礼堂|体育馆|中心|医院|学校|小学|中学|大学|车站|机场|码头|港|园)(?![\u4e00-\u9fff]{0,1}(?:长|委|书记|主任))"
)


# People named by their office or group rather than by name: 市领导, 区委书记, 志愿者, 网格员.
_ROLE = re.compile(
    r"(?:[\u4e00-\u9fff]{0,4}?(?:市|区|县|镇|乡|村|省|委|局|办|部|院|厅|会|所|队|站|校|司|社区))?"
    r"(?:领导|书记|市长|区长|县长|镇长|乡长|主任|局长|处长|部长|厅长|主席|委员|总经理|董事长|负责人|"
    r"志愿者|网格员|党员干部|干部|代表|专家|工作人员|医护人员|民警)(?:们)?"
)


def role_spans(text: str) -> list[tuple[int, int]]:
    """People named by office or group (市领导, 区委书记, 志愿者): a who-question's answer when
    the text gives no name."""
    return [m.span() for m in _ROLE.finditer(text) if m.end() - m.start() >= 2]


def place_spans(text: str) -> list[tuple[int, int]]:
    """Places and bodies: the tagger's (ns/nt), venues named by "在…举行" and words ending in
    a place word (区, 街道, 广场 …)."""
    spans = set(_spans(text, {"ns", "nt"}))
    spans.update(m.span("place") for m in _VENUE.finditer(text))
    spans.update(m.span() for m in _PLACE_WORD.finditer(text) if m.end() - m.start() >= 2)
    return sorted(spans)


def name_spans(text: str) -> list[tuple[int, int]]:
    """Proper nouns of any kind (for which-questions)."""
    return _spans(text, set(_PROPER_TAGS))


def is_noun(word: str) -> bool:
    """Whether the tagger reads the word (its last part) as a noun: 租金, 园长, 开工率 — not 带来."""
    tagged = _tag(word)
    return bool(tagged) and tagged[-1][1].startswith("n")


def date_spans(text: str) -> list[tuple[int, int]]:
    """Dates and date-like expressions a sentence names (5月24日下午, 2019 年 12 月 18 日)."""
    return [m.span() for m in _DATE_MENTION.finditer(text)]


def _spans(text: str, tags: set[str]) -> list[tuple[int, int]]:
    spans, at = [], 0
    for word, tag in _tag(text):
        if tag in tags and len(word) >= 2:
            spans.append((at, at + len(word)))
        at += len(word)
    return spans


def _tag(text: str) -> list[tuple[str, str]]:
    return [(p.word, p.flag) for p in _posseg().cut(text, HMM=True)]


def _posseg() -> jieba.posseg.POSTokenizer:
    """A private part-of-speech tagger (jieba's global one may carry other code's words)."""
    global _tagger
    if _tagger is None:
        with _lock:
            if _tagger is None:
                jieba.setLogLevel(logging.WARNING)
                _tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    return _tagger
