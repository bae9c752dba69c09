"""The same audit on Apache Spark (Ibis's pyspark backend) finds the same problems as on DuckDB."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from audit_rows import arrow, days, series

from mille.analysis.audit import audit
from mille.workspace import Workspace, init_workspace

pytestmark = [pytest.mark.spark, pytest.mark.slow]
AS_OF = date(2026, 11, 1)


def _rows() -> list[dict]:
    rows = series(date(2026, 9, 1), date(2026, 10, 31), skip=days(date(2026, 10, 13), date(2026, 10, 16)))
    rows += series(date(2026, 9, 1), date(2026, 10, 31), platform="linkedin_ads", account_id="li",
                   campaign_id="x", campaign_name="Bad name", report_timezone="UTC", spend=300.0,
                   impressions=6000, clicks=30)
    rows += series(date(2026, 10, 1), date(2026, 10, 10), platform="linkedin_ads", account_id="li",
                   campaign_id="x", ingest_id="again", source_relation="again.csv", spend=300.0,
                   impressions=6000, clicks=30)
    return rows


def _workspace(path: Path, engine: str) -> Path:
    init_workspace(path)
    cfg = path / "mille.yaml"
    doc = yaml.safe_load(cfg.read_text())
    doc["engine"] = engine
    doc["naming_convention"] = {"pattern": "{region}_{objective}_{audience}_{offer}"}
    cfg.write_text(yaml.safe_dump(doc, sort_keys=False))
    with Workspace.open(path) as ws:
        ws.engine.insert("ad_performance", arrow("ad_performance", _rows()))
    return path


def test_spark_and_duckdb_agree(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    results = {}
    for engine in ("duckdb", "spark"):
        with Workspace.open(_workspace(tmp_path / engine, engine)) as ws:
            assert ws.engine.name == engine
            results[engine] = audit(ws, as_of=AS_OF)
    duck, spark = results["duckdb"], results["spark"]
    assert {f.check for f in duck.findings} >= {"gaps.account_days", "overlaps.double_counted",
                                                "definitions.naming_convention"}
    assert [(f.id, f.severity, f.days, round(f.spend, 6)) for f in spark.findings] == [
        (f.id, f.severity, f.days, round(f.spend, 6)) for f in duck.findings]
    assert spark.score.overall == pytest.approx(duck.score.overall)
