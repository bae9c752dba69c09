"""Invariants of a whole explanation (Hypothesis over random leaves, no engine involved):
every split adds up to the headline change in metric units, and disjoint causes' contributions
are their terms of that split."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mille.analysis.explain import assemble
from mille.analysis.leaves import Leaves
from mille.metrics import load_catalogue
from mille.periods import parse_period

CATALOGUE = load_catalogue(None)
BEFORE, AFTER = parse_period("2026-09"), parse_period("2026-10")


@st.composite
def frames(draw):
    n = draw(st.integers(1, 25))
    rows = draw(st.lists(
        st.tuples(st.sampled_from(["li", "gg", "mt"]), st.sampled_from(["m", "d"]),
                  st.integers(0, 5_000), st.integers(0, 5_000),
                  st.integers(0, 400_000), st.integers(0, 400_000)),
        min_size=n, max_size=n))
    frame = pd.DataFrame(rows, columns=["platform", "device", "s0", "s1", "i0", "i1"])
    frame.loc[0, "i0"] += 1_000  # the ratio exists in both periods
    frame.loc[len(frame) - 1, "i1"] += 1_000
    return frame


def _explain(frame: pd.DataFrame, metric: str):
    m = CATALOGUE.get(metric)
    dims = {"platform": frame["platform"].to_numpy(), "device": frame["device"].to_numpy()}
    if m.type == "ratio":
        leaves = Leaves.from_columns(dims, frame["s0"], frame["s1"], frame["i0"], frame["i1"])
    else:
        leaves = Leaves.from_columns(dims, frame["s0"], frame["s1"])
    return assemble(m, CATALOGUE, leaves, BEFORE, AFTER, dims=["platform", "device"], max_depth=2,
                    filter=None, source="test", currency="USD", numerator=m.numerator or m.measure or "",
                    denominator=m.denominator)


def _close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(scale))


@settings(max_examples=60, deadline=None)
@given(frames())
def test_every_split_adds_up_to_the_change_in_metric_units(frame):
    r = _explain(frame, "cpm")
    # Oracle: CPM from pandas sums.
    cpm0 = 1000 * frame["s0"].sum() / frame["i0"].sum()
    cpm1 = 1000 * frame["s1"].sum() / frame["i1"].sum()
    assert _close(r.change, cpm1 - cpm0, cpm1)
    d = r.decomposition
    magnitude = abs(d.mix) + abs(d.rate) + abs(d.no_base) + abs(r.change)
    assert _close(d.mix + d.rate + d.no_base, r.change, magnitude)
    assert _close(d.numerator + d.denominator, r.change, abs(d.numerator) + abs(d.denominator))
    for dim in d.by_dimension:
        total = dim.mix + dim.rate + dim.no_base
        assert _close(total, r.change, abs(dim.mix) + abs(dim.rate) + abs(dim.no_base) + abs(r.change))
        assert _close(sum(s.contribution for s in dim.segments), total, magnitude + 1)


@settings(max_examples=40, deadline=None)
@given(frames())
def test_disjoint_causes_are_their_terms_of_the_split_and_json_is_valid(frame):
    r = _explain(frame, "cpm")
    r.to_json()  # no NaN or infinity leaks into the JSON contract
    for c in r.causes:
        assert c.effect in ("rate", "mix", "both")
        if c.share_of_change is not None:
            assert math.isclose(c.share_of_change * r.change, c.contribution, rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(c.contribution, c.mix + c.rate + c.no_base, rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=40, deadline=None)
@given(frames())
def test_additive_metric_change_is_the_sum_of_segment_changes(frame):
    r = _explain(frame, "spend")
    assert _close(r.change, frame["s1"].sum() - frame["s0"].sum(), frame["s1"].sum() + 1)
    for dim in r.decomposition.by_dimension:
        oracle = frame.groupby(dim.dimension)[["s0", "s1"]].sum()
        for seg in dim.segments:
            row = oracle.loc[seg.value]
            assert _close(seg.contribution, row["s1"] - row["s0"], row["s1"] + row["s0"])
            assert seg.mix == 0.0
    assert all(c.effect == "total" for c in r.causes)


def test_hand_computed_price_change_is_all_rate():
    frame = pd.DataFrame({"platform": ["li", "gg", "mt", "li"], "device": ["m", "m", "d", "d"],
                          "s0": [100.0, 50, 30, 80], "s1": [160.0, 50, 30, 80],
                          "i0": [1e4, 2e4, 1e4, 1e4], "i1": [1e4, 2e4, 1e4, 1e4]})
    r = _explain(frame, "cpm")
    # 1000 × Σspend/Σimpressions: +60 of spend over the same 50,000 impressions is +1.2 of CPM;
    # no share moved, so the mix is exactly zero and all of it is rate.
    assert math.isclose(r.change, 1.2, rel_tol=1e-12)
    assert r.decomposition.mix == 0.0
    assert math.isclose(r.decomposition.rate, 1.2, rel_tol=1e-12)
    # Spend-driven only: the denominator did not move.
    assert math.isclose(r.decomposition.numerator, 1.2, rel_tol=1e-12)
    assert r.decomposition.denominator == 0.0
