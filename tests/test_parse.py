"""Splitting pages into articles: titles, kickers, bylines, kinds, dates, verbatim offsets."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.dates import resolve_page_date
from index.ingest import parse_file
from index.ingest import split_page
from index.paths import BUNDLED_CORPUS
from index.reader import Page, iter_corpus_files
from index.records import Article, ArticleDate, Precision

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = {p.name[:3]: p for p in iter_corpus_files([BUNDLED_CORPUS])}

# Read off the pages by hand: every headline, in page order.
TITLES = {
    "000": [
        "开发区迅速传达学习市两会精神",
        "笃行不怠勤履职",
        "做实做细网格化管理 织密织牢疫情防控防线",
        "开发区项目建设蹄疾步稳",
        "开发区部署下阶段重点工作",
        "筑牢疫情防控屏障 巩固疫情防控成果",
        "精准做好疫情防控 全面服务保障“三夏”生产",
        "绷紧安全之弦 守好安全底线",
        "为进一步搭建“直播+企业”孵化平台,打造“直播经济”先行区…",  # untitled photo caption
    ],
    "001": [
        "把会议精神转化为强大工作动力",
        "交流理清思路 畅谈碰撞火花 务虚会为开发区务实干明确方向",
        "巩固良好态势 筑牢坚实屏障 开发区再紧疫情防控弦",
        "各项工作齐头并进 督导检查再促提升 开发区“创文”活动如火如荼高标准开展",
        "依法治理保安全",
        "开发区“三个一批”活动取得积极成效",
        "开发区 安全生产绷紧弦 除患排险在行动",
        "开发区预算一体化平台培训班开班",
    ],
    # the special issue is one feature; its section heads and photo labels stay inside it
    "002": ["乘势而上谋突破 踔厉奋发启新程——周口经济开发区高质量发展纪实"],
    "003": [
        "开发区谱写高质量党建新篇章",
        "开发区召开党委(扩大)会议",
        "推进项目建设",
        "周口经济开发区荣获“河南 5 星级产业集群”称号",
        "开发区获全市“迎新年庆元旦”健步走活动优秀组织奖",
        "开发区创业就业工作稳步推进",
        "凯歌前行迎新年",
        "开发区召开中层以上干部工作会",
        "省商务厅巡查调研开发区稳外贸稳外资工作",
        "2019 年前 11 个月开发区完成税收 8.49 亿元",
        "莲花幼儿园举办“迎新春、庆元旦”亲子活动",
    ],
    "004": [
        "统筹推进疫情防控和经济社会发展",
        "扎实做好专项债券项目谋划工作",
        "以必胜信念打赢疫情防控阻击战",
        "抢抓施工“黄金期” 跑出项目建设加速度",
        "力争更多项目进入省“三个一批”项目库",
        "确保商超餐馆药店防控措施落实到位",
        "深化以案促改工作 敲响警示钟",
        "疫情防控会场变“考场”",
        "示范区进行第三轮全员核酸检测",
    ],
}


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[Article]]:
    return {key: parse_file(path) for key, path in PAGES.items()}


def by_title(articles: list[Article], title: str) -> Article:
    return next(a for a in articles if a.title == title)


def test_article_titles_and_counts(corpus):
    assert {key: [a.title for a in articles] for key, articles in corpus.items()} == TITLES
    assert [len(corpus[k]) for k in sorted(corpus)] == [9, 8, 1, 11, 9]


def test_ids_follow_page_order(corpus):
    articles = corpus["004"]
    assert [a.id for a in articles[:2]] == ["004_ee1bfada88838ace#001", "004_ee1bfada88838ace#002"]
    assert [a.page_start for a in articles] == sorted(a.page_start for a in articles)
    assert all(a.source == "004_ee1bfada88838ace.txt" for a in articles)


@pytest.mark.parametrize(
    ("page", "title", "kicker", "byline", "kind"),
    [
        ("000", "开发区迅速传达学习市两会精神", "干在实处 走在前列", "本报讯(记者 王晨)", "news"),
        ("000", "开发区项目建设蹄疾步稳", "防疫情 稳发展", "本报讯(记者 王晨 文/图)", "news"),
        ("000", "笃行不怠勤履职", "今日评论", "李清华", "column"),
        ("001", "把会议精神转化为强大工作动力", "开发区学习贯彻省第十一次党代会、省委第十一届一次全会和全市领导干部大会会议精神",
         "本报讯 (记者 郭坤 通讯员 曹文娟 文/图)", "news"),
        ("001", "依法治理保安全", "今日评论", "李清华", "column"),
        ("002", "乘势而上谋突破 踔厉奋发启新程——周口经济开发区高质量发展纪实", None, "记者 王晨", "news"),
        ("003", "推进项目建设", None, "记者 王泉林 摄", "caption"),
        ("003", "开发区获全市“迎新年庆元旦”健步走活动优秀组织奖", None, "记者 王泉林 通讯员 曹文娟 摄", "caption"),
        ("003", "凯歌前行迎新年", "今日论坛", "李清华", "column"),
        ("004", "以必胜信念打赢疫情防控阻击战", "立足于防 戮力同心", "本报讯 (记者 姬慧洋)", "news"),
        ("004", "疫情防控会场变“考场”", None, "记者 姬慧洋 文/图", "news"),
        ("004", "示范区进行第三轮全员核酸检测", None, "记者 姬慧洋 摄", "caption"),
    ],
)
def test_kickers_bylines_and_kinds(corpus, page, title, kicker, byline, kind):
    article = by_title(corpus[page], title)
    assert (article.kicker, article.byline, article.kind) == (kicker, byline, kind)


def test_required_dates(corpus):
    assert by_title(corpus["000"], "开发区项目建设蹄疾步稳").date == ArticleDate(
        dt.date(2022, 5, 23), Precision.DAY, "dateline+inferred-year"
    )
    assert by_title(corpus["001"], "把会议精神转化为强大工作动力").date.iso() == "2021-11-01"
    assert all(a.date == ArticleDate(dt.date(2022, 10, 17), Precision.DAY, "page-print") for a in corpus["002"])
    # the 示范区 page: the day where a dateline gives it, else March 2022
    assert [a.date.iso() for a in corpus["004"]] == [
        "2022-03-25", "2022-03-21", "2022-03-23", "2022-03-26", "2022-03-16",
        "2022-03", "2022-03-28", "2022-03-22", "2022-03-28",
    ]  # fmt: skip


def test_other_dates(corpus):
    dates = {a.title: (a.date.iso(), a.date.source) for page in corpus.values() for a in page}
    assert dates["笃行不怠勤履职"] == ("2022-05", "inferred")  # columns carry no dateline
    assert dates["开发区 安全生产绷紧弦 除患排险在行动"] == ("2021-10-25", "dateline+inferred-year")
    # printed with its year, the day it reports; the page states no date, so it is an inference
    assert dates["开发区召开党委(扩大)会议"] == ("2019-12-19", "dateline+inferred")
    assert dates["开发区谱写高质量党建新篇章"] == ("2019-12", "inferred")
    assert dates["为进一步搭建“直播+企业”孵化平台,打造“直播经济”先行区…"] == ("2022-05-20", "dateline+inferred")
    # "截至11月1日" is a reference, not this article's dateline
    assert dates["各项工作齐头并进 督导检查再促提升 开发区“创文”活动如火如荼高标准开展"] == ("2021-11", "inferred")


def test_text_is_verbatim_from_the_byline(corpus):
    first = corpus["001"][0]
    # the page's Markdown emphasis marks are not text (they are joins, mapping back to the page)
    assert first.text.startswith("本报讯 (记者 郭坤 通讯员 曹文娟 文/图)11月1日,")
    column = by_title(corpus["000"], "笃行不怠勤履职")
    assert column.text.startswith("李清华\n\n市政协四届七次会议胜利闭幕")
    caption = corpus["000"][-1]
    assert caption.text.endswith("直播带货。\n\n记者 王晨 通讯员 曹文娟 摄")


def test_layout_breaks_are_joined(corpus):
    article = by_title(corpus["000"], "开发区项目建设蹄疾步稳")
    assert "开发区大力发展互联网经济、数字经济、电子商务等新经济" in article.text  # photo label jumped over
    assert (article.text.index("数字经济、电子商务"), "\n\n\n\n豫沪合作周口示范园\n\n") in article.joins
    assert "能够有效降解多种霉菌毒素" in article.text
    assert "进行“整容式”改造升级" in by_title(corpus["001"], TITLES["001"][3]).text
    # a paragraph that ends a sentence keeps its break
    assert "会议还研究了其他事项。②7" in corpus["003"][1].text


def test_furniture_and_banner_are_not_articles(corpus):
    feature = corpus["002"][0]
    assert "责任编辑" not in feature.text and "策划" not in feature.text
    assert "奋进新征程" not in feature.text
    assert feature.text.endswith("已完成投资83.4亿元。")
    assert "营商环境呈现新气象 市场主体活力迸发" in feature.text


def check_offsets(page_text: str, article: Article, rng: random.Random) -> None:
    assert 0 <= article.page_start <= article.page_end <= len(page_text)
    rebuilt, cursor = [], 0
    for at, removed in article.joins:
        rebuilt += [article.text[cursor:at], removed]
        cursor = at
    rebuilt.append(article.text[cursor:])
    assert "".join(rebuilt) == page_text[article.page_start : article.page_end]
    if article.text:
        for i in {0, len(article.text) - 1, *(rng.randrange(len(article.text)) for _ in range(50))}:
            assert page_text[article.page_offset(i)] == article.text[i]
        for at, _ in article.joins:
            # an emphasis mark may open or close the article: nothing before or after it then
            if at < len(article.text):
                assert page_text[article.page_offset(at)] == article.text[at]
            if at > 0:
                assert page_text[article.page_offset(at - 1)] == article.text[at - 1]


def test_offsets_map_back_to_the_page(corpus):
    rng = random.Random(7)
    for key, articles in corpus.items():
        text = PAGES[key].read_text(encoding="utf-8")
        for article in articles:
            check_offsets(text, article, rng)


# --- small made-up pages ------------------------------------------------------------------------


def test_fixture_page_structure():
    articles = parse_file(FIXTURES / "pages" / "2023-01-04_城区新闻.txt")
    summary = [(a.kind, a.title, a.kicker, a.byline, a.date.iso()) for a in articles]
    assert summary == [
        ("news", "城区启动冬季送温暖活动——为三百户困难群众送去年货", "冬日暖阳 惠民有声", "本报讯(记者 张三 通讯员 李四)",
         "2022-12-30"),
        ("column", "温暖要落到实处", "今日短评", "王五", "2023-01-04"),
        ("caption", "新年第一天，城区各社区开展健步走活动，居民踊跃参加。", None, "记者 张三 摄", "2023-01-04"),
    ]  # fmt: skip
    assert articles[0].text.endswith("米面油等生活物资。活动共走访困难群众三百户。\n\n社区工作人员表示，将继续做好帮扶工作。")
    assert all("责任编辑" not in a.text and "城区新闻" not in a.text for a in articles)


def test_page_without_bylines_is_one_story_under_its_first_headline():
    # nothing on the page shows that a second story starts: its second headline-shaped line may as
    # well be a sub-heading (●…, 小标题) of the first story, and is kept inside it
    [article] = parse_file(FIXTURES / "pages" / "no-bylines.md")
    assert article.title == "春节假期城区游客增多"
    assert article.text.endswith("老街夜市重新开放\n\n经过三个月改造，老街夜市于2月1日重新开放。夜市新增摊位八十个。")
    assert article.date == ArticleDate.unknown()  # no year anywhere
    # with bylines, each headline over one opens a story
    text = (FIXTURES / "pages" / "no-bylines.md").read_text(encoding="utf-8").replace("\n\n春节", "\n\n本报讯 春节")
    text = text.replace("\n\n经过", "\n\n本报讯 经过")
    assert [a.title for a in split_page(_page(text))] == ["春节假期城区游客增多", "老街夜市重新开放"]


def test_sidecar_next_to_the_file_is_used():
    [article] = parse_file(FIXTURES / "sidecar" / "page.txt")
    assert article.date == ArticleDate(dt.date(2021, 6, 3), Precision.DAY, "dateline+sidecar")
    assert "2022年10月17日" not in article.text  # the printed footer is furniture


def test_fragment_line_is_not_a_headline():
    text = "标题一\n\n本报讯(记者 甲)近日，督导组要求企业主要负责人必须严\n\n格履行第一责任人的责任。\n"
    [article] = split_page(_page(text), page_date=ArticleDate.unknown())
    assert article.text == "本报讯(记者 甲)近日，督导组要求企业主要负责人必须严格履行第一责任人的责任。"
    text = "标题一\n\n本报讯(记者 甲)近日，会议召开。\n\n督导组要求企业主要负责人必须严\n\n格履行第一责任人的责任。\n"
    [article] = split_page(_page(text), page_date=ArticleDate.unknown())
    assert article.text.endswith("会议召开。\n\n督导组要求企业主要负责人必须严格履行第一责任人的责任。")


def _page(text: str) -> Page:
    return Page(source="t.txt", path=Path("/x/t.txt"), text=text, encoding="utf-8", sha256="0")


# --- any text at all ----------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "\n", "\n\n", "\n\n\n\n", " ", "\u3000", "#", "## ", "**本报讯**", "本报讯(记者 王晨)", "记者 王晨 摄",
        "今日评论", "李清华", "——", "。", "，", "、", "“", "”", "(", ")", "5月23日", "2022年10月17日 星期一",
        "责任编辑：刘猛", "开发区", "项目建设", "督导组要求企业必须严", "格履行", "②7", "\r", "\t", "12月30日",
        "二〇二一年六月八日", "十二月三十日", "施工忙。 记者 乙 摄", "（记者 乙 摄）",
        "标题：", "日期：2022-11-08", "正文：", "---\n", "title: 甲\n", "【标题】乙",
        "本報訊（記者 陳明）", "記者 陳明 攝", "今日評論",
    ]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=40).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, seed=st.integers(0, 1000))
def test_split_page_never_crashes_and_offsets_map_back(text, seed):
    articles = split_page(_page(text), page_date=ArticleDate(dt.date(2022, 5, 1), Precision.MONTH, "inferred"))
    rng = random.Random(seed)
    for n, article in enumerate(articles, 1):
        assert article.id == f"t#{n:03d}"
        assert article.title
        check_offsets(text, article, rng)


def test_furniture_inside_a_sentence_is_jumped_over():
    text = "标题一\n\n本报讯（记者 甲）会议召开，代表们认真听取报告并积极\n\n周口日报\n\n3\n\n参与讨论。\n\n责任编辑：乙\n"
    [article] = split_page(_page(text), page_date=ArticleDate.unknown())
    assert article.text == "本报讯（记者 甲）会议召开，代表们认真听取报告并积极参与讨论。"
    assert article.joins == ((len("本报讯（记者 甲）会议召开，代表们认真听取报告并积极"), "\n\n周口日报\n\n3\n\n"),)


def test_wire_byline_carries_the_dateline():
    text = "标题一\n\n新华社北京10月17日电（记者 李四）会议今天开幕。\n"
    [article] = split_page(_page(text), page_date=ArticleDate(dt.date(2022, 10, 18), Precision.DAY, "page-print"))
    assert (article.byline, article.date.iso()) == ("新华社北京10月17日电（记者 李四）", "2022-10-17")


def test_hard_wrapped_lines_keep_paragraphs_together():
    text = (
        "标题一\n\n本报讯（记者 甲）为迎接新年，城区举办\n灯会活动，3月28日开幕。\n\n"
        "游客在灯会现场拍照留念，现场\n人头攒动，气氛热烈。\n\n记者 甲 摄\n"
    )
    march = ArticleDate(dt.date(2022, 3, 1), Precision.MONTH, "inferred")
    # the only story on the page: its photo and caption belong to it
    [news] = split_page(_page(text), page_date=march)
    assert news.text.startswith("本报讯（记者 甲）为迎接新年，城区举办灯会活动，3月28日开幕。\n\n")
    assert news.text.endswith("游客在灯会现场拍照留念，现场人头攒动，气氛热烈。\n\n记者 甲 摄")
    assert news.date.iso() == "2022-03-28"  # the dateline sits on the wrapped second line
    # on a page of several stories the captioned photo is news of its own
    two = text + "\n标题二\n\n本报讯（记者 乙）活动举行。\n"
    news, caption, second = split_page(_page(two), page_date=march)
    assert news.text == "本报讯（记者 甲）为迎接新年，城区举办灯会活动，3月28日开幕。"
    assert caption.kind == "caption"
    assert caption.text == "游客在灯会现场拍照留念，现场人头攒动，气氛热烈。\n\n记者 甲 摄"
    assert second.title == "标题二"


def test_credit_under_a_one_paragraph_story_stays_with_it():
    text = "标题一\n\n本报讯（记者 甲）\n\n城区灯会开幕，游客众多。\n\n记者 甲 摄\n"
    [article] = split_page(_page(text), page_date=ArticleDate.unknown())
    assert (article.title, article.kind, article.byline) == ("标题一", "news", "本报讯（记者 甲）")
    assert article.text.endswith("游客众多。\n\n记者 甲 摄")


def test_prose_that_merely_contains_she_and_dian_is_not_a_wire_byline():
    text = "标题一\n\n本报讯（记者 甲）正文开始。\n\n合作社成立以来电商发展迅速。\n"
    [article] = split_page(_page(text), page_date=ArticleDate.unknown())
    assert article.text.endswith("正文开始。\n\n合作社成立以来电商发展迅速。")


def test_column_label_above_a_title_opens_a_column_without_an_author_line():
    text = (
        "标题一\n本报讯（记者 甲）会议召开。\n此次共走访120户。\n\n"
        "今日评论\n抓项目就是抓发展\n项目是经济发展的“压舱石”。\n"
    )
    news, column = split_page(_page(text), page_date=ArticleDate.unknown())
    assert news.text == "本报讯（记者 甲）会议召开。\n此次共走访120户。"
    assert (column.kind, column.kicker, column.title, column.byline) == ("column", "今日评论", "抓项目就是抓发展", None)
    assert column.text == "项目是经济发展的“压舱石”。"


def test_caption_with_its_credit_on_the_same_line_is_its_own_article():
    text = "标题一\n本报讯（记者 甲）会议召开。\n\n工人们在施工现场忙碌。 记者 李明 摄\n\n标题二\n本报讯（记者 乙）活动举行。\n"
    news, caption, second = split_page(_page(text), page_date=ArticleDate.unknown())
    assert news.text == "本报讯（记者 甲）会议召开。"
    assert (caption.kind, caption.byline, caption.text) == ("caption", "记者 李明 摄", "工人们在施工现场忙碌。 记者 李明 摄")
    assert caption.title == "工人们在施工现场忙碌。"
    assert second.title == "标题二"


def test_page_dated_in_chinese_numerals_dates_its_datelines():
    text = "二〇二一年六月八日　星期二\n\n沙颍河治理工程进展顺利\n\n本报讯 6月7日，工程已完成75%。\n"
    page = _page(text)
    page_date = resolve_page_date(page)
    assert (page_date.iso(), page_date.source) == ("2021-06-08", "page-print")
    [article] = split_page(page, page_date=page_date)
    assert (article.title, article.date.iso()) == ("沙颍河治理工程进展顺利", "2021-06-07")


def test_markdown_heading_over_a_one_line_caption_titles_the_caption():
    text = "# 【图片新闻】农民在田间忙碌\n\n农民在田间管理小麦。 记者 张三 摄\n\n# 标题二\n\n**本报讯**（记者 乙）活动举行。\n"
    caption, news = split_page(_page(text), page_date=ArticleDate.unknown())
    assert (caption.kind, caption.title, caption.byline) == ("caption", "【图片新闻】农民在田间忙碌", "记者 张三 摄")
    assert caption.text == "农民在田间管理小麦。 记者 张三 摄"
    assert news.title == "标题二"


def test_a_bracketed_credit_alone_is_a_byline():
    text = "项目建设跑出加速度\n\n（记者 王五）10月16日，工人们正在紧张施工。\n"
    october = ArticleDate(dt.date(2022, 10, 17), Precision.DAY, "page-print")
    [article] = split_page(_page(text), page_date=october)
    assert (article.title, article.byline, article.date.iso()) == ("项目建设跑出加速度", "（记者 王五）", "2022-10-16")
    # a bracket inside prose is not a byline
    [prose] = split_page(_page("标题一\n\n本报讯 会议召开。\n（记者 王五）\n"), page_date=october)
    assert prose.byline == "本报讯"


# --- exports: labelled records and front matter -------------------------------------------------


def test_labelled_records_are_articles_with_their_fields():
    text = (
        "标题：开发区召开安全生产工作会议\n作者：记者 刘洋\n日期：2022-11-08\n来源：周口日报\n\n"
        "11月7日下午，开发区召开安全生产工作会议。\n截至目前，已排查整改隐患136处。\n\n"
        "【标题】示范区新增就业岗位\n【日期】2023年2月\n正文：今年以来，示范区新增就业岗位3000个。\n"
    )
    first, second = split_page(_page(text), page_date=ArticleDate.unknown())
    assert (first.id, first.title, first.byline) == ("t#001", "开发区召开安全生产工作会议", "记者 刘洋")
    assert (first.date.iso(), first.date.source) == ("2022-11-07", "dateline+metadata")  # dateline in the labelled year
    assert first.text == "11月7日下午，开发区召开安全生产工作会议。\n截至目前，已排查整改隐患136处。"
    assert (second.title, second.date.iso(), second.date.source) == ("示范区新增就业岗位", "2023-02", "metadata")
    assert second.text == "今年以来，示范区新增就业岗位3000个。"  # "正文：" is a label, not text
    for article in (first, second):
        assert text[article.page_start : article.page_end] == article.text


def test_front_matter_with_a_title_makes_one_article_and_without_one_dates_the_page():
    titled = "---\ntitle: 示范区新增就业岗位3000个\ndate: 2023-02-14\n---\n\n本报讯（记者 孙丽）2月13日，新增就业岗位3000个。\n"
    [article] = split_page(_page(titled))
    assert (article.title, article.byline, article.date.iso()) == ("示范区新增就业岗位3000个", "本报讯（记者 孙丽）", "2023-02-13")
    dated = "---\ndate: 2022-10-17\n---\n\n标题一\n\n本报讯（记者 甲）会议召开。\n\n标题二\n\n本报讯（记者 乙）活动举行。\n"
    one, two = split_page(_page(dated))
    assert (one.title, two.title) == ("标题一", "标题二")
    assert (one.date.iso(), one.date.source) == ("2022-10-17", "front-matter")
    sidecar = ArticleDate(dt.date(2022, 10, 16), Precision.DAY, "sidecar")
    assert split_page(_page(dated), sidecar={"date": "2022-10-16"})[0].date == sidecar  # the owner's sidecar still wins


def test_a_label_inside_a_story_does_not_make_it_an_export():
    text = "标题一\n\n本报讯（记者 甲）会议指出：要压实责任。\n来源：会议纪要。\n"
    [article] = split_page(_page(text), page_date=ArticleDate.unknown())
    assert article.title == "标题一" and article.text.endswith("来源：会议纪要。")
    essay = "标题一\n\n本报讯（记者 甲）征文比赛揭晓。\n题目：我的家乡\n获奖作品共20篇。\n"
    [article] = split_page(_page(essay), page_date=ArticleDate.unknown())
    assert article.title == "标题一" and "征文比赛揭晓。\n题目：我的家乡" in article.text  # one story, as printed


def test_a_page_printed_in_traditional_characters_is_read_alike():
    text = (
        "開發區新建停車位\n\n本報訊（記者 陳明）3月4日，開發區新建停車位1800個。\n\n"
        "居民在新建停車場停車。 記者 陳明 攝\n\n今日評論\n停車難要靠規劃解\n停車難是城市病。\n"
    )
    march = ArticleDate(dt.date(2022, 3, 5), Precision.DAY, "page-print")
    news, caption, column = split_page(_page(text), page_date=march)
    assert (news.byline, news.date.iso()) == ("本報訊（記者 陳明）", "2022-03-04")  # the byline as printed
    assert (caption.kind, caption.byline) == ("caption", "記者 陳明 攝")
    assert (column.kind, column.kicker, column.title) == ("column", "今日評論", "停車難要靠規劃解")
