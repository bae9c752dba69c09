"""Tracking gaps: each check with a fixture that triggers it and one that doesn't."""

from __future__ import annotations

from datetime import date

import pytest
from audit_rows import ad_row, days, insert, series
from audit_run import only, run_audit

from mille.analysis.audit import DayRange

SEP1, OCT31 = date(2026, 9, 1), date(2026, 10, 31)
GAP = days(date(2026, 10, 13), date(2026, 10, 16))


def run(path, **kw):
    """Only this module's checks: faster, and the other checks are tested in their own modules."""
    return run_audit(path, checks="gaps", **kw)


def test_account_gap_is_found_with_its_days_and_estimated_spend(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, OCT31, skip=GAP, spend=100.0, impressions=5000))
    r = run(tmp_ws)
    [f] = only(r, "gaps.account_days")
    assert f.severity == "error"
    assert f.days == [DayRange(start=date(2026, 10, 13), end=date(2026, 10, 16))]
    assert (f.platform, f.account_id, f.account) == ("facebook_ads", "act-1", "Account One")
    # A normal day is 100 of spend and 5,000 impressions: four days missing ≈ 400 and 20,000.
    assert f.estimated and f.spend == pytest.approx(400.0) and f.impressions == 20000
    # The account's hole is not repeated as a campaign hole.
    assert only(r, "gaps.campaign_days") == []


def test_continuous_account_has_no_gap(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, OCT31))
    r = run(tmp_ws)
    assert only(r, "gaps.account_days") == [] and only(r, "gaps.campaign_days") == []


def test_weekday_schedule_is_not_a_gap_but_a_missing_weekday_is(tmp_ws) -> None:
    weekdays_only = [d for d in days(SEP1, OCT31) if d.weekday() < 5 and d != date(2026, 10, 14)]
    insert(tmp_ws, "ad_performance", [ad_row(d) for d in weekdays_only])
    [f] = only(run(tmp_ws), "gaps.account_days")
    assert f.days == [DayRange(start=date(2026, 10, 14), end=date(2026, 10, 14))]  # a Wednesday


def test_tiny_series_gap_may_be_chance_and_is_not_reported(tmp_ws) -> None:
    # 2 impressions a day: three empty days are expected now and then (Poisson λ = 6 < 14).
    insert(tmp_ws, "ad_performance",
           series(SEP1, OCT31, skip=days(date(2026, 10, 5), date(2026, 10, 7)), spend=0.05, impressions=2))
    assert only(run(tmp_ws), "gaps.account_days") == []


def test_campaign_gap_while_account_delivered(tmp_ws) -> None:
    rows = series(SEP1, OCT31, campaign_id="a", spend=100.0)
    rows += series(SEP1, OCT31, skip=days(date(2026, 10, 5), date(2026, 10, 7)), campaign_id="b",
                   campaign_name="NA_leadgen_vp-it_demo", spend=60.0, impressions=3000)
    insert(tmp_ws, "ad_performance", rows)
    r = run(tmp_ws)
    assert only(r, "gaps.account_days") == []
    [f] = only(r, "gaps.campaign_days")
    assert f.severity == "warn" and f.campaign_id == "b" and f.campaign == "NA_leadgen_vp-it_demo"
    assert f.days == [DayRange(start=date(2026, 10, 5), end=date(2026, 10, 7))]
    assert f.spend == pytest.approx(180.0)  # 3 days × 60


def test_a_campaign_that_ends_is_not_a_gap(tmp_ws) -> None:
    rows = series(SEP1, OCT31, campaign_id="a") + series(SEP1, date(2026, 9, 20), campaign_id="b")
    insert(tmp_ws, "ad_performance", rows)
    assert only(run(tmp_ws), "gaps.campaign_days") == []


def test_gap_at_the_start_of_the_period_is_judged_with_the_days_before_it(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, OCT31, skip=days(date(2026, 10, 1), date(2026, 10, 3))))
    [f] = only(run(tmp_ws, period="2026-10"), "gaps.account_days")
    assert f.days == [DayRange(start=date(2026, 10, 1), end=date(2026, 10, 3))]
    assert only(run(tmp_ws, period="2026-09"), "gaps.account_days") == []


def test_a_monthly_row_covers_its_days(tmp_ws) -> None:
    rows = series(SEP1, date(2026, 9, 30))
    rows.append(ad_row(date(2026, 10, 1), period_end=OCT31, granularity="month", spend=3100.0, impressions=155000))
    rows += series(date(2026, 11, 1), date(2026, 11, 10))
    insert(tmp_ws, "ad_performance", rows)
    r = run(tmp_ws)
    assert only(r, "gaps.account_days") == [] and only(r, "gaps.drop_to_zero") == []


def test_drop_to_zero_after_normal_delivery(tmp_ws) -> None:
    zero = days(date(2026, 10, 10), date(2026, 10, 12))
    rows = series(SEP1, OCT31, skip=zero) + [ad_row(d, spend=0.0, impressions=0, clicks=0) for d in zero]
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "gaps.drop_to_zero")
    assert f.severity == "warn" and f.days == [DayRange(start=zero[0], end=zero[-1])]
    assert "has not recovered" not in f.detail


def test_drop_to_zero_that_has_not_recovered(tmp_ws) -> None:
    zero = days(date(2026, 10, 25), OCT31)
    rows = series(SEP1, OCT31, skip=zero) + [ad_row(d, spend=0.0, impressions=0, clicks=0) for d in zero]
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "gaps.drop_to_zero")
    assert f.n_days == 7 and "has not recovered" in f.detail


def test_a_wind_down_is_not_a_sudden_drop(tmp_ws) -> None:
    # Spend fades to a trickle, then zero rows: the day before the zeros is far below normal.
    fade = days(date(2026, 10, 20), date(2026, 10, 24))
    zero = days(date(2026, 10, 25), OCT31)
    rows = series(SEP1, date(2026, 10, 19))
    rows += [ad_row(d, spend=2.0, impressions=100, clicks=1) for d in fade]
    rows += [ad_row(d, spend=0.0, impressions=0, clicks=0) for d in zero]
    insert(tmp_ws, "ad_performance", rows)
    assert only(run(tmp_ws), "gaps.drop_to_zero") == []


def test_spend_without_impressions(tmp_ws) -> None:
    rows = series(SEP1, date(2026, 9, 30))
    rows.append(ad_row(date(2026, 9, 5), campaign_id="b", spend=50.0, impressions=0, clicks=0))
    rows.append(ad_row(date(2026, 9, 6), campaign_id="b", spend=25.0, impressions=None, clicks=None))
    rows.append(ad_row(date(2026, 9, 7), campaign_id="c", spend=0.001, impressions=0, clicks=0))  # rounding
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "gaps.spend_without_impressions")
    assert f.campaign_id == "b" and f.spend == pytest.approx(75.0) and f.n_days == 2
    assert "no impressions value at all" in f.detail


def test_impressions_without_spend_is_priced_at_the_account_cpm(tmp_ws) -> None:
    rows = series(SEP1, date(2026, 9, 30), spend=100.0, impressions=5000)  # CPM 20
    rows += [ad_row(d, campaign_id="b", spend=0.0, impressions=5000) for d in days(date(2026, 9, 8), date(2026, 9, 9))]
    rows.append(ad_row(date(2026, 9, 10), campaign_id="c", spend=0.0, impressions=50))  # too few to matter
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "gaps.impressions_without_spend")
    # Account CPM over the period: 3,000 spend / 160,050 impressions × 1000; 10,000 unpaid impressions.
    cpm = 1000 * 3000.0 / (30 * 5000 + 2 * 5000 + 50)
    assert f.campaign_id == "b" and f.impressions == 10000
    assert f.estimated and f.spend == pytest.approx(10000 * cpm / 1000)


def test_missing_spend_is_read_from_the_days_around_the_hole_whatever_the_period(tmp_ws) -> None:
    # Spend steps from 50 a day (May–August) to 200 a day (September on): the hole in October is
    # worth about 4 × 200, not 4 × the six-month average, and auditing all data, September–October
    # or October alone gives the same estimate (explain quotes the audit of its periods).
    rows = series(date(2026, 5, 1), date(2026, 8, 31), spend=50.0, impressions=2500)
    rows += series(SEP1, OCT31, skip=GAP, spend=200.0, impressions=10000)
    insert(tmp_ws, "ad_performance", rows)
    estimates = set()
    for period in (None, "2026-09-01:2026-10-31", "2026-10"):
        [f] = only(run(tmp_ws, period=period), "gaps.account_days")
        estimates.add((f.spend, f.impressions))
    assert estimates == {(800.0, 40000)}
