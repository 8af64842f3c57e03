"""Folding for matching: width, digit spacing, whitespace, traditional characters."""

from __future__ import annotations

import pytest

from index.normalize import fold, to_simplified


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("2019 年 12 月 31 日", "2019年12月31日"),
        ("河南 5 星级产业集群", "河南5星级产业集群"),
        ("完成税收 8.49 亿元", "完成税收8.49亿元"),
        ("２０２２年５月", "2022年5月"),  # full-width digits
        ("本报讯（记者　王晨）", "本报讯(记者 王晨)"),  # full-width brackets and space
        ("干在实处  走在前列\n\n开发区", "干在实处 走在前列 开发区"),
        ("  5G 网络 ", "5G 网络"),  # a Latin letter keeps its space
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_is_idempotent():
    text = "２０１９ 年 12 月，開發區 “三個一批”"
    assert fold(fold(text)) == fold(text)


def test_to_simplified():
    assert to_simplified("開發區經濟穩步發展") == "开发区经济稳步发展"
    assert to_simplified("开发区 2022") == "开发区 2022"
