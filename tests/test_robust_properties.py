"""Property tests: the reader, the date resolver, the page splitter and question handling never
crash on arbitrary input, and every offset they report maps back to the source text.

tests/test_parse.py already drives `split_page` with arbitrary text; these go further out, from
raw bytes on disk to chunks, and into the dates and the answerer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from index.chunking import chunk_articles
from index.dates import Dateline, find_dates, find_dateline, infer_page_date, parse_iso_date, resolve_article_date
from index.dates import resolve_page_date
from index.errors import UnreadableFileError
from index.ingest import split_page
from index.reader import Page, read_page
from index.records import Article, ArticleDate, Precision
from qa import Answer, QuestionError, answer
from qa.question import analyze

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# --- strategies ---------------------------------------------------------------------------------

_DATE_PIECES = st.sampled_from(
    [
        "2022年", "2019 年 12 月 31 日", "5月23日", "12月", "31日", "29日", "2月", "星期一", "(星期日)", "（周三）",
        "2022-10-17", "2024/02/29", "2023.02.29", "0000年", "9999年13月45日", "2022年2月30日", "１２月３日", "20221017",
        "年", "月", "日", "号", " ", "\u3000", "\n", "本报讯", "新华社北京10月17日电", "周口日报", "第3版", "——",
    ]
)  # fmt: skip
_DATE_TEXT = st.lists(st.one_of(_DATE_PIECES, st.text(max_size=6), st.integers(0, 99999).map(str)),
                      max_size=30).map("".join)
_FILE_NAMES = st.one_of(
    st.sampled_from(["2022-10-17.txt", "20221017_p1.txt", "2022年10月17日.txt", "2022-13-45.txt", "1999_12.md",
                     "0000-00-00.txt", "x.txt"]),
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=20)
    .map(lambda name: name + ".txt"),
)
_ARTICLE_DATES = st.one_of(
    st.just(ArticleDate.unknown()),
    st.builds(lambda d, p, s: ArticleDate(d, p, s), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
              st.sampled_from([Precision.DAY, Precision.MONTH, Precision.YEAR]),
              st.sampled_from(["printed", "file name", "inferred", "sidecar"])),
)
_TEXTS = ["开发区重点项目开工", "本报讯(记者 王晨)5月23日，", "\n\n", "2022年10月17日 星期一", "## 标题", "**本报讯**"]
_ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "big5", "latin-1"]


@st.composite
def file_bytes(draw) -> bytes:
    """Arbitrary bytes, or page-like text in some encoding, possibly cut off anywhere."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=600))
    text = draw(st.lists(st.one_of(st.sampled_from(_TEXTS), _DATE_TEXT, st.text(max_size=10)), max_size=20).map("".join))
    raw = text.encode(draw(st.sampled_from(_ENCODINGS)), errors="replace")
    cut = draw(st.integers(0, len(raw)))
    return raw[:cut] if draw(st.booleans()) else raw


def _page(text: str, name: str = "t.txt") -> Page:
    return Page(source=name, path=Path("/archive") / name, text=text, encoding="utf-8", sha256="0")


def _check_date(date: ArticleDate) -> None:
    assert isinstance(date, ArticleDate)
    period = date.period()
    assert (period is None) == (date.iso() is None)
    if period is not None:
        assert period[0] <= period[1]


# --- reader -------------------------------------------------------------------------------------


@SETTINGS
@given(raw=file_bytes())
def test_reader_reads_any_bytes_or_says_why(tmp_path_factory, raw):
    try:
        page = _read_bytes(tmp_path_factory, raw)
    except UnreadableFileError as error:
        message = str(error)
        assert message.startswith("page.txt: ") and message.endswith(".") and "\n" not in message
        return
    assert page.text.strip() and "\r" not in page.text and not page.text.startswith("\ufeff")
    assert page.sha256 == hashlib.sha256(raw).hexdigest()


@SETTINGS
@given(raw=file_bytes())
def test_bytes_to_chunks_never_crash_and_offsets_map_back(tmp_path_factory, raw):
    try:
        page = _read_bytes(tmp_path_factory, raw)
    except UnreadableFileError:
        return
    date = resolve_page_date(page)
    _check_date(date)
    articles = split_page(page, page_date=date)
    for article in articles:
        _check_article(page.text, article)
    by_id = {a.id: a for a in articles}
    for chunk in chunk_articles(articles):
        assert by_id[chunk.article_id].text[chunk.start : chunk.end] == chunk.text


def _read_bytes(tmp_path_factory, raw: bytes):
    """`read_page` of a fresh file `page.txt` holding `raw`."""
    path = tmp_path_factory.mktemp("bytes") / "page.txt"
    path.write_bytes(raw)
    return read_page(path)


def _check_article(page_text: str, article: Article) -> None:
    assert 0 <= article.page_start <= article.page_end <= len(page_text)
    rebuilt, cursor = [], 0
    for at, removed in article.joins:  # layout breaks the parser joined, with what it removed
        rebuilt += [article.text[cursor:at], removed]
        cursor = at
    rebuilt.append(article.text[cursor:])
    assert "".join(rebuilt) == page_text[article.page_start : article.page_end]
    _check_date(article.date)


# --- dates --------------------------------------------------------------------------------------


@SETTINGS
@given(text=_DATE_TEXT)
def test_find_dates_offsets_map_back_to_a_real_date(text):
    previous_end = 0
    for mention in find_dates(text):
        assert previous_end <= mention.start < mention.end <= len(text)
        previous_end = mention.end
        written = text[mention.start : mention.end]
        # the span read alone gives the same date: the offsets cover exactly what was read
        again = find_dates(written)
        assert again and (again[0].year, again[0].month, again[0].day) == (mention.year, mention.month, mention.day)
        if mention.is_full:
            assert mention.date() == dt.date(mention.year, mention.month, mention.day)


@SETTINGS
@given(text=_DATE_TEXT, name=_FILE_NAMES, sidecar=st.one_of(st.none(), st.fixed_dictionaries({"date": st.text(max_size=12)})))
def test_page_date_never_crashes(text, name, sidecar):
    date = resolve_page_date(_page(text, name), sidecar=sidecar)
    _check_date(date)
    if sidecar and parse_iso_date(sidecar["date"]) is not None:
        assert date == parse_iso_date(sidecar["date"])  # the sidecar always wins


@SETTINGS
@given(dateline=st.one_of(st.none(), _DATE_TEXT), page_date=_ARTICLE_DATES)
def test_article_date_never_crashes(dateline, page_date):
    found = find_dateline(dateline) if dateline is not None else None
    _check_date(resolve_article_date(found, page_date))
    _check_date(resolve_article_date(Dateline.of(dateline) if dateline else None, page_date))


@SETTINGS
@given(openings=st.lists(_DATE_TEXT, max_size=5), text=_DATE_TEXT)
def test_inference_never_crashes_and_is_marked(openings, text):
    datelines = [d for d in map(Dateline.of, openings) if d is not None]
    inferred = infer_page_date(datelines, text)
    if inferred is not None:
        _check_date(inferred)
        assert inferred.inferred and inferred.source == "inferred"
        assert inferred.precision in (Precision.MONTH, Precision.YEAR)


# --- questions ----------------------------------------------------------------------------------

_QUESTION_PIECES = st.sampled_from(
    [
        "多少", "几个", "什么时候", "哪一年", "谁", "哪里", "哪些", "开发区", "重点项目", "开工", "2022年", "5月", "去年", "今年",
        "那", "呢", "？", "?", "how many", "when", "What", "Zhoukou", "😀", "\u200b", "\x00", "\x1b[31m", "１２３", "亿元", "%",
        "كم", "Сколько", " ", "\n",
    ]
)  # fmt: skip
_QUESTIONS = st.lists(st.one_of(_QUESTION_PIECES, st.text(max_size=8)), max_size=25).map("".join)


@SETTINGS
@given(text=st.one_of(_QUESTIONS, st.text(max_size=600)))
def test_question_analysis_never_crashes(text):
    try:
        question = analyze(text)
    except QuestionError as error:
        assert str(error).endswith(".") and "\n" not in str(error)
        return
    assert question.kind in {"how_many", "when", "who", "where", "which", "what"}
    for start, end in question.time.spans:
        assert 0 <= start <= end <= len(question.text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=_QUESTIONS, history=st.lists(st.fixed_dictionaries({"question": _QUESTIONS}), max_size=2))
def test_answer_returns_an_answer_or_refuses(fake_archive, text, history):
    assume(text.strip())  # empty questions are covered by test_question_analysis_never_crashes
    try:
        result = answer(text, archive=fake_archive, history=history)
    except QuestionError:
        return
    assert isinstance(result, Answer) and isinstance(result.found, bool)
    for citation in result.citations:
        assert fake_archive.articles.article(citation.article_id).text[citation.start : citation.end] == citation.quote
    json.dumps(result.to_json(), ensure_ascii=False).encode("utf-8")
