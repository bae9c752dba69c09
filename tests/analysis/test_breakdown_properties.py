"""Invariants of `report()` over random data (Hypothesis), each on a fresh in-memory workspace."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mille.analysis.breakdown import report
from mille.config import Config
from mille.engine import connect
from mille.errors import QueryError
from mille.schema import TABLES
from mille.workspace import Workspace

START = date(2026, 8, 1)
PLATFORMS = ["linkedin_ads", "google_ads", "facebook_ads"]
COUNTRIES = ["US", "GB", None]

row = st.tuples(
    st.integers(0, 60),  # day offset: August and September 2026
    st.sampled_from(PLATFORMS),
    st.sampled_from(COUNTRIES),
    st.integers(0, 20_000),  # impressions
    st.floats(0, 0.05),  # click share of impressions
    st.integers(0, 200_000),  # spend, cents
    st.integers(0, 6),  # leads
    st.booleans(),  # a weekly row instead of a daily one (rarely)
)


def workspace(rows: list[tuple]) -> Workspace:
    engine = connect("duckdb", None)
    engine.ensure_tables(list(TABLES.values()))
    n = len(rows)
    days = [START + timedelta(days=r[0]) for r in rows]
    weekly = [r[7] and r[0] % 9 == 0 for r in rows]
    impressions = [r[3] for r in rows]
    table = pa.table({
        "source_relation": ["prop.csv"] * n, "ingest_id": ["prop"] * n, "file_hash": ["0" * 64] * n,
        "row_number": pa.array(range(1, n + 1), pa.int64()),
        "date_day": pa.array(days, pa.date32()),
        "period_end": pa.array([d + timedelta(days=6 if w else 0) for d, w in zip(days, weekly, strict=True)], pa.date32()),
        "granularity": ["week" if w else "day" for w in weekly],
        "report_timezone": ["UTC"] * n,
        "platform": [r[1] for r in rows], "country": pa.array([r[2] for r in rows], pa.string()),
        "impressions": pa.array(impressions, pa.int64()),
        "clicks": pa.array([int(i * r[4]) for i, r in zip(impressions, rows, strict=True)], pa.int64()),
        "spend_reporting": [r[5] / 100 for r in rows], "spend": [r[5] / 100 for r in rows],
        "leads": [float(r[6]) for r in rows],
    })
    engine.insert("ad_performance", table)
    return Workspace(None, Config(), engine)  # type: ignore[arg-type]


def _cells(result):
    return [c for c in result.cells]


def _check_total_is_sum(result) -> None:
    for side in ("current", "previous"):
        total = getattr(result.total, side)
        if total is None:
            continue
        for m in total.sums:
            parts = sum(getattr(c, side).sums[m] for c in _cells(result))
            assert parts == pytest.approx(total.sums[m], rel=1e-9, abs=1e-6), (side, m)
    for name in result.total.metrics:
        for side in ("current", "previous"):
            est = getattr(result.total.metrics[name], side)
            if est is None or est.numerator is None:
                continue
            assert sum(getattr(c.metrics[name], side).numerator for c in _cells(result)) == pytest.approx(est.numerator, rel=1e-9, abs=1e-6)
            assert sum(getattr(c.metrics[name], side).denominator for c in _cells(result)) == pytest.approx(est.denominator, rel=1e-9, abs=1e-6)


def _check_intervals_contain_estimates(result) -> None:
    ests = []
    for c in [*result.cells, result.total]:
        for mc in c.metrics.values():
            ests += [e for e in (mc.current, mc.previous) if e is not None]
    for e in ests:
        if e.low is not None:
            assert e.low <= e.value * (1 + 1e-12) + 1e-12 and e.value <= e.high * (1 + 1e-12) + 1e-12
    s = result.series
    if s is not None:
        for m in s.metrics.values():
            for v, lo, hi in zip(m.value, m.low, m.high, strict=True):
                if lo is not None:
                    assert lo <= v * (1 + 1e-12) + 1e-12 and v <= hi * (1 + 1e-12) + 1e-12


def _check_series_adds_up(result) -> None:
    s = result.series
    by_bucket: dict[date, dict[str, float]] = {}
    totals: dict[date, dict[str, float]] = {}
    for i in range(len(s)):
        target = totals if s.kind[i] == "total" else by_bucket
        acc = target.setdefault(s.period_start[i], dict.fromkeys(s.base, 0.0))
        for m in s.base:
            acc[m] += s.base[m][i]
    assert by_bucket.keys() == totals.keys()
    for b, sums in totals.items():
        for m in s.base:
            assert by_bucket[b][m] == pytest.approx(sums[m], rel=1e-9, abs=1e-6)


HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=25, deadline=None, suppress_health_check=HEALTH)
@given(rows=st.lists(row, min_size=1, max_size=60), top=st.sampled_from([None, 1, 2]))
def test_total_is_the_sum_of_the_cells_and_intervals_hold(rows, top) -> None:
    ws = workspace(rows)
    try:
        result = report(ws, "spend,cpm,ctr,cost_per_lead", by="platform,country", period="2026-09", top=top, grain="week")
    except QueryError as exc:  # no data in September: the one error allowed here
        assert "no data in 2026-09" in str(exc)
        return
    finally:
        ws.close()
    _check_total_is_sum(result)
    _check_intervals_contain_estimates(result)
    _check_series_adds_up(result)
    assert len([c for c in result.cells if c.kind == "segment"]) <= (top or 10**6)


def _same(a, b, path="") -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-9) or (math.isnan(a) and math.isnan(b)), path
    else:
        assert a == b, path


@settings(max_examples=20, deadline=None, suppress_health_check=HEALTH)
@given(rows=st.lists(row, min_size=2, max_size=50), seed=st.integers(0, 2**16))
def test_permuting_input_rows_changes_nothing(rows, seed) -> None:
    shuffled = [rows[i] for i in np.random.default_rng(seed).permutation(len(rows))]
    out = []
    for data in (rows, shuffled):
        ws = workspace(data)
        try:
            out.append(report(ws, "cpm,cpc,ctr", by="country,platform", period="2026-09", grain="month", top=3).to_dict())
        except QueryError as exc:
            assert "no data in 2026-09" in str(exc)
            out.append(None)
        finally:
            ws.close()
    if out[0] is None:
        assert out[1] is None
        return
    _same(out[0], out[1])


@settings(max_examples=15, deadline=None, suppress_health_check=HEALTH)
@given(rows=st.lists(row, min_size=1, max_size=60), top=st.sampled_from([None, 1]))
def test_series_over_all_history_adds_up_without_a_comparison(rows, top) -> None:
    """Default period (the last complete month held), no comparison, a series over every day
    held: segments active only before the period land in the series' "other"."""
    ws = workspace(rows)
    try:
        result = report(ws, "cpm,ctr", by="platform", compare="none", grain="month", top=top)
    except QueryError as exc:
        assert "no data in" in str(exc)
        return
    finally:
        ws.close()
    assert result.compare is None
    _check_total_is_sum(result)
    _check_series_adds_up(result)
    _check_intervals_contain_estimates(result)


def test_segment_active_only_before_the_period_is_other_in_the_series() -> None:
    rows = [(3, "linkedin_ads", "US", 1000, 0.01, 5000, 0, False),  # August only
            (40, "google_ads", "US", 2000, 0.02, 3000, 0, False),  # September
            (60, "google_ads", "GB", 500, 0.02, 900, 0, False)]  # 2026-09-30: September is complete
    ws = workspace(rows)
    try:
        result = report(ws, "cpm", by="platform", compare="none", grain="month")
    finally:
        ws.close()
    assert result.period.label == "2026-09"
    assert [c.label for c in result.cells] == ["google_ads"]
    s = result.series
    points = {(s.period_start[i].isoformat(), s.kind[i], s.label[i]): s.base["spend"][i] for i in range(len(s))}
    assert points == {
        ("2026-08-01", "other", "other"): 50.0, ("2026-08-01", "total", "total"): 50.0,
        ("2026-09-01", "segment", "google_ads"): 39.0, ("2026-09-01", "total", "total"): 39.0,
    }
