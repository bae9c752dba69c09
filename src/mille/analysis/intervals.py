"""Intervals for the ratios in a report, and for their changes.

Every function here is vectorised: it takes one array element per report cell and returns arrays,
so a report with ten thousand cells costs the same few numpy calls as one with ten.

The replication unit is the **day**. A report's figures are sums over days; the question an
interval answers is "how much would this ratio move if the same days were run again?", and the
days of a cell are the observations we have of that. So every method below reads per-day sums
(``num_i``, ``den_i`` for each day *i* of a cell), never individual rows.

* **Rates of counts** (CTR = clicks / impressions; ``interval: wilson``): a Wilson score interval,
  widened for overdispersion. Pure binomial intervals over millions of impressions are absurdly
  narrow, because clicks vary from day to day far more than coin flips do (the beta-binomial
  picture: each day has its own click probability). We measure the dispersion φ as the design
  effect of the days — the day-level variance of the rate (as for cost ratios below) over the
  binomial variance — never below 1, and use the Wilson interval with the effective sample size
  n / φ; when φ > 1 the normal quantile becomes Student's t with days − 1 degrees of freedom.
  Wilson keeps its good behaviour at small counts (0 or 3 clicks), the design effect makes the
  width honest at large ones.
* **Cost ratios** (CPM, CPC, cost per lead; ``interval: delta``): the delta method for a ratio of
  sums with days as the observations (the linearised ratio estimator):
  Var(R) ≈ k/(k−1) · Σᵢ (numᵢ − R·denᵢ)² / (Σ den)², k the number of days. The interval is built
  on the log scale, R·exp(± t · se/R), so it is never negative and is wider above than below, as
  cost ratios are. We chose it over a day-level bootstrap because it is closed-form, exact to
  reproduce, and vectorised over all cells; :func:`bootstrap_ratio` (a Poisson bootstrap over
  days) is kept beside it, and the tests check the two agree.
* **Changes**: MOVER (method of variance estimates recovery, Zou & Donner 2008) combines the two
  periods' intervals into an interval for the difference; it reduces to Newcombe's interval for
  two Wilson intervals. A change whose interval contains 0 is marked as noise.
"""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

import numpy as np


def z_quantile(confidence: float) -> float:
    """Two-sided normal quantile: 1.96 for 95 %."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def t_quantile(confidence: float, df: np.ndarray | float) -> np.ndarray:
    """Two-sided Student t quantile for each ``df`` (NaN where df < 1), without scipy.

    Exact closed forms for 1 and 2 degrees of freedom. From 3 on: the Cornish–Fisher expansion
    in the normal quantile (Abramowitz & Stegun 26.7.5) as a start, then Newton steps on the t
    distribution function, integrated by 64-point Gauss–Legendre quadrature — accurate to about
    1e-10, computed once per distinct ``df``.
    """
    p = 0.5 + confidence / 2
    v_all = np.asarray(df, dtype="float64")
    flat = v_all.reshape(-1)
    distinct, inverse = np.unique(np.where(np.isfinite(flat), flat, 0.0), return_inverse=True)
    out = np.full(distinct.shape, np.nan)
    out[distinct == 1] = math.tan(math.pi * (p - 0.5))
    out[distinct == 2] = (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    for i in np.flatnonzero(distinct >= 3).tolist():
        out[i] = _t_cached(p, float(distinct[i]))
    return out[inverse].reshape(v_all.shape)


@lru_cache(maxsize=4096)
def _t_cached(p: float, v: float) -> float:
    return float(_t_newton(p, np.array([v]))[0])


_GL_X, _GL_W = np.polynomial.legendre.leggauss(64)


def _t_pdf(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Student t density; ``v`` has one element per row of ``x`` (x is (k,) or (k, m))."""
    log_c = np.array([math.lgamma((n + 1) / 2) - math.lgamma(n / 2) for n in v]) - 0.5 * np.log(v * math.pi)
    if x.ndim > v.ndim:
        log_c, v = log_c[:, None], v[:, None]
    return np.exp(log_c) * (1 + x * x / v) ** (-(v + 1) / 2)


def _t_newton(p: float, v: np.ndarray) -> np.ndarray:
    z = NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    x = z + g1 / v + g2 / v**2 + g3 / v**3 + g4 / v**4
    for _ in range(4):
        nodes = (x[:, None] / 2) * (_GL_X[None, :] + 1)  # quadrature nodes on [0, x]
        cdf = 0.5 + (x / 2) * (_t_pdf(nodes, v) @ _GL_W)
        x = x - (cdf - p) / _t_pdf(x, v)
    return x


def wilson(
    successes: np.ndarray,
    trials: np.ndarray,
    confidence: float,
    *,
    dispersion: np.ndarray | float = 1.0,
    quantile: np.ndarray | float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for successes / trials, as proportions (NaN where trials = 0).

    ``dispersion`` φ ≥ 1 shrinks the sample to n / φ (quasi-binomial); ``quantile`` overrides the
    normal quantile (e.g. a t quantile when φ was estimated from few days).
    """
    x = np.asarray(successes, dtype="float64")
    n = np.asarray(trials, dtype="float64")
    q = z_quantile(confidence) if quantile is None else np.asarray(quantile, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        n_eff = n / np.asarray(dispersion, dtype="float64")
        q2 = q * q
        denom = 1 + q2 / n_eff
        centre = (p + q2 / (2 * n_eff)) / denom
        half = q / denom * np.sqrt(np.clip(p * (1 - p), 0, None) / n_eff + q2 / (4 * n_eff * n_eff))
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
    bad = ~(n > 0)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def dispersion(
    cell: np.ndarray, num: np.ndarray, den: np.ndarray, n_cells: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: the dispersion φ (≥ 1) of a rate and the number of days it rests on.

    φ is the design effect of the days: the day-level (ratio-estimator) variance of Σnum/Σden
    over the binomial variance p(1 − p)/Σden, i.e. k/(k−1) · Σᵢ(numᵢ − p·denᵢ)² / (Σden · p(1 − p)).
    Unlike a Pearson χ² it stays right when some days are much bigger than others. It is 1 when
    the cell has fewer than two days or its rate is 0 or 1 (no spread to measure).
    """
    var, days = ratio_variance(cell, num, den, n_cells)
    x = np.bincount(cell, np.asarray(num, dtype="float64"), n_cells)
    n = np.bincount(cell, np.asarray(den, dtype="float64"), n_cells)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        phi = var / (p * (1 - p) / n)
    phi = np.where((days >= 2) & np.isfinite(phi) & (p > 0) & (p < 1), np.maximum(phi, 1.0), 1.0)
    return phi, days


def rate_interval(
    cell: np.ndarray, num: np.ndarray, den: np.ndarray, n_cells: int, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Overdispersion-aware Wilson interval per cell, as proportions; also returns φ."""
    phi, days = dispersion(cell, num, den, n_cells)
    x = np.bincount(cell, np.asarray(num, dtype="float64"), n_cells)
    n = np.bincount(cell, np.asarray(den, dtype="float64"), n_cells)
    q = np.where(phi > 1, t_quantile(confidence, np.maximum(days - 1, 1)), z_quantile(confidence))
    low, high = wilson(x, n, confidence, dispersion=phi, quantile=q)
    return low, high, phi


def ratio_variance(
    cell: np.ndarray, num: np.ndarray, den: np.ndarray, n_cells: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: the delta-method variance of Σnum/Σden (ratio units) and the days it rests on.

    NaN where the cell has fewer than two days with any activity or no denominator.
    """
    _, tot_den, sse, days = day_residuals(cell, num, den, n_cells)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = days / (days - 1) * sse / (tot_den * tot_den)
    return np.where((days >= 2) & (tot_den > 0), var, np.nan), days


def day_residuals(
    cell: np.ndarray, num: np.ndarray, den: np.ndarray, n_cells: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per cell (``cell`` codes one element per day): Σnum, Σden, the sum of squared day residuals
    num − ratio·den around the cell's ratio of sums, and the days with any activity."""
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    tot_num = np.bincount(cell, num, n_cells)
    tot_den = np.bincount(cell, den, n_cells)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = tot_num / tot_den
        resid = num - np.where(np.isfinite(r), r, 0.0)[cell] * den
    sse = np.bincount(cell, resid * resid, n_cells)
    days = np.bincount(cell, ((num != 0) | (den != 0)).astype("float64"), n_cells)
    return tot_num, tot_den, sse, days


def ratio_interval(
    cell: np.ndarray, num: np.ndarray, den: np.ndarray, n_cells: int, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Delta-method interval for Σnum/Σden per cell on the log scale; also returns the variance."""
    var, days = ratio_variance(cell, num, den, n_cells)
    tot_num = np.bincount(cell, np.asarray(num, dtype="float64"), n_cells)
    tot_den = np.bincount(cell, np.asarray(den, dtype="float64"), n_cells)
    q = t_quantile(confidence, np.maximum(days - 1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = tot_num / tot_den
        se = np.sqrt(var)
        factor = np.exp(q * se / r)
        low = np.where(r > 0, r / factor, np.maximum(r - q * se, 0.0))
        high = np.where(r > 0, r * factor, r + q * se)
    bad = ~np.isfinite(var) | ~np.isfinite(r)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high), var


def mover(
    after: np.ndarray,
    after_low: np.ndarray,
    after_high: np.ndarray,
    before: np.ndarray,
    before_low: np.ndarray,
    before_high: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Interval for ``after − before`` from the two estimates' own intervals (MOVER)."""
    diff = after - before
    low = diff - np.sqrt((after - after_low) ** 2 + (before_high - before) ** 2)
    high = diff + np.sqrt((after_high - after) ** 2 + (before - before_low) ** 2)
    return low, high


def is_noise(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """1.0 where the change's interval contains zero, 0.0 where it does not, NaN when unknown."""
    known = np.isfinite(low) & np.isfinite(high)
    return np.where(known, ((low <= 0) & (high >= 0)).astype("float64"), np.nan)


def bootstrap_ratio(
    cell: np.ndarray,
    num: np.ndarray,
    den: np.ndarray,
    n_cells: int,
    confidence: float,
    *,
    replicates: int = 400,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval for Σnum/Σden per cell from a Poisson bootstrap over days.

    Each replicate weighs every (cell, day) by an independent Poisson(1) count, which resamples
    the days of all cells at once without a loop over cells. Used to check the delta method.
    """
    rng = np.random.default_rng(seed)
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    draws = np.empty((replicates, n_cells))
    for b in range(replicates):
        w = rng.poisson(1.0, size=num.shape[0])
        with np.errstate(divide="ignore", invalid="ignore"):
            draws[b] = np.bincount(cell, w * num, n_cells) / np.bincount(cell, w * den, n_cells)
    alpha = (1 - confidence) / 2
    with np.errstate(invalid="ignore"):
        low = np.nanquantile(draws, alpha, axis=0)
        high = np.nanquantile(draws, 1 - alpha, axis=0)
    return low, high
