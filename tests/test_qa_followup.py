"""Follow-ups inherit the missing subject or time from the earlier question."""

from __future__ import annotations

import pytest

from qa.followup import is_followup, resolve, rewrite

BASE = "开发区有多少个重点项目开工了?"


@pytest.mark.parametrize(
    ("previous", "followup", "expected"),
    [
        (BASE, "那示范区呢?", "示范区有多少个重点项目开工了?"),
        (BASE, "10月份呢？", "10月份开发区有多少个重点项目开工了?"),
        ("2022年5月开发区有多少个重点项目开工了?", "10月份呢?", "10月份开发区有多少个重点项目开工了?"),
        ("2022年5月开发区有多少个重点项目开工了?", "那示范区呢", "2022年5月示范区有多少个重点项目开工了?"),
        ("How many key projects has the development zone started?", "and in 2019?",
         "How many key projects has the development zone started in 2019?"),
        ("How many key projects were started in 2022?", "and in 2019?", "How many key projects were started in 2019?"),
        ("How many key projects has the development zone started?", "what about the demonstration zone?",
         "How many key projects has the demonstration zone started?"),
    ],
)
def test_rewrite_replaces_subject_or_time_and_keeps_the_rest(previous, followup, expected):
    assert rewrite(previous, followup) == expected


def test_a_full_question_is_not_a_followup():
    assert not is_followup("示范区召开了哪些疫情防控会议?")
    assert rewrite(BASE, "示范区召开了哪些疫情防控会议?") == "示范区召开了哪些疫情防控会议?"


def test_history_chains_followups():
    history = [{"question": BASE, "answer": "…"}, {"question": "那示范区呢?"}]
    assert resolve("3月份呢?", history) == "3月份示范区有多少个重点项目开工了?"
    assert resolve(BASE, ()) == BASE


ENGLISH = "How many key projects have started in the development zone?"


def test_a_follow_up_in_the_other_language_replaces_the_subject_or_stands_alone():
    assert rewrite(ENGLISH, "那示范区呢?") == "How many key projects have started in 示范区?"
    assert rewrite(BASE, "what about the development zone?") == BASE
    assert rewrite(BASE, "and in 2019?") == "2019年开发区有多少个重点项目开工了?"
    # a subject that cannot be put in the other language's question is asked on its own
    assert rewrite(BASE, "what about the moon base?") == "what about the moon base?"


def test_a_follow_up_is_worded_in_its_own_language_and_requires_its_own_subject():
    from qa.analyze import Language
    from qa.followup import analyzed

    question = analyzed("那示范区呢?", [{"question": ENGLISH}])
    assert question.language is Language.ZH
    assert [s.text for s in question.subjects if s.required] == ["示范区"]
    assert analyzed("and in 2019?", [{"question": BASE}]).language is Language.EN
