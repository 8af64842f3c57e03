"""The verbatim-quote property for every format: whatever a reader is given, it reads it or says
why in one sentence; every block is a span of the page text; and every article split from the
page is exact page text (its removed layout breaks recorded), so every chunk, and every quote,
is exact text of the extracted page with offsets that map back."""

from __future__ import annotations

import html
import io
from pathlib import Path

from format_fixtures import STORIES, assert_blocks_are_page_text, cases, printed  # noqa: F401
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.errors import UnreadableFileError
from index.pipeline import _process
from index.reader import Page, TextSource, read_page
from index.records import Article

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

_PIECES = [p for story in STORIES.values() for p in story["paragraphs"][:2]][:40] + [
    s["title"] for s in STORIES.values() if s.get("title")][:10]
_TEXT = st.one_of(st.sampled_from(_PIECES), st.text(max_size=40), st.sampled_from(
    ["责任编辑：张三", "分享到：微信 微博", "继续阅读", "2022-05-25 08:30", "发布时间：2022-05-25", "© 2026 版权所有",
     "本报讯（记者 王五）", "\u3000\u3000", "&nbsp;", "<", "&", "\u200b", "——", "一、总体要求"]))
_WRAPPERS = ["<p>{}</p>", "<div>{}</div>", "{}<br>", "<h1>{}</h1>", "<h2>{}</h2>", "<h3 class=\"kicker\">{}</h3>",
             "<li><a href=\"/x\">{}</a></li>", "<figure><figcaption>{}</figcaption></figure>", "<td>{}</td>",
             "<span class=\"date\">{}</span>", "<script>var x = '{}';</script>", "<!-- {} -->"]


@st.composite
def html_pages(draw) -> bytes:
    pieces = draw(st.lists(st.tuples(st.sampled_from(_WRAPPERS), _TEXT), max_size=25))
    body = "".join(wrapper.format(html.escape(text)) for wrapper, text in pieces)
    if draw(st.booleans()):
        body = "".join(f"<article>{part}</article>" for part in body.split("</h2>"))
    head = draw(st.sampled_from(["", '<meta property="article:published_time" content="2022-05-25T08:00:00+08:00">',
                                 '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"x"}</script>',
                                 '<link rel="canonical" href="http://a.cn/2022-13/45/x.html">']))
    markup = f"<html><head><meta charset='utf-8'>{head}<title>{html.escape(draw(_TEXT))}</title></head><body>{body}</body></html>"
    raw = markup.encode("utf-8")
    return raw[: draw(st.integers(0, len(raw)))] if draw(st.booleans()) else raw


def check_page(page: Page) -> list[Article]:
    """The page's invariants, then its articles' and chunks'; the articles."""
    assert page.text.strip() and "\r" not in page.text
    assert_blocks_are_page_text(page)
    content = _process(page, entry={}, sidecar=None)  # what `newsqa index` makes of the page
    articles: list[Article] = content.articles
    for article in articles:
        assert article.text_source == page.text_source.value
        assert 0 <= article.page_start <= article.page_end <= len(page.text)
        rebuilt, cursor = [], 0
        for at, removed in article.joins:
            rebuilt += [article.text[cursor:at], removed]
            cursor = at
        rebuilt.append(article.text[cursor:])
        assert "".join(rebuilt) == page.text[article.page_start : article.page_end]
        for offset in range(0, len(article.text), 7):  # every offset maps back to the same character
            assert page.text[article.page_offset(offset)] == article.text[offset]
    by_id = {a.id: a for a in articles}
    for chunk in content.chunks:
        assert by_id[chunk.article_id].text[chunk.start : chunk.end] == chunk.text
    return articles


@SETTINGS
@given(raw=html_pages())
def test_any_html_is_read_or_refused_in_one_sentence_and_its_articles_are_page_text(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("html") / "page.html"
    path.write_bytes(raw)
    try:
        page = read_page(path)
    except UnreadableFileError as error:
        message = str(error)
        assert message.startswith("page.html: ") and message.endswith(".") and "\n" not in message
        return
    assert page.text_source is TextSource.HTML
    check_page(page)


_STYLES = ["Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Subtitle", "Caption", "List Bullet"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=st.lists(st.tuples(st.sampled_from(_STYLES), _TEXT), max_size=20),
       table=st.lists(st.lists(_TEXT, min_size=1, max_size=3), max_size=3))
def test_any_word_document_is_read_or_refused_and_its_articles_are_page_text(tmp_path_factory, paragraphs, table):
    import docx

    document = docx.Document()
    for style, text in paragraphs:
        # Word cannot hold control characters other than tab and line breaks
        document.add_paragraph("".join(ch for ch in text if ch.isprintable() or ch in "\t\n"), style=style)
    if table:
        grid = document.add_table(rows=len(table), cols=max(len(row) for row in table))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = "".join(ch for ch in text if ch.isprintable())
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path_factory.mktemp("docx") / "doc.docx"
    path.write_bytes(buffer.getvalue())
    try:
        page = read_page(path)
    except UnreadableFileError as error:
        assert str(error) == "doc.docx: the .docx document holds no text."
        return
    check_page(page)


def test_fixture_pages_of_every_format_give_articles_of_exact_page_text(printed):  # noqa: F811
    formats = Path(__file__).resolve().parent / "fixtures" / "formats"
    files = [formats / name for name in cases("html-epaper") + cases("docx") + cases("html-article")[::10]]
    files += [printed / name for name in cases("pdf")]
    seen = set()
    for path in files:
        page = read_page(path)
        seen.add(page.text_source)
        assert check_page(page), path
    page = read_page(printed / "scan/crop-004.png", ocr=True)
    assert check_page(page)
    seen.add(page.text_source)
    assert seen == {TextSource.HTML, TextSource.DOCX, TextSource.PDF, TextSource.OCR}
