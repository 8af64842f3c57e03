"""English words through CC-CEDICT read backwards, and Chinese names in pinyin through its proper names."""

from __future__ import annotations

from qa.analyze import analyze
from qa.dictionary import ALTERNATIVES, lookup, proper_names, translate
from qa.features import _coverage, _term_groups, normalized


def term_coverage(q, sentence: str) -> float:
    return _coverage(_term_groups(q), normalized(sentence))


def test_lookup_keeps_the_most_common_headwords_of_a_word_and_its_base_forms():
    assert lookup("kindergarten")[0] == "幼儿园"
    assert "举行" in lookup("held")  # irregular past → hold
    assert "家庭" in lookup("households")  # plural → household
    assert all(len(lookup(w)) <= ALTERNATIVES for w in ("hold", "river", "ceremony"))
    assert lookup("xyzzy") == ()


def test_translate_prefers_a_known_two_word_phrase_and_skips_function_words():
    groups = translate("when did the flood control drill take place".split())
    assert groups[0][0] in ("防洪", "防汛")  # "flood control" as one phrase
    assert any("发生" in g for g in groups)  # "take place", though "take" alone is a function word
    assert translate("how many of the".split()) == []


def test_an_english_question_gets_alternatives():
    q = analyze("Where was the groundbreaking ceremony held?")
    assert q.has_terms
    assert any("仪式" in g for g in q.alternatives) and any("举行" in g for g in q.alternatives)
    held = "1月4日上午，全市一季度重点项目集中开工仪式在新区举行。"
    assert term_coverage(q, held) > term_coverage(q, "此次集中开工项目共58个。") == 0.0
    # any one word of a group holds it: 举办 stands for "held" as well as 举行 does
    assert term_coverage(q, held) == term_coverage(q, held.replace("举行", "举办"))


def test_pinyin_names_the_dictionary_knows_are_looked_for_in_chinese():
    assert proper_names("xiamen") == ("厦门",) and proper_names("Xu Chang") == ("许昌",)
    assert proper_names("qwertyuiop") == ()
    q = analyze("How many people live in Xuchang?")
    assert ("许昌",) in q.alternatives and "许昌" in q.search_text
