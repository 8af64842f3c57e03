import threading

import pytest

import index.tokenize as tokenize_module
from index.tokenize import STOPWORDS, Tokenizer, Vocabulary, VocabularyError, Word, tokenize, tokenizer_for

# an archive's own words, none of them in jieba's general dictionary
ZHENGZHOU = Vocabulary.parse("# 郑州的词\n郑东新区 ns\n\n项目为王 n\n花园口 5 ns\n")


def test_traditional_characters_give_the_simplified_terms():
    assert tokenize("開發區") == tokenize("开发区") == ["开发", "开发区"]


def test_spaced_dates_give_the_same_terms():
    assert tokenize("2019 年 12 月") == tokenize("2019年12月") == ["2019", "年", "12", "月"]


def test_full_width_letters_and_digits_fold_and_lower_case():
    assert tokenize("ＡＢＣ１２３") == tokenize("abc123") == ["abc123", "abc", "123"]


def test_numbers_stay_searchable_with_their_units():
    assert tokenize("共有23个项目签约，总投资83.4亿元，增长3.5%。") == [
        "共有", "23", "个", "项目", "签约", "总", "投资", "83.4", "亿元", "增长", "3.5",
    ]  # fmt: skip


def test_punctuation_spaces_and_stopwords_are_dropped():
    assert tokenize("“项目为王”，的 了 和 是 在 等！？ ; 、") == ["项目", "为", "王"]
    assert Tokenizer(ZHENGZHOU).tokenize("“项目为王”，的 了 和 是 在 等！？ ; 、") == ["项目", "项目为王"]
    assert tokenize("  ，。！?  ") == []
    assert not STOPWORDS & set(tokenize("他的项目是在开发区建成了，有多少个？"))


def test_an_archive_vocabulary_keeps_its_words_whole_with_their_parts():
    assert tokenize("郑东新区") == ["郑东新", "区"]  # jieba's general dictionary cuts it apart
    assert Tokenizer(ZHENGZHOU).tokenize("郑东新区") == ["新区", "郑东新", "郑东新区"]
    # the words are matched on folded text, so traditional characters find them too
    assert Tokenizer(ZHENGZHOU).tokenize("鄭東新區") == ["新区", "郑东新", "郑东新区"]


def test_one_vocabulary_does_not_change_another_tokenizer():
    Tokenizer(ZHENGZHOU).tokenize("郑东新区")
    assert tokenize("郑东新区") == ["郑东新", "区"]
    assert Tokenizer(Vocabulary.parse("东新 ns")).tokenize("郑东新区") != Tokenizer(ZHENGZHOU).tokenize("郑东新区")


def test_parse_reads_jieba_user_dictionary_lines():
    assert ZHENGZHOU.words == (Word("郑东新区", None, "ns"), Word("项目为王", None, "n"), Word("花园口", 5, "ns"))
    assert Vocabulary.parse("\ufeffABC景区 3\n龍湖 NS\n").words == (Word("abc景区", 3), Word("龙湖", None, "ns"))
    assert ZHENGZHOU.text() == "郑东新区 ns\n项目为王 n\n花园口 5 ns\n"
    assert Vocabulary.parse(ZHENGZHOU.text()) == ZHENGZHOU


def test_a_word_listed_twice_keeps_its_place_and_its_last_entry():
    vocabulary = Vocabulary.parse("甲乙 ns\n丙丁\n甲乙 9\n")
    assert vocabulary.words == (Word("甲乙", 9), Word("丙丁"))
    assert Vocabulary.parse("甲乙 ns").merged(Vocabulary.parse("丙丁\n甲乙 7 nz")).words == (Word("甲乙", 7, "nz"), Word("丙丁"))


@pytest.mark.parametrize(
    "line",
    ["郑东新区 ns 12", "郑东新区 12 ns extra", "郑东新区 1.5", "，。 ns", "郑东新区 n-s"],
)
def test_a_line_that_is_not_an_entry_names_the_source_and_line(line):
    with pytest.raises(VocabularyError, match=r"userdict\.txt: line 3 is not a dictionary entry"):
        Vocabulary.parse(f"# note\n项目为王\n{line}\n", source="pages/userdict.txt")


def test_frequency_zero_is_refused_because_jieba_applies_it_to_every_tokenizer():
    with pytest.raises(VocabularyError, match="frequency 0"):
        Vocabulary.parse("郑东新区 0")


def test_read_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "newsqa-userdict.txt"
    path.write_bytes("郑东新区 ns\n".encode("gbk"))
    with pytest.raises(VocabularyError, match="not UTF-8"):
        Vocabulary.read(path)


def test_the_sha256_changes_with_the_words_not_with_notes_or_spacing():
    assert Vocabulary.parse("# a note\n郑东新区   ns\n").sha256 == Vocabulary.parse("郑东新区 ns").sha256
    assert Vocabulary.parse("郑东新区 ns").sha256 != Vocabulary.parse("郑东新区 nz").sha256


def test_indexes_with_the_same_words_share_one_tokenizer():
    assert tokenizer_for(Vocabulary.parse("郑东新区 ns")) is tokenizer_for(Vocabulary.parse("# x\n郑东新区 ns"))
    assert tokenizer_for(Vocabulary.parse("郑东新区 ns")) is not tokenizer_for(Vocabulary.parse("郑东新区"))


def test_concurrent_first_use_gives_identical_terms(monkeypatch):
    monkeypatch.setattr(tokenize_module, "_general_jieba", None)  # make the threads race to load it
    tokenizer = Tokenizer(ZHENGZHOU)
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(tokenizer.tokenize("郑东新区项目为王"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [["新区", "郑东新", "郑东新区", "项目", "项目为王"]] * 4
