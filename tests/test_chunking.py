import datetime as dt

import pytest

from index.chunking import chunk_article, chunk_articles, split_sentences
from index.records import Article, ArticleDate, Precision

DATE = ArticleDate(dt.date(2022, 5, 20), Precision.DAY, "test")


def make_article(text: str, *, article_id: str = "p#001", title: str = "标题") -> Article:
    return Article(id=article_id, source="p.txt", title=title, kicker=None, byline=None, date=DATE, text=text)


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def ten_char_sentences(count: int) -> str:
    """`count` sentences of exactly 10 characters each: nine of one character, then 。"""
    return "".join(ch * 9 + "。" for ch in "一二三四五六七八九十"[:count])


# --- split_sentences -------------------------------------------------------------------------


def test_closing_quote_stays_with_its_sentence():
    assert sentences("他说：“好……。”然后走了。") == ["他说：“好……。”", "然后走了。"]
    assert sentences("他问：“为什么？”她笑了！") == ["他问：“为什么？”", "她笑了！"]


def test_decimals_and_percentages_never_split():
    text = "总投资83.4亿元，增长3.5%。第二句"
    assert sentences(text) == ["总投资83.4亿元，增长3.5%。", "第二句"]
    assert sentences("Version 1.5 is out. It works!") == ["Version 1.5 is out.", "It works!"]


def test_semicolons_end_sentences():
    assert sentences("甲方；乙方;丙方") == ["甲方；", "乙方;", "丙方"]


def test_blank_line_is_a_boundary_but_a_single_line_break_is_not():
    assert sentences("第一段没有句号\n\n第二段。") == ["第一段没有句号", "第二段。"]
    assert sentences("一行\n续行。") == ["一行\n续行。"]
    assert sentences("甲\n \u3000\n乙") == ["甲", "乙"]


def test_offsets_exclude_surrounding_whitespace():
    text = "  前导空格。 尾随  "
    assert split_sentences(text) == [(2, 7), (8, 10)]
    assert split_sentences("   \n\n ") == []
    assert split_sentences("") == []


# --- chunk_article ---------------------------------------------------------------------------


def test_short_article_is_one_chunk_carrying_the_article_fields():
    article = make_article("短文一句。短文二句。")
    [chunk] = chunk_article(article)
    assert (chunk.id, chunk.article_id, chunk.start, chunk.end) == ("p#001:001", "p#001", 0, 10)
    assert (chunk.title, chunk.source, chunk.date) == ("标题", "p.txt", DATE)
    assert chunk.text == "短文一句。短文二句。"  # the headline is not part of the text


def test_chunks_are_whole_sentences_with_sentence_overlap():
    # 10 sentences of 10 characters; 35 fits three, an 80→15 overlap repeats the last one.
    article = make_article(ten_char_sentences(10))
    chunks = chunk_article(article, max_chars=35, overlap_chars=15)
    assert [(c.start, c.end) for c in chunks] == [(0, 30), (20, 50), (40, 70), (60, 90), (80, 100)]
    assert [c.id for c in chunks] == [f"p#001:{n:03d}" for n in range(1, 6)]


def test_overlap_is_whole_trailing_sentences_within_the_limit():
    text = "短句。" + "这是一个稍长一些的句子。" * 6 + "\n\n第二段的第一句话。第二段结束了。"
    article = make_article(text)
    chunks = chunk_article(article, max_chars=40, overlap_chars=20)
    # sentences of 3 and 6 × 12 characters, a blank line at 75–77, then 9 + 7 characters
    assert [(c.start, c.end) for c in chunks] == [(0, 39), (27, 63), (51, 86), (77, 93)]
    starts = {s for s, _ in split_sentences(text)}
    ends = {e for _, e in split_sentences(text)}
    for chunk in chunks:
        assert chunk.text == text[chunk.start : chunk.end]
        assert len(chunk.text) <= 40
        assert chunk.start in starts and chunk.end in ends
    for prev, nxt in zip(chunks, chunks[1:]):
        assert prev.start < nxt.start and prev.end < nxt.end
        overlap = text[nxt.start : prev.end]
        gap = text[prev.end : nxt.start]
        assert len(overlap) <= 20  # whole sentences (start/end checked above)
        assert gap.strip() == ""  # nothing but whitespace is ever skipped
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_zero_overlap_gives_adjacent_chunks():
    chunks = chunk_article(make_article(ten_char_sentences(5)), max_chars=20, overlap_chars=0)
    assert [(c.start, c.end) for c in chunks] == [(0, 20), (20, 40), (40, 50)]


def test_long_sentence_is_cut_at_a_comma():
    text = "甲" * 20 + "，" + "乙" * 20 + "，" + "丙" * 8 + "。"  # 51 characters, one sentence
    chunks = chunk_article(make_article(text), max_chars=30, overlap_chars=10)
    assert [(c.start, c.end) for c in chunks] == [(0, 21), (21, 51)]


def test_long_sentence_without_commas_is_hard_cut_outside_numbers():
    chunks = chunk_article(make_article("甲" * 70 + "。"), max_chars=30, overlap_chars=0)
    assert [(c.start, c.end) for c in chunks] == [(0, 30), (30, 60), (60, 71)]
    chunks = chunk_article(make_article("甲" * 28 + "12345。"), max_chars=30, overlap_chars=0)
    assert [c.text for c in chunks] == ["甲" * 28, "12345。"]


def test_chunks_never_cross_articles_and_ids_are_stable():
    articles = [
        make_article(ten_char_sentences(4), article_id="p#001", title="一"),
        make_article(ten_char_sentences(3), article_id="p#002", title="二"),
    ]
    chunks = chunk_articles(articles, max_chars=25, overlap_chars=10)
    by_id = {a.id: a for a in articles}
    for chunk in chunks:
        article = by_id[chunk.article_id]
        assert chunk.text == article.text[chunk.start : chunk.end]
        assert chunk.title == article.title
    assert [c.id for c in chunks] == ["p#001:001", "p#001:002", "p#001:003", "p#002:001", "p#002:002"]
    assert chunk_articles(articles, max_chars=25, overlap_chars=10) == chunks


def test_empty_article_has_no_chunks_and_bad_options_are_refused():
    assert chunk_article(make_article(" \n ")) == []
    with pytest.raises(ValueError):
        chunk_article(make_article("一句。"), max_chars=0)
