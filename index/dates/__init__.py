"""Dates: finding them in text (mentions), dating a page (page, infer) and dating an article from
its dateline (datelines). Nothing here knows a file format: a page's own metadata arrives on the
`Page`, already read."""

from index.dates.datelines import resolve_article_date
from index.dates.mentions import DateMention, find_dates
from index.dates.page import (
    file_name_date,
    is_page_furniture_date,
    labelled_date,
    parse_iso_date,
    printed_page_date,
    resolve_page_date,
)

__all__ = [
    "DateMention",
    "file_name_date",
    "find_dates",
    "is_page_furniture_date",
    "labelled_date",
    "parse_iso_date",
    "printed_page_date",
    "resolve_article_date",
    "resolve_page_date",
]
