"""HTML article pages and e-paper pages: main text without boilerplate, head lines as blocks, the
publication date from the page's own statements and nowhere else."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from format_fixtures import EXPECTED, FORMATS, assert_blocks_are_page_text, block_texts, cases, stories_of

from index.formats.html import parse_date_text, url_date
from index.reader import BlockRole, TextSource, read_page

BOILERPLATE = ("责任编辑", "分享到", "继续阅读", "相关新闻", "热门排行", "原标题", "广告", "Copyright", "上一篇", "首页",
               "当前位置", "【纠错】", "版面导航")


@pytest.mark.parametrize("name", cases("html-article"))
def test_article_page_gives_its_story_title_byline_and_date(name):
    case = EXPECTED[name]
    [story] = stories_of(name)
    page = read_page(FORMATS / name)

    assert page.text_source is TextSource.HTML
    assert page.metadata.title == story["title"]
    assert page.metadata.byline == case["author"]
    if case["date"] is None:
        assert page.metadata.date is None  # stated nowhere: never guessed from the text or the links
    else:
        assert (page.metadata.date.iso(), page.metadata.date.source) == (case["date"], case["date_source"])
    lines = page.text.splitlines()
    head = [story.get("kicker"), story["title"], story.get("subtitle"), story.get("byline")]
    assert lines == [h for h in head if h] + story["paragraphs"]
    assert not any(word in page.text for word in BOILERPLATE)
    [whole] = [b for b in page.blocks if b.role is BlockRole.STORY]
    assert (whole.start, whole.end) == (0, len(page.text.rstrip("\n")))
    assert block_texts(page, BlockRole.HEADLINE) == [story["title"]]
    assert block_texts(page, BlockRole.KICKER) == ([story["kicker"]] if story.get("kicker") else [])
    assert block_texts(page, BlockRole.PARAGRAPH) == story["paragraphs"]
    assert_blocks_are_page_text(page)


@pytest.mark.parametrize("name", cases("html-epaper"))
def test_epaper_page_gives_one_story_block_per_story(name):
    expected = stories_of(name)
    page = read_page(FORMATS / name)

    stories = [b for b in page.blocks if b.role is BlockRole.STORY]
    assert len(stories) == len(expected)
    for block, story in zip(stories, expected, strict=True):
        inside = [b for b in page.blocks if block.start <= b.start and b.end <= block.end and b is not block]
        heads = [page.text[b.start : b.end] for b in inside if b.role is BlockRole.HEADLINE]
        assert heads == ([story["title"]] if story.get("title") else [])
        body = [page.text[b.start : b.end] for b in inside if b.role in (BlockRole.PARAGRAPH, BlockRole.CAPTION)]
        if story["kind"] == "caption":  # the figure caption with its credit on one line
            assert body == [" ".join(story["paragraphs"] + [story["credit"]])]
        else:
            assert body == story["paragraphs"]
        kickers = [page.text[b.start : b.end] for b in inside if b.role is BlockRole.KICKER]
        assert kickers == ([story["kicker"]] if story.get("kicker") else [])
    assert page.metadata.date.iso() == EXPECTED[name]["date"] and page.metadata.date.source == "url"
    assert not any(word in page.text for word in BOILERPLATE)
    assert_blocks_are_page_text(page)


def test_every_date_variant_is_covered_and_none_is_left_undated():
    variants = {EXPECTED[name]["variant"] for name in cases("html-article")}
    assert variants == {"og-meta", "pubdate-meta", "json-ld", "json-ld-graph", "url-canonical", "url-gov",
                        "time-element", "visible-label", "visible-cn", "none"}
    undated = [name for name in cases("html-article") if EXPECTED[name]["variant"] == "none"]
    assert undated and all(read_page(FORMATS / name).metadata.date is None for name in undated)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2022-05-25T08:30:00+08:00", dt.date(2022, 5, 25)),
        ("2022/5/25 8:30", dt.date(2022, 5, 25)),
        ("2022年5月25日", dt.date(2022, 5, 25)),
        ("2022 年 05 月 25 日", dt.date(2022, 5, 25)),
        ("20220525", dt.date(2022, 5, 25)),
        ("2022-02-30", None),
        ("明天", None),
    ],
)
def test_machine_and_printed_dates(text, day):
    assert parse_date_text(text) == day


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("http://www.example.cn/news/2022-05/25/content_8812.htm", dt.date(2022, 5, 25)),
        ("http://www.example.gov.cn/xwzx/202205/t20220525_1234.html", dt.date(2022, 5, 25)),
        ("http://paper.example.cn/n1/2022/0525/c1001-3234.html", dt.date(2022, 5, 25)),
        ("https://example.com/2022/05/25/story/", dt.date(2022, 5, 25)),
        ("http://epaper.example.cn/html/2022-05/25/node_3.htm", dt.date(2022, 5, 25)),
        ("http://www.example.cn/news/content_88000.html", None),
        ("http://www.example.cn/2022/13/45/x.html", None),
        (None, None),
    ],
)
def test_dates_in_urls(url, day):
    assert url_date(url) == day


def _page(tmp_path: Path, head: str, body: str, *, name: str = "p.html", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    charset = "gb2312" if encoding == "gb18030" else encoding
    markup = (f'<html><head><meta charset="{charset}"><title>示范区召开工作会议_示例网</title>{head}</head>'
              f'<body><ul class="nav"><li><a href="/">首页</a></li></ul><div class="main"><h1>示范区召开工作会议</h1>'
              f"{body}</div></body></html>")
    path.write_bytes(markup.encode(encoding))
    return path


LEAD = "<p>本报讯（记者 王五）3月16日，示范区召开重大项目谋划工作推进会，区直各单位负责同志参加会议，会议部署了下一阶段的重点工作。</p>" * 2


def test_published_time_wins_over_modified_time_and_related_link_dates(tmp_path):
    head = ('<meta property="article:modified_time" content="2022-04-02T10:00:00+08:00">'
            '<meta property="article:published_time" content="2022-03-17T08:00:00+08:00">')
    related = '<ul class="related"><li><a href="/a">旧闻</a><span>发布时间：2021-01-01</span></li></ul>'
    page = read_page(_page(tmp_path, head, LEAD + related))
    assert page.metadata.date.iso() == "2022-03-17" and page.metadata.date.source == "html-meta"


def test_an_update_time_is_not_a_publication_date(tmp_path):
    page = read_page(_page(tmp_path, "", '<div class="info">更新时间：2022-04-02</div>' + LEAD))
    assert page.metadata.date is None


def test_a_page_in_gb2312_is_read_by_its_declared_charset(tmp_path):
    page = read_page(_page(tmp_path, "", '<div class="info">发布时间：2022-03-17 09:00</div>' + LEAD, encoding="gb18030"))
    assert page.encoding == "gb18030"
    assert page.metadata.title == "示范区召开工作会议"
    assert "示范区召开重大项目谋划工作推进会" in page.text
    assert (page.metadata.date.iso(), page.metadata.date.source) == ("2022-03-17", "html-text")


def test_indexed_html_articles_carry_title_date_and_text_source(tmp_path):
    from index.embedding import HashingEncoder
    from index.pipeline import build_index
    from index.store import IndexStore

    names = ["html/article-000-00-og-meta.html", "html/article-003-03-none.html", "html/epaper-004.html"]
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in names:
        (folder / Path(name).name).write_bytes((FORMATS / name).read_bytes())
    report = build_index([folder], index_dir=tmp_path / "index", encoder=HashingEncoder(), progress=False)
    assert not report.errors
    articles = IndexStore.load(tmp_path / "index").articles.values()
    assert {a.text_source for a in articles} == {"html"}
    by_source = {}
    for article in articles:
        by_source.setdefault(article.source, []).append(article)
    [meta] = by_source["article-000-00-og-meta.html"]
    assert meta.title == "开发区迅速传达学习市两会精神" and meta.kicker == "干在实处 走在前列"
    # the page says 2022-05-25; the story's dateline (5月23日) takes that page's year
    assert meta.date.iso() == "2022-05-23" and "html-meta" in meta.date.source
    [undated] = by_source["article-003-03-none.html"]
    assert undated.title == "周口经济开发区荣获“河南 5 星级产业集群”称号"
    assert [a.title for a in by_source["epaper-004.html"]] == [s.get("title") for s in stories_of("html/epaper-004.html")]
    assert all("url" in a.date.source for a in by_source["epaper-004.html"])


def test_xhtml_with_an_encoding_declaration_and_a_one_paragraph_story(tmp_path):
    path = tmp_path / "short.xhtml"
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
                    "<title>示范区召开会议</title></head><body><h1>示范区召开会议</h1>" + LEAD[: LEAD.index("</p>") + 4]
                    + "</body></html>", encoding="utf-8")
    page = read_page(path)
    assert page.text.splitlines() == ["示范区召开会议", LEAD[3 : LEAD.index("</p>")]]
    assert block_texts(page, BlockRole.HEADLINE) == ["示范区召开会议"]
