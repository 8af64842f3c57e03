"""The acceptance rule and the question-reading mechanisms behind it, on hand-built inputs:
periods compared, ordinals, the focus of a question, paraphrases accepted by meaning."""

from __future__ import annotations

import datetime as dt

import numpy as np

from index.records import ArticleDate, Precision
from qa.compose import Semantics, answers, compose, numbers_outside_quotes, per_period
from qa.entities import place_spans
from qa.evidence import ROLE_FIT, Candidate, contradicts, kind_fit, score_candidates
from qa.question import analyze, asked_units, question_kind
from qa.timeframe import parse_timeframe


def _day(y, m, d):
    return ArticleDate(dt.date(y, m, d), Precision.DAY, "test")


def _candidate(text, date, *, article="a#001", coverage=1.0, kind_fit=1.0, cosine=None, score=0.8, title="标题"):
    c = Candidate(article, title, "a.txt", date, 0, len(text), text, 0)
    c.coverage, c.kind_fit, c.cosine, c.score = coverage, kind_fit, cosine, score
    return c


# --- periods -------------------------------------------------------------------------------

def test_a_month_after_a_year_month_shares_its_year():
    tf = parse_timeframe("开发区重点项目在2022年5月和10月的报道中分别是多少?")
    assert tf.periods == ((dt.date(2022, 5, 1), dt.date(2022, 5, 31)), (dt.date(2022, 10, 1), dt.date(2022, 10, 31)))
    assert (tf.since, tf.until, tf.month) == (dt.date(2022, 5, 1), dt.date(2022, 10, 31), None)


def test_from_one_year_to_another_is_two_periods_and_one_year_is_none():
    tf = parse_timeframe("投资从2019年到2022年有什么变化?")
    assert tf.periods == ((dt.date(2019, 1, 1), dt.date(2019, 12, 31)), (dt.date(2022, 1, 1), dt.date(2022, 12, 31)))
    assert parse_timeframe("2019年前11个月开发区税收多少?").periods == ()


def test_period_of_a_sentence_by_publication_date_then_by_the_year_it_names():
    tf = parse_timeframe("从2019年到2022年")
    assert tf.period_of(_day(2022, 10, 17), "今年…") == 1
    assert tf.period_of(_day(2021, 1, 1), "2019 年前 11 个月，收入 8.49 亿元") == 0
    assert tf.period_of(_day(2021, 1, 1), "收入 8.49 亿元") is None
    assert not tf.fits(_day(2021, 1, 1), "收入 8.49 亿元")


def test_whole_year_rules_out_a_partial_year_figure():
    tf = parse_timeframe("2019年全年开发区税务局的收入总额是多少?")
    assert tf.whole_year
    assert not tf.fits(_day(2019, 12, 31), "2019 年前 11 个月，开发区税务局共组织各项收入 8.49 亿元")
    assert tf.fits(_day(2019, 12, 31), "2019 年全年收入 9 亿元")


def test_each_period_gets_its_best_sentence_in_date_order():
    q = analyze("开发区已开工的重点项目，2022年5月和10月的报道分别是多少个?")
    may = _candidate("23个省市重点项目已开工20个", _day(2022, 5, 23), coverage=0.4, score=0.7)
    october = _candidate("23个省、市重点建设项目已开工22个", _day(2022, 10, 17), article="b#001", coverage=0.4, score=0.9)
    weak = _candidate("已开工22个", _day(2022, 10, 17), article="c#001", coverage=0.1, score=0.95)
    for c in (may, october, weak):
        c.period = q.time.period_of(c.date, c.text)
    ranked = [weak, october, may]
    assert per_period(q, ranked) == [may, october]  # 0.4 ≥ MIN_PERIOD_COVERAGE, 0.1 is not
    result = compose(q, ranked)
    assert result.found and [c.date.iso() for c in result.citations] == ["2022-05-23", "2022-10-17"]
    assert result.text.index("2022-05-23") < result.text.index("2022-10-17")
    assert numbers_outside_quotes(result.text) == []


# --- ordinals --------------------------------------------------------------------------------

def test_ordinal_questions_want_an_ordinal_of_the_asked_measure_word():
    q = analyze("示范区进行了第几轮全员核酸检测?")
    assert (q.kind, q.ordinal_unit) == ("ordinal", "轮")
    assert "第几" not in q.terms and "第几轮" not in q.terms
    text = "3月28日,示范区进行第三轮全员核酸检测,做到应检尽检。"
    fit, span = kind_fit(q, _candidate(text, _day(2022, 3, 28)))
    assert fit == 1.0 and text[slice(*span)] == "第三轮"
    assert kind_fit(q, _candidate("示范区进行全员核酸检测。", _day(2022, 3, 28)))[0] == 0.0


def test_another_ordinal_in_the_article_contradicts_the_question():
    q = analyze("示范区第二轮全员核酸检测是哪天进行的?")
    assert q.ordinals == (("二", "轮"),)
    assert contradicts(q, "示范区进行第三轮全员核酸检测。3月28日8时至15时采集。")
    assert not contradicts(q, "示范区进行第二轮全员核酸检测,第三轮在下周。")
    assert not contradicts(q, "示范区进行全员核酸检测。")


# --- the focus of a question -------------------------------------------------------------------

def test_focus_is_the_noun_asked_about_never_a_verb_or_the_subject():
    assert analyze("开发区夜市摊位每月的租金是多少?").focus == ("租金",)
    assert analyze("莲花幼儿园的园长是谁?").focus == ("园长",)
    assert analyze("豫沪合作周口示范园的科创园共有多少名员工?").focus[-1] == "员工"
    assert analyze("夜间经济平均每天带来多少消费?").focus == ()  # 带来 is a verb
    assert analyze("开发区划分了多少个微网格?").focus == ()
    assert analyze("示范区在哪天召开会议?").focus == ()  # only counts and persons have one


def test_a_sentence_with_the_words_but_not_the_focus_is_a_near_miss():
    q = analyze("开发区夜市摊位每月的租金是多少?")
    stalls = _candidate("开发区规范设置夜市12个，新增夜市摊位500余家。", _day(2022, 10, 17))
    rent = _candidate("开发区夜市摊位每月租金300元。", _day(2022, 10, 17))
    ranked = score_candidates(q, [stalls, rent], article_text={"a#001": "开发区 " + stalls.text})
    assert not stalls.focus_ok and rent.focus_ok
    assert not answers(q, stalls) and answers(q, rent)
    assert not compose(q, [c for c in ranked if c is stalls]).found


def test_an_abbreviated_focus_counts():
    q = analyze("开发区新建了多少座公共厕所?")
    c = _candidate("开发区新修道路 9 条，新建公厕 47 座。", _day(2019, 12, 31))
    score_candidates(q, [c], article_text={"a#001": c.text})
    assert c.focus_ok and c.text[slice(*c.highlight)] == "47 座"


def test_the_figure_of_the_clause_naming_the_key_terms_not_the_zone_is_highlighted():
    q = analyze("How many new public toilets did the development zone build?")
    c = _candidate("开发区新购环卫车 46 辆，新建公厕 47 座。", _day(2019, 12, 31))
    score_candidates(q, [c], article_text={"a#001": c.text})
    assert c.text[slice(*c.highlight)] == "47 座"


# --- kinds and units --------------------------------------------------------------------------

def test_question_words_that_name_the_measure():
    assert question_kind("On which day did the bureau hold the training?") == "when"
    assert question_kind("What is the party organization coverage rate?") == "how_many"
    assert question_kind("那位老人叫什么?") == "who"
    assert asked_units("开发区的队伍走了多远?")[1] == frozenset({"length"})
    # "area" elsewhere in the question does not make a count question ask for an area
    assert asked_units("Into how many grid cells did the zone divide its area?")[1] == frozenset()
    assert asked_units("How many people found new jobs?")[1] == frozenset({"people"})


# --- acceptance by meaning -------------------------------------------------------------------

def test_a_paraphrase_is_accepted_when_the_model_singles_it_out_and_it_holds_a_fitting_figure():
    q = analyze("执法检查中商户一共签了多少份保证书?")
    answer_ = _candidate("此次行动共检查市场主体260家,签订承诺书102份。", _day(2022, 3, 1), coverage=0.2, cosine=0.885)
    near = _candidate("执法人员与各商户签订了承诺书。", _day(2022, 3, 1), coverage=0.35, kind_fit=0.0, cosine=0.886)
    others = [_candidate(f"其他{i}", _day(2022, 3, 1), coverage=0.1, kind_fit=0.0, cosine=0.85) for i in range(6)]
    ranked = [answer_, near, *others]
    semantics = Semantics.of(ranked)
    assert answers(q, answer_, semantics)  # top within 0.01, 0.885 − mean 0.859 ≥ 0.02, 份 fits
    assert not answers(q, near, semantics)  # no figure
    flat = Semantics(top=0.886, mean=0.875)  # does not stand out from the rest
    assert not answers(q, answer_, flat)
    few_words = _candidate("签订承诺书102份。", _day(2022, 3, 1), coverage=0.1, cosine=0.885)
    assert not answers(q, few_words, semantics)  # below SEMANTIC_MIN_COVERAGE


def test_a_what_question_is_never_answered_on_similarity_alone():
    q = analyze("开发区如何推进创文工作?")
    c = _candidate("开发区推进文明城市创建。", _day(2021, 10, 1), coverage=0.3, cosine=0.95)
    others = [_candidate("其他", _day(2021, 10, 1), coverage=0.0, cosine=0.80) for _ in range(3)]
    assert not answers(q, c, Semantics.of([c, *others]))


def test_the_answerer_reuses_the_retrievers_query_vector(fake_retriever, fake_archive):
    from qa import answer

    calls = []
    encoder = fake_retriever.encoder
    original = encoder.encode_queries

    def counting(texts):
        calls.append(list(texts))
        return original(texts)

    encoder.encode_queries = counting
    try:
        answer("开发区已签约入驻企业多少家?", archive=fake_archive)
    finally:
        del encoder.encode_queries
    assert len(calls) <= 1  # searched, then scored with the same vector
    vector = fake_retriever.encode_query("开发区已签约入驻企业多少家?")
    assert isinstance(vector, np.ndarray) and vector.shape == (encoder.dimension,)


def test_where_questions_find_venues_the_tagger_does_not_know():
    q = analyze("开工仪式在哪里举行?")
    assert q.kind == "where"
    text = "1月4日上午，全市一季度重点项目集中开工仪式在经开区举行。"
    fit, span = kind_fit(q, _candidate(text, _day(2023, 1, 4)))
    assert fit == 1.0 and text[slice(*span)] == "经开区"
    venue = "会议在区行政中心三楼会议室召开。"
    assert "区行政中心三楼会议室" in [venue[a:b] for a, b in place_spans(venue)]
    assert place_spans("此次集中开工项目共58个，总投资326.5亿元。") == []


def test_who_questions_take_an_office_when_the_text_names_no_one():
    q = analyze("谁走访慰问了困难群众?")
    assert q.kind == "who"
    text = "12月30日，市领导深入基层，走访慰问困难群众和老党员。"
    fit, span = kind_fit(q, _candidate(text, _day(2022, 12, 30)))
    assert (fit, text[slice(*span)]) == (ROLE_FIT, "市领导")
    named = "3月25日，示范区党工委书记宋力主持召开会议。"
    fit, span = kind_fit(q, _candidate(named, _day(2022, 3, 25)))
    assert (fit, named[slice(*span)]) == (1.0, "宋力")  # a name beats the office it holds


def test_when_questions_accept_relative_and_day_only_dates():
    from qa.entities import date_spans

    def found(text):
        return [text[a:b] for a, b in date_spans(text)]

    assert found("该项目预计年底建成投产。") == ["年底"]
    assert found("大会13日上午在人民大会堂闭幕。") == ["13日上午"]
    assert found("2022年5月底前完成，项目3月底开工。") == ["2022年5月底", "3月底"]
    assert found("日均客流1万人次。") == []


def test_an_article_printed_in_traditional_characters_answers_a_simplified_question():
    q = analyze("开发区新建了多少个停车位?")
    text = "3月4日，記者從開發區獲悉，今年以來開發區新建停車位1800個。"
    c = _candidate(text, _day(2022, 3, 4), title="開發區新建停車位")
    [scored] = score_candidates(q, [c], article_text={c.article_id: "開發區新建停車位\n" + text})
    assert scored.subject_ok  # 開發區 is 开发区
    assert scored.kind_fit == 1.0 and text[slice(*scored.highlight)] == "1800個"
