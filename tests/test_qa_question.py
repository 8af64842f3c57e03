"""Question analysis: kind, asked unit, quantities, time expressions, subjects, validation."""

from __future__ import annotations

import datetime as dt

import pytest

from index.records import ArticleDate, Precision
from qa import QuestionError
from qa.quantities import find_quantities, fit
from qa.question import analyze, asked_units, question_kind, validate
from qa.timeframe import parse_timeframe


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("开发区有多少个重点项目开工了?", "how_many"),
        ("开发区新增了几家企业？", "how_many"),
        ("安置房面积有多大", "how_many"),
        ("How many projects were started?", "how_many"),
        ("会议是什么时候召开的?", "when"),
        ("会议在几月几日召开?", "when"),
        ("When was the meeting held?", "when"),
        ("开发区党委书记是谁?", "who"),
        ("Who chaired the meeting?", "who"),
        ("颁奖典礼在哪里举行?", "where"),
        ("开发区获得了哪些荣誉称号?", "which"),
        ("开发区如何推进创文工作?", "what"),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


@pytest.mark.parametrize(
    ("question", "units", "families"),
    [
        ("开发区有多少个重点项目开工了?", {"个"}, {"count"}),
        ("新增城镇就业多少人?", {"人"}, {"people"}),
        ("开发区税收多少?", set(), {"money"}),
        ("总投资多少亿元?", {"亿元"}, {"money"}),
        ("开工率是多少?", set(), {"percent"}),
        ("实验室面积多少?", set(), {"area"}),
        ("How much tax was collected?", set(), {"money"}),
        ("How many days in advance must people report?", set(), {"time"}),
        ("How many kilometers long is the river project?", set(), {"length"}),
    ],
)
def test_asked_units(question, units, families):
    assert asked_units(question) == (frozenset(units), frozenset(families))


def test_quantities_allow_spaces_and_approximations_and_skip_years():
    text = "2019 年前 11 个月，收入 8.49 亿元，入驻企业90余家，停车位 1800 多个，开工率86.9%。"
    found = [(text[q.start:q.end], q.value, q.unit) for q in find_quantities(text)]
    assert found == [
        ("11 个月", 11.0, "个月"),
        ("8.49 亿元", 8.49, "亿元"),
        ("90余家", 90.0, "家"),
        ("1800 多个", 1800.0, "个"),
        ("86.9%", 86.9, "%"),
    ]


def test_common_measure_words_count_and_their_question_asks_for_them():
    text = "已排查整改隐患136处，新增病例3例，发生事故2起，装机容量50万千瓦。"
    assert [(q.value, q.unit) for q in find_quantities(text)] == [(136.0, "处"), (3.0, "例"), (2.0, "起"), (50.0, "万千瓦")]
    assert asked_units("已排查整改隐患多少处?") == (frozenset({"处"}), frozenset({"count"}))
    assert find_quantities("8月1日起，每周三开放") == []  # a date and a weekday are not counts


def test_unit_fit_prefers_the_asked_unit_then_its_family():
    one, family, other = find_quantities("20个、5项、124亿元")
    units, families = frozenset({"个"}), frozenset({"count"})
    assert fit(one, units=units, families=families) == 1.0
    assert fit(family, units=units, families=families) == 0.8
    assert fit(other, units=units, families=families) == 0.15
    assert fit(other, units=frozenset(), families=frozenset()) == 0.6


def test_time_year_and_reporting_period():
    tf = parse_timeframe("2019年前11个月开发区税收多少?")
    assert (tf.since, tf.until, tf.first_months, tf.month) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31), 11, None)
    december = ArticleDate(dt.date(2019, 12, 31), Precision.DAY, "test")
    assert tf.fits(december, "2019 年前 11 个月，开发区税务局共组织各项收入 8.49 亿元")
    assert not tf.fits(december, "全年组织各项收入 9 亿元")  # another period's figure
    assert not tf.fits(ArticleDate(dt.date(2022, 1, 5), Precision.DAY, "t"), "前11个月收入")


def test_time_year_month():
    tf = parse_timeframe("2022年5月开发区开了哪些会?")
    assert (tf.since, tf.until) == (dt.date(2022, 5, 1), dt.date(2022, 5, 31))
    assert tf.fits(ArticleDate(dt.date(2022, 5, 23), Precision.DAY, "t"), "会议要求")
    assert not tf.fits(ArticleDate(dt.date(2022, 10, 17), Precision.DAY, "t"), "会议要求")
    # a later article that names the month still fits
    assert tf.fits(ArticleDate(dt.date(2022, 10, 17), Precision.DAY, "t"), "2022年5月,开发区召开会议")


def test_time_month_of_any_year():
    tf = parse_timeframe("示范区3月份做了什么?")
    assert (tf.month, tf.since) == (3, None)
    assert tf.fits(ArticleDate(dt.date(2022, 3, 25), Precision.DAY, "t"), "会议")
    assert not tf.fits(ArticleDate(dt.date(2022, 5, 25), Precision.DAY, "t"), "会议")
    assert not tf.fits(ArticleDate(dt.date(2022, 1, 1), Precision.YEAR, "t"), "会议")


def test_time_latest_and_english():
    assert parse_timeframe("最新的开工率是多少").latest
    assert not parse_timeframe("开工率是多少").constrains
    tf = parse_timeframe("how much tax in the first 11 months of 2019?")
    assert (tf.since, tf.first_months) == (dt.date(2019, 1, 1), 11)
    tf = parse_timeframe("What happened in May 2022?")
    assert (tf.since, tf.until) == (dt.date(2022, 5, 1), dt.date(2022, 5, 31))
    assert parse_timeframe("What is the latest figure?").latest


def test_key_terms_leave_out_question_words_and_time():
    q = analyze("2019年前11个月开发区税收多少?")
    assert "税收" in q.terms
    assert not {"多少", "2019", "11", "前"} & set(q.terms)


def test_subjects_are_units_from_the_gazetteer():
    subjects = {s.text: s for s in analyze("周口经济开发区荣获什么称号?").subjects}
    zone = subjects["周口经济开发区"]
    assert zone.kind == "unit" and zone.variants == ("周口经济开发区", "开发区")
    assert [s.text for s in analyze("示范区有多少个重点项目开工了?").subjects] == ["示范区"]
    assert "周口" in analyze("周口市有多少人?").subjects[0].variants


def test_traditional_characters_are_simplified():
    q = analyze("開發區黨委書記是誰？")
    assert q.kind == "who" and "党委书记" in q.terms and q.subjects[0].text == "开发区"


def test_english_question_gets_glossary_terms():
    q = analyze("How many key projects has the development zone started?")
    assert q.english and q.kind == "how_many"
    assert {"重点项目", "开发区", "开工"} <= set(q.terms)
    assert [s.text for s in q.subjects] == ["开发区"]


@pytest.mark.parametrize("question", ["", "   ", "？？！", "...", "x" * 501])
def test_invalid_questions_raise_one_sentence(question):
    with pytest.raises(QuestionError) as error:
        validate(question)
    assert str(error.value).endswith(".") and str(error.value).count(". ") == 0


def test_words_about_the_archive_or_the_asking_are_not_key_terms():
    q = analyze("开发区最近一次报道的重点项目开工数量是多少?")
    assert q.terms == ("开发", "开发区", "重点", "项目", "重点项目", "开工")
    assert analyze("据报道开发区新建了多少座公厕?").focus == ("公厕",)
