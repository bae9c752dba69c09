"""`mille demo` end to end in a temporary directory, and its bad inputs.

The figures it prints are checked against an independent recomputation from the export files it
wrote (parsed with csv/openpyxl/pandas in demo_oracle, not with mille's readers).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from .demo_oracle import read_all

BEFORE, AFTER = "2026-09", "2026-10"


def run(*args: str) -> tuple[int, str, str]:
    """The real entry point, in-process: (exit code, stdout, stderr)."""
    from mille.cli import main

    runner = CliRunner()
    with runner.isolation(env={"COLUMNS": "200", "MILLE_WORKSPACE": None}) as (out, err, _):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    ws = tmp_path_factory.mktemp("cli") / "demo-ws"
    code, out, err = run("demo", "--workspace", str(ws), "--format", "json")
    assert code == 0, err
    return ws, json.loads(out)


def test_printed_figures_equal_a_recomputation_from_the_files(built) -> None:
    ws, result = built
    exports = ws / "exports"
    files = [exports / name for name in result["ad_exports"]]
    rows = read_all(files, exports / result["fx_rates"])
    rows["month"] = rows.date_day.dt.strftime("%Y-%m")
    rows = rows[rows.month.isin([BEFORE, AFTER])]
    groups = {"all": rows, **{p: g for p, g in rows.groupby("platform")}}
    figures = {(f["platform"], f["metric"]): f for f in result["headline"]["figures"]}
    assert {p for p, _ in figures} == set(groups)
    for platform, g in groups.items():
        for side, month in (("before", BEFORE), ("after", AFTER)):
            m = g[g.month == month]
            spend, imps, clicks = m.spend_usd.sum(), m.impressions.sum(), m.clicks.sum()
            expected = {
                "spend": spend, "impressions": imps, "clicks": clicks,
                "cpm": 1000 * spend / imps, "cpc": spend / clicks, "ctr": 100 * clicks / imps,
            }
            for metric, value in expected.items():
                got = figures[(platform, metric)][side]
                assert got["value"] == pytest.approx(value, rel=1e-6), (platform, metric, side)
            assert figures[(platform, "cpm")][side]["denominator"] == imps
            assert figures[(platform, "cpc")][side]["numerator"] == pytest.approx(spend, rel=1e-6)


def test_demo_builds_the_workspace_and_report(built) -> None:
    ws, result = built
    assert (ws / "mille.yaml").exists() and (ws / "mille.duckdb").exists()
    assert (ws / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert len(result["ad_exports"]) == 31 and all((ws / "exports" / n).exists() for n in result["ad_exports"])
    assert result["headline"]["after"]["label"] == AFTER and result["headline"]["before"]["label"] == BEFORE
    replaced = [r for r in result["slice_replacements"] if r["platform"] == "facebook_ads"]
    assert replaced and all(r["action"] == "replaced" for r in replaced)
    assert "seconds" not in result  # timings are not part of the (deterministic) JSON
    config = (ws / "mille.yaml").read_text(encoding="utf-8")
    assert "{region}_{objective}_{audience}_{offer}" in config and "exports/fx_rates.csv" in config


def test_same_seed_again_changes_nothing(built) -> None:
    ws, result = built
    code, out, err = run("demo", "--workspace", str(ws), "--format", "json")
    assert code == 0, err
    assert json.loads(out) == result


def test_table_and_csv_output(built) -> None:
    ws, result = built
    code, out, err = run("--workspace", str(ws), "demo")
    assert code == 0, err
    cpm = next(f for f in result["headline"]["figures"] if f["platform"] == "all" and f["metric"] == "cpm")
    assert "platforms" in out and f"${cpm['after']['value']:,.2f}" in out
    assert "report.html" in out
    code, out, _ = run("demo", "--workspace", str(ws), "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("platform,metric,before,after")


def test_shared_demo_workspace_is_built_fast_and_opens_read_only(demo_workspace, demo_build_result, built) -> None:
    from mille.workspace import Workspace

    result = demo_build_result
    assert result.seconds["total"] < 60, result.seconds
    # Built in another directory by the library rather than the CLI: the same headline.
    assert result.headline.to_dict() == built[1]["headline"]
    with Workspace.open(demo_workspace, read_only=True) as ws:
        assert ws.has_data() and str(ws.anchor_date()) == "2026-10-31"
        assert ws.config.naming_convention is not None


def test_refuses_a_directory_that_is_not_a_demo(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("my own things")
    code, _, err = run("demo", "--workspace", str(target))
    assert code == 2
    assert "not a demo workspace" in err and "Traceback" not in err
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("x")
    code, _, err = run("--workspace", str(target), "demo")
    assert code == 2 and "is a file" in err
    assert target.read_text() == "x"


def test_refuses_another_seeds_demo(tmp_path: Path) -> None:
    target = tmp_path / "ws"
    target.mkdir()
    marker = {"seed": 5, "generator_version": 1}
    (target / "demo.json").write_text(json.dumps(marker))
    code, _, err = run("demo", "--workspace", str(target), "--seed", "6")
    assert code == 2 and "seed 5" in err
    assert sorted(p.name for p in target.iterdir()) == ["demo.json"]


def test_help_lists_the_options() -> None:
    code, out, _ = run("demo", "--help")
    assert code == 0
    for option in ("--seed", "--workspace", "--format"):
        assert option in out


def test_a_failed_build_leaves_no_data_and_can_be_run_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mille.sources
    from mille.demo import build_demo
    from mille.errors import IngestError
    from mille.workspace import Workspace

    real = mille.sources.ingest_paths

    def broken(ws, paths, **kw):  # fails after writing part of the files, inside the transaction
        with ws.engine.transaction():
            real(ws, paths[:3], **kw)
            raise IngestError("simulated bad row", file=paths[3], row=7)

    monkeypatch.setattr(mille.sources, "ingest_paths", broken)
    target = tmp_path / "ws"
    with pytest.raises(IngestError, match="simulated"):
        build_demo(target, seed=0)
    with Workspace.open(target, read_only=True) as ws:
        assert not ws.has_data(), "the ingest transaction was rolled back"
    assert not (target / "report.html").exists()
    monkeypatch.setattr(mille.sources, "ingest_paths", real)
    result = build_demo(target, seed=0)
    assert result.rows_held > 50_000
