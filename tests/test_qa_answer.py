"""answer() on hand-made articles with a tiny keyword retriever (no model, no index files).

These tests check the mechanics of the stages (retrieval merges, timelines, follow-ups, units
required, time filters, wording), not the fitted model: they score with a small hand-written
settings record in which holding the question's words and a span of the asked kind is what
counts. The fitted model's quality is measured by `newsqa eval`, not here."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from index.interfaces import Archive, ArticleTable
from index.records import Article, ArticleDate, Chunk, Hit, Precision
from index.tokenize import tokenize
from qa import Answer, QuestionError
from qa import answer as qa_answer
from qa.compose import numbers_outside_quotes

from answer_settings import MECHANICS


def answer(question, **options):
    return qa_answer(question, settings=MECHANICS, **options)


def _day(y, m, d):
    return ArticleDate(dt.date(y, m, d), Precision.DAY, "test")


ARTICLES = [
    Article("000_a#001", "000_a.txt", "开发区项目建设蹄疾步稳", None, None, _day(2022, 5, 23),
            "5月23日,记者从开发区了解到,截至目前,开发区年度计划投资124亿元的23个省市重点项目已开工20个,"
            "开工率86.9%,项目建设“双过半”有望提前完成。豫沪合作周口示范园首期投资近30亿元。"),
    Article("002_b#001", "002_b.txt", "周口经济开发区高质量发展纪实", None, None, _day(2022, 10, 17),
            "十年间，周口经济开发区取得了历史性进步。今年23个省、市重点建设项目已开工22个；"
            "年度计划投资120亿元，已完成投资83.4亿元。"),
    Article("004_c#001", "004_c.txt", "跑出项目建设加速度", None, None, _day(2022, 3, 26),
            "3月26日,示范区党工委副书记宋力带队督导辖区重点项目建设。全区重点项目已开工15个。"),
    Article("003_d#001", "003_d.txt", "2019 年前 11 个月开发区完成税收 8.49 亿元", None, None, _day(2019, 12, 31),
            "2019 年前 11 个月，开发区税务局共组织各项收入 8.49 亿元，同比增长 21.6%。"),
    Article("003_d#002", "003_d.txt", "开发区召开党委(扩大)会议", None, None, _day(2019, 12, 19),
            "2019 年 12 月 19 日，开发区党委书记王文峰主持召开党委(扩大)会议。"),
]


class KeywordRetriever:
    """Whole-article chunks ranked by shared terms; honours since/until like the real one."""

    def __init__(self, articles):
        from index.annotate import annotate_articles

        whole = [Chunk(f"{a.id}:001", a.id, a.title, a.source, a.date, 0, len(a.text), a.text) for a in articles]
        self.chunks = annotate_articles(articles, whole)  # as indexing does

    def search(self, query, *, k=10, since=None, until=None, sources=None, mode="hybrid"):
        terms = set(tokenize(query))
        scored = []
        for chunk in self.chunks:
            if not chunk.date.overlaps(since, until):
                continue
            score = len(terms & set(tokenize(chunk.title + chunk.text)))
            if score:
                scored.append(Hit(chunk, float(score)))
        return sorted(scored, key=lambda h: -h.score)[:k]


@pytest.fixture(scope="module")
def retriever():
    keyword = KeywordRetriever(ARTICLES)
    return Archive(retriever=keyword, articles=ArticleTable(ARTICLES, keyword.chunks))


def _check_quotes(result: Answer):
    by_id = {a.id: a for a in ARTICLES}
    for c in result.citations:
        article = by_id[c.article_id]
        assert article.text[c.start:c.end] == c.quote
        assert c.date == article.date and c.title == article.title
        if c.highlight:
            assert 0 <= c.highlight[0] < c.highlight[1] <= len(c.quote)
    for quoted in re.findall(r"“([^”]*)”", result.text):
        assert any(quoted in c.quote for c in result.citations), quoted
    assert numbers_outside_quotes(result.text) == []


def test_how_many_gives_a_timeline_in_date_order_with_the_latest(retriever):
    result = answer("开发区有多少个重点项目开工了?", archive=retriever)
    _check_quotes(result)
    assert result.found
    assert [c.date.iso() for c in result.citations] == ["2022-05-23", "2022-10-17"]
    assert "“开发区年度计划投资124亿元的23个省市重点项目已开工20个”[1]" in result.text
    assert "“今年23个省、市重点建设项目已开工22个”[2]" in result.text
    assert "最新的是2022-10-17的报道[2]" in result.text
    assert result.text.index("2022-05-23") < result.text.index("2022-10-17")
    assert "004_c#001" not in {c.article_id for c in result.citations}  # another zone
    assert "可能指不同的对象" not in result.text  # the zone is named: one quantity over time


def test_a_timeline_for_a_question_naming_no_subject_warns_it_may_mix_things(retriever):
    result = answer("有多少个重点项目开工了?", archive=retriever)
    _check_quotes(result)
    assert len(result.citations) > 1 and "最新的是" in result.text
    assert result.text.endswith("这些报道可能指不同的对象，请核对各引文的标题。")


def test_a_question_about_one_zone_is_not_answered_from_another(retriever):
    result = answer("示范区有多少个重点项目开工了?", archive=retriever)
    _check_quotes(result)
    assert result.found
    assert {c.article_id for c in result.citations} == {"004_c#001"}
    assert result.citations[0].quote[slice(*result.citations[0].highlight)] == "15个"


def test_followup_replaces_the_subject(retriever):
    history = [{"question": "开发区有多少个重点项目开工了?"}]
    result = answer("那示范区呢?", archive=retriever, history=history)
    assert result.question == "那示范区呢?"
    assert [c.article_id for c in result.citations] == ["004_c#001"]


def test_time_in_the_question_selects_the_report(retriever):
    result = answer("2019年前11个月开发区税务局组织了多少收入?", archive=retriever)
    _check_quotes(result)
    assert result.found and result.citations[0].article_id == "003_d#001"
    c = result.citations[0]
    assert c.quote[slice(*c.highlight)] == "8.49 亿元"


def test_a_time_with_no_reports_is_not_answered(retriever):
    result = answer("2015年开发区税收多少?", archive=retriever)
    assert not result.found
    assert result.text.startswith("资料中未找到该时间范围内")
    assert numbers_outside_quotes(result.text) == []


def test_unanswerable_question_says_so_and_shows_related_passages(retriever):
    result = answer("开发区有多少家医院?", archive=retriever)
    assert not result.found
    assert result.text.startswith("资料中未找到")
    assert all(c.highlight is None for c in result.citations)
    _check_quotes(result)


def test_unknown_subject_is_not_answered(retriever):
    result = answer("高新区有多少个重点项目开工了?", archive=retriever)
    assert not result.found and "高新区" in result.text


def test_who_question_highlights_a_name(retriever):
    result = answer("开发区党委书记是谁?", archive=retriever)
    assert result.found
    c = result.citations[0]
    assert c.quote[slice(*c.highlight)] == "王文峰"


def test_english_question_gets_an_english_lead_and_chinese_quotes(retriever):
    result = answer("How many key projects has the development zone started?", archive=retriever)
    _check_quotes(result)
    assert result.found and result.text.startswith("The archive reports this at different dates")
    assert "The latest is the 2022-10-17 report [2]." in result.text


def test_a_name_in_pinyin_must_be_in_the_cited_article(retriever):
    result = answer("When did Song Li inspect the key projects?", archive=retriever)
    assert result.found and result.citations[0].article_id == "004_c#001"
    # no article names Zhang Xiaoming: another official's meeting is no answer, only a related passage
    missing = answer("When did Zhang Xiaoming chair a meeting?", archive=retriever)
    assert not missing.found and missing.citations and "possibly related" in missing.text


def test_since_until_bound_the_search(retriever):
    result = answer("开发区有多少个重点项目开工了?", archive=retriever, since=dt.date(2022, 6, 1))
    assert [c.date.iso() for c in result.citations] == ["2022-10-17"]
    assert result.text.startswith("据2022-10-17的报道：“")


def test_a_date_range_with_no_reports_says_so_and_lists_nothing(retriever):
    result = answer("开发区有多少个重点项目开工了?", archive=retriever, since=dt.date(2030, 1, 1))
    assert (result.found, result.citations) == (False, [])
    assert result.text == "资料中未找到该时间范围内的相关报道。"  # not "about 开发区", and no passages promised


def test_a_question_naming_nothing_is_not_answered(retriever):
    # a follow-up with no earlier turn to take its subject from
    result = answer("那2022年呢?", archive=retriever)
    assert not result.found and result.text.startswith("资料中未找到")


def test_json_shape(retriever):
    data = answer("开发区有多少个重点项目开工了?", archive=retriever).to_json()
    assert set(data) == {"question", "answer", "found", "confidence", "citations"}
    assert set(data["citations"][0]) == {"id", "quote", "title", "date", "date_precision", "date_source", "source",
                                         "article_id", "start", "end", "highlight", "score", "text_source"}
    assert data["citations"][0]["date"] == "2022-05-23" and data["citations"][0]["date_precision"] == "day"


def test_timings_split_retrieval_and_composition(retriever):
    result = answer("开发区有多少个重点项目开工了?", archive=retriever)
    assert set(result.timings) == {"retrieval_ms", "compose_ms"}
    assert all(v >= 0 for v in result.timings.values())


def test_question_errors(retriever):
    with pytest.raises(QuestionError):
        answer("  ", archive=retriever)
    with pytest.raises(QuestionError):
        answer("？", archive=retriever)
