"""Who-wrote questions answered from the byline, on hand-built articles."""

from __future__ import annotations

import datetime as dt

from index.interfaces import ArticleTable
from index.records import Article, ArticleDate, Chunk, Hit, Precision
from qa.analyze import AnswerType, analyze
from qa.authorship import author_citation, byline_span
from qa.compose import byline_answer
from qa.evidence import candidates, sentences
from qa.features import Context, features
from qa.score import Scored

MONTH = ArticleDate(dt.date(2021, 11, 1), Precision.MONTH, "test")
COLUMN = Article(id="p#002", source="p.txt", title="依法治理保安全", kicker="今日评论", byline="陈明",
                 date=MONTH, text="陈明\n\n新修改的安全生产法已于2021年9月1日正式施行。刘强说,要依法治理。", kind="column")
NEWS = Article(id="p#001", source="p.txt", title="河口镇召开安全生产会", kicker=None, byline="本报讯 (记者 赵丽)",
               date=MONTH, text="**本报讯** (记者 赵丽 通讯员 刘航)10月25日,河口镇召开安全生产会。", kind="news")
LOOKUP = ArticleTable([COLUMN, NEWS])


def _scored(question: str, article: Article, text: str) -> Scored:
    q = analyze(question)
    start = article.text.index(text)
    chunk = Chunk(f"{article.id}:001", article.id, article.title, article.source, article.date, start, start + len(text), text)
    sentence = sentences([Hit(chunk, 1.0)])[0]
    c = candidates(q, sentence)[0]
    return Scored(c, features(q, c, Context(article=article.title + article.text, best_dense=0.0)), 0.5)


def test_questions_asking_who_wrote_and_the_titles_they_name():
    q = analyze("今日评论《依法治理保安全》的作者是谁?")
    assert q.answer_type is AnswerType.AUTHOR and q.titles == ("依法治理保安全",)
    for question in ("Who wrote the commentary about safety?", "这篇报道是哪位记者写的?", "Which reporter covered the training?"):
        assert analyze(question).answer_type is AnswerType.AUTHOR
    assert analyze("谁主持召开了安全生产会?").answer_type is AnswerType.PERSON


def test_the_byline_is_found_verbatim_in_the_article_text():
    assert byline_span(COLUMN) == (0, 2)
    start, end = byline_span(NEWS)
    assert NEWS.text[start:end] == "(记者 赵丽 通讯员 刘航)"


def test_a_named_title_picks_the_article_and_its_author_line_is_quoted_not_a_name_in_the_text():
    question = "今日评论《依法治理保安全》的作者是谁?"
    q = analyze(question)
    ranked = [_scored(question, NEWS, "10月25日,河口镇召开安全生产会"), _scored(question, COLUMN, "刘强说,要依法治理")]
    byline = author_citation(q, ranked, LOOKUP, min_coverage=0.3)
    assert byline.candidate.quote_text == "陈明" and byline.candidate.sentence.start == 0
    result = byline_answer(q, byline)
    assert result.found and result.text == "据2021年11月的报道，该文署名：“陈明”[1]。"
    cite = result.citations[0]
    assert COLUMN.text[cite.start:cite.end] == cite.quote and cite.date == MONTH


def test_a_commentary_question_takes_the_best_column_and_an_unknown_title_gets_no_author():
    question = "Who wrote the commentary about safety law?"
    q = analyze(question)
    ranked = [_scored("谁写了安全生产法的评论?", NEWS, "10月25日,河口镇召开安全生产会"),
              _scored("谁写了安全生产法的评论?", COLUMN, "新修改的安全生产法已于2021年9月1日正式施行。")]
    assert author_citation(q, ranked, LOOKUP, min_coverage=0.0).candidate.quote_text == "陈明"
    assert author_citation(analyze("《河口镇建了一座机场》的作者是谁?"), ranked, LOOKUP, min_coverage=0.0) is None
