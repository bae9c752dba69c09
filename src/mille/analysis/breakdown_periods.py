"""What a report's periods mean against the data held: the as-of date, and days that do not exist.

Relative periods (``last-month``, ``last-30-days``…) count back from the *as-of date*: the last
day of data unless ``--as-of`` names another. A report states it with the resolved dates, and
says so whenever the days it compares are not all held — the data ends before the as-of date or
before the period ends (an *incomplete* period: "to 12 Nov"), or a compared period starts before
the first day of data or holds no rows. A sum over fewer days, or over none, must never read as
a fall to zero. A reported period with no data at all is an error (raised by the report).
"""

from __future__ import annotations

from datetime import date

from mille.periods import Period


def period_info(p: Period, first: date | None, last: date | None) -> dict:
    """A period for the Result: its dates, the name it was resolved from, and the days of it
    inside the data held (``data_start``..``data_end``; None when it holds none)."""
    held = p.within(first, last)
    return {
        "label": p.label, "start": p.start, "end": p.end, "relative": p.relative,
        "days": p.days,
        "data_start": held.start if held else None, "data_end": held.end if held else None,
        "days_held": held.days if held else 0,
        "incomplete": last is not None and p.start <= last < p.end,
        "before_data": first is not None and p.start < first <= p.end,
    }


def notes(
    current: Period,
    previous: Period | None,
    first: date | None,
    last: date | None,
    as_of: date,
    as_of_given: bool,
    previous_has_rows: bool,
    filtered: bool,
) -> list[str]:
    """Sentences for every day a report would otherwise leave unexplained."""
    out: list[str] = []
    if first is None or last is None:
        return out
    if as_of_given and as_of > last:
        gap = (as_of - last).days
        out.append(f"The data ends on {last}, {gap} day{'s' if gap != 1 else ''} before the as-of date {as_of}.")
    out += _gaps(current, first, last, "The period")
    if previous is None:
        return out
    if not previous_has_rows:
        held = previous.within(first, last)
        why = " matching the filter" if filtered and held else ""
        out.append(
            f"No data in the comparison period {previous.describe()}{why}: the workspace holds "
            f"{first}..{last}, so changes cannot be shown."
        )
        return out
    return out + _gaps(previous, first, last, "The comparison period")


def _gaps(p: Period, first: date, last: date, subject: str) -> list[str]:
    held = p.within(first, last)
    if held is None or held.days == p.days:
        return []
    reasons = []
    if p.start < first:
        reasons.append(f"starts before the first day of data ({first})")
    if p.end > last:
        reasons.append(f"ends after the last day of data ({last})")
    return [
        f"{subject} {p.describe()} {' and '.join(reasons)}: only {held.start}..{held.end} "
        f"({held.days} of {p.days} days) exist, and its figures cover those days alone."
    ]

