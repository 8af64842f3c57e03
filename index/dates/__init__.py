"""Dates: finding them in text (mentions), what a date stands for in its sentence (context),
datelines (datelines), dating a page (page; stamps for what a web page prints for itself; infer).
Nothing here knows a file format: a page's own metadata arrives on the `Page`, already read."""

from index.dates.context import DateRole, role
from index.dates.datelines import Dateline, find_dateline, opening, resolve_article_date
from index.dates.infer import infer_page_date
from index.dates.mentions import DateMention, find_dates
from index.dates.page import (
    file_name_date,
    is_page_furniture_date,
    labelled_date,
    parse_iso_date,
    printed_page_date,
    resolve_page_date,
    stated_page_date,
)

__all__ = [
    "DateMention",
    "DateRole",
    "Dateline",
    "file_name_date",
    "find_dateline",
    "find_dates",
    "infer_page_date",
    "is_page_furniture_date",
    "labelled_date",
    "opening",
    "parse_iso_date",
    "printed_page_date",
    "resolve_article_date",
    "resolve_page_date",
    "role",
    "stated_page_date",
]
