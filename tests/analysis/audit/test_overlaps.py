"""Duplicates and overlaps: a fixture that triggers each check and one that doesn't."""

from __future__ import annotations

from datetime import date

import pytest
from audit_rows import ad_row, ingest_log, insert, series
from audit_run import only, run_audit

from mille.analysis.audit import DayRange

SEP1, SEP15, SEP16, SEP30 = date(2026, 9, 1), date(2026, 9, 15), date(2026, 9, 16), date(2026, 9, 30)


def run(path, **kw):
    """Only this module's checks: faster, and the other checks are tested in their own modules."""
    return run_audit(path, checks="overlaps", **kw)


def test_campaign_and_ad_level_exports_of_the_same_days_counted_twice(tmp_ws) -> None:
    rows = series(SEP1, SEP30, spend=100.0, impressions=5000)  # campaign level, ingest ing-1
    for ad in ("ad-1", "ad-2"):  # an ad-level export of the second half, both counted
        rows += series(SEP16, SEP30, level="ad", ad_id=ad, ingest_id="ing-2", source_relation="ads.csv",
                       spend=50.0, impressions=2500)
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "overlaps.double_counted")
    assert f.severity == "error" and f.account_id == "act-1"
    assert f.days == [DayRange(start=SEP16, end=SEP30)]
    # Each day holds 100 (campaign) + 100 (two ads): 100 counted twice, 15 days.
    assert f.spend == pytest.approx(1500.0) and f.impressions == 15 * 5000
    assert f.files == ["ads.csv", "export.csv"] and "levels: ad, campaign" in f.detail


def test_two_files_with_different_campaigns_are_not_a_double_count(tmp_ws) -> None:
    rows = series(SEP1, SEP30, campaign_id="search-1")
    rows += series(SEP1, SEP30, campaign_id="display-1", ingest_id="ing-2", source_relation="display.csv")
    insert(tmp_ws, "ad_performance", rows)
    assert only(run(tmp_ws), "overlaps.double_counted") == []


def test_account_level_rows_overlap_every_campaign_of_their_day(tmp_ws) -> None:
    rows = series(SEP1, SEP15, campaign_id="a", spend=100.0) + series(SEP1, SEP15, campaign_id="b", spend=100.0)
    rows += series(SEP1, SEP15, level="account", campaign_id=None, campaign_name=None, ingest_id="acct",
                   source_relation="account.csv", spend=200.0, impressions=10000)
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "overlaps.double_counted")
    assert f.spend == pytest.approx(15 * 200.0) and f.n_days == 15


def test_superseded_rows_are_not_a_double_count(tmp_ws) -> None:
    rows = series(SEP1, SEP30, level="ad", ingest_id="old", superseded_by="new", spend=90.0)
    rows += series(SEP1, SEP30, ingest_id="new", source_relation="campaigns.csv", spend=100.0)
    insert(tmp_ws, "ad_performance", rows)
    assert only(run(tmp_ws), "overlaps.double_counted") == []


def test_identical_rows_in_one_export(tmp_ws) -> None:
    rows = series(SEP1, SEP30, device="desktop")
    rows.append(ad_row(date(2026, 9, 4), device="desktop"))  # the 4th of September, twice
    rows += series(SEP1, SEP30, device="mobile")  # another device is another row, not a copy
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "overlaps.duplicate_rows")
    assert f.days == [DayRange(start=date(2026, 9, 4), end=date(2026, 9, 4))] and f.spend == pytest.approx(100.0)


def _replacement(spend: float) -> dict:
    return {"ingest_id": "new", "replaced_ingest_id": "old", "action": "replaced", "platform": "facebook_ads",
            "account_id": None, "level": "campaign", "date_min": SEP16, "date_max": SEP30, "rows": 15,
            "spend": spend}


@pytest.mark.parametrize(("old_spend", "severity"), [(1500.0, "info"), (1400.0, "warn")])
def test_replaced_slice_reports_how_much_the_export_restated(tmp_ws, old_spend: float, severity: str) -> None:
    rows = series(SEP1, SEP15, ingest_id="old", source_relation="sep.csv")
    rows += series(SEP16, SEP30, ingest_id="new", source_relation="redownload.csv", spend=100.0)
    insert(tmp_ws, "ad_performance", rows)
    insert(tmp_ws, "slice_replacements", [_replacement(old_spend)])
    insert(tmp_ws, "ingests", [ingest_log("old", "sep.csv"), ingest_log("new", "redownload.csv")])
    [f] = only(run(tmp_ws), "overlaps.replaced")
    assert f.severity == severity and f.account_id == "act-1"  # account found from the new rows
    assert f.days == [DayRange(start=SEP16, end=SEP30)] and f.files == ["sep.csv", "redownload.csv"]
    assert f.spend == pytest.approx(1500.0)
    if severity == "warn":
        assert "restated by +100.00 (+7.1%)" in f.title


def test_replaced_slice_is_sized_inside_the_period(tmp_ws) -> None:
    rows = series(SEP1, SEP15, ingest_id="old") + series(SEP16, date(2026, 10, 15), ingest_id="new", spend=100.0)
    insert(tmp_ws, "ad_performance", rows)
    insert(tmp_ws, "slice_replacements", [{**_replacement(3000.0), "date_max": date(2026, 10, 15), "rows": 30}])
    [f] = only(run(tmp_ws, period="2026-10"), "overlaps.replaced")
    assert f.days == [DayRange(start=date(2026, 10, 1), end=date(2026, 10, 15))]
    assert f.spend == pytest.approx(1500.0) and f.severity == "info"  # the whole slice is unchanged


def test_no_replacements_is_skipped(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30))
    r = run(tmp_ws)
    [ran] = [c for c in r.checks if c.id == "overlaps.replaced"]
    assert ran.status == "skipped" and only(r, "overlaps.replaced") == []


@pytest.mark.parametrize(("old_spend", "severity"), [(100.0, "info"), (90.0, "warn")])
def test_superseded_slice_reports_how_much_the_levels_disagree(tmp_ws, old_spend: float, severity: str) -> None:
    rows = series(SEP1, SEP15, level="ad", ingest_id="old", source_relation="ads.csv", superseded_by="new",
                  spend=old_spend)
    rows += series(SEP1, SEP30, ingest_id="new", source_relation="campaigns.csv", spend=100.0)
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "overlaps.superseded")
    assert f.severity == severity and f.days == [DayRange(start=SEP1, end=SEP15)]
    assert f.files == ["ads.csv", "campaigns.csv"] and "ad → campaign" in f.title
    assert f.spend == pytest.approx(1500.0)  # the days now counted from campaigns.csv


@pytest.mark.parametrize(("total", "severity"), [(1100.0, "error"), (1002.0, "warn"), (None, None)])
def test_unreconciled_totals(tmp_ws, total: float | None, severity: str | None) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30, platform="google_ads", account_id="g-1"))
    insert(tmp_ws, "ingests", [ingest_log("ing-1", "export.csv", platform="google_ads", account_ids="g-1",
                                          date_min=SEP1, date_max=SEP30)])
    rec = {"ingest_id": "ing-1", "source_relation": "export.csv", "total_label": "Total: Account",
           "measure": "spend", "total_value": total or 1000.0, "rows_value": 1000.0,
           "difference": (total or 1000.0) - 1000.0, "reconciled": total is None}
    insert(tmp_ws, "reconciliations", [rec])
    found = only(run(tmp_ws), "overlaps.unreconciled_totals")
    if severity is None:
        assert found == []
        return
    [f] = found
    assert f.severity == severity and (f.platform, f.account_id) == ("google_ads", "g-1")
    assert f.spend == pytest.approx(total - 1000.0) and f.days == [DayRange(start=SEP1, end=SEP30)]


def test_unreconciled_totals_outside_the_period_are_left_out(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, date(2026, 10, 31)))
    insert(tmp_ws, "ingests", [ingest_log("ing-1", "export.csv", platform="facebook_ads", date_min=SEP1,
                                          date_max=SEP30)])
    insert(tmp_ws, "reconciliations", [{"ingest_id": "ing-1", "source_relation": "export.csv", "measure": "spend",
                                        "total_value": 2000.0, "rows_value": 1000.0, "difference": 1000.0,
                                        "reconciled": False}])
    assert len(only(run(tmp_ws), "overlaps.unreconciled_totals")) == 1
    assert only(run(tmp_ws, period="2026-10"), "overlaps.unreconciled_totals") == []
