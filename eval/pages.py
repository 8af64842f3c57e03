"""Segmentation and dates measured on hand-labelled real pages (`eval/data/pages/*.jsonl`).

Each label names an inews page by file name and says, by 0-based line number of the page file, how
many stories it holds, where each starts and which line is its title, and what date the page
states (`date`) or only lets one infer (`date_inferable`). The pages are written from the
installed package (their text is not in the repository), read and split by the product exactly
as `newsqa index` would, and compared with the labels:

- single-story pages kept whole: one article, nothing split off;
- multi-story pages split right: as many articles as stories, starting on the labelled lines;
- titles right: a labelled title line is the line the article's headline came from;
- dates: no article dated on a page with no date evidence at all; the stated date found where the
  page states one; on pages without a stated date, every date shown marked as an inference.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from eval import inews
from index.errors import NewsQAError

#: the labels tuning may read; the test labels are for reporting only
DEV_LABELS = Path(__file__).parent / "data" / "pages" / "inews-pages-dev.jsonl"
_REQUIRED = ("page", "stories", "story_starts", "titles", "date", "date_inferable")
# a story's own dateline may be a few days before the date its page states
_DATELINE_LEAD_DAYS = 7


class LabelError(NewsQAError):
    """A label file that cannot be read as labelled pages."""


@dataclass(frozen=True)
class PageLabel:
    page: str
    stories: int
    story_starts: tuple[int, ...]
    titles: tuple[int | None, ...]
    date: str | None
    date_inferable: str | None


@dataclass(frozen=True)
class FoundStory:
    start_line: int  # the first line of its head (kicker, headline) or text
    title_line: int | None  # the line its headline came from, if printed
    date: str | None
    date_source: str
    inferred: bool


@dataclass(frozen=True)
class PageResult:
    label: PageLabel
    found: tuple[FoundStory, ...]

    @property
    def count_right(self) -> bool:
        return len(self.found) == self.label.stories

    @property
    def starts_right(self) -> bool:
        return self.count_right and tuple(s.start_line for s in self.found) == self.label.story_starts

    def titles_right(self) -> tuple[int, int]:
        """(labelled titles found on their line, labelled titles), matching stories by start line."""
        by_start = {s.start_line: s for s in self.found}
        wanted = [(start, title) for start, title in zip(self.label.story_starts, self.label.titles) if title is not None]
        right = sum(1 for start, title in wanted if start in by_start and by_start[start].title_line == title)
        return right, len(wanted)


def load_labels(path: Path) -> list[PageLabel]:
    """The labelled pages of a JSONL file; LabelError naming the first bad line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise LabelError(f"{path}: the label file cannot be read ({error.strerror or error}).") from None
    labels = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            labels.append(_label(line, where=f"{path.name} line {number}"))
    if not labels:
        raise LabelError(f"{path}: the label file holds no labelled page.")
    return labels


def _label(line: str, *, where: str) -> PageLabel:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise LabelError(f"{where} is not JSON ({error.msg}).") from None
    missing = [key for key in _REQUIRED if not isinstance(row, dict) or key not in row]
    if missing:
        raise LabelError(f"{where} lacks {', '.join(missing)}.")
    if inews.parse_file_name(row["page"]) is None:
        raise LabelError(f"{where} names {row['page']!r}, which is not an inews page file name.")
    return PageLabel(
        page=row["page"], stories=int(row["stories"]), story_starts=tuple(row["story_starts"]),
        titles=tuple(row["titles"]), date=row["date"], date_inferable=row["date_inferable"],
    )  # fmt: skip


def evaluate(labels: Sequence[PageLabel], directory: Path) -> list[PageResult]:
    """Write the labelled pages under `directory` from the inews package and evaluate them."""
    paths = inews.write_pages(inews.articles_named([label.page for label in labels]), directory)
    return evaluate_files(labels, {path.name: path for path in paths})


def evaluate_files(labels: Sequence[PageLabel], files: Mapping[str, Path]) -> list[PageResult]:
    """Ingest each labelled page file as `newsqa index` does and pair what was found with its
    label; `files` maps page names to files."""
    from index.formats.records import with_front_matter
    from index.ingest import split_page
    from index.reader import read_page
    from index.segment import segment

    results = []
    for label in labels:
        page = read_page(files[label.page])
        stories = segment(with_front_matter(page))
        articles = split_page(page)
        results.append(PageResult(label, tuple(_found(page.text, s, a) for s, a in zip(stories, articles, strict=True))))
    return results


def _found(text: str, story, article) -> FoundStory:
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    line_of = lambda offset: bisect_right(line_starts, offset) - 1  # noqa: E731
    head = story.head_start if story.head_start is not None else story.page_start
    return FoundStory(
        start_line=line_of(head),
        title_line=line_of(story.title_start) if story.title_start is not None else None,
        date=article.date.iso(),
        date_source=article.date.source,
        inferred=article.date.inferred,
    )


# --- figures -------------------------------------------------------------------------------------


def summarize(results: Sequence[PageResult]) -> dict:
    """The figures of a run, as one JSON-ready object."""
    single = [r for r in results if r.label.stories == 1]
    multi = [r for r in results if r.label.stories > 1]
    titles = [r.titles_right() for r in results]
    return {
        "pages": len(results),
        "single_story_pages": len(single),
        "single_story_kept_whole": _share(sum(r.count_right for r in single), len(single)),
        "multi_story_pages": len(multi),
        "multi_story_count_right": _share(sum(r.count_right for r in multi), len(multi)),
        "multi_story_split_right": _share(sum(r.starts_right for r in multi), len(multi)),
        "titles_right": _share(sum(t[0] for t in titles), sum(t[1] for t in titles)),
        **_date_figures(results),
    }


def _date_figures(results: Sequence[PageResult]) -> dict:
    no_evidence = [r for r in results if r.label.date is None and r.label.date_inferable is None]
    stated = [r for r in results if r.label.date is not None]
    inferable = [r for r in results if r.label.date is None and r.label.date_inferable is not None]
    unstated_shown = [s for r in results if r.label.date is None for s in r.found if s.date is not None]
    inferable_shown = [(r, s) for r in inferable for s in r.found if s.date is not None]
    return {
        "no_evidence_pages": len(no_evidence),
        "articles_dated_without_evidence": sum(1 for r in no_evidence for s in r.found if s.date is not None),
        "stated_date_pages": len(stated),
        "stated_date_right": _share(sum(_stated_right(r) for r in stated), len(stated)),
        "inferable_date_pages": len(inferable),
        "inferable_pages_dated": _share(sum(any(s.date for s in r.found) for r in inferable), len(inferable)),
        "inferred_dates_agreeing": _share(sum(_agrees(s.date, r.label.date_inferable) for r, s in inferable_shown),
                                          len(inferable_shown)),
        "unstated_dates_shown": len(unstated_shown),
        "unstated_dates_marked_inferred": _share(sum(s.inferred for s in unstated_shown), len(unstated_shown)),
    }  # fmt: skip


def _stated_right(result: PageResult) -> bool:
    """The page's first story carries the stated date, not as an inference (or its own dateline
    a few days before it)."""
    if not result.found:
        return False
    first, wanted = result.found[0], result.label.date
    if first.date is None or first.inferred:
        return False
    if first.date == wanted:
        return True
    return first.date_source.startswith("dateline+") and _days_before(first.date, wanted)


def _days_before(found: str, wanted: str) -> bool:
    import datetime as dt

    if len(found) != 10 or len(wanted) != 10:
        return found.startswith(wanted)
    gap = dt.date.fromisoformat(wanted) - dt.date.fromisoformat(found)
    return 0 <= gap.days <= _DATELINE_LEAD_DAYS


def _agrees(found: str, wanted: str) -> bool:
    """One date is the other at a coarser precision: "2018" agrees with "2018-05-23"."""
    return found.startswith(wanted) or wanted.startswith(found)


def _share(count: int, total: int) -> dict:
    return {"count": count, "of": total, "share": round(count / total, 3) if total else None}


# --- the report ----------------------------------------------------------------------------------


def write_report(results: Sequence[PageResult], summary: dict, directory: Path, *, labels: Path) -> list[Path]:
    """summary.json, summary.md and pages.jsonl (what was found on each page, beside its label)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / "summary.json", directory / "summary.md", directory / "pages.jsonl"]
    written[0].write_text(json.dumps({"labels": str(labels), **summary}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written[1].write_text(summary_markdown(summary, labels=labels), encoding="utf-8")
    with written[2].open("w", encoding="utf-8") as out:
        for result in results:
            row = {"label": asdict(result.label), "found": [asdict(s) for s in result.found],
                   "count_right": result.count_right, "starts_right": result.starts_right}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return written


_ROWS = (
    ("single_story_kept_whole", "single-story pages kept whole"),
    ("multi_story_count_right", "multi-story pages: story count right"),
    ("multi_story_split_right", "multi-story pages: split right (count and starts)"),
    ("titles_right", "titles on their labelled line"),
    ("stated_date_right", "pages stating a date: that date found"),
    ("inferable_pages_dated", "pages with an inferable date only: dated"),
    ("inferred_dates_agreeing", "… dates shown there agreeing with the label"),
    ("unstated_dates_marked_inferred", "dates shown on pages stating none: marked inferred"),
)


def summary_markdown(summary: dict, *, labels: Path) -> str:
    lines = [f"# Segmentation and dates on {Path(labels).name} ({summary['pages']} pages)", "",
             "| measure | count | share |", "|---|---:|---:|"]
    for key, name in _ROWS:
        figure = summary[key]
        share = "–" if figure["share"] is None else f"{figure['share']:.3f}"
        lines.append(f"| {name} | {figure['count']} / {figure['of']} | {share} |")
    lines.append(f"| articles dated on pages with no date evidence (target 0) | "
                 f"{summary['articles_dated_without_evidence']} (on {summary['no_evidence_pages']} pages) | |")
    return "\n".join(lines) + "\n"
