import threading

import index.tokenize as tokenize_module
from index.tokenize import STOPWORDS, tokenize


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
    assert tokenize("“项目为王”，的 了 和 是 在 等！？ ; 、") == ["项目", "项目为王"]
    assert tokenize("  ，。！?  ") == []
    assert not STOPWORDS & set(tokenize("他的项目是在开发区建成了，有多少个？"))


def test_user_dictionary_keeps_local_names_whole_with_their_parts():
    assert tokenize("城乡一体化示范区") == [
        "城乡", "一体", "示范", "一体化", "示范区", "城乡一体化示范区",
    ]  # fmt: skip
    assert tokenize("项城市创文") == ["项城", "城市", "项城市", "创文"]
    assert tokenize("三个一批专项债券") == ["三个", "一批", "三个一批", "专项", "债券", "专项债", "专项债券"]


def test_concurrent_first_use_gives_identical_terms(monkeypatch):
    monkeypatch.setattr(tokenize_module, "_jieba", None)  # make the threads race to build it
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(tokenize("周口经济开发区"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [["周口", "经济", "开发", "开发区", "周口经济开发区"]] * 4
