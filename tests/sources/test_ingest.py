"""Ingest into a workspace: idempotency, overlapping exports, currency, naming convention, sources."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mille.sources import ingest_paths, list_sources, remove_source
from mille.workspace import Workspace

from .conftest import make_workspace, snapshot, totals, write_text

META_HEAD = "Reporting starts,Reporting ends,Day,Account name,Campaign name,Ad set name,Amount spent (USD),Impressions,Link clicks,Leads\n"


def meta_rows(days: range, *, month: int = 9, leads: int = 2, account: str = "Acme EMEA", spend: float = 10.0) -> str:
    lines = []
    for d in days:
        day = f"2026-{month:02d}-{d:02d}"
        lines.append(f"{day},{day},{day},{account},EMEA_leadgen_csuite_demo,Ad set A,{spend},1000,10,{leads}\n")
    return META_HEAD + "".join(lines)


def test_reingesting_every_sample_twice_changes_nothing(sample_ws: Path, exports: Path) -> None:
    files = sorted(p for p in exports.rglob("*") if p.suffix in (".csv", ".xlsx"))
    kwargs = {"account_currency": "USD", "period": "2023-08"}  # for the two files without dates/currency
    with Workspace.open(sample_ws) as ws:
        first = ingest_paths(ws, files, **kwargs)
    assert len(first.ingested) == len(files) == 10
    after_first = totals(sample_ws), totals(sample_ws, counted=False), snapshot(sample_ws)
    for _ in range(2):
        with Workspace.open(sample_ws) as ws:
            again = ingest_paths(ws, files, **kwargs)
        assert [f.status for f in again.files] == ["skipped"] * len(files)
        assert again.rows_written == 0
    assert (totals(sample_ws), totals(sample_ws, counted=False), snapshot(sample_ws)) == after_first


def test_samples_from_different_advertisers_never_replace_each_other(sample_ws: Path, exports: Path) -> None:
    # Neither Google file names its account; they overlap in days but share no campaign.
    a = exports / "google_ads/campaign_performance_uk_dates__hudlconsultancy_hudl-website.csv"
    b = exports / "google_ads/campaign_report_eur_greek__1123alberto_Clinic_Marketing_Agency.csv"
    with Workspace.open(sample_ws) as ws:
        summary = ingest_paths(ws, [a, b])
    assert summary.changes == []
    assert totals(sample_ws)["rows"] == 6 + 3


def test_redownload_replaces_the_overlapping_slice(tmp_path: Path) -> None:
    ws_path = make_workspace(tmp_path / "ws")
    sept = write_text(tmp_path / "sept.csv", meta_rows(range(1, 31)), bom=True)
    redo = write_text(tmp_path / "redo.csv", meta_rows(range(16, 31), leads=3), bom=True)
    with Workspace.open(ws_path) as ws:
        ingest_paths(ws, [sept])
        summary = ingest_paths(ws, [redo])
        held = ws.engine.to_arrow(ws.engine.table("ad_performance")).to_pylist()
        log = ws.engine.to_arrow(ws.engine.table("slice_replacements")).to_pylist()
    (change,) = summary.changes
    assert (change.action, change.rows, change.date_min, change.date_max) == ("replaced", 15, date(2026, 9, 16),
                                                                             date(2026, 9, 30))
    assert change.spend == pytest.approx(150.0) and change.other_source == "sept.csv"
    assert len(held) == 30  # 15 days from each file, none twice
    by_day = {r["date_day"].day: r for r in held}
    assert by_day[15]["leads"] == 2 and by_day[16]["leads"] == 3
    assert by_day[16]["source_relation"] == "redo.csv"
    assert log[0]["action"] == "replaced" and log[0]["rows"] == 15
    t = totals(ws_path)
    assert (t["spend"], t["leads"]) == (pytest.approx(300.0), 15 * 2 + 15 * 3)


def test_another_account_is_another_slice(tmp_path: Path) -> None:
    ws_path = make_workspace(tmp_path / "ws")
    emea = write_text(tmp_path / "emea.csv", meta_rows(range(1, 11)))
    na = write_text(tmp_path / "na.csv", meta_rows(range(1, 11), account="Acme NA"))
    with Workspace.open(ws_path) as ws:
        summary = ingest_paths(ws, [emea, na])
    assert summary.changes == [] and totals(ws_path)["rows"] == 20


def test_other_level_supersedes_and_removal_restores(tmp_path: Path) -> None:
    ws_path = make_workspace(tmp_path / "ws")
    campaign = write_text(tmp_path / "campaigns.csv",
                          "Reporting starts,Reporting ends,Day,Account name,Campaign name,Amount spent (USD),Impressions,Link clicks\n"
                          + "".join(f"2026-09-{d:02d},2026-09-{d:02d},2026-09-{d:02d},Acme EMEA,C1,20,2000,20\n"
                                    for d in range(1, 11)))
    adsets = write_text(tmp_path / "adsets.csv", meta_rows(range(5, 11)))
    with Workspace.open(ws_path) as ws:
        ingest_paths(ws, [campaign])
        summary = ingest_paths(ws, [adsets])
        (change,) = summary.changes
        assert (change.action, change.level, change.rows) == ("superseded", "campaign", 6)
        # Figures: campaign rows for days 1-4 (4 × 20) + ad set rows for days 5-10 (6 × 10).
        assert totals(ws)["spend"] == pytest.approx(4 * 20 + 6 * 10)
        assert totals(ws, counted=False)["rows"] == 16  # the audit still sees all
        held = list_sources(ws)
        assert [s.rows_counted for s in held.sources] == [4, 6] and [s.rows_held for s in held.sources] == [10, 6]
        removed = remove_source(ws, "adsets.csv")
        assert (removed.rows_removed, removed.rows_restored) == (6, 6)
    assert totals(ws_path)["spend"] == pytest.approx(10 * 20)


def test_breakdown_rows_never_win_over_hierarchy_rows(tmp_path: Path) -> None:
    ws_path = make_workspace(tmp_path / "ws")
    perf = write_text(tmp_path / "perf.csv", "Start Date (in UTC)\tAccount Name\tCurrency\tCampaign Group Name\t"
                      "Campaign Name\tTotal Spent\tImpressions\tClicks\n"
                      "9/1/2026\tAcme\tUSD\tG1\tC1\t100.00\t5000\t20\n", "utf-16-le", bom=True)
    demo = write_text(tmp_path / "demographics.csv", "Start Date (in UTC)\tAccount Name\tCurrency\tCampaign Group Name\t"
                      "Campaign Name\tJob Function\tTotal Spent\tImpressions\tClicks\n"
                      "9/1/2026\tAcme\tUSD\tG1\tC1\tEngineering\t60.00\t3000\t12\n", "utf-16-le", bom=True)
    with Workspace.open(ws_path) as ws:
        summary = ingest_paths(ws, [perf, demo])
    change = summary.changes[-1]
    assert (change.action, change.level, change.rows) == ("excluded", "breakdown", 1)
    t = totals(ws_path)
    assert (t["rows"], t["spend"]) == (1, 100.0)  # the demographic split is kept out of the figures


def test_fx_from_rates_file_uses_the_nearest_earlier_date(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    write_text(tmp_path / "ws" / "rates.csv", "date,currency,rate\n2026-09-01,EUR,1.10\n2026-09-05,EUR,1.20\n")
    ws_path = make_workspace(tmp_path / "ws", rates_file="rates.csv")
    eur = write_text(tmp_path / "eur.csv", meta_rows(range(3, 8)).replace("(USD)", "(EUR)"))
    with Workspace.open(ws_path) as ws:
        ingest_paths(ws, [eur])
        rows = ws.engine.to_arrow(ws.ad_performance().order_by("date_day")).to_pylist()
    # Days 3 and 4 use the 1 September rate; 5, 6 and 7 the 5 September one (10 EUR each).
    assert [r["spend_reporting"] for r in rows] == pytest.approx([11.0, 11.0, 12.0, 12.0, 12.0])
    assert {r["currency"] for r in rows} == {"EUR"}


def test_fx_before_the_first_rate_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    write_text(tmp_path / "ws" / "rates.csv", "date,currency,rate\n2026-09-05,EUR,1.20\n")
    ws_path = make_workspace(tmp_path / "ws", rates_file="rates.csv")
    eur = write_text(tmp_path / "eur.csv", meta_rows(range(3, 8)).replace("(USD)", "(EUR)"))
    from mille.errors import IngestError

    with Workspace.open(ws_path) as ws, pytest.raises(IngestError, match="EUR 2026-09-03, EUR 2026-09-04"):
        ingest_paths(ws, [eur])


def test_naming_convention_fills_dimensions_and_lists_misfits(tmp_path: Path) -> None:
    ws_path = make_workspace(tmp_path / "ws", naming="{region}_{objective}_{audience}_{offer}")
    text = (META_HEAD
            + "2026-09-01,2026-09-01,2026-09-01,Acme,EMEA_leadgen_csuite_demo,A,1,10,1,0\n"
            + "2026-09-01,2026-09-01,2026-09-01,Acme,NA_awareness_it-director_ebook,A,1,10,1,0\n"
            + "2026-09-01,2026-09-01,2026-09-01,Acme,Q3 webinar push - FINAL,A,1,10,1,0\n"
            + "2026-09-02,2026-09-02,2026-09-02,Acme,Q3 webinar push - FINAL,A,1,10,1,0\n")
    f = write_text(tmp_path / "named.csv", text)
    with Workspace.open(ws_path) as ws:
        summary = ingest_paths(ws, [f])
        rows = {r["campaign_name"]: r for r in ws.engine.to_arrow(ws.ad_performance()).to_pylist()}
    assert summary.naming is not None
    assert (summary.naming.names, summary.naming.matched) == (3, 2)
    assert summary.naming.unmatched == ["Q3 webinar push - FINAL"] and summary.naming.unmatched_rows == 2
    r = rows["EMEA_leadgen_csuite_demo"]
    assert (r["region"], r["objective"], r["audience"], r["offer"]) == ("emea", "leadgen", "csuite", "demo")
    assert rows["NA_awareness_it-director_ebook"]["audience"] == "it-director"
    assert rows["Q3 webinar push - FINAL"]["region"] is None


def test_same_bytes_twice_in_one_call_are_read_once(tmp_path: Path) -> None:
    ws_path = make_workspace(tmp_path / "ws")
    a = write_text(tmp_path / "a.csv", meta_rows(range(1, 3)))
    b = write_text(tmp_path / "copy_of_a.csv", meta_rows(range(1, 3)))
    with Workspace.open(ws_path) as ws:
        summary = ingest_paths(ws, [a, b])
    assert [f.status for f in summary.files] == ["ingested", "skipped"]
    assert totals(ws_path)["rows"] == 2


def test_lineage_columns(tmp_path: Path) -> None:
    ws_path = make_workspace(tmp_path / "ws")
    f = write_text(tmp_path / "lineage.csv", meta_rows(range(1, 4)))
    with Workspace.open(ws_path) as ws:
        summary = ingest_paths(ws, [f])
        rows = ws.engine.to_arrow(ws.ad_performance().order_by("date_day")).to_pylist()
        log = ws.engine.to_arrow(ws.engine.table("ingests")).to_pylist()
    import hashlib

    digest = hashlib.sha256(f.read_bytes()).hexdigest()
    assert {r["file_hash"] for r in rows} == {digest} and log[0]["file_hash"] == digest
    assert [r["row_number"] for r in rows] == [2, 3, 4]  # lines in the file, header on line 1
    assert {r["ingest_id"] for r in rows} == {summary.files[0].ingest_id} == {log[0]["ingest_id"]}
    assert {(r["source_relation"], r["source_format"], r["source_type"], r["level"]) for r in rows} == {
        ("lineage.csv", "meta_ads_ui", "ui_export", "ad_group")}
    assert {(r["granularity"], r["report_timezone"], r["platform"]) for r in rows} == {("day", "account", "facebook_ads")}
