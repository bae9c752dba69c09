"""Exact decompositions of a change: mix and rate, numerator and denominator.

For a ratio ``R = Σn / Σd`` split into segments i (the values of a dimension), with
``wᵢ = dᵢ / D`` a segment's share of the denominator and ``rᵢ = nᵢ / dᵢ`` its own ratio, the
before (0) and after (1) values are ``R = Σ wᵢ rᵢ`` and

    R₁ − R₀ = Σ mixᵢ + Σ rateᵢ + Σ no_baseᵢ

    mixᵢ     = (w₁ᵢ − w₀ᵢ) · (r̄ᵢ − R̄)      r̄ᵢ = (r₀ᵢ + r₁ᵢ)/2,  R̄ = (R₀ + R₁)/2
    rateᵢ    = w̄ᵢ · (r₁ᵢ − r₀ᵢ)              w̄ᵢ = (w₀ᵢ + w₁ᵢ)/2
    no_baseᵢ = n₁ᵢ/D₁ · [d₁ᵢ = 0] − n₀ᵢ/D₀ · [d₀ᵢ = 0]

The split is symmetric (neither period is the reference), so it does not change when before and
after are swapped except in sign. Subtracting R̄ from the mix term changes no total (the shares
sum to one in both periods, so Σ(w₁ − w₀) = 0) but makes each segment's mix mean something:
budget moving into a segment priced like the average does not move the average.

Conventions: a segment with no denominator in one period (new, or gone) has no rate there; it
borrows the other period's rate, so its whole effect is mix. A numerator with no denominator at
all (spend without impressions) cannot be written as share × rate: it is reported as
``no_base``. For an additive metric the change is simply the sum of the segments' changes.

The numerator/denominator split of the headline is the same identity on R = N · (1/D):

    R₁ − R₀ = (N₁ − N₀) · (1/D₀ + 1/D₁)/2  +  (1/D₁ − 1/D₀) · (N₀ + N₁)/2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mille.analysis.leaves import Leaves
from mille.errors import QueryError


@dataclass(frozen=True)
class Headline:
    num0: float
    num1: float
    den0: float | None
    den1: float | None

    @property
    def value0(self) -> float:
        return self.num0 / self.den0 if self.den0 is not None else self.num0

    @property
    def value1(self) -> float:
        return self.num1 / self.den1 if self.den1 is not None else self.num1

    @property
    def change(self) -> float:
        return self.value1 - self.value0


@dataclass(frozen=True)
class SegmentSplit:
    """Per-segment parts of the change over one partition (one dimension's values)."""

    codes: np.ndarray  # segment codes (into the dimension's labels)
    num0: np.ndarray
    num1: np.ndarray
    den0: np.ndarray | None
    den1: np.ndarray | None
    mix: np.ndarray  # zeros for an additive metric
    rate: np.ndarray  # the segment's own change for an additive metric
    no_base: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.mix + self.rate + self.no_base


def headline(leaves: Leaves) -> Headline:
    n0, n1, d0, d1 = leaves.totals()
    if d0 is not None and d1 is not None:
        for label, den in (("before", d0), ("after", d1)):
            if den <= 0:
                raise QueryError(
                    f"the metric's denominator is zero in the {label} period, so there is no "
                    "ratio to explain",
                    hint="check the period and the filter, or explain the numerator instead",
                )
    return Headline(n0, n1, d0, d1)


def numerator_denominator(h: Headline) -> tuple[float, float]:
    """(numerator-driven, denominator-driven) parts of a ratio's change; they add up exactly."""
    if h.den0 is None or h.den1 is None:
        return h.num1 - h.num0, 0.0
    inv0, inv1 = 1.0 / h.den0, 1.0 / h.den1
    numerator = (h.num1 - h.num0) * (inv0 + inv1) / 2
    denominator = (inv1 - inv0) * (h.num0 + h.num1) / 2
    return numerator, denominator


def split(
    num0: np.ndarray,
    num1: np.ndarray,
    den0: np.ndarray | None,
    den1: np.ndarray | None,
    codes: np.ndarray | None = None,
) -> SegmentSplit:
    """Mix, rate and no-base parts for segments given by their summed figures."""
    codes = np.arange(len(num0)) if codes is None else codes
    if den0 is None or den1 is None:
        zeros = np.zeros(len(num0))
        return SegmentSplit(codes, num0, num1, None, None, zeros, num1 - num0, zeros)
    big_d0, big_d1 = float(den0.sum()), float(den1.sum())
    if big_d0 <= 0 or big_d1 <= 0:
        raise QueryError("a ratio needs a denominator above zero in both periods")
    has0, has1 = den0 > 0, den1 > 0
    r0 = np.divide(num0, den0, out=np.zeros_like(num0), where=has0)
    r1 = np.divide(num1, den1, out=np.zeros_like(num1), where=has1)
    # A segment without a base in one period borrows the other period's rate (all mix).
    r0 = np.where(has0, r0, r1)
    r1 = np.where(has1, r1, r0)
    w0, w1 = den0 / big_d0, den1 / big_d1
    big_r0 = float(num0[has0].sum()) / big_d0
    big_r1 = float(num1[has1].sum()) / big_d1
    centre = (big_r0 + big_r1) / 2
    mix = (w1 - w0) * ((r0 + r1) / 2 - centre)
    rate = (w0 + w1) / 2 * (r1 - r0)
    no_base = np.where(has1, 0.0, num1 / big_d1) - np.where(has0, 0.0, num0 / big_d0)
    return SegmentSplit(codes, num0, num1, den0, den1, mix, rate, no_base)


def by_dimension(leaves: Leaves, dim: int) -> SegmentSplit:
    """The split over the values of one dimension (aggregated from leaves with bincount)."""
    cuboid = leaves.cuboid((dim,))
    num0, num1 = cuboid.sum(leaves.num0), cuboid.sum(leaves.num1)
    den0 = cuboid.sum(leaves.den0) if leaves.den0 is not None else None
    den1 = cuboid.sum(leaves.den1) if leaves.den1 is not None else None
    return split(num0, num1, den0, den1, cuboid.seg_codes[:, 0])


def by_leaf(leaves: Leaves) -> SegmentSplit:
    """The split over the leaves themselves: the finest segmentation the dimensions allow."""
    return split(leaves.num0, leaves.num1, leaves.den0, leaves.den1)


@dataclass(frozen=True)
class SegmentEffect:
    """How much one segment (against everything else) moved the headline, and how."""

    num0: float
    num1: float
    den0: float | None
    den1: float | None
    mix: float
    rate: float
    no_base: float

    @property
    def contribution(self) -> float:
        return self.mix + self.rate + self.no_base

    @property
    def value0(self) -> float | None:
        if self.den0 is None:
            return self.num0
        return self.num0 / self.den0 if self.den0 > 0 else None

    @property
    def value1(self) -> float | None:
        if self.den1 is None:
            return self.num1
        return self.num1 / self.den1 if self.den1 > 0 else None


def segment_effect(leaves: Leaves, mask: np.ndarray) -> SegmentEffect:
    """A segment's part of the change: its terms in the split {segment, rest}.

    Mix is its share moving, priced at the gap between its mean rate and the headline's mean
    rate; rate is its own rate change at its mean share. These are exactly the segment's terms
    in any partition that has it as one part, so the contributions of disjoint segments add up.
    """
    def two(values: np.ndarray | None) -> np.ndarray | None:
        if values is None:
            return None
        inside = float(values[mask].sum())
        return np.array([inside, float(values.sum()) - inside])

    n0, n1 = two(leaves.num0), two(leaves.num1)
    d0, d1 = two(leaves.den0), two(leaves.den1)
    assert n0 is not None and n1 is not None
    parts = split(n0, n1, d0, d1)
    return SegmentEffect(
        num0=float(n0[0]),
        num1=float(n1[0]),
        den0=float(d0[0]) if d0 is not None else None,
        den1=float(d1[0]) if d1 is not None else None,
        mix=float(parts.mix[0]),
        rate=float(parts.rate[0]),
        no_base=float(parts.no_base[0]),
    )


def effect_kind(effect: SegmentEffect, *, additive: bool) -> str:
    """``rate``, ``mix`` or ``both`` (``total`` for an additive metric, which has no split)."""
    if additive:
        return "total"
    mix, rate = abs(effect.mix), abs(effect.rate + effect.no_base)
    if mix + rate == 0:
        return "rate"
    if rate >= 2 * mix:
        return "rate"
    if mix >= 2 * rate:
        return "mix"
    return "both"
