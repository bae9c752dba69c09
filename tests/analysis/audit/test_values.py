"""Impossible or suspicious values: a fixture that triggers each check and one that doesn't."""

from __future__ import annotations

from datetime import date

import pytest
from audit_rows import ad_row, insert, series
from audit_run import only, run_audit

from mille.analysis.audit.plausible import likely_cause

SEP1, SEP30 = date(2026, 9, 1), date(2026, 9, 30)


def run(path, **kw):
    """Only this module's checks: faster, and the other checks are tested in their own modules."""
    return run_audit(path, checks="values", **kw)


def test_clicks_over_impressions(tmp_ws) -> None:
    rows = series(SEP1, SEP30)
    rows.append(ad_row(date(2026, 9, 3), campaign_id="b", spend=40.0, impressions=100, clicks=250))
    rows.append(ad_row(date(2026, 9, 4), campaign_id="b", spend=10.0, impressions=10, clicks=20))
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "values.clicks_over_impressions")
    assert f.severity == "error" and f.campaign_id == "b" and f.n_days == 2
    assert f.spend == pytest.approx(50.0) and f.impressions == 110
    assert "270 clicks against 110 impressions" in f.detail


def test_linkedin_message_ads_may_have_more_clicks_than_sends(tmp_ws) -> None:
    li = {"platform": "linkedin_ads", "account_id": "li-1", "campaign_id": "msg", "spend": 300.0,
          "impressions": 800, "clicks": 1200}
    insert(tmp_ws, "ad_performance", [ad_row(SEP1, network="Sponsored Messaging", **li)])
    assert only(run(tmp_ws), "values.clicks_over_impressions") == []


def test_linkedin_sponsored_content_may_not(tmp_ws) -> None:
    li = {"platform": "linkedin_ads", "account_id": "li-1", "campaign_id": "sc", "spend": 300.0,
          "impressions": 800, "clicks": 1200}
    insert(tmp_ws, "ad_performance", [ad_row(SEP1, network="social", **li)])
    assert len(only(run(tmp_ws), "values.clicks_over_impressions")) == 1


def test_negative_values(tmp_ws) -> None:
    rows = series(SEP1, SEP30)
    rows.append(ad_row(date(2026, 9, 9), campaign_id="refund", spend=-20.0, impressions=0, clicks=0))
    rows.append(ad_row(date(2026, 9, 10), campaign_id="refund", spend=5.0, clicks=-3))
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "values.negative")
    assert f.severity == "error" and f.campaign_id == "refund" and f.n_days == 2
    assert "spend" in f.title and "clicks" in f.title
    assert f.spend == pytest.approx(25.0)  # |−20| + 5


def test_no_negative_values(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30))
    assert only(run(tmp_ws), "values.negative") == []


def test_conversions_over_clicks(tmp_ws) -> None:
    rows = series(SEP1, SEP30, clicks=50, conversions=2.0)
    rows.append(ad_row(date(2026, 9, 12), campaign_id="vt", clicks=10, conversions=12.0, spend=70.0))
    # No clicks reported at all (an impressions-only export): a conversion rate can't be read.
    rows.append(ad_row(date(2026, 9, 13), campaign_id="noclicks", clicks=None, conversions=3.0))
    insert(tmp_ws, "ad_performance", rows)
    [f] = only(run(tmp_ws), "values.conversions_over_clicks")
    assert f.severity == "warn" and f.campaign_id == "vt" and f.spend == pytest.approx(70.0)


def test_spend_in_micros_is_an_implausible_cpm(tmp_ws) -> None:
    micros = [ad_row(d, account_id="act-2", source_relation="meta_micros.csv", spend=100.0 * 1e6,
                     spend_reporting=100.0 * 1e6) for d in [date(2026, 9, i) for i in range(1, 11)]]
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30) + micros)
    [f] = only(run(tmp_ws), "values.implausible_prices")
    # Unusual but possible values are warnings (the expectation was "error" before issue 15).
    assert f.severity == "warn" and f.account_id == "act-2" and f.files == ["meta_micros.csv"]
    assert "CPM" in f.title and "micros" in f.detail
    assert "Meta Ads" in f.detail and "8.00–40.00 USD" in f.detail and "FORMATS.md" in f.detail


def test_decimal_comma_misread_makes_cpm_implausible(tmp_ws) -> None:
    # "100,00" € read with the wrong separator as 0.1: Meta CPM 0.02 instead of 20 (÷1000).
    misread = series(SEP1, SEP30, account_id="act-2", source_relation="meta_de.csv", spend=0.1,
                     spend_reporting=0.1, impressions=5000, clicks=50)
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30) + misread)
    [f] = only(run(tmp_ws), "values.implausible_prices")
    assert f.account_id == "act-2" and "CPM" in f.title and "thousands separator" in f.detail


def test_search_cpc_far_below_range(tmp_ws) -> None:
    ok = [ad_row(date(2026, 9, i), platform="google_ads", network="search", account_id="g-1", spend=250.0,
                 spend_reporting=250.0, impressions=2000, clicks=100, conversions=1.0) for i in range(1, 21)]
    insert(tmp_ws, "ad_performance", ok)
    assert only(run(tmp_ws), "values.implausible_prices") == []  # CTR 5 %, CPC 2.50: plausible
    off = [ad_row(date(2026, 9, i), platform="google_ads", network="search", account_id="g-2", spend=25.0,
                  spend_reporting=25.0, impressions=2000, clicks=100, conversions=1.0) for i in range(1, 21)]
    insert(tmp_ws, "ad_performance", off)
    [f] = only(run(tmp_ws), "values.implausible_prices")
    assert f.account_id == "g-2" and "CPC" in f.title  # CPC 0.25 < 3 ÷ 10


def test_prices_in_a_currency_far_from_the_dollar_are_not_judged(tmp_ws) -> None:
    # A yen account without a rate: CPM ¥3,000 is fine in yen and would look ×75 too high in dollars.
    yen = series(SEP1, SEP30, account_id="jp", currency="JPY", spend=15000.0, spend_reporting=None, impressions=5000)
    insert(tmp_ws, "ad_performance", yen)
    [note] = only(run(tmp_ws), "values.implausible_prices")  # only a note that money was not judged
    assert note.severity == "info" and "JPY" in note.title and "USD" in note.hint


def test_too_few_impressions_to_judge(tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", [ad_row(SEP1, spend=100.0, impressions=500, clicks=2)])  # CPM 200 but n=500
    assert only(run(tmp_ws), "values.implausible_prices") == []


@pytest.mark.parametrize(("factor", "cause"), [(2e6, "micros"), (1500, "thousands separator"),
                                                (1 / 900, "thousands separator"), (120, "percentage"),
                                                (15, "number format")])
def test_likely_cause_names_the_unit_error(factor: float, cause: str) -> None:
    assert cause in likely_cause(factor)


# -- plausible prices: dollars, severities, no numpy warnings (issue 15) ------------------------
def _set(path, old: str, new: str) -> None:
    text = (path / "mille.yaml").read_text()
    assert old in text
    (path / "mille.yaml").write_text(text.replace(old, new, 1))


def _indian_account(**kw) -> list[dict]:
    # A normal Indian Google Display account: CPM ₹180 (≈ $2.2), CPC ₹12 (≈ $0.14), CTR 1.5 %.
    return series(SEP1, SEP30, platform="google_ads", network="Display Network", account_id="in-1",
                  currency="INR", spend=1800.0, spend_reporting=kw.pop("spend_reporting", 1800.0),
                  impressions=10000, clicks=150, **kw)


def test_inr_prices_of_a_normal_indian_account_raise_nothing(tmp_ws) -> None:
    _set(tmp_ws, "reporting_currency: USD", "reporting_currency: INR")
    _set(tmp_ws, "fixed: {}", "fixed: {USD: 83.0}")
    insert(tmp_ws, "ad_performance", _indian_account())
    assert only(run(tmp_ws), "values.implausible_prices") == []


def test_inr_without_a_rate_to_usd_is_not_compared_with_dollar_ranges(tmp_ws) -> None:
    _set(tmp_ws, "reporting_currency: USD", "reporting_currency: INR")
    insert(tmp_ws, "ad_performance", _indian_account())
    found = only(run(tmp_ws), "values.implausible_prices")
    assert [f.severity for f in found] == ["info"] and "INR" in found[0].title


def test_inr_converted_with_a_rates_file(tmp_ws) -> None:
    (tmp_ws / "rates.csv").write_text("date,currency,rate\n2026-01-01,USD,83.0\n")
    _set(tmp_ws, "reporting_currency: USD", "reporting_currency: INR")
    _set(tmp_ws, "  fixed: {}", "  rates_file: rates.csv")
    insert(tmp_ws, "ad_performance", _indian_account())
    assert only(run(tmp_ws), "values.implausible_prices") == []


def test_idr_account_in_a_usd_workspace_is_judged_in_dollars(tmp_ws) -> None:
    # Reporting in USD: spend_reporting is dollars. IDR 35,000 CPM = $2.2: plausible on Display.
    idr = series(SEP1, SEP30, platform="google_ads", network="Display", account_id="id-1", currency="IDR",
                 spend=350000.0, spend_reporting=22.0, impressions=10000, clicks=40)
    insert(tmp_ws, "ad_performance", idr)
    assert only(run(tmp_ws), "values.implausible_prices") == []


def test_cost_in_micros_still_warns_with_its_cause(tmp_ws) -> None:
    _set(tmp_ws, "reporting_currency: USD", "reporting_currency: INR")
    _set(tmp_ws, "fixed: {}", "fixed: {USD: 83.0}")
    micros = _indian_account(spend_reporting=1800.0 * 1e6)
    insert(tmp_ws, "ad_performance", [dict(r, spend=1800.0 * 1e6, source_relation="in_micros.csv") for r in micros])
    [f] = only(run(tmp_ws), "values.implausible_prices")
    assert f.severity == "warn" and "micros" in f.detail and "Google Ads Display Network" in f.detail
    assert "2.00–5.00 USD" in f.detail and "2026" in f.detail


def test_google_display_cpc_of_026_raises_nothing(tmp_ws) -> None:
    rows = series(SEP1, SEP30, platform="google_ads", network="Display Network", account_id="g-1",
                  spend=13.0, spend_reporting=13.0, impressions=10000, clicks=50)  # CPM 1.30, CPC 0.26
    insert(tmp_ws, "ad_performance", rows)
    assert only(run(tmp_ws), "values.implausible_prices") == []


def test_within_an_order_of_magnitude_is_no_finding(tmp_ws) -> None:
    # Meta CPM 100 (range 8–40): unusual, not a unit error.
    insert(tmp_ws, "ad_performance", series(SEP1, SEP30, spend=500.0, spend_reporting=500.0, impressions=5000))
    assert only(run(tmp_ws), "values.implausible_prices") == []


def test_no_numpy_warning_on_zero_or_missing_clicks(tmp_ws) -> None:
    import warnings

    rows = series(SEP1, SEP30, account_id="z", clicks=0, impressions=5000)  # CTR 0: no factor to show
    rows += series(SEP1, SEP30, account_id="n", clicks=None, source_relation="no_clicks.csv")  # no click column
    rows += series(SEP1, SEP30, account_id="e", clicks=0, impressions=0, spend=0.0, spend_reporting=0.0,
                   source_relation="empty.csv")
    insert(tmp_ws, "ad_performance", rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Ibis's own use of a deprecated duckdb call is the engine's business, not this check's.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"ibis\.")
        found = only(run(tmp_ws), "values.implausible_prices")
    assert found == []
