"""Question analysis on questions written for these tests (no archive's words in the rules)."""

from __future__ import annotations

import pytest

from qa.analyze import AnswerType, Language, analyze, validate
from qa.errors import QuestionError


@pytest.mark.parametrize("question, kind", [
    ("高新区今年新签约了多少个项目？", AnswerType.QUANTITY),
    ("河口镇的民兵训练是哪天开始的？", AnswerType.DATE),
    ("几点恢复供电？", AnswerType.DATE),
    ("谁主持了会议？", AnswerType.PERSON),
    ("那位获奖的姑娘叫什么？", AnswerType.PERSON),
    ("该平台隐藏手机号的功能叫什么？", AnswerType.NAME),
    ("事故发生在哪条路上？", AnswerType.PLACE),
    ("哪些单位入选了名单？", AnswerType.LIST),
    ("要打造哪几种园区？", AnswerType.LIST),
    ("第几轮检测在周三进行？", AnswerType.ORDINAL),
    ("这次整治采取了什么措施？", AnswerType.FACT),
    ("《春风里》的作者是谁？", AnswerType.AUTHOR),
    ("How many people were injured in the crash?", AnswerType.QUANTITY),
    ("When did the bridge open?", AnswerType.DATE),
    ("Who chaired the meeting?", AnswerType.PERSON),
])
def test_answer_types(question, kind):
    assert analyze(question).answer_type is kind


def test_units_and_families_asked():
    q = analyze("河口镇组织了多少名民兵参加训练？")
    assert q.units == {"名"} and q.families == {"people"}
    assert analyze("那名女子最后被罚款多少？").families == {"money"}
    assert analyze("站台有多高？").families == {"length"}
    assert analyze("How old was the grandmother?").families == {"age"}


def test_focus_is_the_noun_next_to_the_question_word():
    assert analyze("那名女子最后被罚款多少？").focus == ("罚款",)
    assert "民兵" in analyze("河口镇组织了多少名民兵参加训练？").focus


def test_named_units_are_recognised_by_their_form_not_a_list():
    for question, unit in (("郑东新区有多少家企业？", "郑东新区"), ("高新区税收多少？", "高新区"),
                           ("河口镇组织了多少名民兵？", "河口镇"), ("东风街道有几个社区？", "东风街道")):
        subjects = analyze(question).subjects
        assert any(s.text == unit and s.required for s in subjects), (question, subjects)


def test_generic_places_are_no_subjects():
    assert not any(s.required for s in analyze("全市有多少个小区？").subjects)


def test_traditional_characters_are_read_as_simplified():
    q = analyze("開發區有多少個項目開工？")
    assert q.text.startswith("开发区") and q.units == {"个"}


def test_english_questions_use_the_dictionary_and_pinyin_names():
    q = analyze("How high was the platform at Xiamen railway station?")
    assert q.language is Language.EN
    assert ("厦门",) in q.alternatives  # a place name the dictionary knows, in Chinese
    assert any("站台" in group for group in q.alternatives)
    assert q.names == (("xiamen",),)


def test_time_in_the_question_is_not_a_term():
    q = analyze("2019年前11个月税收多少？")
    assert q.time.since is not None and "2019" not in "".join(q.terms)


@pytest.mark.parametrize("text", ["", "   ", "？？！", "x" * 501])
def test_questions_a_reader_cannot_mean_are_refused(text):
    with pytest.raises(QuestionError):
        validate(text)
