"""Attributed counts for every model and window against expectations computed by hand.

The fixture is described in tests/crm/fixture.py. The touches, with their delivery gap (days
since their campaign last delivered) and, for opportunities, the gap to the opportunity:

  lead 00Q1 (created 3/12): Beta response 3/6 (delivery gap 1), Alpha response 3/11 (gap 1),
                            Alpha created 3/12 (gap 2)
  lead 00Q2 (created 3/15): Alpha 3/15 (gap 5: Alpha last delivered 3/10)
  lead 00Q6 (created 3/8):  Beta 3/8 (gap 3)
  opp 006A (3/20, 1000) via 00Q1: touches 14, 9 and 8 days before it
  opp 006B (4/14, 500)  via 00Q2: 30 days after its touch
  opp 006C (3/8, 200)   via 00Q6: the same day as its touch

A touch counts under window W when delivery gap ≤ W (and, for an opportunity, 0 ≤ gap to the
opportunity ≤ W): windows 2, 5 and 30 sit exactly on a boundary, 29 just inside one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mille.analysis.attribution import Rule, attribute
from mille.workspace import Workspace

A, B = "linkedin_ads", "facebook_ads"  # Alpha, Beta
THIRD = 1 / 3

# (window, model) -> ({platform: credited leads}, {platform: credited opportunities}, {platform: pipeline})
EXPECTED = {
    (0, "first_touch"): ({}, {}, {}),
    (0, "last_touch"): ({}, {}, {}),
    (0, "linear"): ({}, {}, {}),
    # W=2: only 00Q1's three touches are valid (gaps 1, 1, 2 — 2 on the boundary); no opportunity
    # is within 2 days of a valid touch (006C's touch has delivery gap 3).
    (2, "first_touch"): ({B: 1}, {}, {}),
    (2, "last_touch"): ({A: 1}, {}, {}),
    (2, "linear"): ({B: THIRD, A: 2 * THIRD}, {}, {}),
    # W=5: 00Q2 (gap 5, boundary) and 00Q6 join; only 006C's touch is within 5 days of it.
    (5, "first_touch"): ({B: 2, A: 1}, {B: 1}, {B: 200}),
    (5, "last_touch"): ({A: 2, B: 1}, {B: 1}, {B: 200}),
    (5, "linear"): ({B: 1 + THIRD, A: 1 + 2 * THIRD}, {B: 1}, {B: 200}),
    # W=10: 006A gets its touches 9 and 8 days before it (both Alpha); 006B's is 30 days before.
    (10, "first_touch"): ({B: 2, A: 1}, {A: 1, B: 1}, {A: 1000, B: 200}),
    (10, "last_touch"): ({A: 2, B: 1}, {A: 1, B: 1}, {A: 1000, B: 200}),
    (10, "linear"): ({B: 1 + THIRD, A: 1 + 2 * THIRD}, {A: 1, B: 1}, {A: 1000, B: 200}),
    # W=29: 006A has all three touches (14 days is inside); 006B's touch is one day too old.
    (29, "first_touch"): ({B: 2, A: 1}, {B: 2}, {B: 1200}),
    (29, "last_touch"): ({A: 2, B: 1}, {A: 1, B: 1}, {A: 1000, B: 200}),
    (29, "linear"): ({B: 1 + THIRD, A: 1 + 2 * THIRD}, {B: 1 + THIRD, A: 2 * THIRD},
                     {B: 1000 * THIRD + 200, A: 1000 * 2 * THIRD}),
    # W=30: 006B's touch is exactly 30 days before it: in.
    (30, "first_touch"): ({B: 2, A: 1}, {B: 2, A: 1}, {B: 1200, A: 500}),
    (30, "last_touch"): ({A: 2, B: 1}, {A: 2, B: 1}, {A: 1500, B: 200}),
    (30, "linear"): ({B: 1 + THIRD, A: 1 + 2 * THIRD}, {B: 1 + THIRD, A: 1 + 2 * THIRD},
                     {B: 1000 * THIRD + 200, A: 1000 * 2 * THIRD + 500}),
}

# Why leads are not credited, per window: 00Q3 unmatched, 00Q4 unpaid, 00Q5 no source at all,
# and the matched leads whose touches all fall outside the window.
LEAD_REASONS = {0: 3, 2: 2, 5: 0, 10: 0, 29: 0, 30: 0}  # outside_window


def _by_platform(rows, record_type: str, value=None) -> dict[str, float]:
    out: dict[str, float] = {}
    for r in rows.to_pylist():
        if r["record_type"] == record_type:
            amount = 1.0 if value is None else value[r["record_id"]]
            out[r["platform"]] = out.get(r["platform"], 0.0) + r["credit"] * amount
    return out


def _same(got: dict[str, float], want: dict[str, float]) -> None:
    assert set(got) == set(want), (got, want)
    for k in want:
        assert got[k] == pytest.approx(want[k], abs=1e-9), (k, got, want)


@pytest.mark.parametrize(("window", "model"), sorted(EXPECTED))
def test_attributed_counts_match_the_hand_computed_oracle(crm_fixture: Path, window: int, model: str) -> None:
    leads, opps, pipeline = EXPECTED[(window, model)]
    with Workspace.open(crm_fixture, read_only=True) as ws:
        credits = attribute(ws, Rule(window, model))
    _same(_by_platform(credits.rows, "lead"), leads)
    _same(_by_platform(credits.rows, "opportunity"), opps)
    _same(_by_platform(credits.rows, "opportunity", {"006A": 1000, "006B": 500, "006C": 200}), pipeline)
    reasons = credits.reasons("lead")
    assert reasons["records"] == 6
    assert (reasons["unmatched"], reasons["unpaid"], reasons["no_touch"]) == (1, 1, 1)
    assert reasons["outside_window"] == LEAD_REASONS[window]
    assert reasons["attributed"] == 3 - LEAD_REASONS[window]
    # Every record is credited once in all, or not at all: nothing counted twice.
    per_record: dict[str, float] = {}
    for r in credits.rows.to_pylist():
        per_record[r["record_id"]] = per_record.get(r["record_id"], 0.0) + r["credit"]
    assert all(v == pytest.approx(1.0) for v in per_record.values())


def test_credits_are_dated_by_the_touch(crm_fixture: Path) -> None:
    with Workspace.open(crm_fixture, read_only=True) as ws:
        credits = attribute(ws, Rule(30, "first_touch"))
    days = {(r["record_type"], r["record_id"]): str(r["day"]) for r in credits.rows.to_pylist()}
    # 006A's first touch is 00Q1's Beta response on 3/6, though the opportunity opened on 3/20.
    assert days[("opportunity", "006A")] == "2026-03-06"
    assert days[("lead", "00Q2")] == "2026-03-15"


def test_the_report_computes_the_same_credited_figures(crm_fixture: Path) -> None:
    from mille.analysis.breakdown import report

    text = """metrics:
  - name: opps_30_linear
    label: Opportunities (30d linear)
    description: test metric
    type: simple
    measure: opportunities
    attribution_window: 30d
    attribution_model: linear
    how_to_read: test
  - name: pipeline_30_linear
    label: Pipeline (30d linear)
    description: test metric
    type: simple
    measure: pipeline_amount
    attribution_window: 30d
    attribution_model: linear
"""
    (crm_fixture / "metrics.yaml").write_text(text, encoding="utf-8")
    try:
        with Workspace.open(crm_fixture, read_only=True) as ws:
            r = report(ws, "opps_30_linear,pipeline_30_linear", by="platform", period="2026-03-01:2026-04-30",
                       compare="none")
    finally:
        (crm_fixture / "metrics.yaml").unlink()
    got = {c.segment["platform"]: c for c in r.cells}
    _, opps, pipeline = EXPECTED[(30, "linear")]
    for platform in (A, B):
        assert got[platform].metrics["opps_30_linear"].current.value == pytest.approx(opps[platform])
        assert got[platform].metrics["pipeline_30_linear"].current.value == pytest.approx(pipeline[platform])
