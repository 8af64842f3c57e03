"""Date mentions, page dates (sidecar → print → file name → inference) and article datelines."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from index.dates import Dateline, DateRole, find_dates, infer_page_date, resolve_article_date, resolve_page_date, role
from index.dates import stated_page_date
from index.ingest import date_of_page
from index.paths import BUNDLED_CORPUS
from index.reader import Page, PageMetadata, read_page
from index.records import ArticleDate, Precision

FIXTURES = Path(__file__).parent / "fixtures"


def page(text: str, name: str = "page.txt") -> Page:
    return Page(source=name, path=Path("/corpus") / name, text=text, encoding="utf-8", sha256="0")


def day(y, m, d, source):
    return ArticleDate(dt.date(y, m, d), Precision.DAY, source)


def month(y, m, source):
    return ArticleDate(dt.date(y, m, 1), Precision.MONTH, source)


def year(y, source):
    return ArticleDate(dt.date(y, 1, 1), Precision.YEAR, source)


# --- find_dates ---------------------------------------------------------------------------------


def test_find_dates_reads_every_shape():
    text = "2019 年 12 月 31 日上午，5月23日，2022年10月17日 星期一，2022年3月，2023年一季度，2022-10-17"
    found = [(m.year, m.month, m.day, m.weekday) for m in find_dates(text)]
    assert found == [
        (2019, 12, 31, None),
        (None, 5, 23, None),
        (2022, 10, 17, 0),
        (2022, 3, None, None),
        (2023, None, None, None),
        (2022, 10, 17, None),
    ]
    first = find_dates(text)[0]
    assert text[first.start : first.end] == "2019 年 12 月 31 日"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("3月28日8时至15时", [(None, 3, 28)]),
        ("2019年13月", [(2019, None, None)]),  # keeps the valid year of an impossible date
        ("2月30日", []),
        ("5000年", []),  # outside 1900–2100: a quantity, not a year
        ("12345年", []),
        ("2022.10.35", []),
        ("今年1至8月份，1.22亿元", []),
    ],
)
def test_find_dates_edge_cases(text, found):
    assert [(m.year, m.month, m.day) for m in find_dates(text)] == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("二〇二一年六月八日　星期二", [(2021, 6, 8, 1)]),
        ("二○二二年十月", [(2022, 10, None, None)]),
        ("十二月三十日，市领导走访", [(None, 12, 30, None)]),
        ("三月廿八日", [(None, 3, 28, None)]),
        ("2022年5月，十月一日起施行", [(2022, 5, None, None), (None, 10, 1, None)]),
        ("二〇二三年二月三十日", []),  # no such day
        ("一二三四年", []),  # outside 1900–2100
        ("十月份", []),  # a month alone is no date
    ],
)
def test_find_dates_reads_chinese_numerals(text, found):
    assert [(m.year, m.month, m.day, m.weekday) for m in find_dates(text)] == found


# --- page dates ---------------------------------------------------------------------------------


def test_sidecar_overrides_printed_date():
    text = "标题\n\n本报讯 (记者 甲) 6月3日，正文。\n\n2022年10月17日 星期一\n"
    assert resolve_page_date(page(text)) == day(2022, 10, 17, "page-print")
    assert resolve_page_date(page(text), sidecar={"date": "2021-06"}) == month(2021, 6, "sidecar")
    assert resolve_page_date(page(text), sidecar={"date": "2021"}) == year(2021, "sidecar")
    assert resolve_page_date(page(text), sidecar={"title": "no date"}) == day(2022, 10, 17, "page-print")


@pytest.mark.parametrize(
    "line",
    ["2019 年 12 月 31 日 星期二", "2019年12月31日", "周口日报  2019年12月31日  第7版", "2019年12月31日 周二"],
)
def test_printed_page_date_with_or_without_weekday(line):
    text = f"标题\n\n正文，2018年5月1日起施行。\n\n{line}\n"
    assert resolve_page_date(page(text)) == day(2019, 12, 31, "page-print")


def test_date_inside_a_sentence_is_not_the_page_date():
    text = "标题\n\n2022年5月20日，开发区组织开展直播活动。\n"
    assert stated_page_date(page(text)) is None
    # it is the story's dateline: the day of an event, and one story's alone dates no page
    assert date_of_page(page(text)) == ArticleDate.unknown()
    two = "标题\n\n本报讯 2022年5月20日，开发区组织开展直播活动。\n另一条消息\n本报讯 2022年5月22日，开发区召开会议。\n"
    assert date_of_page(page(two)) == month(2022, 5, "inferred")


@pytest.mark.parametrize("line", ["2017年10月29日凌晨", "2017年10月29日 下午", "2017年10月29日8时许"])
def test_date_with_a_time_of_day_is_an_event_not_the_page_date(line):
    assert stated_page_date(page(f"标题\n\n正文。\n{line}\n在路口发生一起事故。\n")) is None


def test_web_time_stamp_is_a_printed_date():
    assert stated_page_date(page("标题\n\n2018-05-14 08:32\n\n正文。\n")) == day(2018, 5, 14, "page-print")


def test_file_metadata_date_comes_after_the_sidecar_and_before_the_print():
    text = "标题\n\n正文。\n\n2022年10月17日 星期一\n"
    meta = replace(page(text), metadata=PageMetadata(date=day(2022, 10, 16, "html-meta")))
    assert resolve_page_date(meta) == day(2022, 10, 16, "html-meta")
    assert resolve_page_date(meta, sidecar={"date": "2022-10-15"}) == day(2022, 10, 15, "sidecar")


def test_weekday_that_matches_wins_over_a_bare_date_line():
    text = "2022年10月18日\n\n正文。\n\n2022年10月17日 星期一\n"
    assert resolve_page_date(page(text)) == day(2022, 10, 17, "page-print")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2022-10-17_p3.txt", day(2022, 10, 17, "file-name")),
        ("zkrb_20221017.txt", day(2022, 10, 17, "file-name")),
        ("周口日报2022年10月17日.txt", day(2022, 10, 17, "file-name")),
        ("zkrb-2022-03.txt", month(2022, 3, "file-name")),
        ("001_19064917b4d2d85a.txt", ArticleDate.unknown()),  # digits inside a hash are no date
    ],
)
def test_file_name_date(name, expected):
    assert resolve_page_date(page("标题\n\n正文没有日期。\n", name)) == expected


def test_folder_name_date():
    p = Page(source="a.txt", path=Path("/archive/2021-06-30/a.txt"), text="正文。", encoding="utf-8", sha256="0")
    assert resolve_page_date(p) == day(2021, 6, 30, "file-name")


def test_printed_date_beats_file_name():
    text = "正文。\n\n2022年10月17日 星期一\n"
    assert resolve_page_date(page(text, "2020-01-01.txt")) == day(2022, 10, 17, "page-print")


def test_missing_date_is_unknown():
    assert resolve_page_date(page("标题\n\n5月23日，开发区召开会议。\n")) == ArticleDate.unknown()


def datelines(*sentences: str) -> list[Dateline]:
    return [Dateline.of(s) for s in sentences]


@pytest.mark.parametrize(
    ("openings", "text", "expected"),
    [
        # month-day datelines take the year of a full dateline on the page; page = latest month
        (("5月17日，会议。", "2022年5月20日，活动。", "5月24日，会议。"), "", month(2022, 5, "inferred")),
        # a full date the text names as news, a month before the datelines, gives their year
        (("10月21日，会议。", "11月1日，会议。"), "新修改的法律已于2021年9月1日正式施行。", month(2021, 11, "inferred")),
        # ... placed in whichever year puts them nearest: December datelines, a January date
        (("12月28日，会议。", "12月30日，会议。"), "2022年1月3日，新规发布。", month(2021, 12, "inferred")),
        # full datelines only: the month when two fall in the latest one, else the year
        (("2019 年 12 月 18 日，颁奖。", "2019 年 12 月 31 日上午，健步走。"), "", month(2019, 12, "inferred")),
        (("2019 年 11 月 28 日，颁奖。", "2019 年 12 月 2 日上午，健步走。"), "", year(2019, "inferred")),
        # no full date: a year alone that the datelines' own sentences name
        (("3月16日，示范区召开2022年重大项目推进会。", "3月28日，会议。"), "", month(2022, 3, "inferred")),
    ],
)
def test_inference_from_datelines(openings, text, expected):
    assert infer_page_date(datelines(*openings), [*openings, text]) == expected


@pytest.mark.parametrize(
    ("openings", "text"),
    [
        ((), "到2049年建成。2022年重大项目储备工作。2018年的数据显示。"),  # no dateline: years alone say nothing
        (("2018年11月7日，警方抓获嫌疑人。",), ""),  # one story's dateline: an event, perhaps long before its report
        (("2019 年 3 月 18 日，颁奖。", "2019 年 12 月 31 日上午，健步走。"), ""),  # datelines that agree on no period
        (("5月26日，老兵们在山上植树。",), "他们的目标是到2049年种满整座山。"),  # a target
        (("5月26日，植树活动举行，目标是到2049年种满全山。",), ""),  # a target in the dateline's sentence
        (("5月26日，记者来到创办于1996年的儿童村。",), ""),  # a past event in the dateline's sentence
        (("5月30日，记者来到儿童村。",), "1996年5月26日，儿童村正式创办。"),  # a founding date nearby
        (("5月30日，记者来到儿童村。",), "自2012年5月1日起，村里实行新规。"),  # the start of a period
        (("5月30日，会议。",), "2018年11月3日，大桥通车。"),  # a full date months away from the datelines
        (("3月16日，部署2021年工作。", "3月20日，总结2022年工作。"), ""),  # years that disagree
        (("3月16日，部署2021—2025年工作。",), ""),  # a span of years
        (("12月10日上午，记者获悉，2017年6月，警方接到报案。",), ""),  # a year with a month: another event
    ],
)
def test_no_inference_without_evidence(openings, text):
    assert infer_page_date(datelines(*openings), [*openings, text]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("到2049年", DateRole.TARGET),
        ("2025年前完成", DateRole.TARGET),
        ("计划于2023年开工", DateRole.TARGET),
        ("2021年工作计划", DateRole.TARGET),
        ("创办于1996年", DateRole.PAST),
        ("2012年以来", DateRole.PAST),
        ("自2019年起", DateRole.PAST),
        ("1996年创办", DateRole.PAST),
        ("截至11月1日", DateRole.CUTOFF),
        ("2016—2020年", DateRole.RANGE),
        ("5月23日，开发区召开会议", DateRole.NEWS),
        ("5月23日正式成立", DateRole.NEWS),  # a founding the story reports, not one it recounts
        ("已于2021年9月1日正式施行", DateRole.NEWS),
    ],
)
def test_role_of_a_date_in_its_sentence(text, expected):
    assert role(text, find_dates(text)[-1]) == expected


# --- article dates ------------------------------------------------------------------------------


def dl(text: str) -> Dateline:
    return Dateline.of(text)


def test_december_dateline_on_a_january_page_is_last_year():
    jan = day(2023, 1, 4, "page-print")
    assert resolve_article_date(dl("12月30日"), jan) == day(2022, 12, 30, "dateline+page-print")
    assert resolve_article_date(dl("1月3日"), jan) == day(2023, 1, 3, "dateline+page-print")


def test_dateline_far_after_the_page_month_is_last_year():
    june = month(2022, 6, "sidecar")
    assert resolve_article_date(dl("11月2日"), june) == day(2021, 11, 2, "dateline+sidecar")
    assert resolve_article_date(dl("6月30日"), june) == day(2022, 6, 30, "dateline+sidecar")


def test_dateline_on_month_and_year_pages():
    march = month(2022, 3, "inferred")
    assert resolve_article_date(dl("3月16日"), march) == day(2022, 3, 16, "dateline+inferred-year")
    assert resolve_article_date(dl("12月1日"), year(2019, "inferred")) == day(2019, 12, 1, "dateline+inferred-year")


def test_article_without_dateline_takes_the_page_date_at_its_precision():
    march = month(2022, 3, "inferred")
    assert resolve_article_date(None, march) == march
    assert Dateline.of("近日") is None


def test_full_dateline_is_taken_as_printed():
    assert resolve_article_date(dl("2019 年 12 月 19 日"), day(2019, 12, 20, "page-print")) == day(2019, 12, 19, "dateline")
    # on a page that states no date, the day the story reports is its publication date only by inference
    assert resolve_article_date(dl("2019 年 12 月 19 日"), month(2019, 12, "inferred")) == day(2019, 12, 19, "dateline+inferred")
    assert resolve_article_date(dl("2019 年 12 月 19 日"), ArticleDate.unknown()) == ArticleDate.unknown()


def test_dateline_without_any_year_stays_unknown():
    assert resolve_article_date(dl("5月23日"), ArticleDate.unknown()) == ArticleDate.unknown()
    assert resolve_article_date(dl("2月29日"), year(2021, "inferred")) == year(2021, "inferred")


# --- the bundled corpus -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("000_23030f2446925dce", month(2022, 5, "inferred")),  # 5月17–24日 datelines + 2022年5月20日
        ("001_19064917b4d2d85a", month(2021, 11, "inferred")),  # 10–11月 datelines after 2021年9月1日
        ("002_7a6c6d4802af1dea", day(2022, 10, 17, "page-print")),  # footer 2022年10月17日 星期一
        ("003_e99b61bfbcb1de75", month(2019, 12, "inferred")),  # 2019 年 12 月 18–31 日
        ("004_ee1bfada88838ace", month(2022, 3, "inferred")),  # 3月 datelines, 2022年 named
    ],
)
def test_bundled_page_dates(stem, expected):
    assert date_of_page(read_page(BUNDLED_CORPUS / f"{stem}.txt")) == expected


def test_file_name_fixture_rolls_a_december_dateline_back():
    fixture = read_page(FIXTURES / "pages" / "2023-01-04_城区新闻.txt")
    page_date = resolve_page_date(fixture)
    assert page_date == day(2023, 1, 4, "file-name")
    assert resolve_article_date(dl("12月30日"), page_date) == day(2022, 12, 30, "dateline+file-name")


# --- what a reader is shown ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "zh", "en", "inferred"),
    [
        (day(2022, 5, 23, "dateline+page-print"), "2022-05-23", "2022-05-23", False),
        (month(2022, 5, "sidecar"), "2022年5月", "May 2022", False),
        (year(2022, "file-name"), "2022年", "2022", False),
        (year(2018, "inferred"), "约2018年", "about 2018", True),
        (month(2019, 12, "inferred"), "约2019年12月", "about December 2019", True),
        (day(2021, 10, 25, "dateline+inferred-year"), "约2021-10-25", "about 2021-10-25", True),
        (ArticleDate.unknown(), "日期不详", "date unknown", False),
    ],
)
def test_a_date_is_shown_with_its_precision_and_an_inference_says_so(date, zh, en, inferred):
    assert (date.label("zh"), date.label("en"), date.inferred) == (zh, en, inferred)
    assert ArticleDate.from_json(date.to_json()) == date


# --- what a web page prints for itself -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("标题\n\n2018-05-14 08:32 来源：城区新闻网\n正文。\n", day(2018, 5, 14, "page-print")),
        ("标题\n\n2017-11-1709:07:21来源:城区网城区网讯 正文。\n", day(2017, 11, 17, "page-print")),  # glued
        ("标题\n\n时间:2017/11/1414:57:14作者:甲来源:互联网\n", day(2017, 11, 14, "page-print")),
        ("标题\n\n来源：城区日报 2018年12月13日 第七版\n正文。\n", day(2018, 12, 13, "page-print")),
        ("标题\n\n城区网（微信号：chengqu）2019年2月9日：在新的一年里，正文。\n", day(2019, 2, 9, "page-print")),
        ("标题\n\n正文。\nhttp://epaper.example.cn/rb/20190215/t20190215_1.htm\n", day(2019, 2, 15, "url")),
        ("标题\n\n正文。\nhttp://court.example.cn/article/detail/2018/12/id/36.shtml\n", month(2018, 12, "url")),
    ],
)
def test_a_web_page_dates_itself_by_its_time_stamp_credit_or_address(text, expected):
    assert stated_page_date(page(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "标题\n\n正文。\n2015-7-28 10:57 上传\n",  # an attachment's upload
        "标题\n\n本帖最后由 甲 于 2015-7-15 10:42 编辑\n正文。\n",  # a post's last edit
        "标题\n\n投标截止时间延期至2017年8月28日16:00。\n",  # a deadline
        "标题\n\n" + "正文。" * 120 + "\n据报道，2017年03月12日09:13，人民网发文。\n",  # quoted in a sentence, past the head
        "标题\n\n" + "正文。" * 120 + "\n最新\n2018-12-12 05:05\n2018-12-13 07:10\n",  # a list's stamps that disagree
        "标题\n\n正文。\nhttp://a.example.cn/20190215/1.htm\nhttp://b.example.cn/20181101/2.htm\n",  # addresses that disagree
        "标题\n\n2018年5月3日：张某报警。\n",  # a chronology, not a credit
    ],
)
def test_dates_a_web_page_prints_for_other_things_do_not_date_it(text):
    assert stated_page_date(page(text)) is None
