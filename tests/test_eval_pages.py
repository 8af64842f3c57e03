"""`newsqa eval-pages`: labelled pages scored for segmentation and dates (pages written here)."""

from __future__ import annotations

import json

import pytest

from eval.pages import LabelError, evaluate_files, load_labels, summarize, summary_markdown

# two short pages of our own, named like inews pages: one story under sub-headings, and a digest
ONE_STORY = (
    "城区反诈中心一年破案百余起\n\n"
    "2018-05-14 08:32 来源：城区新闻网\n"
    "城区反诈中心成立一年来，共破获电信诈骗案件百余起。\n"
    "●破获案件\n"
    "中心民警介绍，今年共抓获嫌疑人三十余名。\n"
    "●提醒\n"
    "民警提醒市民，接到陌生来电要多分析、多询问。\n"
)
DIGEST = (
    "早间新闻\n"
    "城区新建公园开放\n"
    "本报讯（记者 甲）5月13日，城区新建的湖畔公园正式开放。\n"
    "老街夜市恢复营业\n"
    "本报讯（记者 乙）5月12日，老街夜市恢复营业，摊位八十个。\n"
)
LABELS = [
    {"page": "inews-dev-00001.txt", "stories": 1, "story_starts": [0], "titles": [0], "date": "2018-05-14",
     "date_inferable": None},
    {"page": "inews-dev-00002.txt", "stories": 2, "story_starts": [0, 3], "titles": [1, 3], "date": None,
     "date_inferable": None},
]


@pytest.fixture
def files(tmp_path):
    paths = {"inews-dev-00001.txt": ONE_STORY, "inews-dev-00002.txt": DIGEST}
    for name, text in paths.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in LABELS), encoding="utf-8")
    return labels, {name: tmp_path / name for name in paths}


def test_pages_are_scored_against_their_labels(files):
    labels, pages = files
    results = evaluate_files(load_labels(labels), pages)
    one, digest = results
    assert [s.start_line for s in one.found] == [0] and one.count_right
    assert one.found[0].date == "2018-05-14" and not one.found[0].inferred  # the page's own time stamp
    # the digest's section head (line 0) sits right over the first story's headline: its kicker
    assert [(s.start_line, s.title_line) for s in digest.found] == [(0, 1), (3, 3)] and digest.starts_right
    summary = summarize(results)
    assert summary["single_story_kept_whole"] == {"count": 1, "of": 1, "share": 1.0}
    assert summary["multi_story_split_right"] == {"count": 1, "of": 1, "share": 1.0}
    assert summary["titles_right"] == {"count": 3, "of": 3, "share": 1.0}
    assert summary["stated_date_right"] == {"count": 1, "of": 1, "share": 1.0}
    # the digest's datelines are month-days of two stories, with no year anywhere: no date
    assert summary["articles_dated_without_evidence"] == 0
    table = summary_markdown(summary, labels=labels)
    assert "| single-story pages kept whole | 1 / 1 | 1.000 |" in table


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "labels.jsonl line 1 is not JSON"),
        ('{"page": "inews-dev-00001.txt"}\n', "labels.jsonl line 1 lacks stories, story_starts, titles"),
        ('{"page": "x.txt", "stories": 1, "story_starts": [0], "titles": [0], "date": null, "date_inferable": null}\n',
         "names 'x.txt', which is not an inews page file name"),
        ("\n", "holds no labelled page"),
    ],
)
def test_a_bad_label_file_is_one_sentence(tmp_path, content, message):
    path = tmp_path / "labels.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LabelError, match=message):
        load_labels(path)


def test_the_command_reports_a_missing_label_file_in_one_line(tmp_path, capsys):
    from ui.cli import main

    assert main(["eval-pages", str(tmp_path / "none.jsonl")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "cannot be read" in err and "\n" not in err
