"""HTML: article pages exported from a news site's CMS, and e-paper pages holding several stories.

An article page's main text is found by trafilatura (benchmarks/formats.py measured it against
readability-lxml and against the structural pass below); its title, byline and publication date
come from the page's own statements, in order of trust:

1. JSON-LD `NewsArticle` (or `Article`, `ReportageNewsArticle`, …) `datePublished` → "json-ld";
2. `<meta>`: `article:published_time`, `PubDate`, `publishdate`, `DC.date.issued`, itemprop
   `datePublished` … → "html-meta";
3. the page's URL (`<link rel=canonical>`, `og:url`, a browser's "saved from url" comment):
   `/2022-05/25/`, `/202205/t20220525_…`, `/2022/0525/` … → "url";
4. a `<time datetime>` near the headline → "html-time";
5. a visible, labelled date in the article's head: `发布时间：2022-05-25 08:30`, `时间：2022年5月25日`
   → "html-text".

A date stated nowhere stays None: dates in the text, in related-link lists or a copyright line
are never taken for the page's own (htmldate's own search guessed from those; see the benchmark).

A page holding several `<article>` elements (or schema.org Article items), each with a heading
and text, is an e-paper page: each becomes one STORY block, read by the structural pass (headings
before the headline are kickers, after it subtitles, among the paragraphs sub-headings).
Boilerplate lines — 责任编辑, share buttons, 继续阅读, 上一篇/下一篇 — are never article text.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from functools import cache
from pathlib import Path

from index.errors import UnreadableFileError
from index.formats.layout import PageBuilder, clean_line
from index.reader import BlockRole, Page, PageMetadata, TextSource


# --- boilerplate --------------------------------------------------------------------------------

# Whole lines that CMS templates put around (and sometimes inside) the article body.
_BOILERPLATE = re.compile(
    r"^(?:[【（(\[]?(?:责任编辑|责编|编辑|校对|审核|审校|终审|来源|作者|原标题|稿源|初审|复审|监制|编审)\s*[:：】]"
    r"|广告(?:\s|$)|分享到|分享至|继续阅读|阅读全文|展开全文|点击查看|点击进入|查看原文|上一篇|下一篇|上一版|下一版|返回顶部|返回目录"
    r"|打印本页|关闭窗口|【纠错】|【打印】|【关闭】|扫一扫|扫描二维码|相关新闻|相关阅读|延伸阅读|推荐阅读|热门排行|版权所有"
    r"|Copyright|©)",
    re.IGNORECASE,
)
_SKIP_TAGS = {"script", "style", "noscript", "template", "nav", "footer", "form", "button", "select", "iframe", "svg"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BYLINE_CLASS = re.compile(r"byline|author|writer|reporter|zuozhe", re.I)
_KICKER_CLASS = re.compile(r"kicker|pretitle|yinti|overline|eyebrow", re.I)
_SUBTITLE_CLASS = re.compile(r"subtitle|subhead|sub-title|futi|deck", re.I)


# Short lines holding these anywhere are a site's footer.
_FOOTER = re.compile(r"版权所有|Copyright|©|ICP备|ICP证|All rights reserved", re.IGNORECASE)


def is_boilerplate(line: str) -> bool:
    line = line.strip()
    return _BOILERPLATE.match(line) is not None or (len(line) <= 100 and _FOOTER.search(line) is not None)


# --- dates --------------------------------------------------------------------------------------

_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
                  "blogposting", "report", "webpage", "socialmediaposting", "liveblogposting"}
_META_DATE_NAMES = (
    "article:published_time", "og:article:published_time", "og:published_time", "article:published",
    "datepublished", "pubdate", "publishdate", "publish_date", "publish-date", "publication_date", "published",
    "dc.date.issued", "dc.date", "dcterms.issued", "dcterms.created", "date", "sailthru.date",
    "parsely-pub-date", "cxenseparse:recs:publishtime", "firstpublishedtime", "releasedate",
)  # fmt: skip
_ISO = re.compile(r"(?P<y>(?:19|20)\d\d)[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?")
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")
_URL_DATES = (
    re.compile(r"/(?P<y>(?:19|20)\d\d)[-/_](?P<m>[01]?\d)[-/_](?P<d>[0-3]?\d)(?=[/_.-])"),  # /2022/05/25/, /2022-05/25/
    re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)[/_-]?(?P<d>[0-3]\d)(?=[/_.-])"),  # /20220525/, /202205/25/
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]\d)(?P<d>[0-3]\d)(?=[/_.-])"),  # /2022/0525/
    re.compile(r"[/_]t(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)_"),  # /t20220525_123.html
    re.compile(r"content_(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)"),
)
_DATE_LABEL = re.compile(
    r"(?:发布时间|发表时间|发布日期|发表日期|更新时间|时间|日期|出版日期|Published|Posted|Date)\s*[:：]\s*"
    r"(?P<date>(?:19|20)\d\d\s*(?:[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|年\s*\d{1,2}\s*月\s*\d{1,2}\s*日))",
    re.I,
)
_UPDATED = re.compile(r"更新时间|Updated|modified", re.I)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date_text(value: str) -> dt.date | None:
    """The calendar day a machine-readable or printed date names: "2022-05-25T08:30:00+08:00",
    "2022/5/25", "2022年5月25日", "20220525". The day as written (publishers write local time)."""
    value = value.strip()
    match = _ISO.search(value.replace(" ", ""))
    if match is None:
        match = _COMPACT.search(value)
    if match is None:
        return None
    return _date(int(match["y"]), int(match["m"]), int(match["d"]))


def url_date(url: str | None) -> dt.date | None:
    if not url:
        return None
    for pattern in _URL_DATES:
        match = pattern.search(url)
        if match:
            found = _date(int(match["y"]), int(match["m"]), int(match["d"]))
            if found is not None:
                return found
    return None


# --- reading ------------------------------------------------------------------------------------


def read_html(path: Path, raw: bytes, *, sha256: str) -> Page:
    """The page of an HTML file; UnreadableFileError when it holds no article text."""
    import lxml.html

    text, encoding = decode_html(raw, name=path.name)
    text = _NOT_XML.sub("", text)  # control characters are not HTML text, and lxml refuses them
    try:
        # lxml refuses text that still declares its byte encoding (XHTML's <?xml … encoding=…?>)
        tree = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))
    except Exception as error:  # noqa: BLE001 — lxml raises several kinds on garbage
        raise UnreadableFileError(f"{path.name}: the file is not readable HTML ({type(error).__name__}).") from None
    json_ld = _json_ld_articles(tree)
    url = _page_url(tree, text)
    stories = story_elements(tree)
    builder = PageBuilder()
    if len(stories) >= 2:
        for element in stories:
            builder.start_story()
            add_structured_story(builder, element)
        builder.end_story()
        title = None
    else:
        title = page_title(tree, json_ld, story=stories[0] if stories else None)
        add_article(builder, tree, title=title)
    if not _has_article_text(builder):
        raise UnreadableFileError(
            f"{path.name}: no article text was found in the HTML page (only navigation, links or boilerplate)."
        )
    metadata = PageMetadata(
        title=title,
        byline=page_byline(tree, json_ld),
        date=page_date(tree, json_ld, url=url),
        url=url,
        publication=_publication(tree, json_ld),
    )
    return Page(source=path.name, path=path, text=builder.text(), encoding=encoding, sha256=sha256,
                text_source=TextSource.HTML, metadata=metadata, blocks=builder.blocks())


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_MIN_CJK = 10  # a story has a paragraph with this many Chinese characters …
_MIN_SENTENCE = 40  # … or this many characters ending a sentence; menus and link lists have neither
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


def _has_article_text(builder: PageBuilder) -> bool:
    """Whether some paragraph reads as prose rather than a menu item or a link."""
    text = builder.text()
    for block in builder.blocks():
        if block.role in (BlockRole.PARAGRAPH, BlockRole.CAPTION):
            line = text[block.start : block.end]
            if len(_CJK_CHAR.findall(line)) >= _MIN_CJK or (len(line) >= _MIN_SENTENCE and line[-1] in ".!?。！？"):
                return True
    return False


def decode_html(raw: bytes, *, name: str) -> tuple[str, str]:
    """The page as text: the charset it declares (GB2312/GBK read as GB18030, their superset),
    else what the text reader detects."""
    from index.reader import decode_text

    head = raw[:4096].decode("ascii", errors="ignore")
    declared = re.search(r"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", head, re.I)
    if declared:
        encoding = declared.group(1).lower()
        encoding = "gb18030" if encoding in ("gb2312", "gbk", "gb18030", "cp936", "x-gbk") else encoding
        try:
            return raw.decode(encoding).removeprefix("\ufeff"), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; detect instead
    return decode_text(raw, name=name)


# --- the article of a single-story page ----------------------------------------------------------


def add_article(builder: PageBuilder, tree, *, title: str | None) -> None:
    """Head lines from the page's markup, body from trafilatura's main-text extraction."""
    body = trafilatura_body(wrap_text_runs(copy.deepcopy(tree)))
    if not body:
        # trafilatura finds nothing in very short pages: read the densest container's structure
        container = densest_container(tree)
        if container is not None:
            builder.start_story()
            add_structured_story(builder, container, title=title)
            builder.end_story()
        return
    builder.start_story()
    heading = _headline_element(tree, title)
    head = []
    if heading is not None:
        kicker, subtitle = _around_headline(heading)
        head = [(kicker, BlockRole.KICKER), (title, BlockRole.HEADLINE), (subtitle, BlockRole.SUBTITLE)]
        head += [(byline, BlockRole.BYLINE) for byline in _byline_lines(heading)]
    elif title:
        head = [(title, BlockRole.HEADLINE)]
    for line, role in head:
        if line:
            builder.line(line, role)
    written = {clean_line(line) for line, _ in head if line}
    started = False
    for role, line in body:
        if not started and clean_line(line) in written:
            continue  # the head lines again, where the extractor took them for the body's start
        started = True
        builder.line(line, role)
    builder.end_story()


_CONTAINERS = {"div", "td", "section", "article", "main", "body", "center", "font"}
_BREAKS = {"br", "p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "img", "hr", "blockquote"}


def wrap_text_runs(tree):
    """Bare text runs in a container, after a paragraph or between <br>s (`<div><p>…</p>　　第一段
    <br><br>　　第二段</div>`), each put in a <p> of its own: main-text extractors read
    paragraphs, and drop such runs or run them together."""
    import lxml.html

    for element in list(tree.iter(*_CONTAINERS)):
        children = [c for c in element if isinstance(c.tag, str)]
        if not any(c.tag in _BREAKS for c in children):
            continue
        if element.text and len(element.text.strip()) >= 2:
            paragraph = lxml.html.Element("p")
            paragraph.text, element.text = element.text, None
            element.insert(0, paragraph)
            _take_inline(paragraph)
        for child in children:
            if child.tag in _BREAKS and child.tail and len(child.tail.strip()) >= 2:
                paragraph = lxml.html.Element("p")
                paragraph.text, child.tail = child.tail, None
                child.addnext(paragraph)
                _take_inline(paragraph)
    return tree


def _take_inline(paragraph) -> None:
    """Move the inline elements after a new paragraph into it, up to the next break."""
    following = paragraph.getnext()
    while following is not None and (not isinstance(following.tag, str) or following.tag not in _BREAKS):
        paragraph.append(following)  # moves it, with its tail
        following = paragraph.getnext()


def trafilatura_body(text) -> list[tuple[BlockRole, str]]:
    """(role, text) of each paragraph, heading and list item of the page's main text."""
    import trafilatura
    from lxml import etree

    xml = trafilatura.extract(text, output_format="xml", include_comments=False, include_tables=True,
                              include_images=False, include_links=False, with_metadata=False, deduplicate=False,
                              config=_trafilatura_config())
    if not xml:
        return []
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    lines: list[tuple[BlockRole, str]] = []
    for element in main.iter("p", "head", "item", "quote", "row") if main is not None else ():
        if element.tag in ("quote", "row", "item") and element.find(".//p") is not None:
            continue  # its paragraphs come on their own
        if element.tag == "p" and _inside(element, ("item",)):
            continue
        if element.tag == "row":
            pieces = [" ".join(_text_lines(cell)) for cell in element]
            texts = [" ".join(clean_line(p) for p in pieces if clean_line(p))]
        else:
            texts = _text_lines(element)
        role = BlockRole.SUBHEADING if element.tag == "head" else BlockRole.PARAGRAPH
        for text in texts:
            line = clean_line(text)
            if line and not is_boilerplate(line):
                lines.append((role, line))
    return lines


@cache
def _trafilatura_config():
    """trafilatura's settings, with shorter minimum sizes: below 250 characters it falls back to
    taking the whole page as one paragraph, and a Chinese news item is often shorter than that."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "40")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "10")
    return config


def _inside(element, tags) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _text_lines(element) -> list[str]:
    """An element's text split at its line breaks (<lb/>): a body written as one run of text with
    <br> between paragraphs gives one line per paragraph."""
    parts: list[list[str]] = [[]]

    def walk(node) -> None:
        if node.text:
            parts[-1].append(node.text)
        for child in node:
            if child.tag == "lb":
                parts.append([])
            else:
                walk(child)
            if child.tail:
                parts[-1].append(child.tail)

    walk(element)
    return ["".join(part) for part in parts]


def _headline_element(tree, title: str | None):
    if not title:
        return None
    wanted = clean_line(title)
    for element in tree.iter(*_HEADINGS):
        if clean_line(element.text_content()) == wanted:
            return element
    return None


def _around_headline(heading) -> tuple[str | None, str | None]:
    """A kicker is a short heading (or kicker-classed line) right before the headline; a subtitle
    one right after it."""

    def text_of(element) -> str | None:
        if element is None or not isinstance(element.tag, str):
            return None
        if element.tag in _HEADINGS or _KICKER_CLASS.search(element.get("class", "")) or _SUBTITLE_CLASS.search(
            element.get("class", "")
        ):
            line = clean_line(element.text_content())
            return line if 0 < len(line) <= 80 and not is_boilerplate(line) else None
        return None

    return text_of(heading.getprevious()), text_of(heading.getnext())


def _byline_lines(heading) -> list[str]:
    """Byline-classed lines between the headline and the body (outside trafilatura's main text)."""
    found = []
    sibling = heading.getnext()
    for _ in range(4):
        if sibling is None or not isinstance(sibling.tag, str):
            break
        if _BYLINE_CLASS.search(sibling.get("class", "")) and sibling.tag in ("p", "div", "span"):
            line = clean_line(sibling.text_content())
            if line and not is_boilerplate(line) and len(line) <= 80:
                found.append(line)
        sibling = sibling.getnext()
    return found


def densest_container(tree):
    """The element holding the most paragraph text directly (the article body of a plain page)."""
    best, best_chars = None, 0
    for element in tree.iter("div", "article", "section", "main", "td", "body"):
        chars = sum(len(p.text_content().strip()) for p in element.findall("p"))
        if chars > best_chars:
            best, best_chars = element, chars
    return best


# --- stories of an e-paper page, read by their structure -----------------------------------------


def story_elements(tree) -> list:
    """The page's stories: <article> elements or schema.org Article items with a heading and
    text, outermost only."""
    candidates = tree.xpath(
        "//article | //*[@itemtype and (contains(@itemtype, 'Article') or contains(@itemtype, 'article'))]"
    )
    stories = []
    for element in candidates:
        if any(other is not element and _contains(other, element) for other in candidates):
            continue
        if _in_skipped(element):
            continue
        has_text = any(len(clean_line(p.text_content())) >= 20 for p in element.iter("p", "figcaption"))
        if has_text:
            stories.append(element)
    return stories


def _contains(outer, inner) -> bool:
    parent = inner.getparent()
    while parent is not None:
        if parent is outer:
            return True
        parent = parent.getparent()
    return False


def _in_skipped(element) -> bool:
    while element is not None:
        if isinstance(element.tag, str) and element.tag in _SKIP_TAGS | {"aside"}:
            return True
        element = element.getparent()
    return False


def add_structured_story(builder: PageBuilder, element, *, title: str | None = None) -> None:
    """One story from its markup: headings before the first paragraph give kicker, headline and
    subtitle (the highest-ranked heading is the headline); headings among paragraphs are
    sub-headings; figure captions are captions; byline-classed lines are bylines."""
    items = list(_story_items(element))
    head = []
    for item in items:
        if item[0] != "heading":
            break
        head.append(item)
    headline_at = None
    if head:
        levels = [int(el.tag[1]) if el.tag in _HEADINGS else 9 for _, _, el in head]
        classed = [i for i, (_, _, el) in enumerate(head) if not (_KICKER_CLASS.search(el.get("class", ""))
                                                                   or _SUBTITLE_CLASS.search(el.get("class", "")))]
        pool = classed or list(range(len(head)))
        headline_at = min(pool, key=lambda i: (levels[i], i))
    elif title:
        builder.line(title, BlockRole.HEADLINE)
    for i, (kind, line, el) in enumerate(items):
        if i < len(head):
            role = BlockRole.KICKER if i < headline_at else BlockRole.HEADLINE if i == headline_at else BlockRole.SUBTITLE
        elif kind == "heading":
            role = BlockRole.SUBHEADING
        elif kind == "caption":
            role = BlockRole.CAPTION
        elif _BYLINE_CLASS.search(el.get("class", "")):
            role = BlockRole.BYLINE
        else:
            role = BlockRole.PARAGRAPH
        builder.line(line, role)


def _story_items(element):
    """(kind, text, element) for each heading, paragraph and caption of a story, in order."""
    for child in element.iter():
        if not isinstance(child.tag, str) or child is element:
            continue
        if _in_skipped_within(child, element):
            continue
        tag = child.tag
        if tag in _HEADINGS:
            kind = "heading"
        elif tag == "figcaption":
            kind = "caption"
        elif tag in ("p", "li", "blockquote") and not _has_ancestor(child, element, ("figcaption", "p", "li")):
            kind = "text"
        else:
            continue
        line = clean_line(child.text_content())
        if line and not is_boilerplate(line):
            yield kind, line, child


def _in_skipped_within(child, root) -> bool:
    node = child
    while node is not None and node is not root:
        if isinstance(node.tag, str) and node.tag in _SKIP_TAGS | {"aside"}:
            return True
        node = node.getparent()
    return False


def _has_ancestor(child, root, tags) -> bool:
    node = child.getparent()
    while node is not None and node is not root:
        if node.tag in tags:
            return True
        node = node.getparent()
    return False


# --- metadata -----------------------------------------------------------------------------------


def _json_ld_articles(tree) -> list[dict]:
    """The JSON-LD objects that describe the page's article (in @graph or arrays too)."""
    found = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                    found.append(item)
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
    # an article type before a generic WebPage
    return sorted(found, key=lambda d: "webpage" in str(d.get("@type")).lower())


def _metas(tree) -> dict[str, str]:
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        value = (meta.get("content") or "").strip()
        if key and value:
            metas.setdefault(key, value)
    return metas


def page_date(tree, json_ld: list[dict], *, url: str | None):
    """The publication date the page states, with where it said so; None when it states none."""
    from index.records import ArticleDate, Precision

    def dated(day: dt.date | None, source: str):
        return ArticleDate(day, Precision.DAY, source) if day is not None else None

    for item in json_ld:
        value = item.get("datePublished") or item.get("dateCreated")
        if isinstance(value, str) and (found := dated(parse_date_text(value), "json-ld")):
            return found
    metas = _metas(tree)
    for name in _META_DATE_NAMES:
        if name in metas and (found := dated(parse_date_text(metas[name]), "html-meta")):
            return found
    if found := dated(url_date(url), "url"):
        return found
    for time in tree.xpath("//time[@datetime]"):
        if _in_skipped(time) or _has_tag_ancestor(time, ("li", "a")):
            continue
        if found := dated(parse_date_text(time.get("datetime")), "html-time"):
            return found
    return dated(_visible_date(tree), "html-text")


def _has_tag_ancestor(element, tags) -> bool:
    node = element.getparent()
    while node is not None:
        if node.tag in tags:
            return True
        node = node.getparent()
    return False


def _visible_date(tree) -> dt.date | None:
    """A labelled publication date in a short line of the page (发布时间：…), not in a list of
    links, not an update time."""
    labelled = tree.xpath(
        "//text()[contains(., '时间') or contains(., '日期') or contains(., 'ublished') or contains(., 'osted')"
        " or contains(., 'ate')]"
    )
    for node in labelled:
        element = node.getparent()
        if element is None or _in_skipped(element) or element.tag in ("li", "a", "title", "option"):
            continue
        if _has_tag_ancestor(element, ("li", "a")):
            continue
        # the label and its date may be split over inline elements: read the enclosing short line
        while element.getparent() is not None and element.tag in ("em", "i", "b", "strong", "label", "font"):
            element = element.getparent()
        own = clean_line(element.text_content())
        if not own or len(own) > 120:
            continue
        match = _DATE_LABEL.search(own)
        if match and not _UPDATED.search(own[: match.start("date")][-8:]):
            return parse_date_text(match["date"])
    return None


def _page_url(tree, text: str) -> str | None:
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        values = tree.xpath(xpath)
        if values and values[0].strip():
            return values[0].strip()
    saved = re.search(r"<!--\s*saved from url=\(\d+\)(\S+)\s*-->", text[:2000])
    return saved.group(1) if saved else None


def page_title(tree, json_ld: list[dict], *, story=None) -> str | None:
    """The headline: JSON-LD `headline`, og:title, the page's one <h1>, the top heading of the
    page's one story element, or <title> without the site name."""
    for item in json_ld:
        if isinstance(item.get("headline"), str) and clean_line(item["headline"]):
            return clean_line(item["headline"])
    metas = _metas(tree)
    if metas.get("og:title"):
        return clean_line(metas["og:title"])
    h1 = [clean_line(h.text_content()) for h in tree.iter("h1") if not _in_skipped(h)]
    h1 = [h for h in h1 if h]
    if len(h1) == 1:
        return h1[0]
    if story is not None:
        headings = [h for h in story.iter(*_HEADINGS) if clean_line(h.text_content())
                    and not _KICKER_CLASS.search(h.get("class", "")) and not _SUBTITLE_CLASS.search(h.get("class", ""))]
        if headings:
            return clean_line(min(headings, key=lambda h: h.tag).text_content())
    title = tree.findtext(".//title")
    if title and clean_line(title):
        return re.split(r"\s*[_|｜]\s*|\s+-\s+", clean_line(title))[0] or None
    return None


def page_byline(tree, json_ld: list[dict]) -> str | None:
    for item in json_ld:
        author = item.get("author")
        authors = author if isinstance(author, list) else [author]
        names = [a.get("name") if isinstance(a, dict) else a for a in authors]
        names = [clean_line(n) for n in names if isinstance(n, str) and clean_line(n)]
        if names:
            return "、".join(names)
    metas = _metas(tree)
    for key in ("author", "article:author", "dc.creator", "byl"):
        if metas.get(key) and not metas[key].startswith("http"):
            return clean_line(metas[key])
    return None


def _publication(tree, json_ld: list[dict]) -> str | None:
    for item in json_ld:
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return clean_line(publisher["name"])
    metas = _metas(tree)
    return clean_line(metas["og:site_name"]) if metas.get("og:site_name") else None
