"""Totals rows wherever they stand: the label vocabulary, per-segment and one-sided reconciliation,
title lines, and the audit's reading of it (issue 15, item 3)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mille.sources.dates import find_date_range, parse_date_range
from mille.sources.export import read_export
from mille.sources.labels import read_label
from mille.sources.preamble import parse_preamble
from mille.workspace import Workspace, init_workspace

HEAD = "Campaign report\n\"May 1, 2026 - May 31, 2026\"\n"
HEADER = "Campaign status,Campaign,Ad group,Campaign type,Currency code,Impr.,Clicks,Cost\n"
ROWS = [
    "Enabled,Brand,Exact,Search,USD,\"1,000\",50,40.00\n",
    "Enabled,Brand,Broad,Search,USD,500,20,15.50\n",
    "Paused,Display Q3,All,Display,USD,\"3,000\",15,9.00\n",
]
SUMS = (64.50, 4500, 85)


def _read(tmp_path: Path, text: str, name: str = "report.csv", **options):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_export(path, **options)


def _sums(parsed) -> tuple[float, int, int]:
    t = parsed.table
    return (round(sum(t.column("spend").to_pylist()), 2), sum(t.column("impressions").to_pylist()),
            sum(t.column("clicks").to_pylist()))


@pytest.mark.parametrize(("cell", "strict", "kind"), [
    ("Total: Account", True, "covers_more"), ("Total: Campaigns", True, "whole"),
    ("Total - filtered", True, "covers_more"), ("Total - all experiments", True, "covers_more"),
    ("Total: All but removed keywords", True, "covers_more"), ("Total: Other locations", True, "other"),
    ("Total: Search", True, "value"), ("Search total", False, "value"), ("Total", False, "whole"),
    ("Totals", False, "whole"), ("Gesamt: Konto", True, "covers_more"), ("Totaal", False, "whole"),
    ("Totale: Campagne pubblicitarie", True, "whole"), ("Итого", False, "whole"), ("Suma", False, "whole"),
    ("Toplam", False, "whole"), ("合計", False, "whole"), ("总计", False, "whole"), ("합계", False, "whole"),
    ("Total: Compte", True, "covers_more"), ("Total of 12 results", False, "whole"),
])
def test_labels_in_every_language(cell: str, strict: bool, kind: str) -> None:
    label = read_label(cell)
    assert label is not None and (label.strict, label.kind) == (strict, kind)


@pytest.mark.parametrize("name", ["Total Recall Q3", "Totals & Co", "Total-Recall", "Totally Awesome", "Subtotals Ltd",
                                  "Summer total sale", "Gesamtpaket 2026"])
def test_names_that_look_like_totals_are_no_labels(name: str) -> None:
    assert read_label(name) is None


@pytest.mark.parametrize("column", [0, 1, 2])
def test_a_totals_row_in_any_column_is_dropped_and_reconciled(tmp_path: Path, column: int) -> None:
    cells = [" --", "", " --"]
    cells[column] = "Total: Account"
    total = ",".join(cells) + ",,USD,\"4,500\",85,64.50\n"
    parsed = _read(tmp_path, HEAD + HEADER + "".join(ROWS) + total)
    assert parsed.rows == 3 and _sums(parsed) == SUMS
    [rec] = [r for r in parsed.reconciliations if r.measure == "spend"]
    assert rec.reconciled and rec.label_column == HEADER.split(",")[column]
    assert parsed.metadata["totals_label_columns"] == [HEADER.split(",")[column]]


def test_a_loose_label_in_a_name_column_is_a_name(tmp_path: Path) -> None:
    rows = [*ROWS, "Enabled,Brand total,Campaign Total,Search,USD,10,1,1.00\n"]
    parsed = _read(tmp_path, HEAD + HEADER + "".join(rows))
    assert parsed.rows == 4 and parsed.reconciliations == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(column=st.integers(0, 3), label=st.sampled_from(["Total: Account", "Total - filtered", "Total", "Totals",
                                                         "Total: Campaigns", "Gesamt", "Search total"]),
       blank=st.sampled_from(["", " --", "--"]), factor=st.sampled_from([1, 2, 7]))
def test_appending_a_totals_row_never_changes_the_rows(tmp_path: Path, column: int, label: str, blank: str,
                                                       factor: int) -> None:
    """Whatever the column, label and blank marker, and whatever the totals say."""
    cells = [blank] * 4
    cells[column] = label
    total = ",".join(cells) + f",USD,{4500 * factor},{85 * factor},{64.50 * factor:.2f}\n"
    parsed = _read(tmp_path, HEAD + HEADER + "".join(ROWS) + total)
    assert parsed.rows == 3 and _sums(parsed) == SUMS


def test_segment_totals_cover_their_segment_only(tmp_path: Path) -> None:
    text = (HEAD.replace("May 1, 2026 - May 31, 2026", "January 1, 2026 - February 28, 2026")
            + "Week,Campaign,Device,Currency code,Impr.,Clicks,Cost\n"
            "2026-01-05,Brand,Computers,USD,100,10,5.00\n2026-01-05,Brand,Mobile phones,USD,200,20,7.00\n"
            "2026-01-12,Brand,Computers,USD,300,30,9.00\n"
            "2026-01-05,Total: Campaigns,Computers,USD,100,10,5.00\n"
            "2026-01-05,Total: Campaigns, --,USD,300,30,12.00\n"
            "2026-01-12,Total: Account, --,USD,400,40,11.00\n")
    parsed = _read(tmp_path, text)
    spend = {(r.label, r.scope): r for r in parsed.reconciliations if r.measure == "spend"}
    assert spend[("Total: Campaigns", "Week=2026-01-05, Device=Computers")].rows_value == 5.0
    assert spend[("Total: Campaigns", "Week=2026-01-05")].rows_covered == 2
    account = spend[("Total: Account", "Week=2026-01-12")]
    assert account.scope_kind == "segment" and account.one_sided and not account.contradicts
    assert all(r.reconciled for r in parsed.reconciliations if r.label != "Total: Account")
    assert parsed.warnings == []


def test_rows_above_a_one_sided_total_contradict_it(tmp_path: Path) -> None:
    total = "Total: Account,,,,USD,\"4,000\",80,60.00\n"
    parsed = _read(tmp_path, HEAD + HEADER + "".join(ROWS) + total)
    spend = next(r for r in parsed.reconciliations if r.measure == "spend")
    assert spend.one_sided and spend.contradicts and spend.difference == pytest.approx(-4.5)
    assert any("exceed" in w for w in parsed.warnings)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("\"Ad report (Oct 25, 2016-Oct 31, 2016)\"", date(2016, 10, 25), date(2016, 10, 31)),
    ("Campaign report (Jan 1, 2026 - Jan 31, 2026)", date(2026, 1, 1), date(2026, 1, 31)),
    ("1 May 2026 - 8 May 2026", date(2026, 5, 1), date(2026, 5, 8)),
    ("1 May 2026 – 8 May 2026", date(2026, 5, 1), date(2026, 5, 8)),
    ("May 1, 2026 - May 31, 2026", date(2026, 5, 1), date(2026, 5, 31)),
    ("2026-05-01 - 2026-05-31", date(2026, 5, 1), date(2026, 5, 31)),
    ("01.05.2026 - 31.05.2026", date(2026, 5, 1), date(2026, 5, 31)),
    ("1. Mai 2026 - 31. Mai 2026", date(2026, 5, 1), date(2026, 5, 31)),
    ("1 de mayo de 2026 - 31 de mayo de 2026", date(2026, 5, 1), date(2026, 5, 31)),
    ("1 maggio 2026 - 31 maggio 2026", date(2026, 5, 1), date(2026, 5, 31)),
    ("1 mei 2026 - 31 mei 2026", date(2026, 5, 1), date(2026, 5, 31)),
    ("1 maja 2026 - 31 maja 2026", date(2026, 5, 1), date(2026, 5, 31)),
    ("1 мая 2026 г. - 31 мая 2026 г.", date(2026, 5, 1), date(2026, 5, 31)),
    ("2026年5月1日～2026年5月31日", date(2026, 5, 1), date(2026, 5, 31)),
])
def test_title_lines_give_the_range(text: str, start: date, end: date) -> None:
    found = find_date_range(text, month_first=False)
    assert found is not None and found[0] == (start, end)


def test_title_padded_with_commas_and_all_time() -> None:
    meta = parse_preamble([["Ad report (Oct 25, 2016-Oct 31, 2016)"]])
    assert (meta["title"], meta["start"], meta["end"]) == ("Ad report", date(2016, 10, 25), date(2016, 10, 31))
    meta = parse_preamble([["Campaign report", "", "", ""], ["1 May 2026 - 8 May 2026", "", ""]])
    assert meta["title"] == "Campaign report" and meta["end"] == date(2026, 5, 8)
    assert parse_preamble([["Campaign report"], ["All time"]])["all_time"]
    assert parse_date_range("Total: Account") is None and parse_date_range("Campaign report") is None


def _ingest(tmp_path: Path, text: str):
    from mille.analysis.audit import audit
    from mille.sources.ingest import ingest_paths

    tmp_path.mkdir()
    path = tmp_path / "report.csv"
    path.write_text(text, encoding="utf-8")
    init_workspace(tmp_path / "ws")
    with Workspace.open(tmp_path / "ws") as ws:
        ingest_paths(ws, [str(path)])
        found = [f for f in audit(ws).findings if f.check == "overlaps.unreconciled_totals"]
        held = ws.engine.to_arrow(ws.engine.table("reconciliations")).to_pylist()
    return found, held


def test_audit_notes_a_one_sided_shortfall_and_flags_rows_above(tmp_path: Path) -> None:
    more = "Total: Account,,,,USD,\"5,000\",90,80.00\n"
    [note], held = _ingest(tmp_path / "a", HEAD + HEADER + "".join(ROWS) + more)
    assert note.severity == "info" and note.account_id is None and "cover more" in note.title
    assert {r["scope_kind"] for r in held} == {"covers_more"} and all(r["one_sided"] for r in held)
    assert held[0]["label_column"] == "Campaign status" and held[0]["rows_covered"] == 3
    less = "Total: Account,,,,USD,\"4,000\",80,50.00\n"
    [error], _ = _ingest(tmp_path / "b", HEAD + HEADER + "".join(ROWS) + less)
    assert error.severity == "error"


def test_an_old_workspace_gains_the_new_reconciliation_columns(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    con = duckdb.connect(str(tmp_path / "ws" / "mille.duckdb"))
    for col in ("rows_covered", "label_column", "scope_kind", "scope", "one_sided"):
        con.execute(f"ALTER TABLE reconciliations DROP COLUMN {col}")
    con.close()
    with Workspace.open(tmp_path / "ws") as ws:
        names = ws.engine.table("reconciliations").columns
    assert {"rows_covered", "label_column", "scope_kind", "scope", "one_sided"} <= set(names)
