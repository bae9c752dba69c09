"""Currency and time: a fixture that triggers each check and one that doesn't."""

from __future__ import annotations

from datetime import date

import pytest
from audit_rows import insert, series
from audit_run import only, run_audit

from mille.analysis.audit import DayRange

SEP1, SEP20, SEP21, SEP30 = date(2026, 9, 1), date(2026, 9, 20), date(2026, 9, 21), date(2026, 9, 30)


def run(path, **kw):
    """Only this module's checks: faster, and the other checks are tested in their own modules."""
    return run_audit(path, checks="currency", **kw)


def test_account_whose_currency_changed(tmp_ws) -> None:
    rows = series(SEP1, SEP20, currency="USD") + series(SEP21, SEP30, currency="EUR", spend=90.0, spend_reporting=99.0)
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "currency.changed")
    assert f.severity == "error" and f.account_id == "act-1"
    assert f.days == [DayRange(start=SEP21, end=SEP30)]  # the less used currency's days
    assert f.spend == pytest.approx(10 * 99.0)


def test_one_currency_per_account_even_when_accounts_differ(tmp_ws) -> None:
    rows = series(SEP1, SEP30) + series(SEP1, SEP30, account_id="eu", currency="EUR")
    insert(tmp_ws, "ad_performance", rows)
    assert only(run(tmp_ws), "currency.changed") == []


def test_spend_without_exchange_rate(tmp_ws) -> None:
    rows = series(SEP1, SEP30) + series(SEP21, SEP30, account_id="eu", currency="EUR", spend=80.0,
                                        spend_reporting=None)
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "currency.missing_fx")
    assert f.severity == "error" and f.account_id == "eu" and "EUR" in f.title
    assert f.spend == pytest.approx(800.0) and f.days == [DayRange(start=SEP21, end=SEP30)]


def test_converted_spend_has_no_fx_finding(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30, currency="EUR", spend=80.0, spend_reporting=88.0))
    assert only(run(tmp_ws), "currency.missing_fx") == []


def test_daily_comparisons_mixing_time_zones(tmp_ws) -> None:
    rows = series(SEP1, SEP30, report_timezone="America/New_York", spend=100.0)
    rows += series(SEP1, SEP30, platform="linkedin_ads", account_id="li", report_timezone="UTC", spend=40.0)
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "currency.mixed_timezones")
    assert f.severity == "info" and f.scope == "workspace" and f.platform is None
    assert f.spend == pytest.approx(30 * 40.0)  # spend outside the main zone
    assert "UTC (LinkedIn Ads)" in f.detail and "America/New_York (Meta Ads)" in f.detail


def test_one_time_zone_is_not_mixed(tmp_ws) -> None:
    rows = series(SEP1, SEP30, report_timezone="UTC") + series(SEP1, SEP30, platform="linkedin_ads",
                                                                account_id="li", report_timezone="UTC")
    insert(tmp_ws, "ad_performance", rows)
    r = run(tmp_ws)
    assert only(r, "currency.mixed_timezones") == [] and only(r, "currency.timezone_changed") == []


def test_account_whose_time_zone_changed(tmp_ws) -> None:
    rows = series(SEP1, SEP20, report_timezone="Europe/Berlin") + series(SEP21, SEP30, report_timezone="UTC")
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "currency.timezone_changed")
    assert f.severity == "warn" and f.days == [DayRange(start=SEP21, end=SEP30)]
