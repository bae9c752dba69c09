"""CRM exports and attribution on Spark: the hand-computed oracle of tests/crm holds there too,
and every credit Spark gives equals DuckDB's (the windows' boundary cases included)."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_corpus import require
from tests.crm.fixture import insert_delivery, write_exports
from tests.crm.test_oracle import EXPECTED, LEAD_REASONS, _by_platform, _same

pytestmark = [pytest.mark.spark, pytest.mark.slow]

# The windows whose boundaries decide a credit (5, 29 and 30 days), in every model.
RULES = [(w, m) for (w, m) in sorted(EXPECTED) if w in (5, 29, 30)]


def test_crm_ingest_and_attribution_on_spark_match_the_oracle_and_duckdb(tmp_path: Path) -> None:
    require("spark")
    from mille.analysis.attribution import Rule, attribute
    from mille.sources import ingest_paths
    from mille.workspace import Workspace, init_workspace

    files = [str(p) for p in write_exports(tmp_path / "exports")]
    seen = {}
    for engine in ("duckdb", "spark"):
        init_workspace(tmp_path / engine, engine=engine)
        with Workspace.open(tmp_path / engine) as ws:
            assert ws.engine.name == engine
            insert_delivery(ws)
            summary = ingest_paths(ws, files)
            credited = {}
            for window, model in RULES:
                credits = attribute(ws, Rule(window, model))
                leads, opps, pipeline = EXPECTED[(window, model)]
                _same(_by_platform(credits.rows, "lead"), leads)
                _same(_by_platform(credits.rows, "opportunity"), opps)
                _same(_by_platform(credits.rows, "opportunity", {"006A": 1000, "006B": 500, "006C": 200}), pipeline)
                assert credits.reasons("lead")["outside_window"] == LEAD_REASONS[window]
                credited[(window, model)] = sorted(
                    (r["record_type"], r["record_id"], r["platform"], str(r["day"]), round(r["credit"], 12))
                    for r in credits.rows.to_pylist())
            seen[engine] = ([(f.status, f.rows) for f in summary.files], credited)
    assert seen["spark"] == seen["duckdb"]
