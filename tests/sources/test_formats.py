"""Formats and variants the real samples don't cover: synthetic files in each documented layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from mille.errors import InputError
from mille.sources import ingest_paths, read_export
from mille.workspace import Workspace

from .conftest import FIXTURES, make_workspace, write_text


def _sum(parsed, column: str):
    return pc.sum(parsed.table.column(column)).as_py()


def test_linkedin_2025_hierarchy_and_preamble(writer) -> None:
    text = ("Ad Performance Report (in UTC)\nReport Start: September 1, 2026, 12:00 AM\n"
            "Report End: September 30, 2026, 11:59 PM\nAccount: Acme\n\n"
            "Start Date (in UTC)\tCampaign ID\tCampaign Name\tAd Set ID\tAd Set Name\tAd ID\tAd Name\tCurrency\t"
            "Total Spent\tImpressions\tClicks\tClick Through Rate\n"
            "9/1/2026\t11\tEMEA_leadgen_csuite_demo\t21\tSet A\t31\tAd 1\tEUR\t1,234.50\t10,000\t50\t0.50%\n"
            "9/2/2026\t11\tEMEA_leadgen_csuite_demo\t21\tSet A\t31\tAd 1\tEUR\t100.00\t1,000\t5\t0.50%\n")
    parsed = read_export(writer("creative.csv", text, "utf-16-le", bom=True))
    t = parsed.table
    assert (parsed.format, parsed.language, parsed.level) == ("linkedin_ads_ui", "en-2025", "ad")
    row = t.slice(0, 1).to_pylist()[0]
    assert (row["campaign_id"], row["campaign_name"], row["ad_group_id"], row["ad_group_name"], row["ad_id"]) == (
        "11", "EMEA_leadgen_csuite_demo", "21", "Set A", "31")
    assert row["account_name"] == "Acme" and row["report_timezone"] == "UTC" and row["granularity"] == "day"
    assert _sum(parsed, "spend") == pytest.approx(1334.5) and _sum(parsed, "impressions") == 11000
    assert parsed.metadata["start"] == "2026-09-01" and parsed.metadata["end"] == "2026-09-30"
    assert parsed.warnings == []  # CTR 0.50% = 50 / 10,000 and 5 / 1,000


def test_linkedin_whole_period_rows_span_the_report(writer) -> None:
    text = ("Campaign Performance Report (in UTC)\nReport Start: May 1, 2026, 12:00 AM\n"
            "Report End: May 31, 2026, 11:59 PM\nAccount: Acme\n\n"
            "Start Date (in UTC)\tCampaign Group Name\tCampaign Name\tCurrency\tTotal Spent\tImpressions\tClicks\n"
            "5/1/2026\tG\tC1\tUSD\t500.00\t20000\t90\n5/1/2026\tG\tC2\tUSD\t250.00\t9000\t30\n")
    parsed = read_export(writer("whole_may.csv", text, "utf-16-le", bom=True))
    assert set(parsed.table.column("granularity").to_pylist()) == {"month"}
    assert parsed.date_range() == (date(2026, 5, 1), date(2026, 5, 31))


def test_google_german_ui_decimal_comma(writer) -> None:
    text = ("Kampagnenbericht\n1. Mai 2026 - 31. Mai 2026\n"
            "Tag;Kampagne;Kampagnentyp;Währungscode;Impr.;Klicks;Kosten;CTR;Durchschn. CPC\n"
            "2026-05-01;DE_leadgen_csuite_demo;Search;EUR;1.234;12;45,60;0,97 %;3,80\n"
            "2026-05-02;DE_leadgen_csuite_demo;Search;EUR;2.000;20;70,00;1,00 %;3,50\n"
            "Gesamt: Konto;;;EUR;3.234;32;115,60;0,99 %;3,61\n")
    parsed = read_export(writer("de.csv", text))
    assert (parsed.format, parsed.language, parsed.delimiter) == ("google_ads_ui", "de", ";")
    assert _sum(parsed, "spend") == pytest.approx(115.60) and _sum(parsed, "impressions") == 3234
    assert all(r.reconciled for r in parsed.reconciliations) and len(parsed.reconciliations) == 3
    assert parsed.metadata["start"] == "2026-05-01" and parsed.warnings == []


def test_google_week_and_month_segments(writer) -> None:
    weekly = read_export(writer("weeks.csv", "Campaign report\n\"May 4, 2026 - May 17, 2026\"\n"
                                             "Week,Campaign,Currency code,Impr.,Clicks,Cost\n"
                                             "2026-05-04,A,USD,100,1,1.00\n2026-05-11,A,USD,100,1,1.00\n"))
    assert set(weekly.table.column("granularity").to_pylist()) == {"week"}
    assert weekly.date_range() == (date(2026, 5, 4), date(2026, 5, 17))
    monthly = read_export(writer("months.csv", "Campaign report\nMonth,Campaign,Currency code,Impr.,Clicks,Cost\n"
                                               "Jan-25,A,USD,100,1,1.00\nFeb-25,A,USD,100,1,1.00\n"))
    assert set(monthly.table.column("granularity").to_pylist()) == {"month"}
    assert monthly.date_range() == (date(2025, 1, 1), date(2025, 2, 28))


def test_microsoft_report_download(writer) -> None:
    text = ('"Report Name: Campaign Performance"\n"Report Time: 6/1/2026"\n'
            '"Time Zone: (GMT-05:00) Eastern Time (US & Canada)"\n'
            '"Last Completed Available Day: 6/1/2026 10:15:00 AM (GMT)"\n"Report Aggregation: Daily"\n'
            '"Report Filter: "\n"Potential Incomplete Data: false"\n"Rows: 2"\n\n'
            '"TimePeriod","AccountName","AccountId","CampaignName","CampaignId","DeviceType","CurrencyCode",'
            '"Impressions","Clicks","Ctr","AverageCpc","Spend","Conversions"\n'
            '"2026-05-01","Acme","123","NA_leadgen_vp-it_demo","9","Computer","EUR","1000","20","2.00%","1.50","30.00","2"\n'
            '"2026-05-01","Acme","123","NA_leadgen_vp-it_demo","9","Smartphone","EUR","500","5","1.00%","1.00","5.00","0"\n'
            '\n"©2026 Microsoft Corporation. All rights reserved. "\n')
    parsed = read_export(writer("msft.csv", text))
    t = parsed.table
    assert (parsed.format, parsed.header_line) == ("microsoft_ads_report", 10)
    assert t.column("device").to_pylist() == ["desktop", "mobile"]
    assert set(t.column("report_timezone").to_pylist()) == {"America/New_York"}
    assert _sum(parsed, "spend") == 35.0 and _sum(parsed, "conversions") == 2
    assert parsed.metadata["rows"] == 2 and parsed.warnings == []


def test_tiktok_ui_export(writer) -> None:
    text = ("By Day,Campaign name,Ad group name,Cost (USD),Impressions,Clicks (destination),Clicks (all),"
            "CTR (destination),Conversions\n"
            "2026-05-01,NA_awareness_devops_demo,AG1,12.50,5000,25,40,0.50%,-\n"
            "2026-05-02,NA_awareness_devops_demo,AG1,10.00,4000,20,30,0.50%,1\n")
    parsed = read_export(writer("tiktok.csv", text))
    assert (parsed.format, parsed.platform, parsed.level) == ("tiktok_ads_ui", "tiktok_ads", "ad_group")
    assert set(parsed.table.column("currency").to_pylist()) == {"USD"}
    assert _sum(parsed, "clicks") == 45 and _sum(parsed, "clicks_all") == 70 and _sum(parsed, "conversions") == 1
    assert set(parsed.table.column("report_timezone").to_pylist()) == {"UTC"}


def test_generic_csv_with_a_mapping_file(tmp_path: Path) -> None:
    data = write_text(tmp_path / "partner.csv", "Datum;Kampagne;Kosten;Sichtkontakte;Klicks\n"
                                                "03/05/2026;Partner A;1.234,50;10.000;40\n"
                                                "04/05/2026;Partner A;100,00;1.000;4\n")
    parsed = read_export(data, mapping=FIXTURES / "partner_mapping.yaml")
    assert (parsed.format, parsed.platform, parsed.source_relation) == ("generic", "linkedin_ads", "partner.csv")
    assert parsed.table.column("date_day").to_pylist() == [date(2026, 5, 3), date(2026, 5, 4)]
    assert _sum(parsed, "spend") == pytest.approx(1334.5) and _sum(parsed, "impressions") == 11000
    assert set(parsed.table.column("currency").to_pylist()) == {"EUR"}
    assert set(parsed.table.column("source_type").to_pylist()) == {"manual"}


def test_mapping_file_errors_name_the_key_and_line(tmp_path: Path) -> None:
    bad = write_text(tmp_path / "bad.yaml", "platform: linkedin_ads\ncolumns:\n  date_day: Datum\n  spent: Kosten\n")
    data = write_text(tmp_path / "p.csv", "Datum,Kosten\n2026-05-01,1\n")
    with pytest.raises(InputError, match=r"bad.yaml, line 2.*`spent` is not a field mille stores.*`spend`"):
        read_export(data, mapping=bad)


def test_parquet_and_duckdb_tables(tmp_path: Path) -> None:
    import duckdb

    rows = pa.table({
        "source_relation": ["x", "x"], "date_day": pa.array([date(2026, 5, 1), date(2026, 5, 2)], pa.date32()),
        "platform": ["google_ads", "linkedin_ads"], "account_id": ["1", "2"], "account_name": ["G", "L"],
        "campaign_id": ["c1", "c2"], "campaign_name": ["A", "B"], "clicks": pa.array([3, 4], pa.int64()),
        "impressions": pa.array([100, 200], pa.int64()), "spend": [1.5, 2.5], "conversions": [0.5, 1.0],
        "conversions_value": [0.0, 10.0],
    })
    pq.write_table(rows, tmp_path / "campaign_report.parquet")
    parsed = read_export(tmp_path / "campaign_report.parquet", account_currency="USD")
    assert (parsed.format, parsed.level, parsed.encoding) == ("dbt_ad_reporting", "campaign", "parquet")
    assert parsed.table.column("platform").to_pylist() == ["google_ads", "linkedin_ads"]
    db = tmp_path / "warehouse.ddb"
    con = duckdb.connect(str(db))
    con.execute("create schema ad_reporting")
    con.register("rows", rows)
    con.execute("create table ad_reporting.ad_reporting__campaign_report as select * from rows")
    con.close()
    ws_path = make_workspace(tmp_path / "ws")
    ref = f"duckdb:///{db}::ad_reporting.ad_reporting__campaign_report"
    with Workspace.open(ws_path) as ws:
        first = ingest_paths(ws, [ref], account_currency="USD")
        again = ingest_paths(ws, [ref], account_currency="USD")
        held = ws.engine.to_arrow(ws.ad_performance()).to_pylist()
    assert first.files[0].status == "ingested" and again.files[0].status == "skipped"
    assert sorted((r["platform"], r["spend"]) for r in held) == [("google_ads", 1.5), ("linkedin_ads", 2.5)]
    assert {r["source_relation"] for r in held} == {"ad_reporting.ad_reporting__campaign_report"}


def test_windows_1252_text_after_a_utf8_looking_head(tmp_path: Path) -> None:
    # The first 70,000 lines are ASCII (valid UTF-8); the last has cp1252 bytes (é, €).
    lines = [f"2026-09-01,2026-09-01,2026-09-01,Cafe {i},1.5,10,1\n" for i in range(70000)]
    text = ("Reporting starts,Reporting ends,Day,Campaign name,Amount spent (EUR),Impressions,Link clicks\n"
            + "".join(lines) + "2026-09-01,2026-09-01,2026-09-01,Café €uro,1,1,1\n")
    path = tmp_path / "cp1252.csv"
    path.write_bytes(text.encode("cp1252"))
    parsed = read_export(path)
    assert parsed.encoding == "cp1252" and parsed.rows == 70001
    assert parsed.table.column("campaign_name")[-1].as_py() == "Café €uro"


def test_account_currency_must_be_a_code(tmp_path: Path) -> None:
    path = write_text(tmp_path / "x.csv", "Day,Campaign,Impr.,Cost\n2026-05-01,A,1,1\n")
    with pytest.raises(InputError, match="not a currency code"):
        read_export(path, account_currency="dollars")
    parsed = read_export(path, account_currency="eur")
    assert set(parsed.table.column("currency").to_pylist()) == {"EUR"}


def test_ids_lose_excel_brackets_and_spreadsheet_decimals_only_where_they_have_them() -> None:
    from mille.sources.unified import _clean_id

    ids = pa.array(["123.0", "[45]", "abc.0", "7", None, "[x]", "1.05"])
    assert _clean_id(ids).to_pylist() == ["123", "45", "abc.0", "7", None, "x", "1.05"]
    clean = pa.array(["1", "2"])
    assert _clean_id(clean) is clean  # nothing to clean: the column as read
