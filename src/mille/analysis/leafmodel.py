"""What each leaf was expected to do, how noisy it is, and how a segment's shift moves it.

Localising a change needs, for every leaf, an *expected* after-value (what it would have been
had nothing happened), the *observed* one, the *noise* variance of their difference, and the
leaf's *sensitivity* ``g`` to a shift δ of the segment it belongs to (the derivative of its
expected value with respect to δ on the link scale). A :class:`Channel` holds those arrays for
one way a metric can move:

* ``total`` — an additive metric (spend, impressions): expected = the before value; a segment
  that moves scales its leaves by a common factor (log link: ``after ≈ before · e^δ``), the
  "ripple effect" of Squeeze/PSqueeze.
* ``rate`` — a ratio metric's own rate, holding each leaf's denominator at its after-value:
  expected numerator = after-denominator × the leaf's before-rate (shrunk towards the overall
  rate by empirical Bayes, so a leaf seen a handful of times does not dictate its own baseline).
  Proportions (clicks ≤ impressions: CTR, conversion rate) shift on the logit scale; other
  ratios (CPM, CPC, cost per lead) on the log scale.
* ``mix`` — a ratio metric's denominator shares: expected after-denominator = the before
  denominator grown by the overall growth; a segment whose share moved scales its leaves.

Noise is ``var = Σ_k c_k · component_k`` with non-negative coefficients fitted to the data by
reweighted least squares on squared residuals, trimmed at 3 robust standard deviations, so the
few leaves that actually moved do not inflate the noise they are measured against.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from mille.analysis.leaves import Leaves

_MAX_SHIFT = 10.0  # |δ| cap on the link scale: a leaf that drops to zero has δ = -∞
_MEDIAN_CHI2_1 = 0.4549  # median of a χ²(1) variable: a squared standard normal


@dataclass(frozen=True)
class Channel:
    name: str  # "total", "rate" or "mix"
    link: str  # "log" or "logit"
    obs: np.ndarray
    exp: np.ndarray
    var: np.ndarray
    g: np.ndarray
    base_rate: np.ndarray | None = None  # logit link: each leaf's before-rate
    trials: np.ndarray | None = None  # logit link: each leaf's after-denominator
    wa: np.ndarray = field(init=False, repr=False)
    wb: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Score-test weights: for a segment S, A = Σ wa and B = Σ wb give the shift estimate
        # δ ≈ A/B and the likelihood-ratio statistic A²/2B (one parameter per segment).
        object.__setattr__(self, "wa", (self.obs - self.exp) * self.g / self.var)
        object.__setattr__(self, "wb", self.g**2 / self.var)

    @property
    def dev(self) -> np.ndarray:
        return self.obs - self.exp

    def shift(self, mask: np.ndarray) -> float:
        """Maximum-likelihood shift δ of the leaves in ``mask`` on the link scale."""
        if not mask.any():
            return 0.0
        if self.link == "logit" and self.base_rate is not None and self.trials is not None:
            return _logit_shift(self.base_rate[mask], self.obs[mask], self.trials[mask])
        expected = float(self.exp[mask].sum())
        observed = float(self.obs[mask].sum())
        if expected <= 0:
            return _MAX_SHIFT if observed > 0 else 0.0
        if observed <= 0:
            return -_MAX_SHIFT
        return float(np.clip(np.log(observed / expected), -_MAX_SHIFT, _MAX_SHIFT))


def total_channel(leaves: Leaves) -> Channel:
    """An additive metric: each leaf expected at its before value."""
    before, after = leaves.num0, leaves.num1
    g = _sensitivity(before, after)
    var = _fit_variance(after - before, np.c_[g, g**2])
    return Channel("total", "log", after, before, var, g)


def mix_channel(leaves: Leaves, *, shifted: np.ndarray | None = None) -> Channel:
    """A ratio's denominator: each leaf expected at its before value times the growth of the
    leaves that did not shift (``shifted``: leaves of the share shifts found), with noise fitted
    on those leaves alone — a shift moves every other share too, and is not noise."""
    assert leaves.den0 is not None and leaves.den1 is not None
    d0, d1 = leaves.den0, leaves.den1
    calm = np.ones(leaves.n, dtype=bool) if shifted is None else ~shifted
    if d0[calm].sum() <= 0:
        calm = np.ones(leaves.n, dtype=bool)
    growth = d1[calm].sum() / d0[calm].sum() if d0[calm].sum() > 0 else 1.0
    expected = d0 * growth
    g = _sensitivity(expected, d1)
    comps = np.c_[g, g**2]
    coef = fit_coefficients((d1 - expected)[calm], comps[calm])
    var = np.maximum(comps @ coef, 1e-12)
    return Channel("mix", "log", d1, expected, var, g)


def rate_channel(leaves: Leaves, *, proportion: bool | None = None) -> Channel:
    """A ratio's rate: each leaf's numerator expected from its after-denominator and before-rate.

    ``proportion`` says whether the metric is a rate of counts (CTR: clicks out of
    impressions); by default it is inferred from the numbers (the numerator never exceeds the
    denominator), which a metric definition should override — spend never exceeds impressions
    either, yet CPM is not a proportion.
    """
    assert leaves.den0 is not None and leaves.den1 is not None
    n0, n1, d0, d1 = leaves.num0, leaves.num1, leaves.den0, leaves.den1
    overall = n0.sum() / d0.sum() if d0.sum() > 0 else (n1.sum() / d1.sum() if d1.sum() > 0 else 0.0)
    proportion = is_proportion(leaves) if proportion is None else proportion and is_proportion(leaves)
    prior = prior_strength(n0, d0, overall, proportion)
    rate0 = (n0 + prior * overall) / (d0 + prior)
    expected = d1 * rate0
    if proportion:
        rate0 = np.clip(rate0, 1e-9, 1 - 1e-9)
        # Binomial variance of the after-count plus the uncertainty of the before-rate, with
        # Agresti–Coull's +1/+2 so a leaf seen once is not judged by p(1-p) at p ≈ 0 or 1.
        smooth = (expected + 1) / (d1 + 2)
        pq = smooth * (1 - smooth)
        counting = d1 * pq + d1**2 * pq / (d0 + prior)
        var = _fit_variance(n1 - expected, np.c_[counting, d1**2], floor=(1.0, 0.0))
        g = d1 * rate0 * (1 - rate0)
        return Channel("rate", "logit", n1, expected, var, g, base_rate=rate0, trials=d1)
    # Cost ratios: a leaf's numerator varies with its denominator's count (cost per impression,
    # per lead) and with its own price drift.
    counting = d1 * rate0**2 + expected**2 / (d0 + prior)
    var = _fit_variance(n1 - expected, np.c_[counting, expected**2])
    return Channel("rate", "log", n1, expected, var, _sensitivity(expected, n1))


def is_proportion(leaves: Leaves) -> bool:
    """A ratio whose numerator never exceeds its denominator (a rate between 0 and 1)."""
    if leaves.den0 is None or leaves.den1 is None:
        return False
    tol = 1e-9
    return bool(
        (leaves.num0 >= -tol).all()
        and (leaves.num1 >= -tol).all()
        and (leaves.num0 <= leaves.den0 + tol).all()
        and (leaves.num1 <= leaves.den1 + tol).all()
    )


def prior_strength(num: np.ndarray, den: np.ndarray, overall: float, proportion: bool) -> float:
    """Empirical-Bayes weight (in denominator units) of the overall rate in each leaf's baseline.

    Method of moments: the spread of leaf rates beyond what sampling explains is the spread of
    the true rates τ²; a prior with that spread has strength v/τ² (− 1 for a beta prior), with
    v the variance of one unit: p(1−p) for a proportion, r² for other ratios (a cost per unit
    varying about as much as its mean, as auction prices do). A leaf with that much
    denominator counts half its own rate and half the overall one; a big leaf keeps its own.
    """
    seen = den > 0
    if not seen.any():
        return 1.0
    rates = num[seen] / den[seen]
    weights = den[seen]
    unit = overall * (1 - overall) if proportion else overall * overall
    if unit <= 0:
        return float(max(np.median(weights), 1e-9))
    spread = float((weights * (rates - overall) ** 2).sum() / weights.sum())
    sampling = float(seen.sum() * unit / weights.sum())
    between = max(spread - sampling, 1e-12 * unit)
    strength = unit / between - (1.0 if proportion else 0.0)
    lowest = 1.0 if proportion else 1e-6 * float(np.median(weights))
    return float(np.clip(strength, lowest, 1e6 * float(np.median(weights))))


def _sensitivity(expected: np.ndarray, observed: np.ndarray) -> np.ndarray:
    # A leaf with nothing before (a new campaign) cannot be scaled; count its after-value so a
    # segment full of new leaves still registers as having moved.
    return np.where(expected > 0, expected, np.maximum(observed, 0.0))


def _fit_variance(
    resid: np.ndarray, comps: np.ndarray, *, floor: tuple[float, ...] | None = None
) -> np.ndarray:
    """Fit var = comps @ coef (coef ≥ floor ≥ 0) robustly and return it per leaf."""
    comps = np.asarray(comps, dtype=np.float64)
    var_all = comps @ fit_coefficients(resid, comps, floor=floor)
    # Leaves with no volume at all carry no information; a tiny positive variance keeps the
    # score weights finite (their sensitivity is zero anyway).
    floor_var = max(float(var_all[var_all > 0].min()) if (var_all > 0).any() else 1.0, 1e-12) * 1e-6
    return np.maximum(var_all, floor_var)


def fit_coefficients(
    resid: np.ndarray, comps: np.ndarray, *, floor: tuple[float, ...] | None = None
) -> np.ndarray:
    """Non-negative coefficients of var = comps @ coef, by trimmed reweighted least squares."""
    k = comps.shape[1]
    use = comps.sum(axis=1) > 0
    lower = np.asarray(floor if floor is not None else (0.0,) * k, dtype=np.float64)
    if use.sum() < 3:
        return np.maximum(np.ones(k), lower)
    # Work in units where residuals and components are of order one (spend in dollars and
    # impressions in millions would otherwise overflow the weights), then scale back.
    unit_e = float(np.mean(resid[use] ** 2)) or 1.0
    unit_c = np.array([float(np.mean(comps[use, j])) or 1.0 for j in range(k)])
    e2 = resid[use] ** 2 / unit_e
    c = comps[use] / unit_c
    lower = lower * unit_c / unit_e
    med = [float(np.median(c[:, j][c[:, j] > 0])) if (c[:, j] > 0).any() else 1.0 for j in range(k)]
    coef = np.maximum(np.array([max(float(np.median(e2)), 1e-12) / max(m, 1e-300) / k for m in med]), lower)
    for _ in range(8):
        var = np.maximum(c @ coef, 1e-12)
        z2 = e2 / var
        scale = float(np.median(z2)) / _MEDIAN_CHI2_1
        keep = z2 < 9.0 * max(scale, 1e-12)  # |z| < 3 robust standard deviations
        # Gamma-type weights: a squared residual's spread grows with its variance.
        w = 1.0 / var[keep]
        x = c[keep] * w[:, None]
        y = e2[keep] * w - x @ lower
        coef = lower + _nonnegative_lstsq(x, y)
        if not (coef > 0).any():
            coef = np.full(k, 1e-12)
    var = np.maximum(c @ coef, 1e-12)
    scale = float(np.median(e2 / var)) / _MEDIAN_CHI2_1
    if scale > 1:  # the trimmed fit may understate the bulk; never let it
        coef = coef * scale
    return coef * unit_e / unit_c


def share_z(leaves: Leaves, inside: np.ndarray, universe: np.ndarray) -> float:
    """How far a segment's denominator moved against the rest of ``universe``, in standard
    deviations of how the rest's own leaves move (noise fitted on the rest alone)."""
    assert leaves.den0 is not None and leaves.den1 is not None
    d0, d1 = leaves.den0, leaves.den1
    rest = universe & ~inside
    if d0[rest].sum() <= 0 or d0[inside].sum() <= 0:
        return 0.0
    expected = d0 * (d1[rest].sum() / d0[rest].sum())
    g = _sensitivity(expected, d1)
    comps = np.c_[g, g**2]
    coef = fit_coefficients((d1 - expected)[rest], comps[rest])
    var = float((comps[inside] @ coef).sum())
    if var <= 0:
        return 0.0
    return float((d1[inside].sum() - expected[inside].sum()) / math.sqrt(var))


def _nonnegative_lstsq(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """argmin ‖x·c − y‖ over c ≥ 0 for a handful of columns: try every support, keep the best.

    With two or three variance components this is exact and far cheaper than a general NNLS
    solver on thousands of rows (only the k×k Gram matrix is formed).
    """
    k = x.shape[1]
    gram = x.T @ x
    xty = x.T @ y
    best = np.zeros(k)
    best_loss = 0.0  # loss relative to ‖y‖², for c = 0
    for size in range(1, k + 1):
        for support in itertools.combinations(range(k), size):
            idx = list(support)
            try:
                sol = np.linalg.solve(gram[np.ix_(idx, idx)], xty[idx])
            except np.linalg.LinAlgError:
                continue
            if (sol < 0).any():
                continue
            loss = float(sol @ gram[np.ix_(idx, idx)] @ sol - 2 * sol @ xty[idx])
            if loss < best_loss:
                best_loss = loss
                best = np.zeros(k)
                best[idx] = sol
    return best


def _logit_shift(rate0: np.ndarray, successes: np.ndarray, trials: np.ndarray) -> float:
    """Newton's method for the common logit shift δ: Σ successes = Σ trials·expit(logit p0 + δ)."""
    if trials.sum() <= 0:
        return 0.0
    base = np.log(rate0) - np.log1p(-rate0)
    delta = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(base + delta)))
        grad = float((successes - trials * p).sum())
        hess = float((trials * p * (1 - p)).sum())
        if hess <= 1e-12:
            break
        step = float(np.clip(grad / hess, -2.0, 2.0))
        delta += step
        if abs(step) < 1e-9 or abs(delta) > _MAX_SHIFT:
            break
    return float(np.clip(delta, -_MAX_SHIFT, _MAX_SHIFT))
