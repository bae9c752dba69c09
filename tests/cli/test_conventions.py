"""CLI conventions through the real entry point: global options anywhere, exit codes, CSV that a
spreadsheet cannot run, and `metrics validate` listing every problem."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from tests.sources.test_ingest import META_HEAD

NAMES = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3"]


@pytest.fixture(scope="module")
def formula_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Campaign and account names a spreadsheet would run, one of them with negative spend."""
    from mille.sources import ingest_paths
    from mille.workspace import Workspace, init_workspace

    base = tmp_path_factory.mktemp("formulas")
    path = base / "ws"
    init_workspace(path)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, name in enumerate(NAMES):
        for d in range(1, 11):
            day = f"2026-09-{d:02d}"
            spend = -12.5 if (i == 3 and d == 1) else 10.0
            writer.writerow([day, day, day, NAMES[(i + 1) % 4], name, "Ad set A", spend, 1000, 10, 2])
    f = base / "meta.csv"
    f.write_text(META_HEAD + out.getvalue(), encoding="utf-8")
    with Workspace.open(path) as ws:
        ingest_paths(ws, [str(f)])
    return path


def test_global_options_before_after_and_after_arguments(formula_ws: Path, cli) -> None:
    ws = str(formula_ws)
    sept = ("--period", "2026-09", "--compare", "none", "--no-record")
    for args in (("report", "cpm", *sept, "-w", ws), ("-w", ws, "report", "cpm", *sept),
                 ("report", "-w", ws, "cpm", *sept), ("audit", "--workspace", ws, "--engine", "duckdb"), ("metrics", "list", "-w", ws),
                 ("sources", "-w", ws, "--format", "json")):
        code, _, err = cli(*args)
        assert code == 0, (args, err)
    # the later of two values wins: a bad one before the command is overridden after it
    assert cli("-w", "/nonexistent/ws", "report", "cpm", *sept, "-w", ws)[0] == 0
    code, _, err = cli("-w", ws, "report", "cpm", *sept, "-w", "/nonexistent/ws")
    assert code == 2 and "/nonexistent/ws" in err


def test_help_shows_global_options_and_exit_codes(cli) -> None:
    code, out, _ = cli("--help")
    assert code == 0 and "--workspace" in out and "Exit status" in out and "--fail-on" in out
    for command in (("report",), ("audit",), ("serve",), ("demo",), ("metrics", "list"), ("sources", "remove")):
        code, out, _ = cli(*command, "--help")
        assert code == 0 and "-w, --workspace" in out and "--engine" in out and "--debug" in out, command
        assert out.count("-w, --workspace") == 1, command  # one definition, not the command's own as well


def test_usage_error_and_mille_error_exit_2_with_one_line(formula_ws: Path, cli) -> None:
    for args in (("report", "--no-such-option"), ("report", "--grain", "fortnight"),
                 ("-w", str(formula_ws), "report", "nosuchmetric"), ("-w", "/nonexistent/ws", "audit")):
        code, out, err = cli(*args)
        assert code == 2, args
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: "), (args, err)
        assert "Traceback" not in err + out


def test_csv_outputs_neutralise_formulas_and_keep_numbers(formula_ws: Path, cli) -> None:
    ws = str(formula_ws)
    code, out, err = cli("-w", ws, "report", "spend,cpc", "--by", "campaign_name", "--period", "2026-09",
                         "--compare", "none", "--no-record", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    names = {r["campaign_name"] for r in rows if r["campaign_name"] not in ("", "total", "'total")}
    assert {"'" + n for n in NAMES} <= names, names
    for r in rows:
        for value in r.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
            if value.startswith("-"):
                float(value)  # a leading minus only on a number
    spends = {float(r["spend"]) for r in rows if r.get("spend")}
    assert 77.5 in spends  # 9 × 10 − 12.5: the negative day counts, the number is a number
    code, out, _ = cli("-w", ws, "sources", "--format", "csv")
    assert code == 0
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["ingest_id"].startswith("ing") and row["accounts"].startswith("'")


def test_csv_cells_have_no_float_noise() -> None:
    from mille.report.render import csv_cell

    assert csv_cell(0.1 + 0.2) == "0.3"
    assert csv_cell(-12.5) == "-12.5" and csv_cell(3) == "3" and csv_cell(1 / 3) == "0.333333333333333"
    assert csv_cell("-2+3") == "'-2+3" and csv_cell("\tx") == "'\tx" and csv_cell("a-b") == "a-b"


def test_sources_shows_the_ingest_id_remove_takes(formula_ws: Path, cli) -> None:
    code, out, _ = cli("-w", str(formula_ws), "sources", "--format", "json")
    ingest_id = json.loads(out)["sources"][0]["ingest_id"]
    code, out, _ = cli("-w", str(formula_ws), "sources")
    assert code == 0 and ingest_id in out and "sources remove" in out
    code, _, err = cli("-w", str(formula_ws), "sources", "remove", "nope")
    assert code == 2 and "`ingest` column of `mille sources`" in err


BAD = """\
measures:
  - name: spend_de
    table: ad_performance
    column: spend
    agg: sum
    filter: "country = = 'DE'"
metrics:
  - name: broken
    label: Broken
    description: x
    type: derived
    expression: "cpm * * 2"
    unit: currency
  - name: per_thing
    label: Per thing
    description: x
    type: ratio
    numerator: spend_nope
    denominator: clicks
    unit: currency
  - name: per_thing
    label: Again
    description: x
    type: ratio
    numerator: spend
    denominator: clicks
    unit: currency
"""


def test_validate_lists_every_problem_in_one_run(tmp_path: Path, cli) -> None:
    f = tmp_path / "metrics.yaml"
    f.write_text(BAD, encoding="utf-8")
    code, out, err = cli("metrics", "validate", str(f), "--format", "json")
    assert code == 2, err
    problems = json.loads(out)["problems"]
    got = {(p["line"], p["key"]) for p in problems}
    assert {(6, "measures.filter"), (12, "metrics.expression"), (18, "metrics.numerator"),
            (21, "metrics.name")} <= got, problems
    assert all(p["file"] == str(f) for p in problems)
