"""The shapes of newspaper lines: bylines, photo credits, column labels and authors, page
furniture, headlines. Conventions of Chinese newspapers in general, not of one paper.

Pages printed in traditional characters (本報訊（記者 陳明）, 記者 陳明 攝) are read alike: the
patterns are matched on a copy with the characters below simplified one for one, so every offset
into the copy is an offset into the page.
"""

from __future__ import annotations

import re

from index.formats.text import EMPHASIS_MARK

CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_T2S = str.maketrans(
    "報訊記員攝編輯責約見實習評論華電設計審終圖組統籌劃對時隨雜談後語熱銳壇術稿際",
    "报讯记员摄编辑责约见实习评论华电设计审终图组统筹划对时随杂谈后语热锐坛术稿际",
)


def simplified(text: str) -> str:
    """`text` with the traditional characters of bylines and furniture simplified, same length."""
    return text.translate(_T2S)


class Simplified:
    """A compiled pattern that reads traditional characters as simplified ones; `pattern` is the
    plain one, for text already simplified."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern

    def match(self, text: str) -> re.Match | None:
        return self.pattern.match(simplified(text))

    def search(self, text: str) -> re.Match | None:
        return self.pattern.search(simplified(text))


SP = r"[ \t\u3000]*"
_NO_BREAK = r"[^\s(（)）【】*，,。]"
_NAME = rf"[{CJK}A-Za-z0-9]{{1,12}}?"
# a news site's or paper's name ends in one of these: 人民网, 胶东在线, 楚天都市报, 中新社, 新浪财经
_MEDIA = r"(?:网|在线|信息港|报|社|台|客户端|新闻|财经|频道)"
_CREDIT_DATE = rf"{_NO_BREAK}{{0,10}}?\d{{1,2}}{SP}月{SP}\d{{1,2}}{SP}日"
BYLINE = Simplified(re.compile(
    # 本报讯, 本报周口讯, 本报约翰内斯堡11月26日电; wire services: 新华社电, 新华社北京10月17日电
    rf"^{EMPHASIS_MARK}?(?:(?:本报{_NO_BREAK}{{0,12}}?讯|本报{_CREDIT_DATE}电|{_NO_BREAK}{{1,8}}社(?:{_NO_BREAK}{{0,10}}?\d{{1,2}}月\d{{1,2}}日)?电"
    # news sites and papers: 人民网北京12月10日电, 胶东在线4月26日讯, 法制网讯, 央视网消息, 【环球网综合报道】
    rf"|[【\[]?据?{_NAME}{_MEDIA}{_CREDIT_DATE}(?:讯|电|消息|报道|综合报道)[】\]]?"
    rf"|[【\[]?{_NAME}{_MEDIA}(?:讯|快讯|消息|综合报道)(?:[】\]]|(?![{CJK}])))"
    rf"{EMPHASIS_MARK}?"
    rf"(?:{SP}[(（【][^()（）【】\n]{{1,60}}[)）】])?"
    # or the bracketed credit alone, as some papers open a story: "（记者 王五）10月16日，…"
    r"|[(（](?:本报)?(?:特约|见习|首席|实习)?(?:记者|通讯员)[^()（）\n，,。]{1,60}[)）](?=\S))"
))
REPORTER = Simplified(re.compile(
    rf"^(?:本报)?(?:特约|见习|首席|实习)?(?:记者|通讯员)(?:[ \t\u3000:：]+\S.{{0,36}}|[{CJK}·]{{2,4}}(?:[ \t\u3000].{{0,30}})?)$"
))
CREDIT = Simplified(re.compile(
    r"^[(（]?(?:(?:本报)?(?:特约|见习|首席|实习|摄影)?记者|通讯员)[^，,。；;!?！？]{1,36}摄[)）]?$"
    rf"|^(?:[{CJK}·]{{2,4}}[ \t\u3000]+)+摄$"
    rf"|^摄影[\s:：]+[{CJK}·]{{2,4}}(?:[ \t\u3000]+[{CJK}·]{{2,4}})*$"
))
# A caption and its credit on one line: a finished sentence, then "记者 X 摄" or "(记者 X 摄)".
INLINE_CREDIT = Simplified(re.compile(
    r"[。！？!?”][ \t\u3000]*(?P<credit>[(（]?(?:(?:本报)?(?:特约|见习|首席|实习|摄影)?记者|通讯员)"
    r"[^，,。；;!?！？(（)）]{1,36}摄[)）]?)$"
))
# A column's label above its title: 今日评论, 今日论坛, 短评, 社论, 编者按 …
COLUMN_LABEL = Simplified(re.compile(
    rf"^[{CJK}]{{0,4}}(?:评论|短评|时评|快评|锐评|热评|论坛|社论|随笔|杂谈|漫谈|札记|编者按|编后语?|编后记)$"
))
FURNITURE = Simplified(re.compile(
    r"^(?:责任编辑|责编|本版编辑|编辑|版面设计|版式设计|美术编辑|美编|校对|策划|统筹|组版|审核|终审|值班编辑|制图)\s*[:：]"
    r"|^[^，,。]{0,15}[|｜]\s*[A-Z]?\d{1,3}$"  # "特刊 | 7"
    r"|^第?\s*[A-Z]?\d{1,3}\s*版(?:\s|$)"  # "第7版", "A3版"
    r"|^[A-Z]?\d{1,3}$"  # a bare page number
    rf"|^[{CJK}]{{2,6}}(?:日报|晚报|时报|晨报|商报|都市报)(?:[ \t\u3000][^，,。]{{0,12}})?$"  # the paper's name
))
SUBTITLE = re.compile(r"^(?:——|--|──|—)[^。]{1,60}$")
# A column's author line: "文/李清华", "本报评论员", or a bare name (index/segment/names.py says
# whether two to four characters alone are one).
AUTHOR = Simplified(re.compile(rf"^文[ \t]*[/／][ \t]*[{CJK}·]{{2,4}}$|^(?:本报)?(?:特约)?评论员(?:[ \t]+[{CJK}]{{2,4}})?$"))
BARE_NAME = re.compile(rf"^[{CJK}·]{{2,4}}$")

HEADLINE_MAX = 45
_PAIRS = ("“”", "‘’", "《》", "（）", "()", "「」", "【】")
# Clause punctuation does not occur in headlines, which use spaces between phrases instead.
NOT_IN_HEADLINE = re.compile(r"[。，,；;：:]")
_UNFINISHED_END = "，,、：:；;（(《“‘"
_LETTER = re.compile(rf"[{CJK}A-Za-z]")


def headline_shaped(text: str) -> bool:
    """Short, without clause punctuation, not cut off, closing what it opens."""
    return (
        0 < len(text) <= HEADLINE_MAX
        and not NOT_IN_HEADLINE.search(text)
        and text[-1] not in _UNFINISHED_END
        and _LETTER.search(text) is not None
        and balanced(text)
    )


def balanced(text: str) -> bool:
    """Headlines close what they open; a line ending inside a quote ("进行“整容") is cut prose."""
    return all(text.count(o) == text.count(c) for o, c in _PAIRS)
