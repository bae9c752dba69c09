"""Exact decompositions: mix + rate + no_base = the headline change, to the last float bit that
matters, for every dimension and for leaves; hand-computed cases pin the formulas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mille.analysis.decompose import (
    by_dimension,
    by_leaf,
    effect_kind,
    headline,
    numerator_denominator,
    segment_effect,
    split,
)
from mille.analysis.leaves import Leaves
from mille.errors import QueryError

VALUES = st.sampled_from(["a", "b", "c", "d"])
# Zero, or a realistic amount (sub-normal denominators would only test float overflow).
AMOUNT = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e6, allow_nan=False))


@st.composite
def leaf_rows(draw, ratio: bool = True):
    rows = draw(st.lists(st.tuples(VALUES, VALUES, AMOUNT, AMOUNT, AMOUNT, AMOUNT), min_size=1, max_size=30))
    frame = pd.DataFrame(rows, columns=["x", "y", "n0", "n1", "d0", "d1"])
    if ratio:
        # Both periods need some denominator for the ratio to exist.
        frame.loc[0, "d0"] += 1.0
        frame.loc[len(frame) - 1, "d1"] += 1.0
    return frame


def _leaves(frame: pd.DataFrame, ratio: bool = True) -> Leaves:
    dims = {"x": frame["x"].to_numpy(), "y": frame["y"].to_numpy()}
    if ratio:
        return Leaves.from_columns(dims, frame["n0"], frame["n1"], frame["d0"], frame["d1"])
    return Leaves.from_columns(dims, frame["n0"], frame["n1"])


def _close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(scale))


@settings(max_examples=200, deadline=None)
@given(leaf_rows())
def test_ratio_parts_add_up_to_the_headline_change_for_every_dimension_and_for_leaves(frame):
    leaves = _leaves(frame)
    h = headline(leaves)
    # Oracle: the headline from pandas sums, independently of mille.
    expected = frame["n1"].sum() / frame["d1"].sum() - frame["n0"].sum() / frame["d0"].sum()
    assert _close(h.change, expected, expected)
    scale = max(abs(h.value0), abs(h.value1))
    for parts in (by_dimension(leaves, 0), by_dimension(leaves, 1), by_leaf(leaves)):
        total = float(parts.mix.sum() + parts.rate.sum() + parts.no_base.sum())
        # Exact up to float rounding of the parts themselves: a segment whose share collapses
        # while its rate soars has large mix and rate parts that cancel.
        magnitude = float(np.abs(parts.mix).sum() + np.abs(parts.rate).sum() + np.abs(parts.no_base).sum())
        assert _close(total, h.change, max(scale, magnitude)), (total, h.change)
    num, den = numerator_denominator(h)
    assert _close(num + den, h.change, scale)


@settings(max_examples=100, deadline=None)
@given(leaf_rows(ratio=False))
def test_additive_change_is_the_sum_of_segment_changes(frame):
    leaves = _leaves(frame, ratio=False)
    h = headline(leaves)
    assert _close(h.change, frame["n1"].sum() - frame["n0"].sum(), frame["n1"].sum())
    for dim in (0, 1):
        parts = by_dimension(leaves, dim)
        assert not parts.mix.any()
        assert _close(float(parts.total.sum()), h.change, frame["n1"].sum() + frame["n0"].sum())
        # Each segment's part is its own change (pandas oracle).
        col = ["x", "y"][dim]
        oracle = frame.groupby(col)[["n0", "n1"]].sum()
        labels = leaves.labels[dim][parts.codes]
        got = dict(zip(labels, parts.rate, strict=True))
        for value, row in oracle.iterrows():
            assert _close(got[value], row["n1"] - row["n0"], row["n1"] + row["n0"])


@settings(max_examples=100, deadline=None)
@given(leaf_rows())
def test_swapping_the_periods_negates_every_part(frame):
    forward = by_dimension(_leaves(frame), 0)
    swapped = frame.rename(columns={"n0": "n1", "n1": "n0", "d0": "d1", "d1": "d0"})
    backward = by_dimension(_leaves(swapped), 0)
    for a, b in ((forward.mix, backward.mix), (forward.rate, backward.rate), (forward.no_base, backward.no_base)):
        np.testing.assert_allclose(a, -b, rtol=1e-9, atol=1e-12)


def test_hand_computed_cpm_mix_and_rate():
    # Two platforms, CPM = spend / impressions (per impression here; ×1000 is a display scale).
    # Before: G 600 / 300k (0.002), L 400 / 100k (0.004) → R0 = 1000 / 400k = 0.0025.
    # After:  G 300 / 150k (0.002), L 900 / 150k (0.006) → R1 = 1200 / 300k = 0.004.
    # Shares: G 0.75 → 0.5, L 0.25 → 0.5. R̄ = 0.00325.
    # mix_G = (0.5 − 0.75)·(0.002 − 0.00325) = 0.0003125; mix_L = 0.25·(0.005 − 0.00325) = 0.0004375
    # rate_G = 0.625·0 = 0; rate_L = 0.375·0.002 = 0.00075. Total = 0.0015 = R1 − R0.
    parts = split(
        np.array([600.0, 400.0]), np.array([300.0, 900.0]),
        np.array([300e3, 100e3]), np.array([150e3, 150e3]),
    )
    np.testing.assert_allclose(parts.mix, [0.0003125, 0.0004375], rtol=1e-12)
    np.testing.assert_allclose(parts.rate, [0.0, 0.00075], rtol=1e-12, atol=1e-18)
    assert math.isclose(float(parts.total.sum()), 0.0015, rel_tol=1e-12)


def test_hand_computed_numerator_denominator_split():
    # Spend 1000 → 1500, impressions 400k → 500k: CPM 0.0025 → 0.003 (+0.0005).
    # Spend-driven: 500 · (1/400k + 1/500k)/2 = 500 · 2.25e-6 = 0.001125.
    # Delivery-driven: (1/500k − 1/400k) · 1250 = −5e-7 · 1250 = −0.000625.
    leaves = Leaves.from_columns({"p": ["x"]}, [1000.0], [1500.0], [400e3], [500e3])
    num, den = numerator_denominator(headline(leaves))
    assert math.isclose(num, 0.001125, rel_tol=1e-12)
    assert math.isclose(den, -0.000625, rel_tol=1e-12)


def test_new_and_gone_segments_are_all_mix_and_spend_without_delivery_is_no_base():
    # A: 100/1000 both periods. B appears after: 50/250. C had spend but no impressions before.
    parts = split(
        np.array([100.0, 0.0, 30.0]), np.array([100.0, 50.0, 0.0]),
        np.array([1000.0, 0.0, 0.0]), np.array([1000.0, 250.0, 0.0]),
    )
    # B is new: no rate change, its effect is mix: (0.2 − 0)·(0.2 − R̄), where R̄ averages the
    # ratios of what has a base (100/1000 and 150/1250): 0.2 · (0.2 − 0.11) = 0.018.
    r0, r1 = 130 / 1000, 150 / 1250  # the headline, C's unbased 30 included
    assert parts.rate[1] == 0.0
    assert math.isclose(parts.mix[1], 0.018, rel_tol=1e-12)
    # C's 30 of spend had no impressions at all: it is no_base, −30/1000 when it disappears.
    assert math.isclose(parts.no_base[2], -30 / 1000, rel_tol=1e-12)
    assert math.isclose(float(parts.total.sum()), r1 - r0, rel_tol=1e-12)


def test_segment_effect_against_the_rest_and_its_kind():
    leaves = Leaves.from_columns(
        {"p": ["g", "l"]}, [600.0, 400.0], [300.0, 900.0], [300e3, 100e3], [150e3, 150e3]
    )
    eff = segment_effect(leaves, leaves.mask({"p": "l"}))
    # L's own terms of the split (see the CPM case above): mix 0.0004375, rate 0.00075.
    assert math.isclose(eff.mix, 0.0004375, rel_tol=1e-12)
    assert math.isclose(eff.rate, 0.00075, rel_tol=1e-12)
    assert (eff.value0, eff.value1) == (0.004, 0.006)
    assert effect_kind(eff, additive=False) == "both"  # neither part is twice the other
    g = segment_effect(leaves, leaves.mask({"p": "g"}))
    assert g.rate == 0.0 and effect_kind(g, additive=False) == "mix"
    # Disjoint segments' contributions add up to the change.
    assert math.isclose(eff.contribution + g.contribution, 0.0015, rel_tol=1e-12)


def test_a_period_without_any_denominator_is_a_clear_error():
    leaves = Leaves.from_columns({"p": ["x"]}, [10.0], [12.0], [0.0], [100.0])
    with pytest.raises(QueryError, match="denominator is zero in the before period"):
        headline(leaves)
