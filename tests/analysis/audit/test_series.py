"""The day-series machinery behind the gap checks, against brute force (Hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mille.analysis.audit.context import EPOCH
from mille.analysis.audit.series import Series, on_schedule_days, weekday, weekday_counts

BASE = (date(2026, 1, 5) - EPOCH).days  # a Monday


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 20000), st.integers(0, 60))
def test_weekday_counts_match_counting_each_day(start: int, length: int) -> None:
    end = start + length - 1
    counts = weekday_counts(np.array([start]), np.array([end]))[0]
    brute = np.bincount([(EPOCH + timedelta(days=d)).weekday() for d in range(start, end + 1)], minlength=7)
    assert counts.tolist() == brute.tolist()
    assert weekday(np.array([start]))[0] == (EPOCH + timedelta(days=start)).weekday()


def _daily(days: list[int], impressions: float = 5000.0, spend: float = 100.0, key: str = "a") -> pd.DataFrame:
    return pd.DataFrame({"platform": "p", "account_id": key, "day": days, "end_day": days, "granularity": "day",
                         "spend_basis": spend, "impressions": impressions})


@st.composite
def _holes(draw):
    """A 120-day series of a busy account with random interior holes removed (few enough that
    no weekday goes missing in most weeks, which would make it off-schedule)."""
    n = 120
    holes: set[int] = set()
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(1, n - 10))
        holes |= set(range(start, start + draw(st.integers(1, 6))))
    holes.discard(n - 1)
    return n, sorted(holes)


@settings(max_examples=100, deadline=None)
@given(_holes())
def test_gaps_are_exactly_the_interior_runs_removed(case) -> None:
    n, holes = case
    present = [BASE + d for d in range(n) if d not in holes]
    found = Series.build(_daily(present), ["platform", "account_id"]).gaps()
    got = {d for r in found.itertuples() for d in range(r.start - BASE, r.end - BASE + 1)}
    assert got == set(holes)
    # The estimate is the series' normal day times the days missing.
    assert found["exp_spend"].sum() == (100.0 * len(holes) if holes else 0)


def test_weekday_only_series_has_weekends_off_schedule() -> None:
    present = [BASE + d for d in range(70) if (d % 7) < 5 and d != 30]  # one Wednesday missing
    s = Series.build(_daily(present), ["platform", "account_id"])
    [run] = list(s.gaps().itertuples())
    assert (run.start - BASE, run.end - BASE, run.on_days) == (30, 30, 1)
    assert on_schedule_days(BASE + 33, BASE + 37, run.off, None) == [BASE + 35, BASE + 36, BASE + 37]


def test_zero_runs_after_delivery_are_drops() -> None:
    d = _daily([BASE + i for i in range(40)])
    d.loc[d["day"].between(BASE + 20, BASE + 22), ["spend_basis", "impressions"]] = 0.0
    [run] = list(Series.build(d, ["platform", "account_id"]).drops().itertuples())
    assert (run.start - BASE, run.end - BASE, bool(run.recovered)) == (20, 22, True)
