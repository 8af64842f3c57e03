"""Chinese names written in pinyin in English questions."""

from __future__ import annotations

import pytest

from qa.romanized import holds, names_in, span


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Which schools did Song Li inspect?", (("songli", "lisong"),)),
        ("When did Xiaoming Zhang chair the meeting?", (("xiaomingzhang", "zhangxiaoming"),)),
        ("How many people live in Wenchang?", (("wenchang",),)),
        # English words do not split into pinyin syllables; one syllable names too many people
        ("Which kindergarten held a drama on New Year's Eve?", ()),
        ("What did the Party Committee decide in March?", ()),
        ("What did Mr Wang say?", ()),
        ("Song, Li and Wang met?", ()),
    ],
)
def test_names_in_english_questions(question, names):
    assert names_in(question) == names


def test_glossary_phrases_are_not_names():
    assert names_in("How big is the Zhoukou Economic Development Zone?", skip=r"\bzhoukou\b") == ()
    assert names_in("How big is the Zhoukou Economic Development Zone?") == (("zhoukou",),)


def test_a_sentence_holds_a_name_when_its_characters_read_so():
    text = "3月26日,示范区党工委副书记宋力带队督导。区领导王磊、李培华陪同。"
    assert holds(text, ("songli", "lisong"))
    assert text[slice(*span(text, ("wanglei", "leiwang")))] == "王磊"
    assert text[slice(*span(text, ("lipeihua",)))] == "李培华"
    assert not holds(text, ("zhangxiaoming", "xiaomingzhang"))
    assert not holds("宋 力", ("songli",))  # characters apart are not a name
