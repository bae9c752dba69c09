"""Loose definitions and definition drift: fixtures that trigger each check and ones that don't."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from audit_rows import insert, series
from audit_run import only, run_audit

from mille.analysis.audit import DayRange
from mille.analysis.audit.drift import changed_keys
from mille.analysis.audit.source_aliases import alias_table, canonical_source

SEP1, SEP30 = date(2026, 9, 1), date(2026, 9, 30)


def run(path, **kw):
    """Only this module's checks: faster, and the other checks are tested in their own modules."""
    return run_audit(path, checks="definitions,drift", **kw)


def _configure(path: Path, **settings: object) -> None:
    cfg = path / "mille.yaml"
    doc = yaml.safe_load(cfg.read_text())
    doc.update(settings)
    cfg.write_text(yaml.safe_dump(doc, sort_keys=False))


def test_names_breaking_the_naming_convention(tmp_ws) -> None:
    _configure(tmp_ws, naming_convention={
        "pattern": "{region}_{objective}_{audience}_{offer}",
        "allowed": {"audience": ["csuite", "vp-it"]},
    })
    rows = series(SEP1, SEP30, campaign_id="ok", campaign_name="NA_leadgen_csuite_demo")
    rows += series(SEP1, SEP30, campaign_id="upper", campaign_name="EMEA_LEADGEN_VP-IT_REPORT")  # case-insensitive
    rows += series(SEP1, date(2026, 9, 10), campaign_id="q3", campaign_name="Q3 webinar push - FINAL", spend=50.0)
    rows += series(SEP1, SEP30, campaign_id="ceo", campaign_name="NA_leadgen_ceo_demo")
    insert(tmp_ws, "ad_performance", rows)
    found = {f.campaign: f for f in only(run(tmp_ws), "definitions.naming_convention")}
    assert set(found) == {"Q3 webinar push - FINAL", "NA_leadgen_ceo_demo"}
    q3 = found["Q3 webinar push - FINAL"]
    assert q3.severity == "warn" and q3.campaign_id == "q3" and q3.spend == pytest.approx(500.0)
    assert q3.days == [DayRange(start=SEP1, end=date(2026, 9, 10))]
    assert "does not match" in q3.detail
    assert "audience = 'ceo' is not an allowed value" in found["NA_leadgen_ceo_demo"].detail


def test_naming_convention_not_configured_is_skipped(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30, campaign_name="anything goes"))
    r = run(tmp_ws)
    [ran] = [c for c in r.checks if c.id == "definitions.naming_convention"]
    assert ran.status == "skipped" and "naming_convention" in (ran.note or "")


def _lead(i: int, source: str | None, medium: str | None = None, campaign: str | None = None) -> dict:
    return {"source_relation": "contacts.csv", "ingest_id": "crm", "file_hash": "h", "row_number": i,
            "source_system": "hubspot", "lead_id": f"L{i}", "created_date": date(2026, 9, 1 + i % 28),
            "utm_source": source, "utm_medium": medium, "utm_campaign": campaign}


def test_utm_check_reports_only_no_crm_data_until_crm_rows_exist(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30))
    r = run(tmp_ws)
    [ran] = [c for c in r.checks if c.id == "definitions.utm_variants"]
    assert ran.status == "skipped" and "no CRM data" in (ran.note or "")
    assert only(r, "definitions.utm_variants") == []


def test_utm_source_spellings_of_one_platform(tmp_ws) -> None:
    rows = series(SEP1, SEP30, platform="linkedin_ads", account_id="li", spend=110.0)
    rows += series(SEP1, SEP30, platform="google_ads", account_id="g", campaign_name="NA_leadgen_csuite_demo")
    insert(tmp_ws, "ad_performance", rows)
    spellings = ["LinkedIn"] * 5 + ["linkedin"] * 3 + ["li"] * 2 + ["lnkd.in"] + ["google"] * 4
    insert(tmp_ws, "crm_leads", [_lead(i, s) for i, s in enumerate(spellings)])
    [f] = only(run(tmp_ws), "definitions.utm_variants")
    assert f.platform == "linkedin_ads" and f.scope == "platform" and f.severity == "warn"
    assert "'LinkedIn' (5)" in f.title and "'lnkd.in' (1)" in f.title
    # 6 of 11 LinkedIn records sit outside the most used spelling: 6/11 of LinkedIn's 3,300 spend.
    assert f.spend == pytest.approx(3300.0 * 6 / 11)


def test_utm_medium_and_campaign_variants(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30, campaign_id="c1", campaign_name="NA_leadgen_csuite_demo"))
    leads = [_lead(i, "facebook", "cpc", "NA_leadgen_csuite_demo") for i in range(6)]
    leads += [_lead(10 + i, "facebook", "CPC ", "na_leadgen_csuite_demo") for i in range(2)]
    insert(tmp_ws, "crm_leads", leads)
    found = {f.title.split(" ")[0]: f for f in only(run(tmp_ws), "definitions.utm_variants")}
    assert set(found) == {"utm_medium", "utm_campaign"}
    camp = found["utm_campaign"]
    assert camp.campaign_id == "c1" and camp.spend == pytest.approx(3000.0 * 2 / 8)


def test_consistent_utms_have_no_finding(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30))
    insert(tmp_ws, "crm_leads", [_lead(i, "linkedin", "paid_social") for i in range(8)])
    assert only(run(tmp_ws), "definitions.utm_variants") == []


def test_workspace_source_aliases_join_the_builtin_table() -> None:
    table = alias_table({"linkedin_ads": ["li_sponsored"]})
    assert canonical_source("LI_Sponsored", table) == "linkedin_ads"
    assert canonical_source("www.linkedin.com", table) == "linkedin_ads"
    assert canonical_source("newsletter", table) == "newsletter"


def test_conversions_from_several_platforms_mean_different_things(tmp_ws) -> None:
    rows = series(SEP1, SEP30) + series(SEP1, SEP30, platform="google_ads", account_id="g")
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "definitions.conversion_meaning")
    assert f.severity == "info" and "Google Ads:" in f.detail and "Meta Ads:" in f.detail


def test_one_platform_has_one_meaning(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30))
    assert only(run(tmp_ws), "definitions.conversion_meaning") == []


def test_conversions_and_leads_holding_the_same_events(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30, conversions=3.0, leads=3.0))
    [f] = only(run(tmp_ws), "definitions.conversions_twice")
    assert f.account_id == "act-1" and "30 of 30" in f.title


def test_distinct_conversions_and_leads(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30, conversions=3.0, leads=1.0))
    assert only(run(tmp_ws), "definitions.conversions_twice") == []


def _version(version: str, when: datetime, definition: dict) -> dict:
    return {"metric": "cpm", "version": version, "first_seen": when, "definition": json.dumps(definition)}


def test_metric_definition_changed_within_the_period(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30, spend=100.0))
    insert(tmp_ws, "metric_versions", [
        _version("aaa", datetime(2026, 8, 1, 9), {"numerator": "spend", "filter": None}),
        _version("bbb", datetime(2026, 9, 11, 9), {"numerator": "spend", "filter": "platform != 'google_ads'"}),
    ])
    [f] = only(run(tmp_ws), "drift.metric_definition")
    assert f.severity == "warn" and "cpm changed on 2026-09-11 (different filters)" in f.title
    assert f.days == [DayRange(start=date(2026, 9, 11), end=date(2026, 9, 11))]
    assert f.spend == pytest.approx(1000.0)  # 1–10 September was reported under the old definition
    # A period after the change holds one definition only.
    assert only(run(tmp_ws, period="2026-09-15:2026-09-30"), "drift.metric_definition") == []


def test_going_back_to_an_earlier_definition_is_a_change_too(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30))
    insert(tmp_ws, "metric_versions", [_version("aaa", datetime(2026, 8, 1, 9), {"numerator": "spend"}),
                                       _version("bbb", datetime(2026, 9, 5, 9), {"numerator": "spend_x"}),
                                       _version("aaa", datetime(2026, 9, 20, 9), {"numerator": "spend"})])
    found = only(run(tmp_ws), "drift.metric_definition")
    assert sorted(f.days[0].start for f in found) == [date(2026, 9, 5), date(2026, 9, 20)]


def test_one_version_or_a_change_after_the_data_is_no_drift(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30))
    insert(tmp_ws, "metric_versions", [_version("aaa", datetime(2026, 8, 1, 9), {"numerator": "spend"}),
                                       _version("bbb", datetime(2026, 10, 20, 9), {"numerator": "spend_x"})])
    assert only(run(tmp_ws), "drift.metric_definition") == []


def test_changed_keys_names_what_moved() -> None:
    assert changed_keys('{"a": 1, "filter": "x"}', '{"a": 1, "filter": "y", "b": 2}') == ["b", "filter"]
    assert changed_keys(None, '{"a": 1}') == ["a"]
