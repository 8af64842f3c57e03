"""A page's publication date from what states it — or an inference that says it is one.

In order of trust:

1. the sidecar manifest entry (someone who knew wrote it down),
2. the file's own metadata (`Page.metadata.date`: HTML `<meta>`, PDF or DOCX properties, Markdown
   front matter), as its reader found it,
3. a date printed as page furniture ("2022年10月17日 星期一" on its own line, or with a weekday),
   or a web page's own time stamp or dated source credit ("2018-05-14 08:32", "来源：城区日报
   2018年12月13日": index/dates/stamps.py),
4. a date in the file name or its folder name ("2022-10-17", "20221017", "2022年10月17日"),
5. a date in the page's own web address, printed on it ("…/20190215/…"),
6. an inference from the stories' datelines (index/dates/infer.py), marked `inferred`.

Anything else leaves the page undated.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from index.dates.datelines import Dateline
from index.dates.infer import infer_page_date
from index.dates.mentions import DateMention, article_date, find_dates
from index.dates.stamps import credit_date, is_stamp, stamp_date, url_date
from index.reader import Page
from index.records import ArticleDate

# A printed page date shares its line only with other furniture (paper name, page number);
# clause punctuation means the date sits in a sentence.
_CLAUSE_PUNCT = re.compile(r"[，,。；;：:！？!?、]")
_FURNITURE_ROOM = 12
# a time of day after the date makes it an event's time ("2017年10月29日凌晨"), not the date
_TIME_OF_DAY = re.compile(r"^[ \t\u3000]*(?:凌晨|清晨|早上|早晨|上午|中午|午后|下午|傍晚|晚上|晚间|夜间|夜里|深夜|晚|夜|\d{1,2}[时点])")
_FILE_DATE_RES = (
    re.compile(r"(?<![0-9A-Za-z])(?P<y>\d{4})(?P<sep>[-_.]?)(?P<m>\d{2})(?P=sep)(?P<d>\d{2})(?![0-9A-Za-z])"),
    re.compile(r"(?<!\d)(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"),
    re.compile(r"(?<![0-9A-Za-z])(?P<y>\d{4})[-_.](?P<m>\d{1,2})(?![0-9A-Za-z]|[-_.]\d)"),
    re.compile(r"(?<!\d)(?P<y>\d{4})年(?P<m>\d{1,2})月(?!\d)"),
)
_EPOCH = dt.date(1970, 1, 1)  # what a site prints for an empty time stamp
_ISO_RE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_iso_date(value: object) -> ArticleDate | None:
    """A manifest date "YYYY-MM-DD" / "YYYY-MM" / "YYYY" as an ArticleDate; None if malformed."""
    if not isinstance(value, str):
        return None
    match = _ISO_RE.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    return article_date(year, month, day, source="sidecar")


def labelled_date(value: str, *, source: str) -> ArticleDate | None:
    """The date an export's label gives ("日期：2022-11-08", "date: 2022年11月8日 10:30",
    "date: 2022-11"), at the precision written; None when the value holds no date with a year."""
    for mention in find_dates(value):
        if mention.year is not None:
            return article_date(mention.year, mention.month, mention.day, source=source)
    words = value.split()
    iso = parse_iso_date(words[0]) if words else None
    return ArticleDate(iso.value, iso.precision, source) if iso else None


def resolve_page_date(
    page: Page, *, sidecar: dict | None = None, datelines: Sequence[Dateline] = (), openings: Sequence[str] = ()
) -> ArticleDate:
    """The page's date from the best evidence; `sidecar` is the page's manifest entry, if any;
    `datelines` and `openings` (each story's opening words) those of the page's stories, for an
    inference when nothing states the date."""
    return stated_page_date(page, sidecar=sidecar) or infer_page_date(datelines, openings) or ArticleDate.unknown()


def stated_page_date(page: Page, *, sidecar: dict | None = None) -> ArticleDate | None:
    """The date the sidecar, the file's metadata, the printed page (a printed date, a web page's
    time stamp), the file name or the page's own address gives."""
    metadata = page.metadata.date if isinstance(page.metadata.date, ArticleDate) else None
    return (
        parse_iso_date((sidecar or {}).get("date"))
        or (metadata if metadata is not None and metadata.iso() else None)
        or printed_page_date(page.text)
        or stamp_date(page.text)
        or credit_date(page.text)
        or file_name_date(page.path)
        or url_date(page.text)
    )


def is_page_furniture_date(line: str) -> bool:
    """True if `line` is a printed page date (a full date with at most a little furniture)."""
    return any(_is_printed(m, line) for m in find_dates(line))


def printed_page_date(text: str) -> ArticleDate | None:
    """A date printed as page furniture: a full date with a matching weekday, else on its own line.

    A date inside a sentence ("2022年5月20日，周口经济开发区组织…") reports an event, not the
    issue, so it is not a printed page date.
    """
    candidates = []
    for line_start, line in _lines_with_offsets(text):
        for mention in find_dates(line):
            if _is_printed(mention, line):
                candidates.append((_print_rank(mention), line_start + mention.start, mention))
    if not candidates:
        return None
    _, _, best = min(candidates, key=lambda c: (c[0], c[1]))
    return article_date(best.year, best.month, best.day, source="page-print")


def file_name_date(path: Path) -> ArticleDate | None:
    """A date in the file's name, else in its folder's name ("2022-10-17/page3.txt")."""
    for name in (Path(path).stem, Path(path).parent.name):
        for pattern in _FILE_DATE_RES:
            for match in pattern.finditer(name):
                groups = match.groupdict()
                day = int(groups["d"]) if groups.get("d") else None
                found = article_date(int(groups["y"]), int(groups["m"]), day, source="file-name")
                if found is not None:
                    return found
    return None


# --- printed page dates ------------------------------------------------------------------------


def _lines_with_offsets(text: str):
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def _is_printed(mention: DateMention, line: str) -> bool:
    if mention.year is None or mention.date() == _EPOCH:
        return False
    if _TIME_OF_DAY.match(line[mention.end :]) or is_stamp(line, mention.end):
        return False  # an event's time, or a machine's time stamp (index/dates/stamps.py)
    rest = (line[: mention.start] + line[mention.end :]).strip(" \t\u3000#*|｜")
    if not mention.is_full:
        return rest == ""  # a bare "2022年10月" line; with more text it is a sentence or a headline
    if _CLAUSE_PUNCT.search(rest):
        return False
    # a weekday marks a masthead or footer date; without one, only a little furniture may share
    # the line, or a headline that opens with a date would pass for the page date
    return mention.weekday is not None or len(rest) <= _FURNITURE_ROOM


def _print_rank(mention: DateMention) -> int:
    """Lower is better: a weekday that matches the date is the surest sign of a printed date."""
    if mention.is_full and mention.weekday is not None:
        return 0 if mention.date().weekday() == mention.weekday else 2
    return 1 if mention.is_full else 3
