"""`mille ingest` and `mille sources` through the real entry point."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .conftest import make_workspace, write_text
from .test_ingest import meta_rows


def test_ingest_json_is_the_summary_contract(tmp_path: Path, cli) -> None:
    ws = make_workspace(tmp_path / "ws")
    f = write_text(tmp_path / "sept.csv", meta_rows(range(1, 11)), bom=True)
    code, out, err = cli("-w", str(ws), "ingest", str(f), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"workspace", "reporting_currency", "files", "changes", "naming", "reconciliations",
                         "rows_written", "spend_reporting"}
    (entry,) = data["files"]
    assert entry["status"] == "ingested" and entry["format"] == "meta_ads_ui" and entry["encoding"] == "utf-8"
    assert (entry["rows"], entry["date_min"], entry["date_max"]) == (10, "2026-09-01", "2026-09-10")
    assert entry["spend"] == {"USD": 100.0} and entry["spend_reporting"] == 100.0
    assert entry["ingest_id"].startswith("ing00001-")


def test_ingest_table_says_what_it_replaced(tmp_path: Path, cli) -> None:
    ws = make_workspace(tmp_path / "ws")
    first = write_text(tmp_path / "sept.csv", meta_rows(range(1, 31)))
    redo = write_text(tmp_path / "redownload.csv", meta_rows(range(16, 31), leads=5))
    assert cli("-w", str(ws), "ingest", str(first))[0] == 0
    code, out, _ = cli("-w", str(ws), "ingest", str(redo))
    assert code == 0
    assert "Replaced 15 rows of sept.csv with redownload.csv" in out
    assert "2026-09-16 → 2026-09-30" in out
    code, out, _ = cli("-w", str(ws), "ingest", str(redo))
    assert code == 0 and "already ingested" in out and "0 rows written" in out


def test_ingest_csv_rows(tmp_path: Path, cli) -> None:
    ws = make_workspace(tmp_path / "ws")
    f = write_text(tmp_path / "a.csv", meta_rows(range(1, 3)))
    code, out, _ = cli("-w", str(ws), "ingest", str(f), "-f", "csv")
    assert code == 0
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["file"] == "a.csv" and row["rows"] == "2" and row["spend_usd"] == "20.0"


def test_format_option_names_the_output_or_the_export_format(tmp_path: Path, cli) -> None:
    ws = make_workspace(tmp_path / "ws")
    f = write_text(tmp_path / "a.csv", meta_rows(range(1, 3)))
    code, out, _ = cli("-w", str(ws), "ingest", str(f), "--format", "meta_ads_ui", "--format", "json")
    assert code == 0 and json.loads(out)["files"][0]["format"] == "meta_ads_ui"
    g = write_text(tmp_path / "b.csv", meta_rows(range(3, 5)))
    code, _, err = cli("-w", str(ws), "ingest", str(g), "--format", "google_ads_ui")
    assert code == 2 and "does not look like Google Ads UI report" in err
    code, _, err = cli("-w", str(ws), "ingest", str(g), "--format", "meta_ads")
    assert code == 2 and "unknown format `meta_ads`" in err and "meta_ads_ui" in err


def test_sources_list_and_remove(tmp_path: Path, cli) -> None:
    ws = make_workspace(tmp_path / "ws")
    a = write_text(tmp_path / "a.csv", meta_rows(range(1, 6)))
    b = write_text(tmp_path / "b.csv", meta_rows(range(1, 6), account="Acme NA"))
    assert cli("-w", str(ws), "ingest", str(a), str(b))[0] == 0
    code, out, _ = cli("-w", str(ws), "sources", "-f", "json")
    assert code == 0
    sources = json.loads(out)["sources"]
    assert [(s["source_relation"], s["accounts"], s["rows_counted"]) for s in sources] == [
        ("a.csv", "Acme EMEA", 5), ("b.csv", "Acme NA", 5)]
    code, out, _ = cli("-w", str(ws), "sources")
    assert code == 0 and "Sources held" in out and "Acme NA" in out
    code, out, _ = cli("-w", str(ws), "sources", "remove", "b.csv")
    assert code == 0 and "Removed b.csv" in out and "5 rows" in out
    code, out, _ = cli("-w", str(ws), "sources", "-f", "json")
    assert [s["source_relation"] for s in json.loads(out)["sources"]] == ["a.csv"]
    code, _, err = cli("-w", str(ws), "sources", "remove", "b.csv")
    assert code == 2 and "no ingest `b.csv` is held" in err
    # Removed, the same bytes can come back.
    code, out, _ = cli("-w", str(ws), "ingest", str(b), "-f", "json")
    assert code == 0 and json.loads(out)["files"][0]["status"] == "ingested"


def test_folder_and_glob(tmp_path: Path, cli) -> None:
    ws = make_workspace(tmp_path / "ws")
    folder = tmp_path / "exports"
    folder.mkdir()
    write_text(folder / "a.csv", meta_rows(range(1, 3)))
    write_text(folder / "b.csv", meta_rows(range(3, 5)))
    write_text(folder / "notes.md", "not an export")
    write_text(folder / "fx_rates.csv", "date,currency,rate\n2026-01-01,EUR,1.1\n")
    code, out, _ = cli("-w", str(ws), "ingest", str(folder), "-f", "json")
    assert code == 0
    statuses = {f["source_relation"]: f["status"] for f in json.loads(out)["files"]}
    assert statuses == {"a.csv": "ingested", "b.csv": "ingested", "fx_rates.csv": "reference"}
    code, _, err = cli("-w", str(ws), "ingest", str(folder / "*.xlsx"))
    assert code == 2 and "no file matches" in err


def test_progress_bar_goes_to_stderr(tmp_path: Path, cli) -> None:
    ws = make_workspace(tmp_path / "ws")
    f = write_text(tmp_path / "a.csv", meta_rows(range(1, 3)))
    code, out, _ = cli("-w", str(ws), "ingest", str(f), "--progress", "-f", "json")
    assert code == 0 and json.loads(out)["rows_written"] == 2
