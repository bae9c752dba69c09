"""Empirical-Bayes shrinkage: rank many small segments without rewarding luck.

Ranking ads or audiences by their raw CTR crowns the ad with 3 clicks on 200 impressions. The
shrunk estimate pulls each segment towards its parent (the total row, or with several ``--by``
dimensions the segment without its last dimension: campaigns towards their platform) by an
amount that depends on how much evidence the segment has and on how much the segments of that
parent really differ:

    shrunk = (numerator + κ · parent ratio) / (denominator + κ)

κ is a pseudo-denominator — "how many impressions (or clicks, or spend) of the parent's average
a segment starts with". It is σ² / τ², estimated per parent from the data:

* σ², the noise per unit of denominator: for cost ratios (``interval: delta``) the pooled
  day-level residual variance of the segments (Σ k/(k−1) · Σᵢ(numᵢ − R denᵢ)² / Σ den); for rates
  (``interval: wilson``) the binomial variance p(1 − p) of the parent rate times the pooled
  design effect of the segments' days (that day-level variance over the binomial one, ≥ 1);
* τ², the real spread between segments, by the DerSimonian–Laird moment estimator:
  τ² = max(0, (Q − (m − 1)) / (Σw − Σw²/Σw)) with wⱼ = denⱼ / σ² and
  Q = Σ wⱼ (Rⱼ − R_parent)², over the m segments with a denominator.

When the segments differ no more than noise would make them (τ² = 0) every segment gets its
parent's value; when they differ a lot, big segments keep their own. A segment with spend but
no clicks still gets a (poor) shrunk CPC, so it ranks last instead of disappearing.
"""

from __future__ import annotations

import numpy as np

from mille.analysis.intervals import day_residuals


def shrink(
    num: np.ndarray,
    den: np.ndarray,
    parent: np.ndarray,
    n_parents: int,
    noise: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Shrunk ratios (same units as num/den) and κ per segment.

    ``parent`` is each segment's parent code; ``noise`` is σ² per parent (NaN: no shrinkage).
    """
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    p_num = np.bincount(parent, num, n_parents)
    p_den = np.bincount(parent, den, n_parents)
    with np.errstate(divide="ignore", invalid="ignore"):
        r_parent = p_num / p_den
        r = num / den
        sigma2 = np.asarray(noise, dtype="float64")[parent]
        w = den / sigma2
    has = (den > 0) & np.isfinite(w) & (w > 0)
    w = np.where(has, w, 0.0)
    with np.errstate(invalid="ignore"):
        resid = np.where(has, r - r_parent[parent], 0.0)
    q = np.bincount(parent, w * resid * resid, n_parents)
    sw = np.bincount(parent, w, n_parents)
    sw2 = np.bincount(parent, w * w, n_parents)
    m = np.bincount(parent, has.astype("float64"), n_parents)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = sw - sw2 / sw
        tau2 = np.maximum(0.0, (q - (m - 1)) / c)
        kappa_parent = np.asarray(noise, dtype="float64") / tau2  # inf when tau2 == 0
    kappa = kappa_parent[parent]
    with np.errstate(divide="ignore", invalid="ignore"):
        pulled = (num + kappa * r_parent[parent]) / (den + kappa)
    out = np.where(np.isinf(kappa), r_parent[parent], pulled)
    # Nothing to learn the spread from (one segment, no noise estimate): keep the raw ratio.
    usable = (m >= 2)[parent] & np.isfinite(sigma2) & (sigma2 > 0) & np.isfinite(r_parent[parent])
    return np.where(usable, out, r), np.where(usable, kappa, np.nan)


def pooled_day_noise(
    segment: np.ndarray,
    parent_of_segment: np.ndarray,
    n_parents: int,
    num: np.ndarray,
    den: np.ndarray,
    n_segments: int,
    *,
    rate: bool,
) -> np.ndarray:
    """σ² per parent from the segments' per-day sums (``segment`` codes one element per day).

    Cost ratios: the pooled day-level residual variance per unit of denominator,
    Σⱼ kⱼ/(kⱼ−1)·SSEⱼ / Σⱼ denⱼ over segments with two active days or more. Rates: the binomial
    p(1 − p) of the parent times the pooled design effect max(1, that variance / Σⱼ denⱼpⱼ(1−pⱼ)).
    NaN when no segment has two active days.
    """
    s_num, s_den, sse, days = day_residuals(segment, num, den, n_segments)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = s_num / s_den
    ok = (days >= 2) & (s_den > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(ok, days / (days - 1) * sse, 0.0)
    top = np.bincount(parent_of_segment, scaled, n_parents)
    bottom = np.bincount(parent_of_segment, np.where(ok, s_den, 0.0), n_parents)
    if not rate:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(bottom > 0, top / bottom, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):  # r is NaN where s_den is 0 (not ok)
        binomial = np.bincount(parent_of_segment, np.where(ok, s_den * r * (1 - r), 0.0), n_parents)
        p = np.bincount(parent_of_segment, s_num, n_parents) / np.bincount(parent_of_segment, s_den, n_parents)
        phi = np.where(binomial > 0, top / binomial, 1.0)
    return p * (1 - p) * np.maximum(np.nan_to_num(phi, nan=1.0), 1.0)


def rank(values: np.ndarray, direction: str) -> np.ndarray:
    """1 = best; ties share the better rank order of appearance; NaN values rank last (0 = none)."""
    v = np.asarray(values, dtype="float64")
    key = -v if direction == "higher_is_better" else v
    key = np.where(np.isfinite(key), key, np.inf)
    order = np.argsort(key, kind="stable")
    out = np.empty(len(v), dtype=np.int64)
    out[order] = np.arange(1, len(v) + 1)
    return np.where(np.isfinite(v), out, 0)
