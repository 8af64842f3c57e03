"""Index-time annotations on sentences written for these tests (not from any archive)."""

from __future__ import annotations

import pytest

from index.annotate import annotate_articles, annotate_text, granularity
from index.chunking import chunk_article
from index.quantities import find_quantities, parse_number
from index.records import Article, ArticleDate, SpanKind


def spans(text: str, kind: SpanKind) -> list[str]:
    return [text[s.start:s.end] for s in annotate_text(text) if s.kind is kind]


@pytest.mark.parametrize("text, expected", [
    ("给予回扣款共计人民币431，970元。", [("431，970元", 431970.0, "元")]),
    ("二十多家企业和三名民警到场。", [("二十多家", 20.0, "家"), ("三名", 3.0, "名")]),
    ("完成税收8.49 亿元，同比增长21.6%。", [("8.49 亿元", 849000000.0, "亿元"), ("21.6%", 21.6, "%")]),
    ("2019年5月23日开工，10日内完成，工期3个月。", [("10日", 10.0, "日"), ("3个月", 3.0, "个月")]),
    ("第三届运动会上一些人一起跑步。", []),
    ("两千五百元", [("两千五百元", 2500.0, "元")]),
    ("停車位1800個", [("1800個", 1800.0, "个")]),
])
def test_quantities_with_their_units(text, expected):
    assert [(text[q.start:q.end], q.value, q.unit) for q in find_quantities(text)] == expected


def test_chinese_numerals():
    assert [parse_number(t) for t in ("二十三", "两千五百", "一万二千", "十", "3,500", "七")] == [23, 2500, 12000, 10, 3500, 7]


def test_names_places_and_dates_come_from_the_tagger_and_the_grammar():
    text = "本报讯（记者 刘洋）11月16日上午，在河口镇中学操场上，该镇40名民兵开始训练。镇武装部长周立新说，训练为期10天。"
    assert spans(text, SpanKind.BYLINE) == ["本报讯（记者 刘洋）"]
    assert "周立新" in spans(text, SpanKind.PERSON)
    assert "河口镇中学" in spans(text, SpanKind.ORG)
    assert spans(text, SpanKind.DATE) == ["11月16日上午"]
    assert [s for s in spans(text, SpanKind.QUANTITY)] == ["40名", "10天"]  # 10天 is a duration, not a date


def test_print_layout_spaces_and_clock_times_are_one_date():
    text = "2019 年 12 月 18 日，线路于下午6时恢复供电；学生早上6点50分到食堂。"
    assert spans(text, SpanKind.DATE) == ["2019 年 12 月 18 日", "下午6时", "早上6点50分"]
    assert [granularity(d) for d in spans(text, SpanKind.DATE)] == ["day", "time", "time"]


def test_works_and_quoted_terms():
    text = "她的作品《风中的印记》获奖，平台上线了“匿名购买”功能。他说：“我们会继续努力。”"
    assert spans(text, SpanKind.WORK) == ["风中的印记"]
    assert spans(text, SpanKind.TERM) == ["匿名购买"]  # a quoted sentence is not a term


def test_chunks_carry_the_spans_inside_them_shifted_to_the_chunk():
    text = "甲镇新建了12座公厕。" * 30 + "乙县投资3亿元修路。"
    article = Article("p#001", "p.txt", "标题", None, None, ArticleDate.unknown(), text)
    chunks = annotate_articles([article], chunk_article(article))
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.annotations
        for span in chunk.annotations:
            assert 0 <= span.start < span.end <= len(chunk.text)
    last = chunks[-1]
    money = [s for s in last.annotations if s.kind is SpanKind.QUANTITY and s.label == "亿元"]
    assert [last.text[s.start:s.end] for s in money] == ["3亿元"]
