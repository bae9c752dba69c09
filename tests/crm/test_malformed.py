"""Malformed CRM exports: clear errors with file, row and column, or documented handling, and
nothing lost or counted twice (docs/pipeline.md, "When an export is not clean")."""

from __future__ import annotations

from pathlib import Path

import pytest

from mille.errors import FormatNotDetected, IngestError
from mille.sources import ingest_paths, read_export
from mille.workspace import Workspace

HEADER = "Record ID,First Name,Email,Create Date,Lifecycle Stage,Original Source,UTM Source,UTM Medium,UTM Campaign\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_id_column_is_a_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "contacts.csv", "First Name,Email,Create Date,Lifecycle Stage,Original Source\n"
                  "Ann,a@x.io,2026-05-01 10:00,Lead,Paid Social\n")
    with pytest.raises(IngestError, match="no record id column") as err:
        read_export(path)
    assert "Record ID" in (err.value.expected or "") and err.value.file == str(path)


def test_blank_id_names_its_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "contacts.csv", HEADER + "1,Ann,a@x.io,2026-05-01,Lead,Paid Social,li,cpc,X\n"
                  ",Bob,b@x.io,2026-05-02,Lead,Paid Social,li,cpc,X\n")
    with pytest.raises(IngestError, match="without an id") as err:
        read_export(path)
    assert err.value.row == 3 and err.value.column == "Record ID"


def test_identical_duplicates_are_kept_once_and_reported(tmp_path: Path) -> None:
    row = "7,Ann,a@x.io,2026-05-01,Lead,Paid Social,li,cpc,X\n"
    path = _write(tmp_path, "contacts.csv", HEADER + row + "8,Bob,b@x.io,2026-05-02,Lead,Organic Search,,,\n" + row)
    parsed = read_export(path)
    assert parsed.rows == 2 and parsed.crm.duplicates_dropped == 1
    assert sorted(parsed.table.column("lead_id").to_pylist()) == ["7", "8"]
    assert parsed.crm.touches.num_rows == 2  # one touch per kept record, not per row
    assert any("repeated another row exactly" in w for w in parsed.warnings)


def test_conflicting_duplicates_are_refused_with_both_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, "contacts.csv", HEADER + "7,Ann,a@x.io,2026-05-01,Lead,Paid Social,li,cpc,X\n"
                  "7,Ann,a@x.io,2026-05-01,Customer,Paid Social,li,cpc,X\n")
    with pytest.raises(IngestError, match="same record id is on rows that disagree") as err:
        read_export(path)
    assert err.value.row == 2 and "rows 2, 3" in (err.value.hint or "")


def test_dates_in_several_unambiguous_formats_are_read_and_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "contacts.csv", HEADER
                  + "1,A,a@x.io,2026-05-01 14:03,Lead,Paid Social,li,cpc,X\n"
                  + "2,B,b@x.io,5/13/2026,Lead,Paid Social,li,cpc,X\n"
                  + "3,C,c@x.io,\"6/2/2026, 2:03 PM\",Lead,Paid Social,li,cpc,X\n"
                  + "4,D,d@x.io,2026-07-04T09:00:00Z,Lead,Paid Social,li,cpc,X\n")
    parsed = read_export(path)
    days = [str(d) for d in parsed.table.column("created_date").to_pylist()]
    # 5/13 can only be month-first, so 6/2 is 2 June too.
    assert days == ["2026-05-01", "2026-05-13", "2026-06-02", "2026-07-04"]
    assert any("dates are written in 2 ways" in w for w in parsed.warnings)


def test_contradicting_date_orders_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "contacts.csv", HEADER + "1,A,a@x.io,13/05/2026,Lead,Paid Social,li,cpc,X\n"
                  "2,B,b@x.io,05/14/2026,Lead,Paid Social,li,cpc,X\n")
    with pytest.raises(IngestError, match="mixes day-first and month-first") as err:
        read_export(path)
    assert err.value.column == "Create Date" and err.value.row == 2


def test_not_a_date_names_row_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "contacts.csv", HEADER + "1,A,a@x.io,yesterday,Lead,Paid Social,li,cpc,X\n")
    with pytest.raises(IngestError, match="not a date") as err:
        read_export(path)
    assert (err.value.row, err.value.column, err.value.value) == (2, "Create Date", "yesterday")


DEALS = "Record ID,Deal Name,Create Date,Close Date,Deal Stage,Amount,Associated Contact IDs\n"


def test_amounts_in_mixed_currencies_are_converted_each_at_its_rate(tmp_ws: Path, tmp_path: Path) -> None:
    (tmp_ws / "mille.yaml").write_text("version: 1\nreporting_currency: USD\nfx:\n  fixed:\n    EUR: 1.1\n    GBP: 1.25\n",
                                       encoding="utf-8")
    path = _write(tmp_path, "deals.csv", DEALS
                  + "11,A,2026-05-01,2026-06-01,Closed Won,\"USD 1,000.00\",1\n"
                  + "12,B,2026-05-02,2026-06-01,Closed Lost,€500,2;3\n"
                  + "13,C,2026-05-03,,Qualified To Buy,200 GBP,\n"
                  + "14,D,2026-05-04,,Qualified To Buy,,4\n")
    with Workspace.open(tmp_ws) as ws:
        summary = ingest_paths(ws, [path])
        rows = {r["opportunity_id"]: r for r in ws.engine.to_arrow(ws.table("crm_opportunities")).to_pylist()}
        links = ws.engine.to_arrow(ws.table("crm_associations")).to_pylist()
    assert [(rows[k]["currency"], rows[k]["amount"], rows[k]["amount_reporting"]) for k in ("11", "12", "13")] == [
        ("USD", 1000.0, 1000.0), ("EUR", 500.0, pytest.approx(550.0)), ("GBP", 200.0, pytest.approx(250.0))]
    assert rows["14"]["amount"] is None and rows["14"]["amount_reporting"] is None  # no amount: not 0
    assert (rows["11"]["is_won"], rows["12"]["is_closed"], rows["12"]["is_won"], rows["13"]["is_closed"]) == (
        True, True, False, False)
    assert sorted((a["opportunity_id"], a["lead_id"]) for a in links) == [("11", "1"), ("12", "2"), ("12", "3"), ("14", "4")]
    assert any("3 currencies" in w for w in summary.files[0].warnings)


def test_a_currency_without_a_rate_is_an_error_and_nothing_is_written(tmp_ws: Path, tmp_path: Path) -> None:
    path = _write(tmp_path, "deals.csv", DEALS + "11,A,2026-05-01,,Closed Won,CHF 900,1\n")
    with Workspace.open(tmp_ws) as ws:
        with pytest.raises(IngestError, match="CHF"):
            ingest_paths(ws, [path])
        assert ws.engine.scalar(ws.table("crm_opportunities").count()) == 0
        assert ws.engine.scalar(ws.table("ingests").count()) == 0


def test_amount_disagreeing_with_its_currency_column_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "deals.csv", "Record ID,Deal Name,Create Date,Deal Stage,Amount,Currency\n"
                  "11,A,2026-05-01,Closed Won,EUR 100,USD\n")
    with pytest.raises(IngestError, match="disagrees with the currency column") as err:
        read_export(path)
    assert err.value.row == 2


def test_reingest_changes_nothing_and_a_newer_export_replaces_by_id(tmp_ws: Path, tmp_path: Path) -> None:
    old = _write(tmp_path, "contacts-1.csv", HEADER + "1,A,a@x.io,2026-05-01,Lead,Paid Social,li,cpc,X\n"
                 "2,B,b@x.io,2026-05-02,Lead,Paid Social,li,cpc,X\n")
    new = _write(tmp_path, "contacts-2.csv", HEADER + "2,B,b@x.io,2026-05-02,Customer,Paid Social,li,cpc,X\n"
                 "3,C,c@x.io,2026-05-03,Lead,Organic Search,,,\n")
    with Workspace.open(tmp_ws) as ws:
        ingest_paths(ws, [old])
        again = ingest_paths(ws, [old])
        assert again.files[0].status == "skipped"
        second = ingest_paths(ws, [new])
        leads = {r["lead_id"]: r for r in ws.engine.to_arrow(ws.table("crm_leads")).to_pylist()}
        touches = ws.engine.to_arrow(ws.table("crm_touches")).to_pylist()
    assert sorted(leads) == ["1", "2", "3"]  # 2 replaced, 1 kept (not in the newer export), 3 added
    assert leads["2"]["lifecycle_stage"] == "Customer" and leads["2"]["source_relation"] == "contacts-2.csv"
    assert sorted(t["record_id"] for t in touches) == ["1", "2", "3"]  # one touch each, none doubled
    [change] = second.changes
    assert (change.action, change.other_source, change.rows, change.level) == ("replaced", "contacts-1.csv", 1, "lead")


def test_a_file_that_is_not_a_crm_export_is_not_detected(tmp_path: Path) -> None:
    path = _write(tmp_path, "other.csv", "Foo,Bar,Baz\n1,2,3\n")
    with pytest.raises(FormatNotDetected):
        read_export(path)


def test_cli_error_exits_2_with_the_location(cli, tmp_ws: Path, tmp_path: Path) -> None:
    path = _write(tmp_path, "contacts.csv", HEADER + "1,A,a@x.io,13/05/2026,Lead,Paid Social,li,cpc,X\n"
                  "2,B,b@x.io,05/14/2026,Lead,Paid Social,li,cpc,X\n")
    code, _, err = cli("-w", str(tmp_ws), "ingest", str(path))
    assert code == 2 and "contacts.csv" in err and "Create Date" in err


def test_removing_a_crm_ingest_removes_its_records_touches_and_links(tmp_ws: Path, tmp_path: Path) -> None:
    from mille.sources import remove_source

    path = _write(tmp_path, "deals.csv", DEALS + "11,A,2026-05-01,,Closed Won,100,1;2\n")
    with Workspace.open(tmp_ws) as ws:
        ingest_paths(ws, [path])
        removed = remove_source(ws, "deals.csv")
        counts = [ws.engine.scalar(ws.table(t).count()) for t in ("crm_opportunities", "crm_associations")]
        again = ingest_paths(ws, [path])  # removed bytes are no longer held: read again, once
        assert ws.engine.scalar(ws.table("crm_opportunities").count()) == 1
    assert removed.rows_removed == 1 and counts == [0, 0] and again.files[0].status == "ingested"
