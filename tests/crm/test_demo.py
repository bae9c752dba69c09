"""The demo's pipeline story, end to end: equal cost per CRM lead, very different cost per
opportunity, and the funnel factor split that says why.

The oracle is the demo's generated truth (``mille.demo.generate``), not mille's reading of the
files: every paid contact carries its campaign's name, created on a day that campaign spent, and
deals open 14–56 days after their contact — so under the catalogue's 90-day rule the credited
leads of a platform are exactly its contacts created in the period, and its credited
opportunities exactly the deals of those contacts.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from mille.analysis.pipeline import pipeline
from mille.workspace import Workspace

PERIOD = "2026-05-01:2026-08-31"  # cohorts old enough for their opportunities to have arrived


@pytest.fixture(scope="module")
def truth():
    from mille.demo import generate

    return generate(0)


def _truth_counts(truth) -> tuple[dict[str, int], dict[str, int]]:
    lo, hi = np.datetime64(date(2026, 5, 1)), np.datetime64(date(2026, 8, 31))
    c = truth.contacts
    day = c.column("create_date").to_numpy().astype("datetime64[D]")
    platform = np.asarray(c.column("platform").to_pylist(), dtype=object)
    inside = (day >= lo) & (day <= hi)
    leads = {p: int(((platform == p) & inside).sum()) for p in ("linkedin_ads", "facebook_ads")}
    d = truth.deals
    lead_day = d.column("lead_date").to_numpy().astype("datetime64[D]")
    dp = np.asarray(d.column("platform").to_pylist(), dtype=object)
    in_d = (lead_day >= lo) & (lead_day <= hi)
    opps = {p: int(((dp == p) & in_d).sum()) for p in ("linkedin_ads", "facebook_ads")}
    return leads, opps


def test_report_shows_equal_cpl_and_very_different_cost_per_opportunity(demo_workspace: Path, cli, truth) -> None:
    code, out, err = cli("-w", str(demo_workspace), "report", "cpl,cost_per_opportunity", "--by", "platform",
                         "--period", PERIOD, "--compare", "none", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    cells = {c["segment"]["platform"]: c for c in data["cells"]}
    leads, opps = _truth_counts(truth)
    li, meta = cells["linkedin_ads"], cells["facebook_ads"]
    for platform, cell in (("linkedin_ads", li), ("facebook_ads", meta)):
        cpl, cpo = cell["metrics"]["cost_per_crm_lead"]["current"], cell["metrics"]["cost_per_opportunity"]["current"]
        assert cpl["denominator"] == leads[platform]
        assert cpo["denominator"] == opps[platform]
        assert cpl["numerator"] == pytest.approx(cell["current"]["sums"]["spend"])
        assert cpl["value"] == pytest.approx(cpl["numerator"] / cpl["denominator"])
    cpl_li, cpl_meta = (c["metrics"]["cost_per_crm_lead"]["current"]["value"] for c in (li, meta))
    cpo_li, cpo_meta = (c["metrics"]["cost_per_opportunity"]["current"]["value"] for c in (li, meta))
    assert 0.9 <= cpl_li / cpl_meta <= 1.1  # the same per lead…
    assert cpo_meta / cpo_li > 3.0  # …not per opportunity (the story plants ×4.4)
    # The table shows them side by side.
    code, out, _ = cli("-w", str(demo_workspace), "report", "cpl,cost_per_opportunity", "--by", "platform",
                       "--period", PERIOD, "--compare", "none")
    assert code == 0 and "Cost per lead (CRM)" in out and "Cost per opportunity" in out
    assert "linkedin_ads" in out and "facebook_ads" in out


def test_the_funnel_split_explains_the_difference(demo_workspace: Path) -> None:
    with Workspace.open(demo_workspace, read_only=True) as ws:
        result = pipeline(ws, by="platform", period=PERIOD, against="facebook_ads")
    li = next(s for s in result.segments if s.segment == {"platform": "linkedin_ads"})
    split = li.funnel
    assert split is not None and split.a.label == "Meta Ads"
    parts = {f.factor: f.contribution for f in split.factors}
    # Exact: the parts add up to the difference, and the log terms to the log ratio.
    assert sum(parts.values()) == pytest.approx(split.change, rel=1e-12)
    assert sum(f.log_term for f in split.factors) == pytest.approx(math.log(split.cost_per_opportunity_b / split.cost_per_opportunity_a))
    # Recomputed from the segment's own sums: CPO = CPC ÷ click-to-lead ÷ lead-to-opportunity.
    f = li.figures
    assert split.cost_per_opportunity_b == pytest.approx(f["spend"] / f["opportunities"])
    # Equal cost per lead: CPC and click-to-lead cancel; lead quality is the difference.
    per_lead = parts["cpc"] + parts["click_to_lead_rate"]
    assert abs(per_lead) < 0.1 * abs(split.change)
    assert parts["lead_to_opportunity_rate"] / split.change > 0.9
    assert "lead-to-opportunity rate" in split.sentence


def test_recent_cohorts_say_what_has_not_arrived(demo_workspace: Path) -> None:
    with Workspace.open(demo_workspace, read_only=True) as ws:
        october = pipeline(ws, period="2026-10").maturity
        may = pipeline(ws, period="2026-05").maturity
    assert october is not None and may is not None
    assert october.missing_share > 0.5  # opportunities open 2–8 weeks after their lead
    assert may.missing_share < 0.02
    assert october.expected_opportunities == pytest.approx(october.opportunities / october.arrived_share)


def test_explain_cost_per_opportunity_carries_the_exact_funnel_split(demo_workspace: Path, cli) -> None:
    code, out, err = cli("-w", str(demo_workspace), "explain", "cost_per_opportunity", "--before", "2026-06",
                         "--after", "2026-07", "--dims", "platform", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    funnel = data["funnel"]
    assert funnel["a"]["label"] == "2026-06" and funnel["b"]["label"] == "2026-07"
    # The split is of the same figures explain reports, and its parts add up to the change.
    assert funnel["cost_per_opportunity_a"] == pytest.approx(data["before"]["value"])
    assert funnel["cost_per_opportunity_b"] == pytest.approx(data["after"]["value"])
    assert sum(f["contribution"] for f in funnel["factors"]) == pytest.approx(data["change"], rel=1e-9)
    assert [f["factor"] for f in funnel["factors"]] == ["cpc", "click_to_lead_rate", "lead_to_opportunity_rate"]
    # Decomposition by platform adds up too (credited rows join the mix/rate machinery).
    d = data["decomposition"]
    assert d["mix"] + d["rate"] + d["no_base"] == pytest.approx(data["change"], rel=1e-9)


def test_pipeline_metrics_refuse_dimensions_credits_do_not_have(demo_workspace: Path, cli) -> None:
    code, _, err = cli("-w", str(demo_workspace), "report", "cost_per_opportunity", "--by", "device")
    assert code == 2 and "cannot be broken down or filtered by `device`" in err


def test_glossary_page_shows_live_pipeline_figures(demo_workspace: Path) -> None:
    from mille.analysis.glossary import glossary_page

    with Workspace.open(demo_workspace, read_only=True) as ws:
        page = glossary_page(ws, "cpl", period="2026-08", compare="none", record=False)
    assert page.name == "cost_per_crm_lead" and page.live is not None
    total = page.live.total
    assert total.value == pytest.approx(total.numerator / total.denominator)
    assert {c.platform for c in page.live.platforms} >= {"linkedin_ads", "facebook_ads"}
