"""Intervals: exact formulas against independent references, and coverage by simulation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mille.analysis import intervals


@pytest.mark.parametrize("confidence", [0.6, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_t_quantile_matches_scipy(confidence: float) -> None:
    df = np.arange(1, 401)
    ours = intervals.t_quantile(confidence, df)
    ref = stats.t.ppf(0.5 + confidence / 2, df)
    assert np.max(np.abs(ours - ref) / ref) < 1e-9
    assert intervals.z_quantile(confidence) == pytest.approx(stats.norm.ppf(0.5 + confidence / 2))
    assert np.isnan(intervals.t_quantile(confidence, np.array([0.0]))[0])


@pytest.mark.parametrize(("x", "n"), [(0, 10), (1, 10), (5, 10), (10, 10), (81, 263), (3, 20000), (400, 100000)])
def test_wilson_matches_scipy(x: int, n: int) -> None:
    ref = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = intervals.wilson(np.array([x]), np.array([n]), 0.95)
    assert low[0] == pytest.approx(ref.low, abs=1e-12)
    assert high[0] == pytest.approx(ref.high, abs=1e-12)


def test_wilson_by_hand() -> None:
    # 81 successes in 263 trials, 95 %: p = 0.307985, z² = 3.841459, z²/n = 0.0146063;
    # centre = (p + z²/2n) / (1 + z²/n) = 0.315288 / 1.014606 = 0.310749;
    # half = z / 1.014606 · sqrt(p(1−p)/n + z²/4n²) = 1.931748 · 0.0287099 = 0.055461.
    low, high = intervals.wilson(np.array([81]), np.array([263]), 0.95)
    assert (round(low[0], 4), round(high[0], 4)) == (0.2553, 0.3662)


def test_no_trials_no_interval() -> None:
    low, high = intervals.wilson(np.array([0.0]), np.array([0.0]), 0.95)
    assert np.isnan(low[0]) and np.isnan(high[0])


def _ctr_days(rng: np.random.Generator, cells: int, days: int, p: float, concentration: float | None):
    """Per (cell, day) impressions and clicks; each day's click probability drawn from a Beta
    with mean ``p`` (beta-binomial days) unless ``concentration`` is None (plain binomial)."""
    n = rng.poisson(3000, size=(cells, days)) * rng.gamma(4.0, 0.25, size=(cells, days))
    n = np.maximum(n.astype(np.int64), 1)
    if concentration is None:
        pd = np.full((cells, days), p)
    else:
        pd = rng.beta(p * concentration, (1 - p) * concentration, size=(cells, days))
    x = rng.binomial(n, pd)
    cell = np.repeat(np.arange(cells), days)
    return cell, x.reshape(-1), n.reshape(-1)


def test_ctr_interval_coverage_binomial_days() -> None:
    """Nominal 95 % covers 93–97 % of cells when days are plain binomial."""
    rng = np.random.default_rng(11)
    cells, days, p = 4000, 30, 0.006
    cell, x, n = _ctr_days(rng, cells, days, p, None)
    low, high, _ = intervals.rate_interval(cell, x, n, cells, 0.95)
    coverage = np.mean((low <= p) & (p <= high))
    assert 0.93 <= coverage <= 0.97, coverage


def test_ctr_interval_coverage_overdispersed_days() -> None:
    """With day-to-day variation in the click probability (beta-binomial), the dispersion-aware
    interval still covers 93–97 % of cells; a plain Wilson interval would cover far fewer."""
    rng = np.random.default_rng(12)
    cells, days, p = 4000, 30, 0.006
    cell, x, n = _ctr_days(rng, cells, days, p, concentration=2000.0)
    low, high, phi = intervals.rate_interval(cell, x, n, cells, 0.95)
    coverage = np.mean((low <= p) & (p <= high))
    assert 0.93 <= coverage <= 0.97, coverage
    # Beta concentration 2000 → intra-day correlation ρ ≈ 1/2001; ~3,000 impressions a day give
    # a design effect near 1 + 3000ρ ≈ 2.5: the spread was detected.
    assert np.median(phi) > 2
    plain_low, plain_high = intervals.wilson(
        np.bincount(cell, x, cells), np.bincount(cell, n, cells), 0.95
    )
    assert np.mean((plain_low <= p) & (p <= plain_high)) < 0.75


def _cost_days(rng: np.random.Generator, cells: int, days: int, cpm: float):
    den = rng.poisson(20000, size=(cells, days)) * rng.gamma(3.0, 1 / 3.0, size=(cells, days))
    price = cpm / 1000 * rng.gamma(10.0, 0.1, size=(cells, days))  # day-level price noise, mean cpm/1000
    num = den * price
    return np.repeat(np.arange(cells), days), num.reshape(-1), den.reshape(-1)


def test_delta_interval_coverage_for_cost_ratios() -> None:
    """CPM over 30 days with day-level price noise: the delta interval covers ~95 %.

    The target is E[spend]/E[impressions] = cpm/1000 because price and volume are independent.
    """
    rng = np.random.default_rng(13)
    cells, cpm = 4000, 20.0
    cell, num, den = _cost_days(rng, cells, 30, cpm)
    low, high, _ = intervals.ratio_interval(cell, num, den, cells, 0.95)
    truth = cpm / 1000
    coverage = np.mean((low <= truth) & (truth <= high))
    assert 0.93 <= coverage <= 0.97, coverage


def test_delta_and_bootstrap_agree() -> None:
    rng = np.random.default_rng(14)
    cells = 40
    cell, num, den = _cost_days(rng, cells, 60, 35.0)
    low, high, _ = intervals.ratio_interval(cell, num, den, cells, 0.95)
    b_low, b_high = intervals.bootstrap_ratio(cell, num, den, cells, 0.95, replicates=800, seed=3)
    width, b_width = high - low, b_high - b_low
    assert np.median(np.abs(width / b_width - 1)) < 0.1
    centre = (low + high) / 2
    assert np.all(np.abs(centre - (b_low + b_high) / 2) < 0.25 * width)


def test_delta_needs_two_days() -> None:
    cell = np.array([0, 1, 1])
    num = np.array([5.0, 5.0, 7.0])
    den = np.array([1000.0, 1000.0, 1100.0])
    low, high, var = intervals.ratio_interval(cell, num, den, 2, 0.95)
    assert np.isnan(low[0]) and np.isnan(var[0])
    assert low[1] < 12 / 2100 < high[1]


def test_delta_variance_by_hand() -> None:
    # Two days: (num, den) = (10, 1000) and (30, 1000). R = 40/2000 = 0.02; residuals -10, +10;
    # Var = k/(k-1) · Σe² / D² = 2 · 200 / 4e6 = 1e-4.
    var, days = intervals.ratio_variance(np.array([0, 0]), np.array([10.0, 30.0]), np.array([1000.0, 1000.0]), 1)
    assert var[0] == pytest.approx(1e-4) and days[0] == 2


def test_mover_is_newcombe_for_two_wilson_intervals() -> None:
    # Newcombe (1998) method 10: Δ − sqrt((p1 − l1)² + (u0 − p0)²), Δ + sqrt((u1 − p1)² + (p0 − l0)²)
    x1, n1, x0, n0 = 56, 70, 48, 80
    l1, u1 = (v[0] for v in intervals.wilson(np.array([x1]), np.array([n1]), 0.95))
    l0, u0 = (v[0] for v in intervals.wilson(np.array([x0]), np.array([n0]), 0.95))
    p1, p0 = x1 / n1, x0 / n0
    low, high = intervals.mover(np.array([p1]), np.array([l1]), np.array([u1]), np.array([p0]), np.array([l0]), np.array([u0]))
    # Newcombe's worked example 1 (56/70 vs 48/80): 0.0524 to 0.3339.
    assert (round(low[0], 4), round(high[0], 4)) == (0.0524, 0.3339)


def test_noise_flag() -> None:
    out = intervals.is_noise(np.array([-1.0, 0.5, np.nan]), np.array([1.0, 2.0, 1.0]))
    assert out[0] == 1.0 and out[1] == 0.0 and np.isnan(out[2])


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 5000), st.integers(0, 300), st.floats(0, 500)),
        min_size=1, max_size=60,
    )
)
def test_intervals_contain_their_point_estimate(days) -> None:
    cell = np.array([d[0] for d in days])
    impressions = np.array([float(d[1]) for d in days])
    clicks = np.minimum(np.array([float(d[2]) for d in days]), impressions)
    spend = np.array([d[3] for d in days])
    n = 4
    for num, den, fn in ((clicks, impressions, intervals.rate_interval), (spend, impressions, intervals.ratio_interval)):
        low, high, _ = fn(cell, num, den, n, 0.95)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.bincount(cell, num, n) / np.bincount(cell, den, n)
        known = np.isfinite(low)
        assert np.all(low[known] <= value[known] + 1e-12)
        assert np.all(value[known] <= high[known] + 1e-12)
