"""Each answering stage on small hand-built inputs whose results were worked out by hand (the
sentences are written for these tests; no archive's words decide anything)."""

from __future__ import annotations

import datetime as dt

import pytest

from index.annotate import annotate_text
from index.records import ArticleDate, Chunk, Hit, Precision, Span, SpanKind
from qa.analyze import AnswerType, analyze
from qa.compose import compose, numbers_outside_quotes
from qa.decide import Reason, admissible, decide
from qa.evidence import candidates, clause_spans, sentences
from qa.features import Context, Fit, features, fit
from qa.score import Scored
from qa.settings import Settings

DAY = ArticleDate(dt.date(2023, 4, 2), Precision.DAY, "dateline")


def hit(text: str, *, article: str = "a#001", title: str = "标题", date: ArticleDate = DAY, rank_score: float = 1.0) -> Hit:
    chunk = Chunk(f"{article}:001", article, title, f"{article.split('#')[0]}.txt", date, 0, len(text), text,
                  annotations=annotate_text(text))
    return Hit(chunk, rank_score, dense_score=0.85)


def test_sentences_are_split_at_end_marks_and_line_breaks_with_their_spans():
    found = sentences([hit("河口镇新建公厕12座。全镇共有村庄8个\n另起一段，投资3亿元。")])
    assert [s.text for s in found] == ["河口镇新建公厕12座。", "全镇共有村庄8个", "另起一段，投资3亿元。"]
    money = [s for s in found[2].spans if s.kind is SpanKind.QUANTITY]
    assert [found[2].text[s.start:s.end] for s in money] == ["3亿元"]
    assert found[2].start == len("河口镇新建公厕12座。全镇共有村庄8个\n")


def test_a_quantity_question_gets_one_candidate_per_figure_quoting_its_clause():
    q = analyze("河口镇新建了多少座公厕？")
    sentence = sentences([hit("河口镇新建公厕12座，改造道路3条，投资500万元。")])[0]
    found = candidates(q, sentence)
    # 投资500万元 says little besides its figure, so the clause naming what it paid for comes with it
    assert [c.quote_text for c in found] == ["河口镇新建公厕12座", "改造道路3条", "改造道路3条，投资500万元。"]
    assert [fit(q, c) for c in found] == [Fit.EXACT, Fit.CLOSE, Fit.NONE]


def test_clauses_do_not_cut_a_thousands_comma():
    assert clause_spans("共计人民币431,970元，已退还。") == [(0, 13), (14, 18)]


def test_a_reporters_name_in_the_credit_is_no_candidate_for_who():
    q = analyze("谁主持了会议？")
    sentence = sentences([hit("本报讯（记者 刘洋）4月1日，镇长周立新主持会议。")])[0]
    names = [sentence.text[c.span.start:c.span.end] for c in candidates(q, sentence) if c.span.kind is SpanKind.PERSON]
    assert names == ["周立新"]


def _features(question: str, text: str, *, article_text: str | None = None):
    q = analyze(question)
    h = hit(text)
    sentence = sentences([h])[0]
    ctx = Context(article=article_text or text, best_dense=0.85)
    return q, [(c, features(q, c, ctx)) for c in candidates(q, sentence)]


def test_coverage_focus_and_aspect_features():
    q, pairs = _features("河口镇目前有多少个党支部？", "河口镇新增党支部5个，目前共有党支部31个。")
    by_quote = {c.quote_text: f for c, f in pairs}
    added, total = by_quote["河口镇新增党支部5个"], by_quote["目前共有党支部31个。"]
    assert added.aspect_conflict == 1.0 and total.aspect_conflict == 0.0  # 目前 asked, 新增 stated
    assert added.focus_held == total.focus_held == 1.0
    assert total.subjects_required == 1.0


def test_a_unit_the_article_does_not_name_is_required():
    _, pairs = _features("高新区有多少个党支部？", "河口镇共有党支部31个。")
    assert all(f.subjects_required == 0.0 for _, f in pairs)


def _settings(**changes) -> Settings:
    from qa.features import feature_names

    n = len(feature_names())
    base = dict(feature_names=feature_names(), means=(0.0,) * n, scales=(1.0,) * n, weights=(0.0,) * n, intercept=0.0,
                answer_threshold=0.5, timeline_threshold=0.5)
    return Settings(**{**base, **changes})


def _scored(q, pairs, probabilities):
    return [Scored(c, f, p) for (c, f), p in zip(pairs, probabilities)]


def test_decide_answers_the_best_admissible_candidate_and_abstains_below_the_threshold():
    q, pairs = _features("河口镇目前有多少个党支部？", "河口镇新增党支部5个，目前共有党支部31个。")
    scored = _scored(q, pairs, [0.9, 0.7])  # the model prefers the added figure; the rule does not
    verdict = decide(q, scored, _settings())
    assert verdict.found and verdict.chosen[0].candidate.quote_text == "目前共有党支部31个。"
    assert not decide(q, _scored(q, pairs, [0.9, 0.4]), _settings()).found
    ok = admissible(q, scored)
    assert [ok(s) for s in scored] == [False, True]


def test_the_figure_next_to_the_questions_verb_is_marked():
    q, pairs = _features("河口镇有多少个重点项目开工了？", "河口镇计划实施的15个重点项目已开工9个，完工3个。")
    assert q.predicate == "开工"
    near = {c.sentence.text[c.span.start:c.span.end]: f.predicate_near for c, f in pairs if c.span is not None}
    assert near == {"15个": 0.0, "9个": 1.0, "3个": 0.0}
    _, pairs = _features("河口镇有多少个项目开工？", "河口镇有9个项目开工。")
    assert [f.predicate_near for c, f in pairs if c.span is not None] == [1.0]


def test_a_figure_of_the_counted_noun_qualified_otherwise_is_no_answer():
    q = analyze("河口镇划分了多少个小网格？")
    assert q.counted == ("小", "网格")
    text = "河口镇划成8个大网格、56个中网格、312个小网格，另有3个市级网格。"
    q, pairs = _features("河口镇划分了多少个小网格？", text)
    figures = {c.sentence.text[c.span.start:c.span.end]: s for (c, _), s in zip(pairs, _scored(q, pairs, [0.5] * len(pairs)))}
    ok = admissible(q, list(figures.values()))
    # 大网格 and 中网格 count otherwise; 市级网格 too; only 312个小网格 answers
    assert {figure: ok(s) for figure, s in figures.items()} == {"8个": False, "56个": False, "312个": True, "3个": False}
    # a qualifier that keeps the question's (市重点项目 for 重点项目) is the same noun
    q, pairs = _features("全县有多少个重点项目？", "全县有5个市重点项目。")
    assert q.counted == ("重点", "项目") and all(admissible(q, _scored(q, pairs, [0.5] * len(pairs)))(s)
                                                for s in _scored(q, pairs, [0.5] * len(pairs)))


def test_a_missing_unit_abstains_for_that_reason():
    q, pairs = _features("高新区有多少个党支部？", "河口镇共有党支部31个。")
    verdict = decide(q, _scored(q, pairs, [0.99]), _settings())
    assert not verdict.found and verdict.reason is Reason.SUBJECT and verdict.subject.text == "高新区"


def test_reports_of_one_measure_at_two_dates_make_a_timeline_in_date_order():
    q = analyze("河口镇有多少个项目开工了？")
    may = ArticleDate(dt.date(2023, 5, 20), Precision.DAY, "dateline")
    oct_ = ArticleDate(dt.date(2023, 10, 9), Precision.DAY, "dateline")
    found = sentences([hit("河口镇已开工项目22个。", article="b#001", date=oct_), hit("河口镇已开工项目20个。", article="a#001", date=may)])
    ctx = Context(article="河口镇已开工项目", best_dense=0.85)
    pairs = [(c, features(q, c, ctx)) for s in found for c in candidates(q, s)]
    verdict = decide(q, _scored(q, pairs, [0.9, 0.8]), _settings())
    assert verdict.timeline and [s.candidate.sentence.date for s in verdict.chosen] == [may, oct_]
    answer = compose(q, verdict)
    assert answer.text == ("资料在不同日期有报道（按日期排列）：2023-05-20：“河口镇已开工项目20个”[1]；"
                           "2023-10-09：“河口镇已开工项目22个”[2]。最新的是2023-10-09的报道[2]。")
    assert numbers_outside_quotes(answer.text) == []
    for citation in answer.citations:
        assert citation.quote in ("河口镇已开工项目20个。", "河口镇已开工项目22个。")


def test_a_refusal_is_one_sentence_in_the_question_language_and_lists_related_passages():
    q, pairs = _features("河口镇有多少家医院？", "河口镇共有党支部31个。")
    answer = compose(q, decide(q, _scored(q, pairs, [0.1]), _settings()))
    assert not answer.found and answer.text == "资料中未找到能回答这个问题的内容；以下是最接近的段落，可能相关，仅供参考。"
    assert [c.highlight for c in answer.citations] == [None]
    q_en = analyze("How many hospitals does the town have?")
    english = compose(q_en, decide(q_en, [], _settings()))
    assert english.text == "The archive does not say." and english.citations == []


def test_an_inferred_date_is_shown_as_one():
    q, pairs = _features("河口镇有多少个党支部？", "河口镇共有党支部31个。")
    guessed = ArticleDate(dt.date(2018, 1, 1), Precision.YEAR, "inferred")
    s = _scored(q, pairs, [0.9])[0]
    from dataclasses import replace

    moved = replace(s, candidate=replace(s.candidate, sentence=replace(s.candidate.sentence, date=guessed)))
    answer = compose(q, decide(q, [moved], _settings()))
    assert answer.text.startswith("据约2018年的报道：")


@pytest.mark.parametrize("text, outside", [
    ("据2023-05-20的报道：“共有12个”[1]。", []),
    ("据约2018年的报道：“共有12个”[1]。", []),
    ("共有12个[1]。", ["12"]),
    ("据报道：“他说“有3人”受伤”[1]。", []),
])
def test_numbers_outside_quotes(text, outside):
    assert numbers_outside_quotes(text) == outside


def test_answer_types_route_to_their_span_kinds():
    q = analyze("那位获奖的姑娘叫什么？")
    assert q.answer_type is AnswerType.PERSON
    _, pairs = _features("获奖的人叫什么？", "王小梅的作品《风中的印记》获奖。")
    assert any(c.span is not None and c.span.kind is SpanKind.PERSON for c, _ in pairs)
