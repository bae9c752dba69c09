"""Choosing an engine: mille.yaml `engine` / `--engine`, a missing pyspark, and a warehouse read in
place (a dbt ad_reporting table in a DuckDB file, mapped through engine_options)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from engine_corpus import close

from mille.errors import ConfigError, EngineUnavailable, WorkspaceError
from mille.workspace import Workspace, init_workspace

# The dbt ad_reporting package's ad-level model: its columns, as the package documents them.
DBT_COLUMNS = """source_relation VARCHAR, date_day DATE, platform VARCHAR, account_id VARCHAR,
    account_name VARCHAR, campaign_id VARCHAR, campaign_name VARCHAR, ad_group_id VARCHAR,
    ad_group_name VARCHAR, ad_id VARCHAR, ad_name VARCHAR, clicks BIGINT, impressions BIGINT,
    spend DECIMAL(28, 6), conversions DOUBLE, conversions_value DOUBLE"""


def set_engine(path: Path, engine: str, **options: object) -> None:
    cfg = path / "mille.yaml"
    doc = yaml.safe_load(cfg.read_text(encoding="utf-8")) if cfg.exists() else {}
    doc["engine"] = engine
    if options:
        doc["engine_options"] = options
    cfg.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


@pytest.fixture()
def dbt_file(tmp_path: Path) -> Path:
    """A DuckDB file as dbt leaves it: analytics.ad_reporting__ad_report, 3 platforms × 61 days."""
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA analytics")
    con.execute(f"CREATE TABLE analytics.ad_reporting__ad_report ({DBT_COLUMNS}, _fivetran_synced TIMESTAMP)")
    con.execute("""
        INSERT INTO analytics.ad_reporting__ad_report
        SELECT p || '.ad_report', DATE '2026-09-01' + d::INTEGER, p, p || '-acct', 'Account ' || p, 'c' || (d % 3),
               'NA_leadgen_csuite_demo', 'g1', 'G', 'a' || (d % 5), 'Ad',
               (17 * d + length(p)) % 40 + 1, 1000 + (97 * d + 13 * length(p)) % 900,
               round(((31 * d + 7 * length(p)) % 50 + 5) * 1.37, 2), d % 4, 0, now()
        FROM range(61) r(d), (VALUES ('linkedin_ads'), ('google_ads'), ('facebook_ads')) v(p)
    """)
    con.close()
    return path


def dbt_frame(path: Path) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        df = con.execute("SELECT * FROM analytics.ad_reporting__ad_report").df()
    finally:
        con.close()
    df["spend"] = df["spend"].astype(float)
    df["month"] = pd.to_datetime(df["date_day"]).dt.strftime("%Y-%m")
    return df


@pytest.fixture()
def dbt_ws(tmp_path: Path, dbt_file: Path) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    set_engine(ws, f"duckdb:///{dbt_file}", ad_performance="analytics.ad_reporting__ad_report")
    return ws


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- a warehouse read in place ------------------------------------------------------------------
def test_a_dbt_table_is_reported_in_place(dbt_ws: Path, dbt_file: Path) -> None:
    from mille.analysis.breakdown import report

    before = digest(dbt_file)
    with Workspace.open(dbt_ws) as ws:
        assert ws.engine.name == "url" and ws.engine.capabilities.transactions is False
        r = json.loads(report(ws, "cpm,ctr,spend", by="platform", period="2026-10", compare="2026-09").to_json())
    df = dbt_frame(dbt_file)
    octo = df[df.month == "2026-10"]
    for cell in r["cells"]:
        rows = octo[octo.platform == cell["segment"]["platform"]]
        cpm = cell["metrics"]["cpm"]["current"]
        assert close(cpm["numerator"], float(rows.spend.sum()))
        assert close(cpm["value"], 1000 * rows.spend.sum() / rows.impressions.sum())
        assert close(cell["metrics"]["ctr"]["current"]["value"], 100 * rows.clicks.sum() / rows.impressions.sum())
    assert close(r["total"]["metrics"]["spend"]["current"]["value"], float(octo.spend.sum()))
    # read in place: the warehouse file is untouched and the workspace holds no database of its own
    assert digest(dbt_file) == before and not (dbt_ws / "mille.duckdb").exists()


def test_columns_the_dbt_table_lacks_read_as_null_or_as_implied(dbt_ws: Path, dbt_file: Path) -> None:
    from mille.schema import AD_PERFORMANCE

    with Workspace.open(dbt_ws) as ws:
        t = ws.engine.table("ad_performance")
        assert list(t.columns) == [c.name for c in AD_PERFORMANCE.columns]  # mille's schema, in order
        assert "_fivetran_synced" not in t.columns
        rows = ws.engine.to_arrow(t.order_by(["platform", "date_day", "ad_id"]).limit(3)).to_pylist()
        assert ws.engine.scalar(t.count()) == 3 * 61
        # an empty mille table (no ingest log in a warehouse) is a typed, empty query
        assert ws.engine.scalar(ws.engine.table("ingests").count()) == 0
    row = rows[0]
    assert row["country"] is None and row["device"] is None and row["superseded_by"] is None
    assert row["period_end"] == row["date_day"] and row["granularity"] == "day"
    assert row["spend_reporting"] == row["spend"] and isinstance(row["spend"], float)
    assert row["source_relation"] == "facebook_ads.ad_report"  # the table's own column wins
    assert row["ingest_id"] == "analytics.ad_reporting__ad_report"


def test_explain_and_audit_run_on_the_dbt_table(dbt_ws: Path, dbt_file: Path) -> None:
    from mille.analysis.audit import audit
    from mille.analysis.explain import explain

    df = dbt_frame(dbt_file)
    months = df.groupby("month")[["spend", "impressions"]].sum()
    with Workspace.open(dbt_ws) as ws:
        r = explain(ws, "cpm", "2026-09", "2026-10", dims=["platform", "campaign_id"])
        result = audit(ws, checks=["gaps", "values"])
    assert close(r.before.value, 1000 * months.loc["2026-09", "spend"] / months.loc["2026-09", "impressions"])
    assert close(r.after.numerator, float(months.loc["2026-10", "spend"]))
    assert close(r.decomposition.mix + r.decomposition.rate + r.decomposition.no_base, r.change)
    assert [f for f in result.findings if f.check == "gaps.account_days"] == []  # every day is there


def test_the_warehouse_is_never_written(dbt_ws: Path, dbt_file: Path, tmp_path: Path) -> None:
    from mille.sources.ingest import ingest_paths

    export = tmp_path / "meta.csv"
    export.write_text("Reporting starts,Reporting ends,Day,Account name,Campaign name,Amount spent (USD),"
                      "Impressions,Link clicks\n2026-09-01,2026-09-01,2026-09-01,A,C,1,100,1\n", encoding="utf-8")
    before = digest(dbt_file)
    with Workspace.open(dbt_ws) as ws, pytest.raises(WorkspaceError, match="read-only for mille"):
        ingest_paths(ws, [export])
    assert digest(dbt_file) == before


def test_a_mapping_to_a_missing_table_names_the_key(tmp_path: Path, dbt_file: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    set_engine(ws, f"duckdb:///{dbt_file}", ad_performance="analytics.no_such_table")
    with Workspace.open(ws) as opened, pytest.raises(ConfigError) as info:
        opened.ad_performance()
    assert info.value.key == "engine_options.ad_performance" and "no_such_table" in info.value.message


def test_the_cli_engine_option_overrides_mille_yaml(cli, tmp_path: Path, dbt_file: Path) -> None:
    ws = tmp_path / "ws"
    init_workspace(ws)  # a DuckDB workspace, empty
    set_engine(ws, "duckdb", ad_performance="analytics.ad_reporting__ad_report")
    code, out, err = cli("--workspace", str(ws), "--engine", f"duckdb:///{dbt_file}", "report", "spend",
                         "--by", "platform", "--period", "2026-10", "--format", "json")
    assert code == 0, err
    df = dbt_frame(dbt_file)
    assert close(json.loads(out)["total"]["metrics"]["spend"]["current"]["value"],
                 float(df[df.month == "2026-10"].spend.sum()))
    code, _, err = cli("--workspace", str(ws), "report", "spend", "--format", "json")
    assert code == 2 and "no ad data" in err  # mille.yaml's own engine: the empty workspace


# -- engine selection and its errors -----------------------------------------------------------
def test_an_unknown_engine_is_a_config_error_naming_the_key(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "mille.yaml").write_text("engine: sparkk\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        Workspace.open(ws)
    assert "unknown engine `sparkk`" in info.value.message and info.value.line == 1


def test_a_missing_pyspark_names_the_extra_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli) -> None:
    from mille.engine import connect

    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` now raises ImportError
    monkeypatch.delitem(sys.modules, "mille.engine.spark", raising=False)
    with pytest.raises(EngineUnavailable) as info:
        connect("spark", tmp_path)
    assert info.value.hint == "pip install 'mille[spark]'"
    code, out, err = cli("--workspace", str(tmp_path / "ws"), "--engine", "spark", "init")
    assert code == 2 and "pip install 'mille[spark]'" in err and out == ""
    assert not (tmp_path / "ws" / "mille.yaml").exists()  # nothing half-written


def test_an_uninstalled_warehouse_backend_names_its_extra(tmp_path: Path) -> None:
    from mille.engine import connect

    with pytest.raises(EngineUnavailable) as info:
        connect("snowflake://user:pw@account/db/schema", tmp_path)
    assert info.value.hint == "pip install 'ibis-framework[snowflake]'"


def test_only_the_engine_layer_imports_pyspark() -> None:
    """import-linter enforces it on every `make test`; this pins the contract in pyproject."""
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'forbidden_modules = ["duckdb", "pyspark"]' in text
