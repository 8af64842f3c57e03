"""Segmentation: a story is split off only where the page shows one starts (pages written here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.ingest import split_page
from index.reader import Block, BlockRole, Page, TextSource
from index.segment import StoryKind, segment
from index.segment.lines import LineKind, scan
from index.segment.names import is_person_name


def page(text: str) -> Page:
    return Page(source="p.txt", path=Path("/archive/p.txt"), text=text, encoding="utf-8", sha256="0")


def titles(text: str) -> list[str]:
    return [s.title for s in segment(page(text))]


LEAD = "城区反诈中心成立一年来，共破获电信诈骗案件百余起，为群众挽回损失三百余万元。\n"

# one report under a web headline, its sections marked in the ways papers and sites mark them
SUB_HEADINGS = {
    "bullets": "●破获案件\n民警介绍，今年共抓获嫌疑人三十余名。\n●提醒\n民警提醒市民，接到陌生来电要多分析、多询问。\n",
    "numbered": "一、基本情况\n中心设在公安局三楼。\n二、主要做法\n中心实行全天值守。\n（三）下一步打算\n将继续开展宣传。\n",
    "bracketed": "【案例】\n市民张某接到陌生来电后被骗五万元。\n【提醒】\n陌生来电要多核实。\n",
    "short lines": "提醒\n陌生来电要多核实。\n多分析\n对方要求转账时要冷静。\n多询问\n可拨打110咨询。\n",
    "headline-like": "反诈宣传进社区\n民警走进二十个社区开展宣传。\n全年发放资料十万份\n宣传覆盖居民五万余户。\n",
    "questions": "问：接到可疑电话怎么办？\n答：立即挂断并拨打110。\n问：钱被骗了还能追回吗？\n答：及时报警可以止付。\n",
    "a dated section": "事件回顾\n5月11日，张某接到自称客服的电话。\n5月12日，张某报警。\n",
}


@pytest.mark.parametrize("kind", SUB_HEADINGS)
def test_a_single_story_stays_one_article_whatever_its_sub_headings(kind):
    text = "城区反诈中心一年破案百余起\n\n" + LEAD + SUB_HEADINGS[kind]
    [story] = segment(page(text))
    assert story.title == "城区反诈中心一年破案百余起"
    assert story.text == text[text.index("城区反诈中心成立") :].rstrip("\n")


def test_sub_headings_stay_inside_a_story_under_a_byline_too():
    text = "城区反诈中心一年破案百余起\n\n本报讯（记者 甲）" + LEAD + SUB_HEADINGS["bullets"] + SUB_HEADINGS["short lines"]
    [story] = segment(page(text))
    assert (story.title, story.byline) == ("城区反诈中心一年破案百余起", "本报讯（记者 甲）")


def test_headlines_over_bylines_split_a_page_into_its_stories():
    text = (
        "城区新建公园开放\n本报讯（记者 甲）5月13日，城区新建的湖畔公园正式开放。\n●新增步道\n公园新增步道两公里。\n"
        "老街夜市恢复营业\n人民网城区5月12日电（记者 乙）老街夜市恢复营业，摊位八十个。\n"
        "城区举办读书节\n记者 丙\n读书节为期一周，共有三十场活动。\n"
    )
    stories = segment(page(text))
    assert [(s.title, s.byline) for s in stories] == [
        ("城区新建公园开放", "本报讯（记者 甲）"),
        ("老街夜市恢复营业", "人民网城区5月12日电（记者 乙）"),
        ("城区举办读书节", "记者 丙"),
    ]
    assert stories[0].text.endswith("公园新增步道两公里。")  # its sub-heading stays in it


def test_briefs_each_opened_by_a_byline_are_stories_without_headlines():
    text = (
        "路域环境整治\n\n"
        "本报东区讯【通讯员 甲】春节过后，东区集中清理路面垃圾。\n"
        "本报西区讯【通讯员 乙】近日，西区整治路边摊点二十处。\n"
        "本报北区讯【通讯员 丙】北区新栽行道树三百棵。\n"
    )
    stories = segment(page(text))
    assert [s.byline for s in stories] == ["本报东区讯【通讯员 甲】", "本报西区讯【通讯员 乙】", "本报北区讯【通讯员 丙】"]
    assert stories[0].title == "路域环境整治"


@pytest.mark.parametrize(
    "text",
    [
        # a site's own credit line under the headline, then the reporters' credit: one story
        "海关查获走私废物\n\n城区网6月19日讯\n（记者 甲 通讯员 乙）海关近日查获走私废物一批。\n",
        # 原标题 and the site's credit: the byline is the story's own
        "海关查获走私废物\n\n原标题：海关查获走私废物。\n城区网6月19日讯（记者 甲）海关近日查获走私废物一批。\n",
        # a report the story quotes
        "海关查获走私废物\n\n本报讯（记者 甲）海关查获走私废物一批。\n据新华社北京6月19日电，全国海关开展专项行动。\n",
    ],
)
def test_a_second_credit_that_opens_no_story_splits_nothing(text):
    assert len(segment(page(text))) == 1


def test_a_markdown_article_keeps_its_sections_and_a_markdown_page_splits_on_its_headline_level():
    article = "# 城区反诈中心一年破案百余起\n\n" + LEAD + "\n## 破获案件\n\n今年共抓获嫌疑人三十余名。\n\n## 提醒\n\n陌生来电要多核实。\n"
    [story] = segment(page(article))
    assert story.title == "城区反诈中心一年破案百余起" and story.text.endswith("陌生来电要多核实。")
    paper = (
        "## 城区新建公园开放\n\n**本报讯**（记者 甲）公园开放。\n\n### 新增步道\n\n公园新增步道两公里。\n\n"
        "## 老街夜市恢复营业\n\n夜市恢复营业，摊位八十个。\n"
    )
    # "##" stands over a byline on this page, so each "##" opens a story; "###" is a section
    assert titles(paper) == ["城区新建公园开放", "老街夜市恢复营业"]


def test_a_web_headline_with_punctuation_on_top_is_the_title_and_site_furniture_after_the_story_is_dropped():
    text = (
        "应急管理部提醒！冻雨再袭，这些地区要注意！\n\n"
        "近日，冻雨、雨夹雪再次袭击多地。\n出行请减速慢行。\n责任编辑：甲\n"
        "相关新闻\n冻雨天气如何出行\n专家提醒市民注意防滑。\n"
    )
    [article] = split_page(page(text))
    assert article.title == "应急管理部提醒！冻雨再袭，这些地区要注意！"
    assert article.text == "近日，冻雨、雨夹雪再次袭击多地。\n出行请减速慢行。"


def test_a_page_of_a_headline_and_one_short_line_is_one_article():
    [article] = split_page(page("出租一线海景房\n\n两室一厅\n"))
    assert (article.title, article.text) == ("出租一线海景房", "两室一厅")
    [alone] = split_page(page("两室一厅出租"))
    assert alone.text == "两室一厅出租"


def test_a_photo_caption_is_news_of_its_own_only_on_a_page_of_several_stories():
    one = "公园开放\n\n本报讯（记者 甲）城区公园开放。\n\n市民在公园散步。 记者 甲 摄\n"
    assert [s.kind for s in segment(page(one))] == [StoryKind.NEWS]
    several = one + "\n夜市营业\n\n本报讯（记者 乙）夜市恢复营业。\n"
    assert [s.kind for s in segment(page(several))] == [StoryKind.NEWS, StoryKind.CAPTION, StoryKind.NEWS]


def test_a_column_author_is_a_persons_name_not_any_short_line():
    column = "开发区新闻\n\n本报讯（记者 甲）会议召开。\n\n今日短评\n\n温暖要落到实处\n\n王小红\n\n送温暖不能只在节日。\n"
    stories = segment(page(column))
    assert [(s.kind, s.title, s.byline) for s in stories][1] == (StoryKind.COLUMN, "温暖要落到实处", "王小红")
    labelled = "开发区新闻\n\n本报讯（记者 甲）会议召开。\n\n温暖要落到实处\n\n提醒\n\n送温暖不能只在节日。\n"
    assert len(segment(page(labelled))) == 1  # "提醒" is a sub-heading, not an author


@pytest.mark.parametrize(("text", "name"), [("李清华", True), ("王小红", True), ("提醒", False), ("多分析", False),
                                            ("结语", False), ("事件回顾", False)])
def test_person_names_are_told_from_short_headings(text, name):
    assert is_person_name(text) is name


def test_line_kinds_are_an_enum():
    kinds = [line.kind for line in scan("标题\n\n本报讯（记者 甲）会议召开。\n记者 甲 摄\n责任编辑：乙\n")]
    assert kinds == [LineKind.HEADING, LineKind.BYLINE, LineKind.CREDIT, LineKind.FURNITURE]


def test_story_offsets_name_their_head_and_title_lines():
    text = "干在实处\n开发区召开会议\n本报讯（记者 甲）会议召开。\n"
    [story] = segment(page(text))
    assert (story.kicker, story.title) == ("干在实处", "开发区召开会议")
    assert (story.head_start, story.title_start) == (0, text.index("开发区召开会议"))
    assert text[story.page_start : story.page_end] == story.text


# --- pages whose reader marked the layout ------------------------------------------------------

R = BlockRole


def laid_out(*stories: list[tuple[BlockRole, str]] | tuple[BlockRole, str], story_blocks: bool = True) -> Page:
    """A page of the given (role, line) pieces; a list is one STORY block (when `story_blocks`)."""
    text, blocks = "", []
    for item in stories:
        pieces = item if isinstance(item, list) else [item]
        story_start = len(text)
        for role, line in pieces:
            blocks.append(Block(len(text), len(text) + len(line), role))
            text += line + "\n"
        if isinstance(item, list) and story_blocks:
            blocks.append(Block(story_start, len(text), R.STORY))
    return Page(source="p.html", path=Path("/archive/p.html"), text=text, encoding="utf-8", sha256="0",
                text_source=TextSource.HTML, blocks=tuple(blocks))


PARK = [
    (R.KICKER, "城区民生"),
    (R.HEADLINE, "城区新建公园开放"),
    (R.BYLINE, "作者：张三"),
    (R.PARAGRAPH, "城区新建的湖畔公园正式开放。"),
    (R.SUBHEADING, "新增步道"),
    (R.PARAGRAPH, "公园新增步道两公里"),  # no end punctuation: a paragraph all the same
    (R.PARAGRAPH, "夜市恢复营业"),  # headline-shaped, but the layout says paragraph
    (R.CAPTION, "市民在公园散步。 记者 甲 摄"),
]
MARKET = [(R.HEADLINE, "老街夜市恢复营业"), (R.PARAGRAPH, "本报讯（记者 乙）老街夜市恢复营业。")]


def test_story_blocks_are_the_stories_and_what_lies_outside_them_is_not():
    nav = (R.FURNITURE, "首页 新闻 视频")
    stories = segment(laid_out(nav, PARK, MARKET, (R.PARAGRAPH, "相关新闻：城区举办读书节。")))
    assert [(s.kicker, s.title, s.byline) for s in stories] == [
        ("城区民生", "城区新建公园开放", "作者：张三"), (None, "老街夜市恢复营业", "本报讯（记者 乙）")]
    assert stories[0].text == "作者：张三\n城区新建的湖畔公园正式开放。\n新增步道\n公园新增步道两公里\n夜市恢复营业\n市民在公园散步。 记者 甲 摄"
    assert stories[0].joins == ()  # a break between two blocks is never a layout accident


def test_one_story_block_stays_one_story_whatever_its_lines_look_like():
    inside = [(R.HEADLINE, "城区新建公园开放"), (R.PARAGRAPH, "公园开放。"), (R.PARAGRAPH, "老街夜市恢复营业"),
              (R.PARAGRAPH, "本报讯（记者 乙）老街夜市恢复营业。")]
    [story] = segment(laid_out(inside))
    assert story.title == "城区新建公园开放"


def test_headline_blocks_open_stories_and_sub_headings_never_do():
    page_ = laid_out(*PARK, *MARKET, story_blocks=False)
    stories = segment(page_)
    assert [(s.kicker, s.title) for s in stories] == [("城区民生", "城区新建公园开放"), (None, "老街夜市恢复营业")]
    assert stories[0].text.endswith("市民在公园散步。 记者 甲 摄")


def test_a_sub_heading_over_a_byline_opens_no_story():
    pieces = [(R.PARAGRAPH, "城区新建公园开放"), (R.PARAGRAPH, "本报讯（记者 甲）公园开放。"),
              (R.SUBHEADING, "夜市恢复营业"), (R.PARAGRAPH, "本报讯（记者 乙）夜市恢复营业。")]
    assert len(segment(laid_out(*pieces, story_blocks=False))) == 1


_ROLES = st.sampled_from([r for r in BlockRole if r is not BlockRole.STORY])
_LINES = st.sampled_from(["城区新建公园开放", "本报讯（记者 甲）公园开放。", "公园新增步道两公里", "记者 甲 摄", "责任编辑：乙",
                          "●提醒", "5月23日，会议召开。", "", "  ", "## 标题"]) | st.text(max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.tuples(_ROLES, _LINES), min_size=1, max_size=5) | st.tuples(_ROLES, _LINES), max_size=6),
       st.booleans())
def test_laid_out_pages_give_verbatim_stories(items, story_blocks):
    page_ = laid_out(*items, story_blocks=story_blocks)
    for story in segment(page_):
        rebuilt, cursor = [], 0
        for at, removed in story.joins:
            rebuilt += [story.text[cursor:at], removed]
            cursor = at
        rebuilt.append(story.text[cursor:])
        assert "".join(rebuilt) == page_.text[story.page_start : story.page_end]
        assert story.title


def test_markdown_emphasis_marks_are_not_article_text_and_offsets_map_back(tmp_path):
    from index.ingest import parse_file

    page = tmp_path / "x.md"
    raw = "# 河口镇召开安全生产会议\n\n**本报讯**（记者 甲乙）5月20日，河口镇召开**安全生产**工作会议。\n\n会议要求，各村落实责任。\n"
    page.write_text(raw, encoding="utf-8")
    [article] = parse_file(page)
    assert article.text == "本报讯（记者 甲乙）5月20日，河口镇召开安全生产工作会议。\n\n会议要求，各村落实责任。"
    for word in ("本报讯", "安全生产工作", "各村"):  # the second spans a removed mark
        at = article.text.index(word)
        assert "".join(raw[article.page_offset(i)] for i in range(at, at + len(word))) == word
    # a lone mark is printed text, kept as it stands
    page.write_text("标题\n\n本报讯 价格 5**2 元。\n", encoding="utf-8")
    [article] = parse_file(page)
    assert "5**2" in article.text
