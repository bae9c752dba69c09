"""Freshness: the last day per source against the other sources and against today."""

from __future__ import annotations

from datetime import date

import pytest
from audit_rows import days, insert, series
from audit_run import only, run_audit

from mille.analysis.audit import DayRange

SEP1, OCT31 = date(2026, 9, 1), date(2026, 10, 31)


def run(path, **kw):
    """Only this module's checks: faster, and the other checks are tested in their own modules."""
    return run_audit(path, checks="freshness", **kw)


def _two_sources(tmp_ws, late_end: date, **late: object) -> None:
    rows = series(SEP1, OCT31, platform="google_ads", account_id="g", spend=200.0)
    rows += late.pop("rows", None) or series(SEP1, late_end, platform="linkedin_ads", account_id="li", spend=70.0)
    insert(tmp_ws, "ad_performance", rows)


def test_source_behind_the_others_while_delivering_steadily(tmp_ws) -> None:
    _two_sources(tmp_ws, date(2026, 10, 20))
    [f] = only(run(tmp_ws), "freshness.behind_others")
    assert f.severity == "warn" and (f.platform, f.account_id) == ("linkedin_ads", "li")
    assert "an export is probably missing" in f.detail
    assert f.days == [DayRange(start=date(2026, 10, 21), end=OCT31)]
    assert f.estimated and f.spend == pytest.approx(11 * 70.0)  # 11 days at its steady 70 a day


def test_source_two_days_behind_is_a_warning(tmp_ws) -> None:
    _two_sources(tmp_ws, date(2026, 10, 29))
    [f] = only(run(tmp_ws), "freshness.behind_others")
    assert f.severity == "warn" and f.n_days == 2


def test_one_day_behind_is_normal_platform_lag(tmp_ws) -> None:
    _two_sources(tmp_ws, date(2026, 10, 30))
    assert only(run(tmp_ws), "freshness.behind_others") == []


def test_a_source_winding_down_may_have_stopped(tmp_ws) -> None:
    fading = series(SEP1, date(2026, 10, 13), platform="linkedin_ads", account_id="li", spend=70.0)
    fading += series(date(2026, 10, 14), date(2026, 10, 20), platform="linkedin_ads", account_id="li",
                     spend=5.0, impressions=300)
    _two_sources(tmp_ws, date(2026, 10, 20), rows=fading)
    [f] = only(run(tmp_ws), "freshness.behind_others")
    assert f.severity == "warn" and "it may have stopped" in f.detail


def test_late_days_outside_the_period_are_not_reported(tmp_ws) -> None:
    _two_sources(tmp_ws, date(2026, 10, 20))
    assert only(run(tmp_ws, period="2026-09"), "freshness.behind_others") == []


def test_stale_against_today(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, OCT31))
    [f] = only(run(tmp_ws, as_of=date(2026, 11, 20)), "freshness.stale")
    assert f.severity == "warn" and f.spend == 0 and "19 day(s) old" in f.title
    assert f.days == [DayRange(start=date(2026, 11, 1), end=date(2026, 11, 19))]
    assert only(run(tmp_ws, as_of=date(2026, 11, 3)), "freshness.stale") == []
    # A period that ends before the newest day is not about recent weeks.
    assert only(run(tmp_ws, as_of=date(2026, 11, 20), period="2026-10"), "freshness.stale") == []


def test_freshness_per_source_in_the_result(tmp_ws) -> None:
    _two_sources(tmp_ws, date(2026, 10, 25))
    fresh = {s.platform: s for s in run(tmp_ws, as_of=date(2026, 11, 2)).freshness}
    assert fresh["linkedin_ads"].last_day == date(2026, 10, 25)
    assert fresh["linkedin_ads"].days_behind_newest == 6 and fresh["google_ads"].days_behind_newest == 0
    assert fresh["google_ads"].days_behind_today == 1  # 1 November is missing on 2 November
    assert len(days(SEP1, OCT31)) == (fresh["google_ads"].last_day - fresh["google_ads"].first_day).days + 1
