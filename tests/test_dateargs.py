"""Date bounds typed by users: a period's first day for `since`, its last day for `until`."""

from __future__ import annotations

import datetime as dt

import pytest

from index.dateargs import DateArgumentError, parse_date_bound, parse_date_range


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2022", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
        ("2022-02", dt.date(2022, 2, 1), dt.date(2022, 2, 28)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2022-05-20", dt.date(2022, 5, 20), dt.date(2022, 5, 20)),
        (" 2022/5/2 ", dt.date(2022, 5, 2), dt.date(2022, 5, 2)),
        ("2019年12月", dt.date(2019, 12, 1), dt.date(2019, 12, 31)),
        ("2019年12月18日", dt.date(2019, 12, 18), dt.date(2019, 12, 18)),
    ],
)
def test_a_bound_covers_the_whole_period(text, first, last):
    assert parse_date_bound(text, end=False) == first
    assert parse_date_bound(text, end=True) == last


@pytest.mark.parametrize("text", ["", "22", "May 2022", "2022-13", "2022-02-30", "2022-05-20T10:00"])
def test_bad_bounds_are_one_sentence(text):
    with pytest.raises(DateArgumentError) as raised:
        parse_date_bound(text, end=False)
    message = str(raised.value)
    assert message.endswith(".") and "\n" not in message


def test_range_is_open_ended_and_ordered():
    assert parse_date_range(None, "2022-05") == (None, dt.date(2022, 5, 31))
    assert parse_date_range("2022-05", "2022-05") == (dt.date(2022, 5, 1), dt.date(2022, 5, 31))
    with pytest.raises(DateArgumentError, match="after"):
        parse_date_range("2023", "2022")
