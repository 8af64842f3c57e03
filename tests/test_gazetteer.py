"""index.gazetteer on names from provinces no bundled page mentions (贵州, 新疆, 吉林, 内蒙古, 江苏,
广西, 四川, 云南) and words that only look like places."""

from __future__ import annotations

import pytest

from index.gazetteer import Level, admin_divisions_in, divisions, divisions_named, is_admin_division
from index.paths import BUNDLED_CORPUS
from index.reader import iter_corpus_files

UNSEEN = [
    "贵州省", "贵州", "黔东南苗族侗族自治州", "黔东南", "凯里市",  # Guizhou
    "新疆维吾尔自治区", "新疆", "喀什地区", "喀什",  # Xinjiang
    "延边朝鲜族自治州", "延边", "珲春市",  # Jilin
    "鄂尔多斯市", "鄂尔多斯", "准格尔旗",  # Inner Mongolia
    "昆山市", "昆山", "苏州市",  # Jiangsu
    "广西壮族自治区", "广西", "桂林市",  # Guangxi
    "成都市", "锦江区", "天府新区",  # Sichuan
    "大理白族自治州", "大理",  # Yunnan
    "许昌市", "许昌", "海淀区", "嘉定",  # a city, a district and a district's short form
]


def test_the_names_are_from_no_bundled_page():
    pages = "".join(p.read_text(encoding="utf-8") for p in iter_corpus_files([BUNDLED_CORPUS]))
    assert not [name for name in UNSEEN if name in pages]


@pytest.mark.parametrize("name", UNSEEN)
def test_full_names_and_short_forms_of_divisions_are_places(name):
    assert is_admin_division(name)


def test_traditional_characters_and_spaces_around_are_the_same_name():
    assert is_admin_division("許昌市") and is_admin_division(" 黔東南 ")


@pytest.mark.parametrize(
    "word",
    [
        "郑东新区", "雄安新区",  # named areas, not divisions: recognised by their form, elsewhere
        "高新区", "经开区", "新区", "管理区",  # kinds of unit, given to dozens of zones
        "城区", "郊区",  # district names that are ordinary words for any town's parts
        "公安", "合作", "港口", "友好",  # short forms of counties that are ordinary words first
        "长江", "人民", "许", "",
    ],
)
def test_kinds_ordinary_words_and_named_areas_are_not_divisions(word):
    assert not is_admin_division(word)


def test_divisions_are_found_in_running_text_longest_first():
    text = "河南省许昌市和浙江义乌市的干部到北京市海淀区学习，公安部门合作开展调研，延边朝鲜族自治州派员参加。"
    assert [text[a:b] for a, b in admin_divisions_in(text)] == [
        "河南省", "许昌市", "浙江", "义乌市", "北京市", "海淀区", "延边朝鲜族自治州",
    ]  # fmt: skip


def test_a_county_short_form_alone_is_not_taken_for_a_place_in_text():
    # 嘉定 is a district's short form, but in running text such forms collide with ordinary words
    assert admin_divisions_in("嘉定的新华书店在和平路") == []
    assert is_admin_division("嘉定")


def test_offsets_hold_in_traditional_text():
    text = "記者從許昌市獲悉"
    assert [text[a:b] for a, b in admin_divisions_in(text)] == ["許昌市"]


def test_a_name_shared_by_several_divisions_lists_them_all():
    named = divisions_named("朝阳")
    assert {(d.name, d.level) for d in named} == {("朝阳市", Level.CITY), ("朝阳区", Level.COUNTY)}
    assert len(named) == 3  # Beijing's and Changchun's districts, Liaoning's city
    assert {d.code for d in divisions_named("许昌市")} == {"411000"}


def test_every_province_is_there():
    provinces = [d for d in divisions() if d.level is Level.PROVINCE]
    assert len(provinces) == 34 and {"河南省", "西藏自治区", "香港特别行政区"} <= {d.name for d in provinces}
