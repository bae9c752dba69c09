"""Connector tables: every Fivetran seed is recognised, and report tables sum like the seed CSVs.

Oracles are pandas reads of the same CSVs with the connector's documented units (Google
``cost_micros`` / 1e6, Reddit ``spend`` in micros, X ``billed_charge_local_micro``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pytest

from mille.sources import ingest_paths, read_export
from mille.workspace import Workspace

from .conftest import make_workspace, totals

EXPECTED_FORMATS = {
    "facebook_ads_account_history_data.csv": "fivetran_facebook_ads_account_history",
    "facebook_ads_ad_history_data.csv": "fivetran_facebook_ads_ad_history",
    "facebook_ads_ad_set_history_data.csv": "fivetran_facebook_ads_ad_set_history",
    "facebook_ads_basic_ad_action_values_data.csv": "fivetran_facebook_ads_basic_ad_action_values",
    "facebook_ads_basic_ad_actions_data.csv": "fivetran_facebook_ads_basic_ad_actions",
    "facebook_ads_basic_ad_data.csv": "fivetran_facebook_ads_basic_ad",
    "facebook_ads_campaign_history_data.csv": "fivetran_facebook_ads_campaign_history",
    "facebook_ads_demographics_country_data.csv": "fivetran_facebook_ads_demographics_country",
    "google_ads_account_history_data.csv": "fivetran_google_ads_account_history",
    "google_ads_account_stats_data.csv": "fivetran_google_ads_account_stats",
    "google_ads_campaign_history_data.csv": "fivetran_google_ads_campaign_history",
    "google_ads_campaign_stats_data.csv": "fivetran_google_ads_campaign_stats",
    "linkedin_ad_account_history_data.csv": "fivetran_linkedin_ad_account_history",
    "linkedin_ad_analytics_by_campaign_data.csv": "fivetran_linkedin_ad_analytics_by_campaign",
    "linkedin_ad_analytics_by_creative_data.csv": "fivetran_linkedin_ad_analytics_by_creative",
    "linkedin_ad_campaign_group_history_data.csv": "fivetran_linkedin_ad_campaign_group_history",
    "linkedin_ad_campaign_history_data.csv": "fivetran_linkedin_ad_campaign_history",
    "linkedin_geo_data.csv": "fivetran_linkedin_geo",
    "linkedin_monthly_ad_analytics_by_member_country_data.csv": "fivetran_linkedin_monthly_ad_analytics_by_member_country",
    "microsoft_ads_account_history_data.csv": "fivetran_microsoft_ads_account_history",
    "microsoft_ads_campaign_history_data.csv": "fivetran_microsoft_ads_campaign_history",
    "microsoft_ads_campaign_performance_daily_report_data.csv": "fivetran_microsoft_ads_campaign_performance_daily_report",
    "microsoft_ads_geographic_performance_daily_report_data.csv": "fivetran_microsoft_ads_geographic_performance_daily_report",
    "reddit_ads_campaign_report_data.csv": "fivetran_reddit_ads_campaign_report",
    "tiktok_campaign_report_hourly_data.csv": "fivetran_tiktok_ads_campaign_report_hourly",
    "twitter_campaign_history_data.csv": "fivetran_twitter_ads_campaign_history",
    "twitter_campaign_report_data.csv": "fivetran_twitter_ads_campaign_report",
}


def test_every_seed_is_covered_and_detected(seeds: Path) -> None:
    assert {p.name for p in seeds.glob("*.csv")} == set(EXPECTED_FORMATS)
    for name, fmt in EXPECTED_FORMATS.items():
        assert read_export(seeds / name).format == fmt, name


# table, spend expression over the pandas frame, impressions column, clicks column
REPORTS = [
    ("google_ads_campaign_stats_data.csv", lambda d: d["cost_micros"].sum() / 1e6, "impressions", "clicks"),
    ("google_ads_account_stats_data.csv", lambda d: d["cost_micros"].sum() / 1e6, "impressions", "clicks"),
    ("facebook_ads_basic_ad_data.csv", lambda d: d["spend"].sum(), "impressions", "inline_link_clicks"),
    ("microsoft_ads_campaign_performance_daily_report_data.csv", lambda d: d["spend"].sum(), "impressions", "clicks"),
    ("reddit_ads_campaign_report_data.csv", lambda d: d["spend"].sum() / 1e6, "impressions", "clicks"),
    ("tiktok_campaign_report_hourly_data.csv", lambda d: d["SPEND"].sum(), "IMPRESSIONS", "CLICKS"),
    ("twitter_campaign_report_data.csv", lambda d: d["billed_charge_local_micro"].sum() / 1e6, "impressions",
     "url_clicks"),
    ("linkedin_ad_analytics_by_campaign_data.csv", lambda d: d["cost_in_usd"].sum(), "impressions", "clicks"),
]


@pytest.mark.parametrize(("name", "spend", "impressions", "clicks"), REPORTS, ids=[r[0][:30] for r in REPORTS])
def test_report_tables_sum_like_the_seed(seeds: Path, name, spend, impressions, clicks) -> None:
    frame = pd.read_csv(seeds / name)
    parsed = read_export(seeds / name)
    t = parsed.table
    assert parsed.rows == len(frame)
    assert pc.sum(t.column("spend")).as_py() == pytest.approx(spend(frame), rel=1e-9)
    assert pc.sum(t.column("impressions")).as_py() == frame[impressions].sum()
    assert pc.sum(t.column("clicks")).as_py() == frame[clicks].sum()


def test_google_stats_named_and_zoned_by_history_tables(tmp_path: Path, seeds: Path) -> None:
    ws_path = make_workspace(tmp_path / "ws")
    with Workspace.open(ws_path) as ws:
        summary = ingest_paths(ws, [seeds / "google_ads_campaign_stats_data.csv",
                                    seeds / "google_ads_campaign_history_data.csv",
                                    seeds / "google_ads_account_history_data.csv"])
        statuses = {f.source_relation: f.status for f in summary.files}
        assert statuses["google_ads_campaign_history_data.csv"] == "lookup"
        rows = ws.engine.to_arrow(ws.ad_performance()).to_pylist()
    history = pd.read_csv(seeds / "google_ads_campaign_history_data.csv").sort_values("updated_at")
    latest = history.groupby("id").last()
    assert {r["campaign_name"] for r in rows} == set(latest.loc[[int(r["campaign_id"]) for r in rows], "name"])
    assert {r["currency"] for r in rows} == {"USD"}  # account_history.currency_code
    # The seed's only account row has an empty time_zone cell (its cells are shifted by one:
    # `America/Los_Angeles` sits under test_account), so the zone stays the account's own.
    assert {r["report_timezone"] for r in rows} == {"account"}
    assert {r["network"] for r in rows} <= {"search", "display", "cross_network"}


def test_account_history_time_zone_and_latest_version_win(tmp_path: Path, writer) -> None:
    stats = writer("campaign_stats.csv", "customer_id,date,id,cost_micros,impressions,clicks,device,ad_network_type\n"
                                         "7,2024-03-01,11,2500000,100,4,MOBILE,SEARCH\n")
    history = writer("account_history.csv", "id,updated_at,currency_code,descriptive_name,time_zone\n"
                                            "7,2024-01-01 00:00:00,USD,Old name,America/New_York\n"
                                            "7,2024-02-01 00:00:00,EUR,Acme EU,Europe/Berlin\n")
    ws_path = make_workspace(tmp_path / "ws", fixed={"EUR": 1.1})
    with Workspace.open(ws_path) as ws:
        ingest_paths(ws, [stats, history])
        (row,) = ws.engine.to_arrow(ws.ad_performance()).to_pylist()
    assert (row["account_name"], row["currency"], row["report_timezone"]) == ("Acme EU", "EUR", "Europe/Berlin")
    assert row["spend"] == 2.5 and row["spend_reporting"] == pytest.approx(2.75)
    assert (row["device"], row["network"]) == ("mobile", "search")


def test_facebook_leads_from_the_lead_action_only(tmp_path: Path, writer) -> None:
    # Two action rows for the same ad-day: `lead` (all leads) and the pixel part of it.
    basic = writer("basic_ad.csv", "ad_id,date,account_id,impressions,inline_link_clicks,spend\n"
                                   "1,2022-12-24,9,100,5,10.5\n2,2022-12-24,9,50,1,3\n")
    actions = writer("actions.csv", "_fivetran_id,ad_id,date,index,_1_d_view,_7_d_click,_fivetran_synced,"
                                    "action_type,inline,value\n"
                                    "x,1,2022-12-24,0,2,,2023-01-01,offsite_conversion.fb_pixel_lead,,2\n"
                                    "x,1,2022-12-24,1,3,,2023-01-01,lead,,3\n"
                                    "x,2,2022-12-24,0,1,,2023-01-01,offsite_conversion.fb_pixel_lead,,1\n"
                                    "x,2,2022-12-24,1,4,,2023-01-01,onsite_conversion.lead_grouped,,4\n")
    ws_path = make_workspace(tmp_path / "ws")
    with Workspace.open(ws_path) as ws:
        ingest_paths(ws, [basic, actions], account_currency="USD")
        rows = {r["ad_id"]: r for r in ws.engine.to_arrow(ws.ad_performance()).to_pylist()}
    assert rows["1"]["leads"] == 3  # `lead` alone, never lead + pixel lead (5)
    assert rows["2"]["leads"] == 5  # no `lead` row: on-Facebook 4 + pixel 1
    assert rows["1"]["clicks"] == 5  # inline link clicks


def test_linkedin_local_currency_with_account_history(tmp_path: Path, seeds: Path) -> None:
    ws_path = make_workspace(tmp_path / "ws")
    files = [seeds / n for n in ("linkedin_ad_analytics_by_campaign_data.csv", "linkedin_ad_campaign_history_data.csv",
                                 "linkedin_ad_campaign_group_history_data.csv", "linkedin_ad_account_history_data.csv")]
    with Workspace.open(ws_path) as ws:
        summary = ingest_paths(ws, files)
        rows = ws.engine.to_arrow(ws.ad_performance()).to_pylist()
    frame = pd.read_csv(seeds / "linkedin_ad_analytics_by_campaign_data.csv")
    campaigns = pd.read_csv(seeds / "linkedin_ad_campaign_history_data.csv")
    known = frame[frame["campaign_id"].isin(campaigns["id"])]
    named = [r for r in rows if r["ad_group_name"] is not None]
    assert len(named) == len(known)
    # Rows whose account is known are in its currency (USD here) from cost_in_local_currency.
    local = sum(r["spend"] for r in rows if r["account_name"] is not None)
    assert local == pytest.approx(known["cost_in_local_currency"].sum())
    assert summary.files[0].level == "ad_group"


def test_connector_folder_ingests_whole(tmp_path: Path, seeds: Path) -> None:
    ws_path = make_workspace(tmp_path / "ws", fixed={"MXN": 0.05, "EUR": 1.08, "CAD": 0.73})
    with Workspace.open(ws_path) as ws:
        summary = ingest_paths(ws, [seeds], account_currency="USD")
    by_status: dict[str, int] = {}
    for f in summary.files:
        by_status[f.status] = by_status.get(f.status, 0) + 1
    assert by_status == {"ingested": 12, "lookup": 15}
    first = totals(ws_path, counted=False)
    with Workspace.open(ws_path) as ws:
        again = ingest_paths(ws, [seeds], account_currency="USD")
    assert {f.status for f in again.files} <= {"skipped", "lookup"}
    assert totals(ws_path, counted=False) == first


def test_microsoft_conversions_qualified_then_conversions_row_by_row(writer) -> None:
    # dbt: coalesce(conversions_qualified, conversions). Second row has no qualified count.
    f = writer("ms.csv", "date,account_id,campaign_id,currency_code,device_type,network,clicks,impressions,spend,"
                         "conversions_qualified,conversions,revenue\n"
                         "2024-01-01,1,2,USD,Computer,Audience,3,100,4.5,1.5,2,10\n"
                         "2024-01-02,1,2,USD,Smartphone,Audience,1,50,1.0,,3,0\n")
    parsed = read_export(f)
    assert parsed.table.column("conversions").to_pylist() == [1.5, 3.0]
    assert parsed.table.column("device").to_pylist() == ["desktop", "mobile"]


def test_microsoft_seed_conversions_match_dbt(seeds: Path) -> None:
    frame = pd.read_csv(seeds / "microsoft_ads_campaign_performance_daily_report_data.csv")
    parsed = read_export(seeds / "microsoft_ads_campaign_performance_daily_report_data.csv")
    expected = frame["conversions_qualified"].fillna(frame["conversions"]).sum()
    assert pc.sum(parsed.table.column("conversions")).as_py() == pytest.approx(expected)
