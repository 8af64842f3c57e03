"""A when-question's date granularity (哪一年 wants a year) and who-wrote questions answered from
the byline, on hand-built articles and sentences."""

from __future__ import annotations

import datetime as dt

from index.records import Article, ArticleDate, Precision
from index.interfaces import ArticleTable
from qa.authorship import author_citation, byline_span
from qa.compose import MIN_KIND_FIT, STRICT_KIND_FIT, byline_answer
from qa.evidence import Candidate, kind_fit
from qa.question import analyze, date_granularity

MONTH = ArticleDate(dt.date(2021, 11, 1), Precision.MONTH, "test")

COLUMN = Article(id="p#002", source="p.txt", title="依法治理保安全", kicker="今日评论", byline="李清华",
                 date=MONTH, text="李清华\n\n新修改的安全生产法已于2021年9月1日正式施行。王文峰说,要依法治理。",
                 kind="column")
NEWS = Article(id="p#001", source="p.txt", title="开发区召开安全生产会", kicker=None, byline="本报讯 (记者 郭坤)",
               date=MONTH, text="**本报讯** (记者 郭坤 通讯员 刘航)10月25日,开发区召开安全生产会。", kind="news")
ARTICLES = {a.id: a for a in (COLUMN, NEWS)}
LOOKUP = ArticleTable(list(ARTICLES.values()))


def _sentence(article: Article, text: str, *, coverage: float = 1.0) -> Candidate:
    start = article.text.index(text)
    c = Candidate(article.id, article.title, article.source, article.date, start, start + len(text), text, 0)
    c.coverage = coverage
    return c


# --- granularity -----------------------------------------------------------------------------

def test_the_question_word_sets_the_granularity():
    assert date_granularity("办公楼是哪一年建成的?") == "year"
    assert date_granularity("In what year was the office built?") == "year"
    assert date_granularity("推进会是哪天召开的?") == "day"
    assert date_granularity("会议是几月几日召开的?") == "day"
    assert date_granularity("安全生产法从什么时候开始施行?") == ""
    assert analyze("办公楼是哪一年建成的?").granularity == "year"
    assert analyze("开发区有多少个项目?").granularity == ""  # not a when-question


def test_a_year_question_needs_a_year_and_a_day_alone_never_answers_by_similarity():
    q = analyze("管委会办公楼是哪一年建成的?")
    with_year = Candidate("a#1", "t", "a.txt", MONTH, 0, 17, "管委会办公楼于2015年建成投入使用。", 0)
    day_only = Candidate("a#1", "t", "a.txt", MONTH, 0, 15, "10月25日,管委会副主任带队检查。", 0)
    fit, span = kind_fit(q, with_year)
    assert fit == 1.0 and with_year.text[span[0]:span[1]] == "2015年"
    fit, _ = kind_fit(q, day_only)
    # enough for a sentence plainly about the event (by its words), never by similarity alone
    assert MIN_KIND_FIT["when"] <= fit < STRICT_KIND_FIT["when"]


def test_a_day_question_prefers_a_day_and_any_date_fits_a_what_time_question():
    day = Candidate("a#1", "t", "a.txt", MONTH, 0, 16, "近日,开发区于10月21日召开务虚会。", 0)
    fit, span = kind_fit(analyze("务虚会是哪天召开的?"), day)
    assert fit == 1.0 and day.text[span[0]:span[1]] == "10月21日"
    vague = Candidate("a#1", "t", "a.txt", MONTH, 0, 11, "近日,开发区召开务虚会。", 0)
    assert kind_fit(analyze("务虚会是哪天召开的?"), vague)[0] < STRICT_KIND_FIT["when"]
    assert kind_fit(analyze("务虚会是什么时候召开的?"), vague)[0] == 1.0


# --- authorship ------------------------------------------------------------------------------

def test_questions_asking_who_wrote_and_the_titles_they_name():
    q = analyze("今日评论《依法治理保安全》的作者是谁?")
    assert q.asks_author and q.titles == ("依法治理保安全",)
    assert analyze("Who wrote the commentary about safety?").asks_author
    assert analyze("这篇报道是哪位记者写的?").asks_author
    assert analyze("Which reporter covered the budget training?").asks_author
    assert not analyze("谁主持召开了安全生产会?").asks_author


def test_the_byline_is_found_verbatim_in_the_article_text():
    assert byline_span(COLUMN) == (0, 3)
    start, end = byline_span(NEWS)
    assert NEWS.text[start:end] == "(记者 郭坤 通讯员 刘航)"


def test_a_named_title_picks_the_article_and_its_author_line_is_quoted_not_a_name_in_the_text():
    q = analyze("今日评论《依法治理保安全》的作者是谁?")
    # the best sentence names another person; the byline, not 王文峰, answers
    ranked = [_sentence(NEWS, "10月25日,开发区召开安全生产会"), _sentence(COLUMN, "王文峰说,要依法治理")]
    c = author_citation(q, ranked, LOOKUP)
    assert (c.article_id, c.text, c.start, c.end) == ("p#002", "李清华", 0, 3)
    result = byline_answer(q, c)
    assert result.found and result.text == "据2021-11的报道，该文署名：“李清华”[1]。"
    cite = result.citations[0]
    assert COLUMN.text[cite.start:cite.end] == cite.quote and cite.date == MONTH


def test_a_commentary_question_takes_the_best_column_and_an_unknown_title_gets_no_author():
    q = analyze("Who wrote the commentary about safety law?")
    ranked = [_sentence(NEWS, "10月25日,开发区召开安全生产会"), _sentence(COLUMN, "王文峰说,要依法治理")]
    assert author_citation(q, ranked, LOOKUP).text == "李清华"
    assert author_citation(analyze("《开发区建了一座机场》的作者是谁?"), ranked, LOOKUP) is None
    # a piece the archive lacks: no sentence shares its words, so no byline is offered
    weak = [_sentence(COLUMN, "王文峰说,要依法治理", coverage=0.1)]
    assert author_citation(analyze("Who wrote the commentary about the airport?"), weak, LOOKUP) is None
    assert author_citation(analyze("谁主持召开了安全生产会?"), ranked, LOOKUP) is None


def test_a_weekday_is_the_day_a_routine_falls_on_but_a_weekly_count_is_not():
    q = analyze("每个星期哪一天干部上门服务企业?")
    assert q.granularity == "day"
    weekly = Candidate("a#1", "t", "a.txt", MONTH, 0, 14, "开发区把每周三定为企业服务日", 0)
    fit, span = kind_fit(q, weekly)
    assert fit == 1.0 and weekly.text[span[0]:span[1]] == "每周三"
    count = Candidate("a#1", "t", "a.txt", MONTH, 0, 9, "干部每周一次上门服务", 0)
    assert kind_fit(q, count)[0] < STRICT_KIND_FIT["when"]


def test_a_day_for_a_year_question_answers_only_from_a_sentence_plainly_about_the_event():
    from qa.compose import COARSE_DATE_COVERAGE, answers

    q = analyze("管委会办公楼是哪一年建成的?")
    day_only = Candidate("a#1", "t", "a.txt", MONTH, 0, 15, "10月25日,管委会副主任带队检查。", 0)
    day_only.kind_fit = kind_fit(q, day_only)[0]
    day_only.coverage = 0.64  # shares 管委会 with the question, not 办公楼 or 建成
    assert not answers(q, day_only)
    day_only.coverage = COARSE_DATE_COVERAGE
    assert answers(q, day_only)
