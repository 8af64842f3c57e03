"""Answer composition on hand-built candidates: timeline order, latest, lead quotes, number check."""

from __future__ import annotations

import datetime as dt

from index.records import ArticleDate, Precision
from qa.compose import compose, lead_quote, numbers_outside_quotes, select_evidence
from qa.evidence import Candidate, clause_spans
from qa.question import analyze


def _candidate(text, date, *, article="a#001", score=0.8, coverage=1.0, kind_fit=1.0, highlight=None):
    c = Candidate(article, "标题", "a.txt", ArticleDate(date, Precision.DAY, "t"), 0, len(text), text, 0)
    c.score, c.coverage, c.kind_fit, c.highlight = score, coverage, kind_fit, highlight
    return c


def test_timeline_is_in_date_order_and_names_the_latest():
    q = analyze("开发区有多少个重点项目开工了?")
    newer = _candidate("今年23个省、市重点建设项目已开工22个；", dt.date(2022, 10, 17), article="b#001", score=0.9, highlight=(2, 20))
    older = _candidate("23个省市重点项目已开工20个,开工率86.9%。", dt.date(2022, 5, 23), score=0.85, highlight=(0, 15))
    result = compose(q, [newer, older])
    assert [c.date.iso() for c in result.citations] == ["2022-05-23", "2022-10-17"]
    assert result.text == ("资料在不同日期有报道（按日期排列）：2022-05-23：“23个省市重点项目已开工20个,开工率86.9%”[1]；"
                           "2022-10-17：“今年23个省、市重点建设项目已开工22个”[2]。最新的是2022-10-17的报道[2]。")
    assert numbers_outside_quotes(result.text) == []


def test_one_report_per_date_and_weak_ones_left_out():
    q = analyze("开发区有多少个重点项目开工了?")
    best = _candidate("已开工20个。", dt.date(2022, 5, 23), score=0.9)
    same_day = _candidate("已开工19个。", dt.date(2022, 5, 23), article="c#001", score=0.85)
    weak = _candidate("已开工7个。", dt.date(2021, 1, 1), article="d#001", score=0.3)
    assert select_evidence(q, [best, same_day, weak]) == [best]


def test_a_second_report_joins_only_when_it_holds_the_question_as_fully():
    q = analyze("示范区党工委扩大会议是哪天召开的?")
    best = _candidate("3月25日,示范区党工委召开扩大会议。", dt.date(2022, 3, 25), score=0.72, coverage=1.0)
    other_meeting = _candidate("3月23日下午,示范区召开疫情防控专题会议。", dt.date(2022, 3, 23), article="b#001",
                               score=0.6, coverage=0.67)
    assert select_evidence(q, [best, other_meeting]) == [best]
    retold = _candidate("25日召开的党工委扩大会议要求……", dt.date(2022, 3, 26), article="c#001", score=0.6, coverage=0.95)
    assert select_evidence(q, [best, retold]) == [best, retold]


def test_latest_question_leads_with_the_newest_close_report():
    q = analyze("最新一期报道中开发区党委书记是谁?")
    old = _candidate("党委书记王文峰主持会议。", dt.date(2019, 12, 19), score=0.9)
    new = _candidate("党委书记王文峰出席。", dt.date(2022, 5, 23), article="b#001", score=0.85)
    assert select_evidence(q, [old, new])[0] is new


def test_lead_quote_is_the_answering_clause_widened_by_key_terms():
    q = analyze("开发区什么时候召开三夏生产推进会?")
    text = "本报讯(记者 王晨)5月24日下午,开发区召开“三夏”生产暨疫情防控工作推进会,认真贯彻落实省、市相关会议精神,安排部署全区“三夏”生产和疫情防控工作。"
    c = _candidate(text, dt.date(2022, 5, 24), highlight=(10, 17))
    quote = lead_quote(q, c)
    assert quote == "5月24日下午,开发区召开“三夏”生产暨疫情防控工作推进会"
    assert quote in text


def test_clauses_do_not_cut_numbers_or_keep_the_byline():
    text = "本报讯(记者 王晨)截至目前,投资1,200万元;开工率86.9%"
    assert [text[s:e] for s, e in clause_spans(text)] == ["截至目前", "投资1,200万元", "开工率86.9%"]


def test_numbers_outside_quotes_are_reported():
    assert numbers_outside_quotes("据2022-05-23的报道：“已开工20个”[1]。") == []
    assert numbers_outside_quotes("共有20个项目：“已开工”[1]") == ["20"]
    assert numbers_outside_quotes("开发区三个项目“开工”[1]") == ["三个"]
    assert numbers_outside_quotes("The latest is the 2022-10-17 report [2].") == []


def test_not_found_keeps_related_passages_without_highlights():
    q = analyze("开发区有多少家医院?")
    c = _candidate("开发区新建公厕47座。", dt.date(2019, 12, 31), coverage=0.0, highlight=(5, 8))
    result = compose(q, [c])
    assert not result.found and result.citations[0].highlight is None
    assert result.text == "资料中未找到能回答这个问题的内容。以下是最接近的段落，可能相关，仅供参考。"


def test_numbers_inside_nested_source_quotes_are_quoted():
    text = "据2022-05的报道：“开发区按照“一张网”的架构,划成35个大网格、2170个微网格”[1]。"
    assert numbers_outside_quotes(text) == []
