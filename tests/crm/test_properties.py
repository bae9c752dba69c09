"""Invariants of the attribution machinery and the funnel split, against brute force."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from mille.analysis.attribution import in_window
from mille.analysis.funnel import FunnelSums, split


@settings(max_examples=150, deadline=None)
@given(
    delivery=st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 60)), max_size=40),
    touches=st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 80)), min_size=1, max_size=40),
    window=st.integers(0, 40),
)
def test_in_window_matches_brute_force(delivery, touches, window) -> None:
    got = in_window(pa.array([k for k, _ in touches]), np.array([d for _, d in touches]),
                    pa.array([k for k, _ in delivery], pa.string()), np.array([d for _, d in delivery], dtype=np.int64),
                    window)
    want = [any(k == dk and 0 <= t - dd <= window for dk, dd in delivery) for k, t in touches]
    assert got.tolist() == want


positive = st.floats(1.0, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(a=st.tuples(positive, positive, positive, positive), b=st.tuples(positive, positive, positive, positive))
def test_funnel_parts_add_up_exactly(a, b) -> None:
    sa = FunnelSums(label="a", spend=a[0], clicks=a[1], crm_leads=a[2], opportunities=a[3])
    sb = FunnelSums(label="b", spend=b[0], clicks=b[1], crm_leads=b[2], opportunities=b[3])
    s = split(sa, sb)
    assert s is not None
    assert math.isclose(sum(f.contribution for f in s.factors), s.change, rel_tol=1e-9, abs_tol=1e-9 * max(1.0, abs(s.cost_per_opportunity_a)))
    assert math.isclose(sum(f.log_term for f in s.factors), math.log(s.cost_per_opportunity_b / s.cost_per_opportunity_a),
                        rel_tol=1e-9, abs_tol=1e-12)
    # CPO = CPC ÷ click-to-lead ÷ lead-to-opportunity on each side.
    f = {p.factor: p for p in s.factors}
    assert math.isclose(f["cpc"].b / f["click_to_lead_rate"].b / f["lead_to_opportunity_rate"].b,
                        s.cost_per_opportunity_b, rel_tol=1e-9)
