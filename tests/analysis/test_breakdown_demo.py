"""The demo's planted story, as `mille report` shows it with no options."""

from __future__ import annotations

from pathlib import Path

from mille.analysis.breakdown import report
from mille.workspace import Workspace


def test_default_report_warns_that_blended_cpm_rose_by_mix(demo_workspace: Path) -> None:
    # docs/demo.md: October vs September 2026, blended CPM rises mostly because budget moved
    # from Google Display to LinkedIn; LinkedIn × C-suite CPM also rises (rate).
    with Workspace.open(demo_workspace, read_only=True) as ws:
        result = report(ws)
    assert (result.period.label, result.compare.label) == ("2026-10", "2026-09")
    blended = [w for w in result.warnings if w.metric == "cpm" and w.segment is None]
    assert len(blended) == 1
    w = blended[0]
    assert w.kind == "mix" and w.mix_share > 0.5 and w.change > 0
    assert w.message.startswith("Blended CPM rose")
    assert w.command.startswith("mille explain cpm --before 2026-09 --after 2026-10 --dims platform,network")
    cpm = result.total.metrics["cpm"]
    assert cpm.change.relative > 0.1 and cpm.change.noise is False
    li = next(c for c in result.cells if c.segment == {"platform": "linkedin_ads"})
    google = next(c for c in result.cells if c.segment == {"platform": "google_ads"})
    # the budget moved: LinkedIn's share of spend up, Google's down
    assert li.current.sums["spend"] > li.previous.sums["spend"]
    assert google.current.sums["spend"] < google.previous.sums["spend"]
    # Google's own CPM rises only through its display → search mix, and the report says so
    assert any(x.metric == "cpm" and x.segment == {"platform": "google_ads"} for x in result.warnings)


def test_meta_mobile_ctr_fall_is_real_not_noise(demo_workspace: Path) -> None:
    with Workspace.open(demo_workspace, read_only=True) as ws:
        result = report(ws, "ctr", by="platform,device", filter="platform = 'facebook_ads'")
    cells = {c.segment["device"]: c.metrics["ctr"] for c in result.cells}
    assert cells["mobile"].change.relative < -0.2 and cells["mobile"].change.noise is False
    others = [v for k, v in cells.items() if k != "mobile"]
    assert all(abs(v.change.relative) < 0.1 for v in others)
