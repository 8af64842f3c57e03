"""Rendering answers for the chat: data stays inert, quotes are block quotes with a highlight."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from ui.render import answer_markdown, citation_markdown, highlighted_lines, inert, sources_html

# the chat renders Markdown with raw HTML allowed and URLs linkified, the most permissive case
MARKDOWN = MarkdownIt("commonmark", {"html": True, "linkify": False})


def cite(quote: str, **extra) -> dict:
    return {
        "id": 1, "quote": quote, "title": "标题", "date": "2022-05-23", "date_precision": "day",
        "source": "000_x.txt", "article_id": "000_x#001", "start": 0, "end": len(quote),
        "highlight": None, "score": 0.5, **extra,
    }


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>window.__pwned=1</script>",
        '<img src=x onerror="window.__pwned=1">',
        "[点我](javascript:window.__pwned=1)",
        "<javascript:alert(1)>",
        "![x](javascript:alert(1))",
        "**粗体** _斜体_ `代码` # 标题",
    ],
)
def test_inert_text_renders_as_itself(hostile):
    html = MARKDOWN.render(inert(hostile))
    assert html.count("<") == 2  # only the <p> and </p> Markdown wraps it in
    assert "<a" not in html and "<script" not in html and "<img" not in html


def test_inert_leaves_chinese_alone():
    assert inert("开发区23个重点项目已开工20个") == "开发区23个重点项目已开工20个"
    assert inert("a<b") == "a&#60;b"


def test_highlight_is_marked_per_line():
    # the span 2..7 crosses the line break: each line gets its own closed <mark>
    assert highlighted_lines("ab开工\n20个cd", (2, 7)) == ["ab<mark>开工</mark>", "<mark>20</mark>个cd"]


def test_highlight_out_of_range_is_clamped():
    assert highlighted_lines("开工20个", (2, 99)) == ["开工<mark>20个</mark>"]
    assert highlighted_lines("开工20个", None) == ["开工20个"]


def test_citation_is_a_block_quote_with_headline_date_and_source():
    html = MARKDOWN.render(citation_markdown(cite("已开工20个。", title="防疫情 稳发展", highlight=[3, 6])))
    assert html.startswith("<blockquote>")
    assert "<strong>[1] 防疫情 稳发展</strong> · 2022-05-23 · 000_x.txt" in html
    assert "已开工<mark>20个</mark>。" in html


def test_hostile_citation_stays_text():
    quote = 'X<img src=x onerror="window.__pwned=1">Y'
    html = MARKDOWN.render(answer_markdown({"answer": "<b>答</b>", "found": True, "citations": [cite(quote, title="<script>t</script>")]}))
    assert "<img" not in html and "<script" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in html


def test_unknown_date_and_not_found_are_said():
    refusal = "资料中未找到能回答这个问题的内容；以下是最接近的段落，可能相关，仅供参考。"
    text = answer_markdown({"answer": refusal, "found": False, "citations": [cite("相关段落。", date=None)]})
    assert "日期不详" in text
    assert text.count("可能相关") == 1 and "没有找到直接回答" not in text  # the refusal is said once


def test_sources_panel_escapes_and_lists_each_article_once():
    other = {**cite("s", id=3, title="另一篇"), "article_id": "001_y#001", "source": "001_y.txt"}
    html = sources_html({"citations": [cite("q", title="<b>标题</b>"), cite("r", id=2), other]})
    assert html.count("<li>") == 2 and "[1][2]" in html and "[3]" in html
    assert "&lt;b&gt;标题&lt;/b&gt;" in html and "<b>标题" not in html
    assert "000_x" not in html  # file names and internal ids are not for readers
    assert "暂无来源" in sources_html(None)


def test_an_inferred_date_says_so_in_the_question_language():
    inferred = cite("已开工20个。", date="2018", date_precision="year", date_source="inferred")
    dated = cite("已开工22个。", id=2, date="2022-05", date_precision="month", date_source="sidecar",
                 article_id="000_x#002")
    chinese = {"question": "开工了多少?", "answer": "答", "found": True, "citations": [inferred, dated]}
    text = answer_markdown(chinese)
    assert "· 约2018年 ·" in text and "· 2022年5月 ·" in text
    english = {**chinese, "question": "How many projects have started?"}
    assert "· about 2018 ·" in answer_markdown(english) and "· May 2022" in sources_html(english)
    year_inferred = cite("q", date="2021-10-25", date_precision="day", date_source="dateline+inferred-year")
    assert "约2021-10-25" in sources_html({"question": "开工?", "citations": [year_inferred]})
