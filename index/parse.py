"""Splitting a page into articles.

A printed page is a column of lines: headlines (short, no end punctuation, sometimes with a
kicker line above and a "——" subtitle below), bylines ("本报讯(记者 王晨)"), body paragraphs,
columns (a label such as 今日评论, a title, the author's name), photo captions ending in a
"记者 … 摄" credit, and page furniture (paper name, page number, editors). Each line is classified
by its shape alone, then articles are anchored where a headline is followed by a byline, by a
column author, or is a Markdown heading, and where a credit line closes a caption. On pages with
none of those anchors, every headline followed by prose opens an article.

`Article.text` is verbatim page text from the first line after the headline (usually the byline)
to the article's last line, except for line breaks the print layout put in the middle of a
sentence: those are removed and recorded in `Article.joins`, so every offset maps back to the
page. Markdown emphasis such as `**本报讯**` is source text and stays; Markdown heading marks are
never part of `text` because headlines go to `title`/`kicker`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from index.dates import find_dates, is_page_furniture_date, labelled_date, resolve_article_date, resolve_page_date
from index.metadata import Record, front_matter, records
from index.reader import Page, load_sidecar, read_page
from index.records import Article, ArticleDate

# Line kinds.
HEADING = "heading"  # short, no end punctuation: headline, kicker, section head, photo label
SUBTITLE = "subtitle"  # "——…" under a headline
BYLINE = "byline"  # opens with 本报讯(…) / 新华社…电(…); the lead usually follows on the line
REPORTER = "reporter"  # a byline on its own line: "记者 王晨", "记者 姬慧洋 文/图"
CREDIT = "credit"  # photo credit closing a caption: "记者 王晨 摄"
CAPTIONED = "captioned"  # a whole caption on one line, closed by its credit: "工人在施工。 记者 王晨 摄"
FURNITURE = "furniture"  # paper name, page number, printed page date, editor credits
BODY = "body"

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
# Pages printed in traditional characters (本報訊（記者 陳明）, 記者 陳明 攝): the line patterns
# below are matched on a copy with these characters simplified, one for one, so every offset into
# the copy is an offset into the page.
_T2S = str.maketrans(
    "報訊記員攝編輯責約見實習評論華電設計審終圖組統籌劃對時隨雜談後語熱銳壇術稿際",
    "报讯记员摄编辑责约见实习评论华电设计审终图组统筹划对时随杂谈后语热锐坛术稿际",
)


class _Simplified:
    """A compiled pattern that reads traditional characters as simplified ones (see _T2S);
    `pattern` is the plain one, for text already simplified."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern

    def match(self, text: str) -> re.Match | None:
        return self.pattern.match(text.translate(_T2S))

    def search(self, text: str) -> re.Match | None:
        return self.pattern.search(text.translate(_T2S))


_SP = r"[ \t\u3000]*"
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*$")
# Only paired marks are emphasis (as in CommonMark, `__` not inside a word): a lone `__` or `**`
# in a headline is text, e.g. code or markup printed on the page, and must be shown as printed.
_EMPHASIS = re.compile(r"\*\*(?=\S)(?P<a>.+?)(?<=\S)\*\*|(?<!\w)__(?=\S)(?P<b>.+?)(?<=\S)__(?!\w)")
_BYLINE = _Simplified(re.compile(
    # 本报讯, 本报周口讯; wire services: 新华社电, 新华社北京10月17日电 (a date or nothing before 电)
    rf"^(?:\*\*|__)?(?:(?:本报[^\s(（)）*，,。]{{0,12}}讯|[^\s(（)）*，,。]{{1,8}}社(?:[^\s(（)）*，,。]{{0,10}}?\d{{1,2}}月\d{{1,2}}日)?电)"
    r"(?:\*\*|__)?"
    rf"(?:{_SP}[(（][^()（）\n]{{1,60}}[)）])?"
    # or the bracketed credit alone, as some papers open a story: "（记者 王五）10月16日，…"
    r"|[(（](?:本报)?(?:特约|见习|首席|实习)?(?:记者|通讯员)[^()（）\n，,。]{1,60}[)）](?=\S))"
))
_REPORTER = _Simplified(re.compile(
    rf"^(?:本报)?(?:特约|见习|首席|实习)?(?:记者|通讯员)(?:[ \t\u3000:：]+\S.{{0,36}}|[{_CJK}·]{{2,4}}(?:[ \t\u3000].{{0,30}})?)$"
))
_CREDIT = _Simplified(re.compile(
    r"^[(（]?(?:(?:本报)?(?:特约|见习|首席|实习|摄影)?记者|通讯员)[^，,。；;!?！？]{1,36}摄[)）]?$"
    rf"|^(?:[{_CJK}·]{{2,4}}[ \t\u3000]+)+摄$"
    rf"|^摄影[\s:：]+[{_CJK}·]{{2,4}}(?:[ \t\u3000]+[{_CJK}·]{{2,4}})*$"
))
# A caption and its credit on one line: a finished sentence, then "记者 X 摄" or "(记者 X 摄)".
_INLINE_CREDIT = _Simplified(re.compile(
    r"[。！？!?”][ \t\u3000]*(?P<credit>[(（]?(?:(?:本报)?(?:特约|见习|首席|实习|摄影)?记者|通讯员)"
    r"[^，,。；;!?！？(（)）]{1,36}摄[)）]?)$"
))
# A column's label above its title: 今日评论, 今日论坛, 短评, 社论, 编者按 …
_COLUMN_LABEL = _Simplified(re.compile(
    rf"^[{_CJK}]{{0,4}}(?:评论|短评|时评|快评|锐评|热评|论坛|社论|随笔|杂谈|漫谈|札记|编者按|编后语?|编后记)$"
))
_FURNITURE = _Simplified(re.compile(
    r"^(?:责任编辑|责编|本版编辑|编辑|版面设计|版式设计|美术编辑|美编|校对|策划|统筹|组版|审核|终审|值班编辑|制图)\s*[:：]"
    r"|^[^，,。]{0,15}[|｜]\s*[A-Z]?\d{1,3}$"  # "特刊 | 7"
    r"|^第?\s*[A-Z]?\d{1,3}\s*版(?:\s|$)"  # "第7版", "A3版"
    r"|^[A-Z]?\d{1,3}$"  # a bare page number
    rf"|^[{_CJK}]{{2,6}}(?:日报|晚报|时报|晨报|商报|都市报)(?:[ \t\u3000][^，,。]{{0,12}})?$"  # the paper's name
))
_SUBTITLE = re.compile(r"^(?:——|--|──|—)[^。]{1,60}$")
# A column's author line: a personal name, "文/李清华", "本报评论员".
_AUTHOR = _Simplified(re.compile(rf"^(?:文[ \t]*[/／][ \t]*)?[{_CJK}·]{{2,4}}$|^(?:本报)?(?:特约)?评论员(?:[ \t]+[{_CJK}]{{2,4}})?$"))
_HEADLINE_MAX = 45
_PAIRS = ("“”", "‘’", "《》", "（）", "()", "「」", "【】")
# Clause punctuation does not occur in headlines, which use spaces between phrases instead.
_NOT_IN_HEADLINE = re.compile(r"[。，,；;：:]")
_UNFINISHED_END = "，,、：:；;（(《“‘"
_SENTENCE_END = "。！？!?；;…"
_CLOSERS = "”’」』\"'"
_BRACKET_CLOSERS = ")）】》"
_EDITOR_CODE = re.compile(r"[\u2460-\u2473]\d{0,2}$")  # "②7": the desk code after an article
# A dateline is a date in the opening words of the lead; past these it reports something else.
_DATELINE_WINDOW = 80
# Words that make a date a reference rather than the news date: "截至11月1日", "自10月10日…以来".
_REFERENCE_BEFORE = ("截至", "截止", "自", "从", "至", "到", "去年", "前年")
_TITLE_MAX = 30
_MAX_SKIPPED = 4  # photo labels and furniture lines a broken sentence may jump over
_SKIPPABLE = (HEADING, FURNITURE)


@dataclass(frozen=True)
class _Line:
    start: int  # content bounds in the page text (without surrounding whitespace)
    end: int
    text: str
    gap: int  # blank lines before this one; 0 for the first line and within a block
    kind: str
    md: bool = False  # a Markdown heading
    label: str = ""  # the text without Markdown marks
    indent: bool = False  # the raw line starts with white space ("　　" opens a paragraph)
    para: bool = True  # starts a paragraph (False: a hard-wrapped continuation line)


@dataclass
class _Plan:
    first: int  # first line of the article's head (kicker or title) or text
    text_first: int
    kind: str = "news"
    title: str | None = None
    kicker: str | None = None
    byline: str | None = None
    run: tuple[int, int] | None = None  # the head lines (inclusive)
    last: int | None = None  # fixed last line (captions); else up to the next article


def parse_file(path: Path, *, sidecar: dict | None = None) -> list[Article]:
    """Read, date and split one file. `sidecar` is the file's manifest entry; when None, the
    `newsqa-manifest.json` next to the file is consulted."""
    page = read_page(path)
    if sidecar is None:
        sidecar = load_sidecar(Path(path).parent).get(page.source)
    return split_page(page, page_date=resolve_page_date(page, sidecar=sidecar))


def split_page(page: Page, *, page_date: ArticleDate) -> list[Article]:
    """The articles of `page`, in page order; ids `<file stem>#001`, `#002`, …

    An export's labelled records (标题：… 日期：… then the text) and Markdown front matter are
    read as such (index/metadata.py); anything else is split as a printed page.
    """
    meta, start = front_matter(page.text)
    if meta.get("date") and page_date.source != "sidecar":  # the archive owner's sidecar still wins
        page_date = labelled_date(meta["date"], source="front-matter") or page_date
    found = [Record(meta, start=start, body_start=start, end=len(page.text))] if meta.get("title") else records(page.text, start=start)
    lines = _scan(page.text)
    stem = Path(page.source).stem
    articles: list[Article] = []

    def add(article: Article | None) -> None:
        if article is not None:
            articles.append(replace(article, id=f"{stem}#{len(articles) + 1:03d}"))

    # a printed page, or what precedes an export's first record
    first_record = found[0].start if found else len(page.text)
    printed = [line for line in lines if start <= line.start < first_record]
    for plan in _plan_articles(printed) if printed else []:
        add(_build(page, printed, plan, page_date=page_date, article_id=""))
    for record in found:
        add(_record_article(page, lines, record, page_date=page_date))
    return articles


def _record_article(page: Page, lines: list[_Line], record: Record, *, page_date: ArticleDate) -> Article | None:
    """A labelled record as an article: its fields give title, kicker, byline and date; its text
    is the page's lines between the labels and the next record, breaks repaired as on a page."""
    body = []
    for line in lines:
        if line.end <= record.body_start or line.start >= record.end:
            continue
        if line.start < record.body_start:  # "正文：" with the text's first words after it
            text = page.text[record.body_start : line.end].strip()
            kind, md, label = _classify(text)
            line = replace(line, start=line.end - len(text), text=text, kind=kind, md=md, label=label)
        body.append(line)
    if not body:
        return None
    fields = record.fields
    date = labelled_date(fields["date"], source="metadata") if fields.get("date") else None
    title = fields["title"] + (f"——{fields['subtitle'].lstrip('—')}" if fields.get("subtitle") else "")
    plan = _Plan(first=0, text_first=0, title=title, kicker=fields.get("kicker") or None,
                 byline=fields.get("byline") or None, last=len(body) - 1)
    return _build(page, body, plan, page_date=date or page_date, article_id="")


# --- lines -------------------------------------------------------------------------------------


def _scan(text: str) -> list[_Line]:
    """The page's non-blank lines, classified."""
    lines: list[_Line] = []
    offset = 0
    blanks = 0
    for raw in text.split("\n"):
        content = raw.strip()
        if content:
            start = offset + len(raw) - len(raw.lstrip())
            kind, md, label = _classify(content)
            gap = blanks if lines else 0
            lines.append(_Line(start, start + len(content), content, gap, kind, md, label, indent=start > offset))
            blanks = 0
        else:
            blanks += 1
        offset += len(raw) + 1
    return _refine_fragments(_mark_paragraphs(lines))


def _mark_paragraphs(lines: list[_Line]) -> list[_Line]:
    """Paragraphs start after a blank line or with an indent. A page that uses neither puts one
    paragraph on each line; on other pages a line without them continues a hard-wrapped one."""
    if not any(line.gap or line.indent for line in lines[1:]):
        return lines
    return [replace(line, para=i == 0 or line.gap > 0 or line.indent) for i, line in enumerate(lines)]


def _classify(text: str) -> tuple[str, bool, str]:
    # the hot path of parsing: simplify each form of the line once and use the plain patterns
    simple = text.translate(_T2S)
    if _FURNITURE.pattern.search(simple) or is_page_furniture_date(text):
        return FURNITURE, False, text
    heading = _MD_HEADING.match(text)
    if heading:
        return HEADING, True, _unemphasized(heading.group(1)).strip()
    plain = _unemphasized(text).strip()
    simple_plain = plain.translate(_T2S)
    byline = _BYLINE.pattern.match(simple) is not None
    if _CREDIT.pattern.match(simple_plain):
        return CREDIT, False, plain
    if not byline and _INLINE_CREDIT.pattern.search(simple_plain):
        return CAPTIONED, False, plain
    if byline:
        return BYLINE, False, plain
    if _REPORTER.pattern.match(simple_plain) and not _NOT_IN_HEADLINE.search(plain):
        return REPORTER, False, plain
    if _SUBTITLE.match(plain):
        return SUBTITLE, False, plain
    if _headline_shaped(plain):
        return HEADING, False, plain
    return BODY, False, plain


def _unemphasized(text: str) -> str:
    return _EMPHASIS.sub(lambda m: m.group("a") or m.group("b"), text)


def _headline_shaped(text: str) -> bool:
    return (
        0 < len(text) <= _HEADLINE_MAX
        and not _NOT_IN_HEADLINE.search(text)
        and text[-1] not in _UNFINISHED_END
        and re.search(rf"[{_CJK}A-Za-z]", text) is not None
        and _balanced(text)
    )


def _balanced(text: str) -> bool:
    """Headlines close what they open; a line ending inside a quote ("进行“整容") is cut prose."""
    return all(text.count(o) == text.count(c) for o, c in _PAIRS)


def _refine_fragments(lines: list[_Line]) -> list[_Line]:
    """A short line that ends inside a word the next line completes is a broken paragraph, not a
    headline: "督导组要求企业主要负责人必须严" / "格履行第一责任人的责任,…"."""
    refined = list(lines)
    for i in range(len(refined) - 1):
        line, nxt = refined[i], refined[i + 1]
        if line.kind == HEADING and not line.md and nxt.kind == BODY and _splits_word(line.text, nxt.text):
            refined[i] = replace(line, kind=BODY)
    return refined


def _splits_word(left: str, right: str) -> bool:
    a, b = left[-3:], right[:3]
    if not (re.fullmatch(rf"[{_CJK}]+", a) and re.match(rf"[{_CJK}]", b)):
        return False
    position = 0
    for word in _segmenter().cut(a + b, HMM=False):
        if position < len(a) < position + len(word):
            return True
        position += len(word)
        if position >= len(a):
            return False
    return False


@cache
def _segmenter():
    # A private jieba instance: the search tokenizer's user dictionary must not change parsing.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()


# --- planning: which lines make which article --------------------------------------------------


def _plan_articles(lines: list[_Line]) -> list[_Plan]:
    anchored = any(line.kind in (BYLINE, REPORTER) or line.md for line in lines)
    plans = [p for run in _head_runs(lines) if (p := _head_start(lines, run, anchored=anchored))]
    plans = _add_captions(lines, plans)
    plans.sort(key=lambda p: p.first)
    ends = _ends(lines, plans)
    plans = [replace(p, last=end) for p, end in zip(plans, ends, strict=True) if end >= p.text_first]
    return sorted(plans + _orphans(lines, plans), key=lambda p: p.first)


def _head_runs(lines: list[_Line]) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, line in enumerate(lines + [None]):
        if line is not None and line.kind in (HEADING, SUBTITLE):
            start = i if start is None else start
        elif start is not None:
            runs.append((start, i - 1))
            start = None
    return runs


def _head_start(lines: list[_Line], run: tuple[int, int], *, anchored: bool) -> _Plan | None:
    """The article a run of headline-shaped lines opens, if it opens one."""
    a, b = run
    nxt = lines[b + 1] if b + 1 < len(lines) else None
    md = [i for i in range(a, b + 1) if lines[i].md]
    if nxt is not None and nxt.kind == BODY and b > a and _is_author(lines[b]):
        title_i = _last_title_line(lines, a, b - 1)
        if title_i is not None:
            plan = _plan_from_head(lines, run, title_i, text_first=b, kind="column")
            plan.byline = lines[b].label
            return plan
    if nxt is not None and nxt.kind == BODY and not md and _labelled_column(lines, a, b):
        return _plan_from_head(lines, run, b, text_first=b + 1, kind="column")
    if nxt is not None and nxt.kind in (BYLINE, REPORTER):
        title_i = md[-1] if md else _last_title_line(lines, a, b)
    elif md:
        title_i = md[-1]
    elif not anchored and nxt is not None and nxt.kind == BODY and (a == 0 or _finished(lines[a - 1])):
        title_i = _last_title_line(lines, a, b)
    else:
        return None
    if title_i is None or b + 1 >= len(lines):
        return None
    return _plan_from_head(lines, run, title_i, text_first=b + 1)


def _labelled_column(lines: list[_Line], a: int, b: int) -> bool:
    """A column label right above a title, both set off as headlines: "今日评论" / "抓项目就是抓发展"."""
    return b > a and lines[b - 1].kind == HEADING and _COLUMN_LABEL.match(lines[b - 1].label) is not None


def _is_author(line: _Line) -> bool:
    return line.kind == HEADING and _AUTHOR.match(line.label) is not None


def _last_title_line(lines: list[_Line], a: int, b: int) -> int | None:
    for i in range(b, a - 1, -1):
        if lines[i].kind == HEADING:
            return i
    return None


def _plan_from_head(lines: list[_Line], run, title_i: int, *, text_first: int, kind: str = "news") -> _Plan:
    a, _ = run
    title = lines[title_i].label
    for i in range(title_i + 1, text_first):  # "——…" subtitles belong to the headline
        if lines[i].kind != SUBTITLE:
            break
        title += lines[i].label
    first, kicker = title_i, None
    above = title_i - 1
    # A kicker sits right above its headline; a line set off by extra space is a photo label.
    if above >= a and lines[above].kind == HEADING and lines[title_i].gap <= 1 and lines[above].gap <= 1:
        first, kicker = above, lines[above].label
    return _Plan(first=first, text_first=text_first, kind=kind, title=title or None, kicker=kicker, run=run)


def _add_captions(lines: list[_Line], plans: list[_Plan]) -> list[_Plan]:
    """Photo captions: one or two paragraphs (under an optional short title) closed by a credit."""
    plans = list(plans)
    for c, line in enumerate(lines):
        if line.kind == CAPTIONED:
            caption = _inline_caption(lines, plans, c)
            if caption is not None:
                plans.append(caption)
            continue
        if line.kind != CREDIT:
            continue
        j, count = _walk_back(lines, c)
        if count == 0:
            continue  # the credit follows a headline or an article's lead: it is that article's
        owner = next((p for p in plans if p.run and p.run[0] <= j <= p.run[1]), None) if j >= 0 else None
        if owner is not None and owner.kind == "news" and owner.byline is None:
            # a headline, a paragraph or two and a credit: the whole article is photo news
            owner.kind, owner.byline, owner.last = "caption", line.label, c
        elif owner is None and j >= 0 and lines[j].kind == HEADING:
            title = lines[j].label
            plans.append(_Plan(first=j, text_first=j + 1, kind="caption", title=title, byline=line.label, last=c))
        elif not (count == 1 and j >= 0 and _byline_only(lines[j])):
            # no title of its own: only the paragraph right above the credit is the caption
            first = _paragraph_start(lines, c - 1)
            plans.append(_Plan(first=first, text_first=first, kind="caption", byline=line.label, last=c))
    return plans


def _inline_caption(lines: list[_Line], plans: list[_Plan], c: int) -> _Plan | None:
    """A one-line caption, under its own short title when a headline sits right above. None when
    that headline already opens an article (a Markdown heading): the article becomes the caption."""
    label = lines[c].label
    found = _INLINE_CREDIT.search(label)
    credit = label[found.start("credit") : found.end("credit")].strip("(（)）")
    above = c - 1
    opened = next((p for p in plans if p.run and p.run[1] == above and p.text_first == c), None)
    if opened is not None and opened.kind == "news" and opened.byline is None:
        opened.kind, opened.byline, opened.last = "caption", credit, c
        return None
    owned = any(p.run and p.run[0] <= above <= p.run[1] for p in plans)
    if above >= 0 and lines[above].kind == HEADING and not lines[above].md and not owned and lines[c].gap <= 1:
        return _Plan(first=above, text_first=c, kind="caption", title=lines[above].label, byline=credit, last=c)
    return _Plan(first=c, text_first=c, kind="caption", byline=credit, last=c)


def _walk_back(lines: list[_Line], credit: int) -> tuple[int, int]:
    """(line above the caption paragraphs, how many paragraphs) walking up from a credit."""
    j, count = credit - 1, 0
    while j >= 0 and count < 2 and lines[j].kind in (BODY, BYLINE):
        start = _paragraph_start(lines, j)
        if lines[start].kind != BODY:  # reached an article's lead paragraph
            return start, count
        j, count = start - 1, count + 1
    return j, count


def _byline_only(line: _Line) -> bool:
    """A byline with no lead text after it: the paragraph below is the whole story."""
    return line.kind == REPORTER or (line.kind == BYLINE and _finished(line))


def _paragraph_start(lines: list[_Line], i: int) -> int:
    while i > 0 and not lines[i].para and lines[i - 1].kind in (BODY, BYLINE):
        i -= 1
    return i


def _ends(lines: list[_Line], plans: list[_Plan]) -> list[int]:
    """Each article's last line: before the next article, page furniture, or trailing labels."""
    ends = []
    for n, plan in enumerate(plans):
        end = plans[n + 1].first - 1 if n + 1 < len(plans) else len(lines) - 1
        if plan.last is not None:
            end = min(end, plan.last)
        for k in range(plan.text_first, end + 1):
            # furniture ends an article, unless a sentence carries on past it (a page break)
            if lines[k].kind == FURNITURE and not _runs_through(lines, k, plan.text_first, end):
                end = k - 1
                break
        while end > plan.text_first and lines[end].kind in (HEADING, SUBTITLE):
            end -= 1
        ends.append(end)
    return ends


def _runs_through(lines: list[_Line], k: int, first: int, last: int) -> bool:
    before = k - 1
    while before >= first and _skippable(lines[before]):
        before -= 1
    if before < first:
        return False
    after = _continuation(lines[: last + 1], before)
    return after is not None and after > k


def _skippable(line: _Line) -> bool:
    return line.kind in _SKIPPABLE and not line.md


def _orphans(lines: list[_Line], plans: list[_Plan]) -> list[_Plan]:
    """Prose outside every article (a page that opens mid-story, text after a caption) becomes an
    article of its own; stray headlines, banners and furniture are dropped."""
    covered = set()
    for plan in plans:
        covered.update(range(plan.first, plan.last + 1))
    orphans, group = [], []
    for i, line in enumerate(lines + [None]):
        if line is not None and i not in covered and line.kind != FURNITURE:
            group.append(i)
            continue
        plan = _orphan_plan(lines, group)
        if plan is not None:
            orphans.append(plan)
        group = []
    return orphans


def _orphan_plan(lines: list[_Line], group: list[int]) -> _Plan | None:
    prose = [i for i in group if lines[i].kind in (BODY, BYLINE, REPORTER)]
    if not prose:
        return None
    first = prose[0]
    last = max(i for i in group if lines[i].kind not in (HEADING, SUBTITLE))
    above = first - 1
    if above in group and lines[above].kind == HEADING and lines[first].gap <= 1:
        return _Plan(first=above, text_first=first, title=lines[above].label, last=last)
    return _Plan(first=first, text_first=first, last=last)


# --- building articles -------------------------------------------------------------------------


def _build(
    page: Page, lines: list[_Line], plan: _Plan, *, page_date: ArticleDate, article_id: str
) -> Article | None:
    body = lines[plan.text_first : plan.last + 1]
    if not body:
        return None
    page_start, page_end = body[0].start, body[-1].end
    gaps = _layout_breaks(body)
    text, joins = _cut(page.text, page_start, page_end, gaps)
    byline = plan.byline
    if byline is None and body[0].kind in (BYLINE, REPORTER):
        byline = _byline_of(body[0])
    dateline = None if plan.kind == "column" else _dateline(body)
    return Article(
        id=article_id,
        source=page.source,
        title=plan.title or _title_from_text(body),
        kicker=plan.kicker,
        byline=byline,
        date=resolve_article_date(dateline, page_date),
        text=text,
        kind=plan.kind,
        page_start=page_start,
        page_end=page_end,
        joins=joins,
    )


def _layout_breaks(body: list[_Line]) -> list[tuple[int, int]]:
    """Page spans to remove: breaks (and photo labels) inside a sentence cut by the layout."""
    gaps = []
    i = 0
    while i < len(body) - 1:
        j = _continuation(body, i)
        if j is None:
            i += 1
            continue
        gaps.append((body[i].end, body[j].start))
        i = j
    return gaps


def _continuation(body: list[_Line], i: int) -> int | None:
    line = body[i]
    if line.kind not in (BODY, BYLINE) or _finished(line):
        return None
    for j in range(i + 1, min(i + 2 + _MAX_SKIPPED, len(body))):
        if body[j].kind == BODY:
            return j
        if not _skippable(body[j]):
            return None
    return None


def _finished(line: _Line) -> bool:
    """True if the line ends a sentence (or is a headline or byline, which need no punctuation)."""
    if line.kind in (HEADING, SUBTITLE, REPORTER, CREDIT, CAPTIONED, FURNITURE):
        return True
    text = _EDITOR_CODE.sub("", line.text).rstrip()
    if line.kind == BYLINE:
        match = _BYLINE.match(text)
        if match and not text[match.end() :].strip():
            return True
    if not text:
        return True
    last = text[-1]
    if last in _SENTENCE_END or last in _BRACKET_CLOSERS:
        return True
    if last in _CLOSERS:
        return len(text) > 1 and text[-2] in _SENTENCE_END
    if last == ".":
        return text.endswith("..") or not (len(text) > 1 and text[-2].isdigit())
    return False


def _cut(page_text: str, start: int, end: int, gaps: list[tuple[int, int]]) -> tuple[str, tuple]:
    pieces, joins, cursor, length = [], [], start, 0
    for gap_start, gap_end in gaps:
        piece = page_text[cursor:gap_start]
        pieces.append(piece)
        length += len(piece)
        joins.append((length, page_text[gap_start:gap_end]))
        cursor = gap_end
    pieces.append(page_text[cursor:end])
    return "".join(pieces), tuple(joins)


def _byline_of(line: _Line) -> str:
    if line.kind == BYLINE:
        match = _BYLINE.match(line.text)
        if match:
            return _unemphasized(line.text[: match.end()]).strip()
    return line.label


def _lead(body: list[_Line]) -> str:
    """The article's first paragraph after its byline (hard-wrapped lines put back together)."""
    for i, line in enumerate(body):
        if line.kind == BYLINE:
            match = _BYLINE.match(line.text)
            text = line.text[match.end() :].strip() if match else line.text
        elif line.kind == BODY:
            text = line.text
        else:
            continue
        for nxt in body[i + 1 :]:
            if nxt.para or nxt.kind != BODY:
                break
            text += nxt.text
        if text:
            return text
    return ""


def _dateline(body: list[_Line]) -> str | None:
    """The news date in the lead's opening words, unless it is a reference ("截至11月1日")."""
    # a wire byline carries its own date: "新华社北京10月17日电（记者 …）"
    agency = _BYLINE.match(body[0].text) if body[0].kind == BYLINE else None
    for text in (body[0].text[: agency.end()] if agency else "", _lead(body)[:_DATELINE_WINDOW]):
        for mention in find_dates(text):
            if mention.day is not None and not text[: mention.start].rstrip().endswith(_REFERENCE_BEFORE):
                return text[mention.start : mention.end]
    return None


def _title_from_text(body: list[_Line]) -> str:
    """A title for an article printed without one: its first sentence, shortened."""
    text = _lead(body) or body[0].label
    sentence = re.split(r"(?<=[。！？!?；;])", text, maxsplit=1)[0].strip()
    if len(sentence) <= _TITLE_MAX:
        return sentence
    cut = max(sentence.rfind(p, 0, _TITLE_MAX) for p in "，,、：:")
    return sentence[: cut if cut > 0 else _TITLE_MAX] + "…"
