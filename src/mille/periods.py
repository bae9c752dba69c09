"""Periods: what `--period`, `--before`, `--after` and `--compare` accept.

Accepted forms:

* ``2026-09`` — a calendar month; ``2026-Q3`` — a quarter; ``2026`` — a year;
* ``2026-09-14`` — one day; ``2026-09-01:2026-09-30`` — an inclusive range of days;
* named: ``last-month`` (the last complete month), ``this-month`` (month to date),
  ``last-quarter``, ``last-week`` (last complete Monday–Sunday week), ``yesterday``,
  ``last-N-days`` (e.g. ``last-30-days``, ending on the anchor day), ``ytd``.

Named periods are resolved against an *anchor* day, the *as-of date*: by default the last day
of data held in the workspace (not today), so a report of "last month" over last year's exports
still means something and the same command gives the same answer tomorrow; ``--as-of DATE`` sets
it. A resolved period keeps the name it was resolved from (:attr:`Period.relative`), so every
output can state both: ``last-month = 2026-10-01..2026-10-31, as of 2026-11-02``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from mille.errors import QueryError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?::|\.\.)(\d{4}-\d{2}-\d{2})$")
_LAST_N = re.compile(r"^last-(\d{1,4})-days?$")

NAMED = ("last-month", "this-month", "last-quarter", "last-week", "yesterday", "last-N-days", "ytd")
HINT = (
    "use YYYY-MM, YYYY-Qn, YYYY, YYYY-MM-DD, YYYY-MM-DD:YYYY-MM-DD, or one of "
    + ", ".join(NAMED)
)


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive range of days with the label the user gave it."""

    start: date
    end: date
    label: str
    relative: str | None = field(default=None, compare=False)  # e.g. "last-month", when named

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise QueryError(
                f"period `{self.label}` ends before it starts",
                hint="write the earlier day first: START:END",
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def shift_back(self) -> Period:
        """The period of the same shape immediately before this one."""
        if _is_month(self):
            start = _add_months(self.start, -1)
            return Period(start, _month_end(start), start.strftime("%Y-%m"))
        if _is_quarter(self):
            start = _add_months(self.start, -3)
            end = _month_end(_add_months(start, 2))
            return Period(start, end, f"{start.year}-Q{(start.month - 1) // 3 + 1}")
        end = self.start - timedelta(days=1)
        start = end - timedelta(days=self.days - 1)
        return Period(start, end, f"{start.isoformat()}:{end.isoformat()}")

    def year_before(self) -> Period:
        start = _add_years(self.start, -1)
        end = _month_end(_add_years(self.end, -1)) if _is_month(self) else _add_years(self.end, -1)
        return Period(start, end, f"{start.isoformat()}:{end.isoformat()}")

    def to_dict(self) -> dict[str, str]:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}

    def within(self, first: date | None, last: date | None) -> Period | None:
        """The days of this period inside ``first..last`` (the data held), or None when none are."""
        if first is None or last is None or self.end < first or self.start > last:
            return None
        start, end = max(self.start, first), min(self.end, last)
        return Period(start, end, f"{start.isoformat()}..{end.isoformat()}")

    def describe(self) -> str:
        """What the period means, dates included: ``last-month = 2026-10-01..2026-10-31``."""
        name = self.relative or self.label
        return f"{name} = {self.start.isoformat()}..{self.end.isoformat()}"


def parse_as_of(value: str | date | None) -> date | None:
    """``--as-of``: the day relative periods count back from (None: the last day of data)."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise QueryError(f"`{text}` is not a date", key="as_of", value=text, expected="YYYY-MM-DD",
                         hint="give the as-of day as YYYY-MM-DD, e.g. --as-of 2026-11-02") from None


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _is_month(p: Period) -> bool:
    return p.start.day == 1 and p.end == _month_end(p.start)


def _is_quarter(p: Period) -> bool:
    return (
        p.start.day == 1
        and p.start.month in (1, 4, 7, 10)
        and p.end == _month_end(_add_months(p.start, 2))
    )


def _iso(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise QueryError(f"`{label}` is not a valid date", expected="YYYY-MM-DD", hint=HINT) from None


def parse_period(text: str, *, anchor: date | None = None) -> Period:
    """Parse a period; named periods need ``anchor`` (the last day of data, normally)."""
    label = text.strip()
    if not label:
        raise QueryError("empty period", hint=HINT)
    if m := _RANGE.match(label):
        return Period(_iso(m[1], label), _iso(m[2], label), label)
    if m := _DAY.match(label):
        d = _iso(m[1], label)
        return Period(d, d, label)
    if m := _MONTH.match(label):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise QueryError(f"`{label}` has no month {month}", expected="YYYY-MM with MM 01..12")
        start = date(year, month, 1)
        return Period(start, _month_end(start), label)
    if m := _QUARTER.match(label):
        start = date(int(m[1]), 3 * (int(m[2]) - 1) + 1, 1)
        return Period(start, _month_end(_add_months(start, 2)), label.upper())
    if m := _YEAR.match(label):
        return Period(date(int(m[1]), 1, 1), date(int(m[1]), 12, 31), label)
    named = _named(label.lower(), anchor)
    return replace(named, relative=label.lower())


def _named(label: str, anchor: date | None) -> Period:
    known = _LAST_N.match(label) or label in NAMED
    if not known:
        raise QueryError(f"`{label}` is not a period mille understands", hint=HINT)
    if anchor is None:
        raise QueryError(
            f"`{label}` is relative, and there is no data to anchor it on",
            hint="ingest data first, or give explicit dates (YYYY-MM-DD:YYYY-MM-DD)",
        )
    if m := _LAST_N.match(label):
        n = int(m[1])
        if n < 1:
            raise QueryError("last-N-days needs N ≥ 1", value=label)
        return Period(anchor - timedelta(days=n - 1), anchor, label)
    if label == "yesterday":
        day = anchor - timedelta(days=1)
        return Period(day, day, label)
    if label == "this-month":
        return Period(anchor.replace(day=1), anchor, label)
    if label == "ytd":
        return Period(date(anchor.year, 1, 1), anchor, label)
    if label == "last-month":
        return last_complete_month(anchor)
    if label == "last-week":
        end = anchor - timedelta(days=(anchor.weekday() + 1) % 7) if anchor.weekday() != 6 else anchor
        return Period(end - timedelta(days=6), end, label)
    # last-quarter: the last quarter that is complete on the anchor day
    q_start = date(anchor.year, 3 * ((anchor.month - 1) // 3) + 1, 1)
    q_end = _month_end(_add_months(q_start, 2))
    if anchor != q_end:
        q_start = _add_months(q_start, -3)
        q_end = _month_end(_add_months(q_start, 2))
    return Period(q_start, q_end, f"{q_start.year}-Q{(q_start.month - 1) // 3 + 1}")


def last_complete_month(anchor: date) -> Period:
    """The latest calendar month that ends on or before ``anchor``."""
    start = anchor.replace(day=1) if anchor == _month_end(anchor) else _add_months(anchor.replace(day=1), -1)
    return Period(start, _month_end(start), start.strftime("%Y-%m"))


def comparison(period: Period, compare: str | None, *, anchor: date | None = None) -> Period | None:
    """Resolve ``--compare``: ``previous`` (same shape just before), ``year`` (a year earlier),
    ``none``, or any explicit period."""
    if compare is None or compare.lower() == "none":
        return None
    key = compare.lower()
    if key == "previous":
        return period.shift_back()
    if key in ("year", "yoy", "previous-year"):
        return period.year_before()
    return parse_period(compare, anchor=anchor)


def truncate(day: date, grain: str) -> date:
    """First day of ``day``'s bucket at ``grain`` (weeks start on Monday, ISO)."""
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if grain == "year":
        return date(day.year, 1, 1)
    raise QueryError(f"unknown grain `{grain}`", expected="day, week, month, quarter or year")


GRAINS = ("day", "week", "month", "quarter", "year")
