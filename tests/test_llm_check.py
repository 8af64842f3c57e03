"""The checker's decisions one by one, and its catch rate on faults planted in real passages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from index.records import ArticleDate, Chunk, Precision
from qa.llm.check import check, find_dates, find_numbers, markers, split_sentences, written_in_chinese
from qa.llm.prompt import Passage
from qa.records import DropReason

DATE = ArticleDate(dt.date(2022, 5, 23), Precision.DAY, "dateline")
TEXT = ("本报讯（记者 王晨）5月20日，开发区召开项目推进会。开发区年度计划投资124亿元的23个省市重点项目已开工20个，"
        "完成投资86.9%。区长张明说：“项目是发展的生命线。”全区新增就业二十三人，总投资8.49亿元。")


def passage(text: str = TEXT, *, number: int = 1, title: str = "开发区项目建设提速", date: ArticleDate = DATE) -> Passage:
    chunk = Chunk(id=f"c{number}", article_id=f"a{number}", title=title, source="page.txt", date=date,
                  start=0, end=len(text), text=text)
    return Passage(number, chunk, 1.0)


def verdicts(answer: str, *passages: Passage):
    checked = check(answer, passages or (passage(),))
    return [s.text for s in checked.kept], [(d.reason, d.detail) for d in checked.dropped]


@pytest.mark.parametrize("sentence", [
    "开发区23个省市重点项目已开工20个[1]。",
    "已开工的重点项目有二十个，共二十三个[1]。",  # Chinese numerals read
    "计划投资1240000万元[1]。",  # 124亿元 in another scale
    "完成投资百分之八十六点九[1]。",
    "据2022年5月23日的报道，5月20日开发区召开了项目推进会[1]。",  # publication date and a date in the text
    "区长张明说：“项目是发展的生命线”[1]。",
    "Investment reached 12.4 billion yuan, 86.9% of it completed [1].",
    "开发区的项目推进会于2022年5月召开[1]。",
])
def test_supported_sentences_are_kept(sentence):
    kept, dropped = verdicts(sentence)
    assert kept == [sentence] and dropped == []


@pytest.mark.parametrize(("sentence", "reason", "detail"), [
    ("开发区重点项目已开工21个[1]。", DropReason.NUMBER, "21个"),
    ("计划投资125亿元[1]。", DropReason.NUMBER, "125亿元"),
    ("完成投资88.9%[1]。", DropReason.NUMBER, "88.9%"),
    ("Investment reached 12.5 billion yuan [1].", DropReason.NUMBER, "12.5 billion"),
    ("全区新增就业二十四人[1]。", DropReason.NUMBER, "二十四人"),
    ("推进会于5月21日召开[1]。", DropReason.DATE, "?-5-21"),
    ("推进会于2021年召开[1]。", DropReason.DATE, "2021-?-?"),
    ("开发区召开项目推进会[2]。", DropReason.MISSING_PASSAGE, "[2] names no passage (1–1 were given)"),
    ("开发区召开项目推进会[1][3]。", DropReason.MISSING_PASSAGE, "[3]"),
    ("区长张明说：“项目是发展的命脉”[1]。", DropReason.QUOTE, "项目是发展的命脉"),
    ("开发区召开项目推进会。", DropReason.NO_CITATION, "no [n] marker"),
    ("副区长李刚主持了推进会[1]。", DropReason.PERSON, "李刚"),
])
def test_each_kind_of_unsupported_sentence_is_dropped(sentence, reason, detail):
    kept, dropped = verdicts(sentence)
    assert kept == []
    [(got, why)] = dropped
    assert got is reason and why.startswith(detail)


def test_a_sentence_is_checked_against_the_passages_it_cites_only():
    other = passage("市里今年新建学校5所。", number=2, title="教育", date=DATE)
    kept, dropped = verdicts("开发区新建学校5所[1]。市里今年新建学校5所[2]。", passage(), other)
    assert kept == ["市里今年新建学校5所[2]。"] and dropped == [(DropReason.NUMBER, "5所")]


def test_sentences_markers_and_quotes_are_split_as_written():
    text = "他说：“开工了。很好！”[1] 已开工20个[1]。投资124亿元【1】。Growth was 86.9% [1, 2]. It rose 3.5 percent, i.e. a lot.[2]\n[3]"
    assert split_sentences(text) == ["他说：“开工了。很好！”[1]", "已开工20个[1]。", "投资124亿元【1】。",
                                     "Growth was 86.9% [1, 2].", "It rose 3.5 percent, i.e. a lot.[2][3]"]
    assert [markers(s) for s in split_sentences(text)] == [(1,), (1,), (1,), (1, 2), (2, 3)]


def test_numbers_and_dates_are_read_in_chinese_and_english():
    dates, rest = find_dates("2022年5月23日、5月20日、2022-10-17、May 3, 2021、2019年")
    assert [(d.year, d.month, d.day) for d in dates] == [(2022, 5, 23), (2022, 10, 17), (None, 5, 20), (2021, 5, 3), (2019, None, None)]
    assert not re.search(r"\d", rest)
    values = [v for _, v in find_numbers("二十三个项目、8.49亿元、431，970元、百分之五十、12.4 billion、一个目标、7")]
    assert values == [50.0, 23.0, 849000000.0, 431970.0, 12.4e9, 7.0]


def test_the_language_is_read_outside_quotes():
    assert written_in_chinese("报道说已开工20个[1]。") is True
    assert written_in_chinese("The report says “已开工20个项目” [1].") is False
    assert written_in_chinese("[1] 20") is None


# --- planted faults in real passages -------------------------------------------------------------


def _planted(fake_archive):
    """(good sentences, planted faults by kind) built from the bundled pages' chunks."""
    good, faults = [], {"number": [], "marker": [], "quote": []}
    for chunk in fake_archive.articles.all_chunks():
        p = Passage(1, chunk, 1.0)
        clauses = [c.strip() for c in re.split(r"[。！？；\n]", chunk.text)]
        clauses = [c for c in clauses if 8 <= len(c) <= 150 and "“" not in c and "”" not in c]
        if not clauses:
            continue
        clause = clauses[0]
        good.append((p, f"“{clause}”[1]。"))
        faults["marker"].append((p, f"{clause}[2]。"))
        middle = len(clause) // 2
        altered = clause[:middle] + ("甲" if clause[middle] != "甲" else "乙") + clause[middle + 1:]
        faults["quote"].append((p, f"“{altered}”[1]。"))
        for clause in clauses:
            numbers = [w for w, _ in find_numbers(find_dates(clause)[1]) if re.match(r"\d", w)]
            if not numbers:
                continue
            digits = re.match(r"\d+(?:\.\d+)?", numbers[0]).group()
            wrong = str(int(float(digits)) * 10 + 7)
            if wrong not in chunk.text:
                good.append((p, f"{clause}[1]。"))
                faults["number"].append((p, clause.replace(numbers[0], numbers[0].replace(digits, wrong, 1), 1) + "[1]。"))
                break
    return good, faults


def test_every_planted_fault_is_caught_and_no_verbatim_sentence_is_dropped(fake_archive):
    good, faults = _planted(fake_archive)
    assert len(good) >= 40 and all(len(v) >= 25 for v in faults.values()), {k: len(v) for k, v in faults.items()}
    wrongly_dropped = [s for p, s in good if check(s, (p,)).dropped]
    assert wrongly_dropped == []
    expected = {"number": {DropReason.NUMBER, DropReason.DATE}, "marker": {DropReason.MISSING_PASSAGE},
                "quote": {DropReason.QUOTE}}
    for kind, planted in faults.items():
        missed = [s for p, s in planted if [d.reason for d in check(s, (p,)).dropped][:1] not in ([r] for r in expected[kind])]
        assert missed == [], (kind, len(planted), missed[:3])
