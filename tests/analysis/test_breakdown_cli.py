"""`mille report` end to end: formats, the JSON contract, recorded versions, and bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from mille.analysis.breakdown import report
from mille.workspace import Workspace

try:  # the same loader as the oracle tests, whether or not tests/analysis is a package
    from .test_breakdown import load_fixture
except ImportError:
    from test_breakdown import load_fixture  # type: ignore[no-redef]


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_fixture(tmp_path_factory.mktemp("report-cli") / "ws")


def test_json_is_the_result_object(cli, ws_path: Path) -> None:
    code, out, err = cli("-w", str(ws_path), "report", "cpm,ctr", "--by", "platform,country", "--top", "3", "--format", "json", "--no-record")
    assert code == 0, err
    data = json.loads(out)
    with Workspace.open(ws_path, read_only=True) as ws:
        direct = report(ws, "cpm,ctr", by="platform,country", top=3).to_dict()
    assert data == direct
    assert set(data) >= {"kind", "metrics", "by", "period", "compare", "cells", "total", "warnings", "notes"}
    cell = data["cells"][0]
    assert set(cell) == {"kind", "segment", "label", "members", "current", "previous", "metrics"}
    cpm = cell["metrics"]["cpm"]
    assert set(cpm["current"]) == {"value", "low", "high", "numerator", "denominator", "small_base", "flags"}
    assert set(cpm["change"]) == {"absolute", "relative", "low", "high", "noise"}
    assert data["cells"][-1]["kind"] == "other"


def test_csv_is_one_row_per_cell_then_the_total(cli, ws_path: Path) -> None:
    code, out, _ = cli("-w", str(ws_path), "report", "cpm,cpc", "--format", "csv", "--no-record")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[-1]["kind"] == "total"
    assert {r["platform"] for r in rows[:-1]} == {"linkedin_ads", "google_ads", "facebook_ads", "reddit_ads"}
    for col in ("spend", "impressions", "clicks", "cpm", "cpm_low", "cpm_high", "cpm_previous", "cpm_change_pct", "cpm_noise", "cpm_small_base"):
        assert col in rows[0]
    total = rows[-1]
    assert float(total["spend"]) == pytest.approx(sum(float(r["spend"]) for r in rows[:-1]))


def test_csv_with_a_grain_is_the_series(cli, ws_path: Path) -> None:
    code, out, _ = cli("-w", str(ws_path), "report", "ctr", "--grain", "month", "--format", "csv", "--no-record")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["period_start"] for r in rows} == {"2026-08-01", "2026-09-01", "2026-10-01"}
    assert {"period_end", "partial", "kind", "ctr", "ctr_low", "ctr_change"} <= set(rows[0])


def test_table_shows_warnings_cells_total_and_legend(cli, ws_path: Path) -> None:
    code, out, _ = cli("-w", str(ws_path), "report", "--no-record")
    assert code == 0
    assert "⚠ Blended CPM rose" in out and "mille explain cpm" in out
    assert "total" in out and "95 % interval" in out and "base too small" in out
    code, out, _ = cli("-w", str(ws_path), "report", "ctr,cpc", "--by", "platform,campaign_id", "--rank-by", "ctr", "--benchmarks", "--grain", "week", "--no-record")
    assert code == 0
    assert "shrunk towards the parent" in out and "Published ranges" in out and "CTR by week" in out


def test_versions_are_recorded_unless_asked_not_to(cli, tmp_path: Path) -> None:
    path = load_fixture(tmp_path / "ws")
    assert cli("-w", str(path), "report", "cpm", "--no-record")[0] == 0
    with Workspace.open(path, read_only=True) as ws:
        assert ws.engine.scalar(ws.table("metric_versions").count()) == 0
    assert cli("-w", str(path), "report", "cpm")[0] == 0
    with Workspace.open(path, read_only=True) as ws:
        seen = ws.engine.to_arrow(ws.table("metric_versions")).to_pylist()
        from mille.metrics import load_catalogue

        assert [(r["metric"], r["version"]) for r in seen] == [("cpm", load_catalogue(path).version("cpm"))]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cmp"], "did you mean `cpm`"),
        (["cpm", "--by", "platfrom"], "did you mean `platform`"),
        (["cpm", "--period", "2026-13"], "no month 13"),
        (["cpm", "--period", "2026-10", "--compare", "2026-10-15:2026-11-15"], "overlaps"),
        (["cpm", "--period", "2025-01"], "no data in 2025-01"),
        (["cpm", "--filter", "colour = 'red'"], "colour"),
        (["cpm", "--top", "0"], "at least 1"),
        (["cpm,spend", "--rank-by", "spend"], "not a ratio"),
        (["cpm", "--rank-by", "ctr"], "not among the metrics"),
        (["cpm", "--by", "platform,platform"], "repeated"),
    ],
)
def test_bad_input_is_one_clear_error_with_status_2(cli, ws_path: Path, args: list[str], message: str) -> None:
    code, out, err = cli("-w", str(ws_path), "report", *args, "--no-record")
    assert code == 2
    assert out == ""
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_empty_workspace(cli, tmp_ws: Path) -> None:
    code, _, err = cli("-w", str(tmp_ws), "report", "--no-record")
    assert code == 2 and "holds no ad data" in err and "mille ingest" in err
