"""Spans of article text found once, at indexing time, and stored with each chunk: quantities
with their units, dates and times, persons, places, organisations, titled works, people named by
office, and the reporters' credit line.

Names come from Baidu's LAC tagger (`index.lexical_analysis`); quantities from the measure-word
grammar in `index.quantities`; dates from LAC's TIME entities together with a date grammar, so a
date the tagger misses (2019 年 12 月 18 日, with print-layout spaces) is still one span. The
answering layer reads these spans instead of parsing text again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from index.quantities import find_quantities, unit_family
from index.records import Article, Chunk, Span, SpanKind

#: bump when a rule below changes what is annotated: chunks of older builds are re-annotated
ANNOTATOR_VERSION = "spans-3"

_TAG_KINDS = {"PER": SpanKind.PERSON, "LOC": SpanKind.PLACE, "ORG": SpanKind.ORG, "nw": SpanKind.WORK}

_DATE = re.compile(
    r"(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
    r"|(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月(?:份)?)?(?:底|初|中旬|上旬|下旬|末)?"
    r"|(?:19|20)\d{2}[-/.]\d{1,2}(?:[-/.]\d{1,2})?(?!\d)"
    r"|\d{1,2}\s*月(?:份|底|初|中旬|上旬|下旬)?"
    r"|(?<![\d.])\d{1,2}\s*日(?![均常内间])"
    r"|[零〇一二三四五六七八九]{4}年(?:[一二三四五六七八九十]{1,2}月(?:[一二三四五六七八九十]{1,3}日)?)?"
)
_CLOCK = re.compile(r"(?:凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|晚)?\s*\d{1,2}\s*(?:[点时:：]\s*(?:\d{1,2}\s*分?|半)?)")
_PART_OF_DAY = re.compile(r"\s*(?:凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚间|夜间|深夜|晚)")
_RELATIVE = re.compile(r"近日|日前|连日来|当天|当日|昨天|昨日|今天|今日|前天|今年以来|年初|年底|年内|上周|本周|近期|此前")
_WORK = re.compile(r"《([^《》\n]{1,40})》")
# a name or slogan set in quotation marks (not a quoted sentence: no end mark, short)
_TERM = re.compile(r"[“\"「]([^“”\"「」\n。！？!?，,]{2,16})[”\"」]")
# people named by office or group: 市领导, 区委书记, 校长, 志愿者 (general offices, any body)
_OFFICE = re.compile(
    r"(?:[\u4e00-\u9fff]{0,6}?(?:市|区|县|镇|乡|村|省|委|局|办|部|院|厅|会|所|队|站|校|司|社区|中心|公司|集团))?"
    r"(?:党委书记|党组书记|书记|市长|区长|县长|镇长|乡长|村长|主任|局长|处长|科长|部长|厅长|主席|委员|院长|校长|"
    r"所长|站长|队长|总经理|董事长|负责人|领导|志愿者|网格员|民警|警方|交警|法官|检察官|医生|护士|教练|发言人)(?:们)?"
)
_BYLINE = re.compile(
    r"本报讯\s*[（(][^）)\n]{0,40}[）)]|[（(]\s*(?:本报)?(?:特约|见习|首席|实习)?(?:记者|通讯员)[^）)\n]{1,40}[）)]"
    r"|(?:记者|通讯员)\s*[\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{2,4}){0,3}\s*(?:摄|文/图|报道)"
    r"|(?:责任编辑|编辑|审核|校对)\s*[:：]\s*[\u4e00-\u9fff·]{2,4}"
)
# where something happens, by the sentence's shape: 在X举行, 发生在X, 送往X, 位于X
_VENUE = re.compile(
    r"(?:发生在|位于|送往|送到|来到|前往|在|于)(?P<place>[\u4e00-\u9fffA-Za-z0-9·（）()]{2,20}?)"
    r"(?:隆重|顺利|正式|成功|如期)?(?:举行|召开|举办|开幕|闭幕|开工|开展|进行|落成|启动|揭牌|签约|落户|发生|检查|救治|治疗|工作|上|内|里|附近|一带|[，,。；])"
)
#: nouns that, after a place name, make one place with it (百花路与裕隆街交叉口, X门口)
_PLACE_TAILS = ("交叉口", "路口", "门口", "附近", "一带", "路段", "会议室", "操场", "广场", "大厅", "现场")
_DURATION = re.compile(r"^[\d一二两三四五六七八九十百]+\s*(?:多|余)?\s*(?:个)?(?:天|年|月|小时|分钟|周|秒|星期)$")


def annotate_text(text: str) -> tuple[Span, ...]:
    """Every span of `text`, sorted by start; spans of one kind never overlap."""
    from index.lexical_analysis import analyzer

    tokens = analyzer().analyze(text)
    spans: list[Span] = []
    for token in tokens:
        kind = _TAG_KINDS.get(token.tag)
        if kind is not None and token.end - token.start >= 2:
            spans.append(Span(token.start, token.end, kind))
    spans += _places(text, tokens)
    spans += _quantities(text)
    spans += _dates(text, [(t.start, t.end) for t in tokens if t.tag == "TIME"])
    spans += [Span(m.start(1), m.end(1), SpanKind.WORK) for m in _WORK.finditer(text)]
    spans += [Span(m.start(1), m.end(1), SpanKind.TERM) for m in _TERM.finditer(text)]
    spans += [Span(*m.span(), SpanKind.OFFICE) for m in _OFFICE.finditer(text) if m.end() - m.start() >= 2]
    spans += [Span(*m.span(), SpanKind.BYLINE) for m in _BYLINE.finditer(text)]
    return tuple(_without_overlaps(spans))


def annotate_articles(articles: Sequence[Article], chunks: Sequence[Chunk]) -> list[Chunk]:
    """`chunks` (of `articles`) with their annotations: each article is annotated once and its
    spans handed to the chunks they fall in, offsets made relative to the chunk."""
    from dataclasses import replace

    spans = {a.id: annotate_text(a.text) for a in articles}
    out = []
    for chunk in chunks:
        inside = tuple(s.shifted(-chunk.start) for s in spans.get(chunk.article_id, ())
                       if chunk.start <= s.start and s.end <= chunk.end)
        out.append(replace(chunk, annotations=inside))
    return out


def _places(text: str, tokens) -> list[Span]:
    """Places the tagger's names run into (百花路与裕隆街交叉口) and venues by sentence shape."""
    spans = []
    i = 0
    while i < len(tokens):
        if tokens[i].tag in ("LOC", "ORG"):
            j = i
            while j + 2 < len(tokens) and text[tokens[j + 1].start:tokens[j + 1].end] in ("与", "和", "至") \
                    and tokens[j + 2].tag in ("LOC", "ORG"):
                j += 2
            while j + 1 < len(tokens) and tokens[j + 1].tag in ("LOC", "ORG", "n", "f", "s") \
                    and text[tokens[j + 1].start:tokens[j + 1].end] in _PLACE_TAILS:
                j += 1
            if j > i:
                spans.append(Span(tokens[i].start, tokens[j].end, SpanKind.PLACE))
            i = j + 1
        else:
            i += 1
    spans += [Span(*m.span("place"), SpanKind.PLACE) for m in _VENUE.finditer(text)
              if not re.search(r"[的了是将把被对向为等年月日时]$|^[的了这那其该此]", m.group("place"))]
    return spans


def _quantities(text: str) -> list[Span]:
    return [Span(q.start, q.end, SpanKind.QUANTITY, q.unit, q.value) for q in find_quantities(text)]


def _dates(text: str, tagged: Iterable[tuple[int, int]]) -> list[Span]:
    """Dates of the date grammar, clock times and relative dates, and the tagger's TIME spans
    that are not durations (10天 is a quantity); each widened to a following part of day."""
    found: list[tuple[int, int]] = [m.span() for m in _DATE.finditer(text)]
    found += [m.span() for m in _CLOCK.finditer(text) if re.search(r"[点时:：]", m.group())]
    found += [m.span() for m in _RELATIVE.finditer(text)]
    found += [(s, e) for s, e in tagged if not _DURATION.match(text[s:e])]
    merged: list[list[int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    spans = []
    for start, end in merged:
        day_part = _PART_OF_DAY.match(text, end)
        if day_part:
            end = day_part.end()
        spans.append(Span(start, end, SpanKind.DATE, granularity(text[start:end])))
    return spans


def granularity(date_text: str) -> str:
    """How fine a date expression is: time, day, month, year or relative."""
    if re.search(r"\d\s*[点时:：]|[点时]\s*\d|分$", date_text):
        return "time"
    if re.search(r"[日号]|[\d]{4}[-/.]\d{1,2}[-/.]\d{1,2}", date_text):
        return "day"
    if "月" in date_text or re.search(r"\d{4}[-/.]\d{1,2}", date_text):
        return "month"
    if "年" in date_text:
        return "year"
    return "relative"


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Per kind, the longer of two overlapping spans (the earlier on a tie)."""
    kept: list[Span] = []
    for kind in SpanKind:
        chosen: list[Span] = []
        for span in sorted((s for s in spans if s.kind is kind), key=lambda s: (-(s.end - s.start), s.start)):
            if all(span.end <= c.start or span.start >= c.end for c in chosen):
                chosen.append(span)
        kept += chosen
    return sorted(kept, key=lambda s: (s.start, s.end, s.kind.value))


def family(span: Span) -> str | None:
    """The unit family of a quantity span (money, people, count …)."""
    return unit_family(span.label) if span.kind is SpanKind.QUANTITY else None
