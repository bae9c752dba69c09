"""Quirks of real exports from other accounts and languages (issue 15): files that were refused or
crashed, and measures an export never had.

The layouts themselves are in the corpus (tests/sources/corpus/); these tests check what the
corpus cannot: which format a CRM export is routed to, the words of a refusal, the report's and
the audit's answer to an absent measure, and progress inside a long file.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from mille.errors import FormatNotDetected
from mille.sources.export import read_export
from mille.sources.ingest import ingest_paths
from mille.workspace import Workspace

HUBSPOT_CONTACTS = (
    "Record ID,First Name,Last Name,Email,Phone Number,Contact owner,Lead Status,Create Date,"
    "Last Activity Date,Marketing contact status\n"
    "101,Ann,Lee,ann@example.com,,Sam Rep,New,2026-03-02 10:15,2026-03-04 09:00,Marketing contact\n"
    "102,Bob,Ray,bob@example.com,,Sam Rep,Open,2026-03-05 16:40,,Non-marketing contact\n"
)
HUBSPOT_DEALS = (
    "Record ID,Deal Name,Deal Stage,Amount,Create Date,Close Date,Pipeline,Deal owner\n"
    "9001,Acme renewal,Closed Won,1200,2026-03-01,2026-03-20,Sales Pipeline,Sam Rep\n"
)
META_NO_IMPRESSIONS = (
    "\ufeffReporting starts,Reporting ends,Campaign name,Ad set name,Ad name,Day,Amount spent (USD),"
    "\"CPM (cost per 1,000 impressions)\",Link clicks\n"
    "2026-08-03,2026-08-03,C1,S1,A1,2026-08-03,12.50,35.12,4\n"
    "2026-08-04,2026-08-04,C1,S1,A1,2026-08-04,20.25,40.50,9\n"
)
GOOGLE = (
    "Day,Campaign,Currency code,Cost,Impr.,Clicks\n"
    "2026-08-03,G1,USD,10.00,1000,10\n"
    "2026-08-04,G1,USD,10.00,1000,10\n"
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_hubspot_contacts_with_record_id_are_hubspot_not_salesforce(tmp_path: Path) -> None:
    parsed = read_export(_write(tmp_path / "hubspot-crm-exports-all-contacts-2026-03-31.csv", HUBSPOT_CONTACTS))
    assert parsed.format == "hubspot_contacts"
    parsed = read_export(_write(tmp_path / "hubspot-crm-exports-all-deals-2026-03-31.csv", HUBSPOT_DEALS))
    assert parsed.format == "hubspot_deals"


@pytest.mark.parametrize(("header", "platform_label", "column"), [
    ("Day,Campaign,Currency code,Impr.,Clicks", "Google Ads UI report", "`Cost`"),
    ("Reporting starts,Reporting ends,Campaign name,Ad set name,Impressions,Link clicks",
     "Meta Ads Manager export", "`Amount spent (XXX)`"),
])
def test_a_file_without_spend_is_refused_naming_the_column(tmp_path: Path, header: str, platform_label: str,
                                                          column: str) -> None:
    path = _write(tmp_path / "export.csv", header + "\n" + ",".join(["1"] * len(header.split(","))) + "\n")
    with pytest.raises(FormatNotDetected) as err:
        read_export(path)
    text = str(err.value)
    assert platform_label in text and "no spend column" in text and column in text


def test_an_unknown_file_lists_kinds_of_export_not_forty_format_names(tmp_path: Path) -> None:
    path = _write(tmp_path / "notes.csv", "Name,Colour,Size\nx,red,3\n")
    with pytest.raises(FormatNotDetected) as err:
        read_export(path)
    text = str(err.value)
    assert "Meta Ads Manager export" in text and "connector table" in text
    assert "fivetran_facebook_ads_basic_ad" not in text


@pytest.fixture()
def mixed(tmp_ws: Path, tmp_path: Path) -> Path:
    with Workspace.open(tmp_ws) as ws:
        summary = ingest_paths(ws, [_write(tmp_path / "meta.csv", META_NO_IMPRESSIONS),
                                    _write(tmp_path / "google.csv", GOOGLE)])
    meta = next(f for f in summary.files if f.source_relation == "meta.csv")
    assert meta.absent_measures == ["impressions", "conversions"]
    assert any("no impressions column" in w and "CPM and CTR" in w for w in meta.warnings)
    return tmp_ws


def test_report_says_no_impressions_where_no_export_had_them(mixed: Path) -> None:
    from mille.analysis.breakdown import report

    with Workspace.open(mixed, read_only=True) as ws, warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning may reach a user
        result = report(ws, ["cpm", "ctr", "cpc"], by="platform", period="2026-08", compare="none")
    cells = {c.segment["platform"]: c for c in result.cells}
    meta = cells["facebook_ads"].metrics
    assert meta["cpm"].current.value is None and "absent:impressions" in meta["cpm"].current.flags
    assert meta["ctr"].current.value is None and "absent:impressions" in meta["ctr"].current.flags
    assert meta["cpc"].current.value == pytest.approx(32.75 / 13)  # clicks are there
    google = cells["google_ads"].metrics
    assert google["cpm"].current.value == pytest.approx(10.0) and not google["cpm"].current.flags
    assert any("32.75 USD of spend comes from exports with no impressions column" in n for n in result.notes)


def test_terminal_and_html_print_the_reason_not_a_dash(mixed: Path) -> None:
    from mille.analysis.breakdown import report
    from mille.report.render import render

    with Workspace.open(mixed, read_only=True) as ws:
        result = report(ws, ["cpm", "cpc"], by="platform", period="2026-08", compare="none")
    assert "no impressions in these exports" in render(result, "table", width=200)
    from mille.report.html import render_html

    assert "no impressions in these exports" in render_html(result)


def test_audit_names_the_absent_measure_source_and_spend(mixed: Path) -> None:
    from mille.analysis.audit import audit

    with Workspace.open(mixed, read_only=True) as ws:
        result = audit(ws, checks="coverage")
    found = [f for f in result.findings if f.check == "coverage.absent_measures"]
    assert len(found) == 1
    f = found[0]
    assert f.severity == "warn" and f.platform == "facebook_ads" and f.spend == pytest.approx(32.75)
    assert "no impressions column" in f.detail and "CPM and CTR" in f.detail and f.files == ["meta.csv"]


def test_progress_follows_the_bytes_and_rows_of_a_long_file(tmp_ws: Path, tmp_path: Path) -> None:
    from mille.sources.progress import Meter

    updates: list[dict] = []

    class Bar:  # records what a progress bar is told
        def update(self, task, **fields):
            updates.append(fields)

        def advance(self, task, amount=1):
            updates.append({"advance": amount})

    lines = "".join(f"2026-08-{d:02d},G{k},USD,1.00,100,1\n" for d in range(1, 29) for k in range(5))
    path = _write(tmp_path / "long.csv", "Day,Campaign,Currency code,Cost,Impr.,Clicks\n" + lines)
    meter = Meter(Bar(), "task")
    with Workspace.open(tmp_ws) as ws:
        ingest_paths(ws, [path], stream_over=0, chunk_rows=40, meter=meter)
    rows = [u["rows"] for u in updates if u.get("rows")]
    assert rows[-1].startswith("140 rows") and len(rows) >= 4  # one update per chunk of 40
    done = [u["completed"] for u in updates if "completed" in u]
    assert done == sorted(done) and done[-1] == path.stat().st_size
