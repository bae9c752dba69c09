"""Glossary pages with live figures, version records and drift, on a workspace of fixture rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from oracle import ORACLE, in_period

from mille.analysis.glossary import glossary_page, metric_list
from mille.analysis.metric_versions import definition_drift, record_versions, version_history
from mille.metrics import load_catalogue
from mille.workspace import Workspace

CRM = Path(__file__).parent / "fixtures" / "crm_definitions.yaml"


def test_page_figures_match_pandas(fixture_ws: Path, ad_frame: pd.DataFrame) -> None:
    with Workspace.open(fixture_ws) as ws:
        page = glossary_page(ws, "cpm", period="2026-09")
    live = page.live
    assert live is not None and live.period["label"] == "2026-09" and live.previous_period["label"] == "2026-08"
    sep = in_period(ad_frame, "2026-09-01", "2026-09-30")
    aug = in_period(ad_frame, "2026-08-01", "2026-08-31")
    assert live.total.value == pytest.approx(ORACLE["cpm"](sep))
    assert live.total.previous_value == pytest.approx(ORACLE["cpm"](aug))
    assert live.total.numerator == pytest.approx(sep.spend_reporting.sum())
    assert live.total.denominator == pytest.approx(sep.impressions.sum())
    assert live.total.change == pytest.approx(ORACLE["cpm"](sep) - ORACLE["cpm"](aug))
    assert live.total.change_pct == pytest.approx(ORACLE["cpm"](sep) / ORACLE["cpm"](aug) - 1)
    by_platform = {c.platform: c for c in live.platforms}
    assert set(by_platform) == set(sep.platform)
    for platform, group in sep.groupby("platform"):
        assert by_platform[platform].value == pytest.approx(ORACLE["cpm"](group))
        assert by_platform[platform].measures["spend"] == pytest.approx(group.spend_reporting.sum())
    # The platforms' bases add up to the total's: the page never shows an average of ratios.
    assert sum(c.numerator for c in live.platforms) == pytest.approx(live.total.numerator)
    assert sum(c.denominator for c in live.platforms) == pytest.approx(live.total.denominator)


def test_default_period_is_the_last_complete_month(fixture_ws: Path) -> None:
    with Workspace.open(fixture_ws) as ws:
        page = glossary_page(ws, "ctr", record=False)
    assert page.live.period == {"label": "2026-10", "start": "2026-10-01", "end": "2026-10-31"}
    assert page.live.recorded_version is False


def test_platforms_without_the_metrics_bases_are_left_out(fixture_ws: Path) -> None:
    with Workspace.open(fixture_ws) as ws:
        page = glossary_page(ws, "platform_cpl", period="2026-09", compare="none")
    assert page.name == "cost_per_lead" and page.live.previous_period is None
    assert [c.platform for c in page.live.platforms] == ["linkedin_ads", "facebook_ads"]


def test_thin_cells_are_flagged(fixture_ws: Path, ad_frame: pd.DataFrame) -> None:
    daily = ad_frame.groupby(["date_day", "platform"]).clicks.sum()
    day = daily[(daily > 0) & (daily < 30)].index[0][0].date().isoformat()  # a day with a thin platform
    with Workspace.open(fixture_ws) as ws:
        page = glossary_page(ws, "cpc", period=day, compare="none")
    clicks = in_period(ad_frame, day, day).groupby("platform").clicks.sum()
    for cell in page.live.platforms:
        assert cell.thin == (0 < clicks[cell.platform] < 30)
    assert any(c.thin for c in page.live.platforms)


def test_versions_are_recorded_once_and_drift_is_detected(fixture_ws: Path) -> None:
    with Workspace.open(fixture_ws) as ws:
        glossary_page(ws, "cpm", period="2026-09")
        glossary_page(ws, "cpm", period="2026-10")
        history = version_history(ws, "cpm")
        assert [h.version for h in history] == [load_catalogue().version("cpm")]
        assert history[0].definition["numerator"]["column"] == "spend_reporting"
        assert definition_drift(ws).drifted == []
    (fixture_ws / "metrics.yaml").write_text(
        "overrides:\n  - name: cpm\n    filters: [\"network != 'search'\"]\n", encoding="utf-8"
    )
    with Workspace.open(fixture_ws) as ws:
        drift = definition_drift(ws)
        assert [d.metric for d in drift.drifted] == ["cpm"]
        assert drift.drifted[0].last_seen_version == history[0].version
        assert "filters" in drift.drifted[0].current_definition
        glossary_page(ws, "cpm", period="2026-09")
        assert len(version_history(ws, "cpm")) == 2
        assert definition_drift(ws).drifted == []
    (fixture_ws / "metrics.yaml").unlink()
    with Workspace.open(fixture_ws) as ws:
        # Going back to the first definition is a change too, and it is recorded again.
        assert [d.metric for d in definition_drift(ws).drifted] == ["cpm"]
        new = record_versions(ws, ["cpm"], now=datetime(2030, 1, 1))
        assert new == [("cpm", history[0].version)]
        assert record_versions(ws, ["cpm"]) == []


def test_derived_pages_record_their_inputs(fixture_ws: Path) -> None:
    (fixture_ws / "metrics.yaml").write_text(
        "metrics:\n  - {name: cpc_per_cpm, label: R, description: d, type: derived, expression: cpc / cpm}\n",
        encoding="utf-8",
    )
    with Workspace.open(fixture_ws) as ws:
        page = glossary_page(ws, "cpc_per_cpm", period="2026-09", compare="none")
        assert page.inputs == ["cpc", "cpm"]
        assert page.live.total.numerator is None
        total = page.live.total.measures
        assert page.live.total.value == pytest.approx((total["spend"] / total["clicks"]) /
                                                      (1000 * total["spend"] / total["impressions"]))
        assert {h.metric for h in version_history(ws)} == {"cpc_per_cpm", "cpc", "cpm"}


def test_pages_without_live_figures_say_why(tmp_ws: Path, fixture_ws: Path) -> None:
    assert glossary_page(None, "cpm").live_note == "no workspace: definition only"
    with Workspace.open(tmp_ws) as ws:
        assert "holds no ad data" in glossary_page(ws, "cpm").live_note
    (fixture_ws / "metrics.yaml").write_text(CRM.read_text(encoding="utf-8"), encoding="utf-8")
    with Workspace.open(fixture_ws) as ws:
        page = glossary_page(ws, "cost_per_opportunity")
        assert page.live is None and "attribution" in page.live_note
        assert page.tables == ["ad_performance", "crm_opportunities"]


def test_page_definition_is_complete() -> None:
    page = glossary_page(None, "platform_cpl")
    assert page.name == "cost_per_lead" and page.formula.startswith("Σ lead_form_spend")
    assert page.source_fields["leads"] == {"linkedin_ads": "Leads", "facebook_ads": "Leads"}
    assert [r.name for r in page.related] == ["leads", "cpc", "conversion_rate", "cost_per_crm_lead"]
    assert page.definition["how_to_read"] and page.normal_form["type"] == "ratio"
    listing = metric_list(None)
    assert [m.name for m in listing.metrics][:3] == ["spend", "impressions", "clicks"]
    assert all(len(m.version) == 12 for m in listing.metrics)
