"""explain and report answer "is this change noise?" the same way: day-level intervals.

On a workspace (or a --data file) the headline's and each segment's before/after intervals come
from per-day sums, as in `mille report`, so the two commands print the same intervals for the
same cells and agree on noise.
"""

from __future__ import annotations

import pytest

from mille.analysis.breakdown import report
from mille.analysis.explain import explain
from mille.workspace import Workspace


@pytest.fixture(scope="module")
def both(demo_workspace):
    with Workspace.open(demo_workspace, read_only=True) as ws:
        yield {
            "report": report(ws, ["cpm", "ctr"], by="platform", period="2026-10", compare="2026-09"),
            "cpm": explain(ws, "cpm", "2026-09", "2026-10", dims=["platform"]),
            "ctr": explain(ws, "ctr", "2026-09", "2026-10", dims=["platform"]),
        }


@pytest.mark.parametrize("metric", ["cpm", "ctr"])
def test_headline_intervals_equal_the_reports_total(both, metric: str) -> None:
    e, total = both[metric], both["report"].total.metrics[metric]
    assert e.interval_basis == "days"
    assert e.before.interval == pytest.approx((total.previous.low, total.previous.high), rel=1e-9)
    assert e.after.interval == pytest.approx((total.current.low, total.current.high), rel=1e-9)
    assert e.change_interval == pytest.approx((total.change.low, total.change.high), rel=1e-9)
    assert e.headline_noise is bool(total.change.noise)


@pytest.mark.parametrize("metric", ["cpm", "ctr"])
def test_segment_intervals_equal_the_reports_cells(both, metric: str) -> None:
    e = both[metric]
    cells = {c.segment.get("platform"): c.metrics[metric] for c in both["report"].cells}
    segments = [c for c in (*e.causes, *e.others) if set(c.segment) == {"platform"}]
    assert segments, "expected at least one platform segment among causes and others"
    for c in segments:
        cell = cells[c.segment["platform"]]
        assert c.after.interval == pytest.approx((cell.current.low, cell.current.high), rel=1e-9)
        assert c.before.interval == pytest.approx((cell.previous.low, cell.previous.high), rel=1e-9)


def test_a_19_percent_cpm_rise_is_not_called_noise(both) -> None:
    e = both["cpm"]
    assert e.headline_noise is False and not e.within_noise
    assert "within noise" not in e.summary
