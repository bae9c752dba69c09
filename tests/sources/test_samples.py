"""Every real export sample reads with the right format, and its totals are the file's own.

Expected figures were added up by hand from the files (the arithmetic is in the comments) or,
for the two large Meta files, recomputed here with pandas reading the raw cells — never with
mille's readers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pytest

from mille.sources import read_export


def _sums(parsed) -> dict[str, float | None]:
    t = parsed.table
    return {m: pc.sum(t.column(m)).as_py() for m in ("spend", "impressions", "clicks", "clicks_all", "leads")}


# (file, format, language, level, rows, spend, impressions, clicks, first day, last day, period)
CASES = [
    # Two campaign rows: Cost 1661.67 + 904.26; Impr. 25,881 + 20,287; no Clicks column
    # (Interactions 20,127 + 1,934 = 22,061 are clicks_all). Range row "July 8, 2025 - July 31, 2025".
    ("google_ads/campaign_report__VishalMotling_campaign-performance-analyzer.csv", "google_ads_ui", "en",
     "campaign", 2, 2565.93, 46168, None, date(2025, 7, 8), date(2025, 7, 31), None),
    # Twelve rows; by hand 2691.41 + 3296.57 + 7298.62 + 50252.14 + 1.30 + 103606.77 + 11381.19
    # + 8355.77 + 0 + 2580.86 + 5185.25 + 4771.27 = 199,421.15, equal to its `Total: Campaigns` row
    # (impressions 14,117,313 and clicks 167,739 likewise). `All time`: placed with --period.
    ("google_ads/campaign_report_all_time__intragoinc_cp-mktg-google-ads-i.csv", "google_ads_ui", "en",
     "campaign", 12, 199421.15, 14117313, 167739, date(2025, 1, 1), date(2025, 12, 31), "2025"),
    # Three Smart campaigns, all zero.
    ("google_ads/campaign_report_eur_greek__1123alberto_Clinic_Marketing_Agency.csv", "google_ads_ui", "en",
     "campaign", 3, 0.0, 0, 0, date(2026, 3, 27), date(2026, 4, 23), None),
    # UTF-16LE TSV, en-GB: one campaign, Cost 365.22, Impr. "9,380", Clicks 264; range 27 Jan – 23 Feb 2026.
    ("google_ads/campaign_report_utf16le_tsv__DanielTheC_internal-lnking-tool.csv", "google_ads_ui", "en",
     "campaign", 1, 365.22, 9380, 264, date(2026, 1, 27), date(2026, 2, 23), None),
    # Six rows: 5923.71 + 5913.04 + 2830.11 + 1317.32 + 71.76 + 59.30 = 16,115.24;
    # Impr. 8,833 + 5,875 + 3,843 + 2,032 + 47 + 67 = 20,697; Clicks 386 + 322 + 182 + 77 + 19 + 7 = 993.
    ("google_ads/campaign_performance_uk_dates__hudlconsultancy_hudl-website.csv", "google_ads_ui", "en",
     "campaign", 6, 16115.24, 20697, 993, date(2026, 1, 1), date(2026, 5, 29), None),
    # Fifteen ads; Cost adds to 117.06 (= `Total: All but removed ads`), Impr. to 305.
    ("google_ads/ad_report__intragoinc_cp-mktg-google-ads-i.csv", "google_ads_ui", "en",
     "ad", 15, 117.06, 305, None, date(2026, 1, 20), date(2026, 1, 21), None),
    # pt-BR: "454,06" + "453,91" + "452,48" + "356,70" + "200,00" = 1,917.15;
    # Impressões 3309 + 2119 + 995 + 1986 + 58369 = 66,778; Cliques 3169 + 1962 + 1003 + 2070 + 58 = 8,262.
    ("linkedin/campaign_performance_ptBR_utf16le_tsv__rogeritael_jbt_campaigns_automation__linkedin_09.csv",
     "linkedin_ads_ui", "pt-BR", "ad_group", 5, 1917.15, 66778, 8262, date(2023, 9, 1), date(2023, 9, 30), None),
    # Grid download: two campaigns, Spend 512.24 + 3.12, Impr. 25,389 + 79, Clicks 320 + 28; no dates.
    ("microsoft_ads/campaigns_grid_export__rogeritael_jbt_campaigns_automation__bing_08.csv",
     "microsoft_ads_grid", "en", "campaign", 2, 515.36, 25468, 348, date(2023, 8, 1), date(2023, 8, 31), "2023-08"),
]


@pytest.mark.parametrize(("name", "fmt", "language", "level", "rows", "spend", "impressions", "clicks",
                          "first", "last", "period"), CASES, ids=[c[0].split("/")[-1][:40] for c in CASES])
def test_sample_reads_with_its_own_totals(exports: Path, name, fmt, language, level, rows, spend, impressions,
                                          clicks, first, last, period) -> None:
    from mille.sources.ingest import period_arg

    parsed = read_export(exports / name, period=period_arg(period), account_currency="USD")
    assert (parsed.format, parsed.language, parsed.level) == (fmt, language, level)
    assert parsed.rows == rows
    sums = _sums(parsed)
    assert sums["spend"] == pytest.approx(spend, abs=0.005)
    assert sums["impressions"] == impressions
    assert sums["clicks"] == clicks
    assert parsed.date_range() == (first, last)
    assert parsed.table.column("ingest_id").null_count == rows  # a workspace assigns it


def test_google_totals_rows_are_dropped_and_reconciled(exports: Path) -> None:
    parsed = read_export(exports / "google_ads/campaign_report_all_time__intragoinc_cp-mktg-google-ads-i.csv",
                         period=(date(2025, 1, 1), date(2025, 12, 31)))
    recs = {(r.label, r.measure): r for r in parsed.reconciliations}
    # `Total: Campaigns` is the sum of the rows; `Total: Account` includes removed campaigns.
    assert recs[("Total: Campaigns", "spend")].reconciled
    account = recs[("Total: Account", "impressions")]
    assert not account.reconciled and account.difference == 14122564 - 14117313
    # `Total: Display` covers the Display rows only: 795,836 + 2,472,851 + 4,734,175 + 2,939,887.
    display = recs[("Total: Display", "impressions")]
    assert display.rows_value == 10942749 and display.reconciled and display.rows_covered == 4
    # `Total: Account` covers more than the rows shown (removed campaigns): one-sided, no warning.
    assert account.one_sided and account.scope_kind == "covers_more" and not account.contradicts
    assert not any("Total: Account" in w for w in parsed.warnings)
    assert parsed.metadata["totals_label_columns"] == ["Campaign status"]


def test_google_interactions_are_clicks_all_and_ratios_are_not_stored(exports: Path) -> None:
    parsed = read_export(exports / "google_ads/campaign_report__VishalMotling_campaign-performance-analyzer.csv")
    assert _sums(parsed)["clicks_all"] == 22061  # Interactions "20,127" + "1,934"
    assert "network" in parsed.table.column_names
    assert parsed.table.column("network").to_pylist() == ["video", "demand_gen"]
    assert parsed.table.column("currency").to_pylist() == ["INR", "INR"]
    assert not {"ctr", "cpc", "cpm"} & set(parsed.table.column_names)


def test_linkedin_ptbr_is_utc_monthly_and_mapped_to_the_unified_hierarchy(exports: Path) -> None:
    parsed = read_export(exports / "linkedin/campaign_performance_ptBR_utf16le_tsv__rogeritael_jbt_campaigns_"
                                   "automation__linkedin_09.csv")
    t = parsed.table
    assert set(t.column("granularity").to_pylist()) == {"month"}
    assert set(t.column("report_timezone").to_pylist()) == {"UTC"}
    # The campaign group is mille's campaign; LinkedIn's campaign is the ad group.
    assert t.column("campaign_id").to_pylist()[0] == "637165263"
    assert t.column("ad_group_name").to_pylist()[0] == "[RCK] Conversa - Stephanie"
    assert pc.sum(t.column("leads")).as_py() == 4 + 0 + 0 + 4 + 0  # the Leads column, by hand
    assert parsed.encoding == "utf-16-le" and parsed.delimiter == "\t"


def test_microsoft_grid_brackets_and_edited_totals(exports: Path) -> None:
    parsed = read_export(exports / "microsoft_ads/campaigns_grid_export__rogeritael_jbt_campaigns_automation__bing_08.csv",
                         period=(date(2023, 8, 1), date(2023, 8, 31)), account_currency="USD")
    assert parsed.table.column("campaign_id").to_pylist() == ["436534626", "530467992"]
    search = {r.measure: r for r in parsed.reconciliations if r.label == "Search total"}
    # The uploader edited rows: 512.24 + 3.12 = 515.36 ≠ the printed Search total 487.25.
    assert search["spend"].rows_value == pytest.approx(515.36) and not search["spend"].reconciled
    audience = {r.measure: r for r in parsed.reconciliations if r.label == "Audience total"}
    assert audience["spend"].rows_covered == 0 and audience["spend"].reconciled
    # Avg. CPC 1.28 printed on a row whose spend/clicks is 512.24/320 = 1.60: reported.
    assert any("CPC" in w and "1.28" in w for w in parsed.warnings)


def test_meta_csv_against_pandas(exports: Path) -> None:
    path = exports / "meta/ad_level_daily_usd__epc-python_meta-ads-analysis__Creative-Analysis-FLA.csv"
    parsed = read_export(path)
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert parsed.format == "meta_ads_ui" and parsed.level == "ad" and parsed.rows == len(raw) == 385
    sums = _sums(parsed)
    assert sums["spend"] == pytest.approx(pd.to_numeric(raw["Amount spent (USD)"]).sum(), abs=1e-6)
    assert sums["impressions"] == pd.to_numeric(raw["Impressions"]).sum()
    assert sums["clicks"] == pd.to_numeric(raw["Link clicks"].replace("", "0")).sum()
    assert parsed.date_range() == (date(2025, 8, 12), date(2025, 8, 18))
    # Same ad name, same day, two ads: the preview links tell them apart.
    t = parsed.table
    assert t.column("ad_id").null_count == 0
    assert len(set(zip(t.column("ad_id").to_pylist(), t.column("date_day").to_pylist(), strict=True))) == 385


def test_meta_xlsx_keeps_leaf_rows_only(exports: Path) -> None:
    path = exports / "meta/campaign_adset_ad_age_gender_day_ngn__Oxfordson_meta-ads-dashboard__ads_data.xlsx"
    parsed = read_export(path)
    raw = pd.read_excel(path, dtype=str).fillna("")
    dims = ["Campaign name", "Ad set name", "Ad name", "Ads", "Age", "Gender", "Day"]
    leaves = raw[(raw[dims] != "All").all(axis=1) & (raw["Campaign name"] != "")]
    assert parsed.format == "meta_ads_ui" and parsed.rows == len(leaves) == 6689
    sums = _sums(parsed)
    assert sums["spend"] == pytest.approx(pd.to_numeric(leaves["Amount spent (NGN)"]).sum(), rel=1e-12)
    assert sums["impressions"] == pd.to_numeric(leaves["Impressions"]).sum()
    assert set(parsed.table.column("currency").to_pylist()) == {"NGN"}
    # The account summary row says more than the leaves hold (campaigns with no leaf rows).
    summary = {r.measure: r for r in parsed.reconciliations if r.label == "Account summary"}
    assert summary["spend"].total_value == pytest.approx(2164487.36) and not summary["spend"].reconciled
    # A campaign-level `All` subtotal equals its leaves.
    insta = [r for r in parsed.reconciliations if r.label == "All (Campaign name=NEW INSTA ADS)" and r.measure == "spend"]
    assert insta and insta[0].reconciled and insta[0].total_value == pytest.approx(829064.12)
