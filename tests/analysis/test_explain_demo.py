"""`mille explain` on the demo workspace finds the planted story (src/mille/demo/story.py):
in October against September, blended CPM rises because budget left Google Display for LinkedIn
(mix) and LinkedIn × C-suite got dearer (rate); CTR falls because Meta mobile's CTR fell."""

from __future__ import annotations

import json

import pytest

from mille.analysis.explain import Cause, explain
from mille.demo.story import CpmRise, CtrDrop
from mille.workspace import Workspace


@pytest.fixture(scope="module")
def demo(demo_workspace):
    with Workspace.open(demo_workspace, read_only=True) as ws:
        yield {m: explain(ws, m, "2026-09", "2026-10") for m in ("cpm", "ctr")}


def _covers(c: Cause, wanted: dict[str, str]) -> bool:
    """The cause's leaves are those of ``wanted``: same conditions, written or implied."""
    return {**c.implied, **c.segment}.items() >= wanted.items()


def test_cpm_finds_the_budget_shift_from_display_to_linkedin_as_mix(demo):
    r = demo["cpm"]
    mix = [c for c in r.causes if c.effect == "mix" and _covers(c, {"network": "display"})]
    assert len(mix) == 1, [c.segment for c in r.causes]
    display = mix[0]
    assert display.share_after < display.share_before  # Display's share of impressions fell
    assert display.contribution > 0  # losing cheap impressions raises blended CPM
    # The other side of the shift: LinkedIn (sponsored content is LinkedIn's only network).
    assert any(p.implied.get("platform", p.segment.get("platform")) == "linkedin_ads"
               for p in display.counterparts)
    assert "LinkedIn" in r.summary and "(mix)" in r.summary


def test_cpm_finds_linkedin_csuite_getting_dearer_as_rate(demo):
    r = demo["cpm"]
    rate = [c for c in r.causes if _covers(c, {"platform": "linkedin_ads", "audience": CpmRise.audience})]
    assert len(rate) == 1, [c.segment for c in r.causes]
    c = rate[0]
    assert c.effect == "rate"
    # The planted factor (1.30) against the segment's own figures.
    assert c.after.value / c.before.value == pytest.approx(CpmRise.factor, rel=0.05)
    assert c.contribution > 0 and c.interval[0] > 0
    # Together the two causes account for most of the rise.
    assert sum(x.contribution for x in r.causes) / r.change > 0.5


def test_ctr_finds_meta_mobile(demo):
    r = demo["ctr"]
    found = [c for c in r.causes if _covers(c, {"platform": "facebook_ads", "device": CtrDrop.device})]
    assert len(found) == 1, [c.segment for c in r.causes]
    c = found[0]
    assert c.effect == "rate" and c.contribution < 0
    assert c.before.value / 100 == pytest.approx(CtrDrop.before, rel=0.05)
    assert c.after.value / 100 == pytest.approx(CtrDrop.after, rel=0.05)
    lo, hi = c.after.interval  # Wilson, in percent
    assert lo < c.after.value < hi


def test_cli_on_the_demo_workspace(cli, demo_workspace):
    code, out, err = cli("--workspace", str(demo_workspace), "explain", "cpm", "--before", "2026-09",
                         "--after", "2026-10", "--dims", "platform,network,audience", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert r["dims"] == ["platform", "network", "audience"]
    segments = [{**c.get("implied", {}), **c["segment"]} for c in r["causes"]]
    assert any(s.get("network") == "display" for s in segments)
    assert any(s.get("platform") == "linkedin_ads" and s.get("audience") == "csuite" for s in segments)


def test_the_tracking_gap_is_named_as_a_measurement_cause_before_business_causes(demo):
    r = demo["cpm"]
    gaps = [n for n in r.measurement if n.kind == "gaps.account_days"]
    assert len(gaps) == 1, [n.description for n in r.measurement]
    gap = gaps[0]
    assert gap.platform == "facebook_ads" and "EMEA" in (gap.account or "")
    assert gap.days == [{"start": "2026-10-13", "end": "2026-10-16"}]
    assert gap.severity == "error" and gap.spend > 0 and gap.estimated
    # The sentence names the data problem first, then the business causes.
    assert r.summary.startswith("Measurement first:")
    assert r.summary.index("2026-10-13") < r.summary.index("CPM rose")
    # Naming-convention breaks don't change a figure: not a measurement cause.
    assert not [n for n in r.measurement if n.kind.startswith("definitions.")]
    assert json.loads(r.to_json())["measurement"][0]["kind"] == "gaps.account_days"


def test_a_filter_keeps_only_problems_on_the_platforms_it_includes(demo_workspace):
    with Workspace.open(demo_workspace, read_only=True) as ws:
        linkedin = explain(ws, "ctr", "2026-09", "2026-10", filter="platform = 'linkedin_ads'")
        meta = explain(ws, "ctr", "2026-09", "2026-10", filter="platform = 'facebook_ads'")
    assert linkedin.measurement == []
    assert [n.kind for n in meta.measurement] == ["gaps.account_days"]
