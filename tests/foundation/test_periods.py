"""Periods: every accepted form, named periods anchored on the data, and the comparison rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mille.errors import QueryError
from mille.periods import comparison, last_complete_month, parse_period, truncate


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-09", date(2026, 9, 1), date(2026, 9, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-09-14", date(2026, 9, 14), date(2026, 9, 14)),
        ("2026-09-01:2026-09-15", date(2026, 9, 1), date(2026, 9, 15)),
        ("2026-09-01..2026-09-15", date(2026, 9, 1), date(2026, 9, 15)),
    ],
)
def test_explicit_forms(text: str, start: date, end: date) -> None:
    p = parse_period(text)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize(
    ("text", "anchor", "start", "end"),
    [
        ("last-month", date(2026, 10, 31), date(2026, 10, 1), date(2026, 10, 31)),
        ("last-month", date(2026, 11, 3), date(2026, 10, 1), date(2026, 10, 31)),
        ("this-month", date(2026, 11, 3), date(2026, 11, 1), date(2026, 11, 3)),
        ("last-30-days", date(2026, 10, 31), date(2026, 10, 2), date(2026, 10, 31)),
        ("yesterday", date(2026, 10, 31), date(2026, 10, 30), date(2026, 10, 30)),
        ("last-week", date(2026, 11, 4), date(2026, 10, 26), date(2026, 11, 1)),
        ("last-week", date(2026, 11, 1), date(2026, 10, 26), date(2026, 11, 1)),
        ("last-quarter", date(2026, 11, 4), date(2026, 7, 1), date(2026, 9, 30)),
        ("last-quarter", date(2026, 9, 30), date(2026, 7, 1), date(2026, 9, 30)),
        ("ytd", date(2026, 3, 2), date(2026, 1, 1), date(2026, 3, 2)),
    ],
)
def test_named_periods_are_relative_to_the_anchor(text: str, anchor: date, start: date, end: date) -> None:
    p = parse_period(text, anchor=anchor)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize("bad", ["2026-13", "2026-02-30", "sometime", "2026-09-10:2026-09-01", "", "last-0-days"])
def test_bad_periods_are_clear_errors(bad: str) -> None:
    with pytest.raises(QueryError):
        parse_period(bad, anchor=date(2026, 10, 31))


def test_named_period_without_data_says_so() -> None:
    with pytest.raises(QueryError, match="no data to anchor"):
        parse_period("last-month")


def test_comparisons() -> None:
    oct_ = parse_period("2026-10")
    assert comparison(oct_, "previous") == parse_period("2026-09")
    assert (comparison(oct_, "year").start, comparison(oct_, "year").end) == (date(2025, 10, 1), date(2025, 10, 31))
    assert comparison(oct_, "none") is None
    q = parse_period("2026-Q1")
    assert (q.shift_back().start, q.shift_back().end) == (date(2025, 10, 1), date(2025, 12, 31))
    r = parse_period("2026-10-11:2026-10-20")
    assert (r.shift_back().start, r.shift_back().end) == (date(2026, 10, 1), date(2026, 10, 10))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_last_complete_month_is_complete_and_latest(anchor: date) -> None:
    p = last_complete_month(anchor)
    assert p.start.day == 1 and p.end <= anchor
    assert (p.end + timedelta(days=1)).day == 1
    # The next month is not complete on the anchor day.
    nxt = p.end + timedelta(days=1)
    nxt_end = last_complete_month(date(nxt.year + (nxt.month == 12), nxt.month % 12 + 1, 1)).end
    assert nxt_end > anchor


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.sampled_from(["day", "week", "month", "quarter", "year"]))
def test_truncate_is_idempotent_and_not_after(day: date, grain: str) -> None:
    t = truncate(day, grain)
    assert t <= day and truncate(t, grain) == t


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(1, 400))
def test_shift_back_is_adjacent_and_same_length(start: date, length: int) -> None:
    p = parse_period(f"{start}:{start + timedelta(days=length - 1)}")
    b = p.shift_back()
    assert b.end + timedelta(days=1) == p.start
    if p.start.day != 1:
        assert b.days == p.days


def test_named_periods_keep_their_name_and_describe_themselves() -> None:
    from mille.periods import parse_as_of

    p = parse_period("last-month", anchor=date(2026, 11, 2))
    assert p.relative == "last-month" and p.label == "2026-10"
    assert p.describe() == "last-month = 2026-10-01..2026-10-31"
    assert parse_period("2026-10").relative is None
    assert parse_period("2026-10").describe() == "2026-10 = 2026-10-01..2026-10-31"
    assert p == parse_period("2026-10")  # the name does not change which days it is
    assert parse_as_of("2026-11-02") == date(2026, 11, 2) and parse_as_of(None) is None
    with pytest.raises(QueryError, match="not a date"):
        parse_as_of("2026-13-01")


def test_within_clips_to_the_days_held() -> None:
    p = parse_period("2026-10")
    held = p.within(date(2026, 10, 5), date(2026, 10, 12))
    assert held is not None and (held.start, held.end, held.days) == (date(2026, 10, 5), date(2026, 10, 12), 8)
    assert p.within(date(2026, 11, 1), date(2026, 11, 30)) is None
    assert p.within(None, None) is None
