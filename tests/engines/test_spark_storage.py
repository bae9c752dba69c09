"""A Spark workspace: created by `mille --engine spark init`, loaded by `mille ingest`, kept as
Parquet folders that a new process finds again, rolled back when an ingest fails, and declaring
honestly what it cannot do (Capabilities)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from engine_corpus import report_rows, require

from mille.workspace import Workspace, init_workspace

pytestmark = [pytest.mark.spark, pytest.mark.slow]

META_HEAD = ("Reporting starts,Reporting ends,Day,Account name,Campaign name,Ad set name,"
             "Amount spent (USD),Impressions,Link clicks,Leads\n")


def meta_export(path: Path, days: range, *, spend: float = 10.0, leads: int = 2) -> Path:
    lines = [f"2026-09-{d:02d},2026-09-{d:02d},2026-09-{d:02d},Acme EMEA,EMEA_leadgen_csuite_demo,Ad set A,"
             f"{spend},1000,10,{leads}\n" for d in days]
    path.write_text(META_HEAD + "".join(lines), encoding="utf-8")
    return path


def campaign_export(path: Path) -> Path:
    path.write_text("Reporting starts,Reporting ends,Day,Account name,Campaign name,Amount spent (USD),"
                    "Impressions,Link clicks\n"
                    + "".join(f"2026-09-{d:02d},2026-09-{d:02d},2026-09-{d:02d},Acme EMEA,C1,20,2000,20\n"
                              for d in range(1, 11)), encoding="utf-8")
    return path


def totals(ws: Workspace) -> dict:
    t = ws.ad_performance()
    return ws.engine.to_arrow(t.aggregate(rows=t.count(), spend=t.spend.sum(), leads=t.leads.sum())).to_pylist()[0]


def test_init_from_the_cli_makes_a_spark_workspace(cli, tmp_path: Path) -> None:
    require("spark")
    ws = tmp_path / "ws"
    code, out, err = cli("--workspace", str(ws), "--engine", "spark", "init", "--format", "json")
    assert code == 0, err
    info = json.loads(out)
    assert info["engine"] == "spark" and info["tables"]["ad_performance"] == 0
    assert (ws / "spark-warehouse" / "ad_performance").is_dir() and not (ws / "mille.duckdb").exists()
    assert "engine: spark" in (ws / "mille.yaml").read_text(encoding="utf-8")


def test_tables_outlive_the_session_catalog(tmp_path: Path) -> None:
    """What a new process sees: the in-memory catalog starts empty, the Parquet folders are there."""
    require("spark")
    init_workspace(tmp_path / "ws", engine="spark")
    rows = report_rows()
    with Workspace.open(tmp_path / "ws") as ws:
        ws.engine.insert("ad_performance", rows)
        database = ws.engine.database
        session = ws.engine.session
    session.sql(f"DROP DATABASE `{database}` CASCADE")  # external tables: the files stay
    assert not session.catalog.databaseExists(database)
    with Workspace.open(tmp_path / "ws", read_only=True) as ws:
        held = totals(ws)
    assert held["rows"] == rows.num_rows
    assert held["spend"] == pytest.approx(float(np.sum(rows.column("spend").to_numpy())), rel=1e-12)


def test_two_workspaces_in_one_process_keep_their_own_tables(tmp_path: Path) -> None:
    require("spark")
    for name, n in (("a", 3), ("b", 5)):
        init_workspace(tmp_path / name, engine="spark")
        with Workspace.open(tmp_path / name) as ws:
            ws.engine.insert("ingests", pa.table({"ingest_id": [f"{name}{i}" for i in range(n)]}))
    for name, n in (("a", 3), ("b", 5)):
        with Workspace.open(tmp_path / name) as ws:
            ids = ws.engine.to_arrow(ws.engine.table("ingests").select("ingest_id")).column(0).to_pylist()
        assert sorted(ids) == [f"{name}{i}" for i in range(n)]


@pytest.mark.parametrize("chunks", [{}, {"stream_over": 0, "chunk_rows": 2}], ids=["whole", "streamed"])
def test_ingest_supersede_and_remove_agree_with_duckdb(tmp_path: Path, chunks: dict) -> None:
    """The ingest path end to end (insert, update, delete on Spark), DuckDB as the reference;
    also with the files written in chunks of two rows, as a large file is."""
    require("spark")
    from mille.sources.held import list_sources, remove_source
    from mille.sources.ingest import ingest_paths

    campaign = campaign_export(tmp_path / "campaigns.csv")
    adsets = meta_export(tmp_path / "adsets.csv", range(5, 11))
    seen = {}
    for engine in ("duckdb", "spark"):
        init_workspace(tmp_path / engine, engine=engine)
        with Workspace.open(tmp_path / engine) as ws:
            assert ws.engine.name == engine
            ingest_paths(ws, [campaign], **chunks)
            summary = ingest_paths(ws, [adsets], **chunks)
            after_ingest = totals(ws)
            again = ingest_paths(ws, [adsets], **chunks)  # the same bytes: skipped, nothing changes
            held = [(s.rows_counted, s.rows_held) for s in list_sources(ws).sources]
            removed = remove_source(ws, "adsets.csv")
            seen[engine] = (summary.changes[0].action, after_ingest, again.rows_written, held,
                            (removed.rows_removed, removed.rows_restored), totals(ws))
    assert seen["spark"] == seen["duckdb"]
    action, after_ingest, rewritten, held, removed, final = seen["spark"]
    assert action == "superseded" and after_ingest["spend"] == pytest.approx(4 * 20 + 6 * 10)
    assert rewritten == 0 and held == [(4, 10), (6, 6)] and removed == (6, 6)
    assert final["spend"] == pytest.approx(10 * 20)


def test_a_failed_ingest_leaves_the_spark_workspace_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require("spark")
    from mille.sources.ingest import ingest_paths

    init_workspace(tmp_path / "ws", engine="spark")
    with Workspace.open(tmp_path / "ws") as ws:
        ingest_paths(ws, [meta_export(tmp_path / "sept.csv", range(1, 31))])
        before = totals(ws), ws.engine.scalar(ws.engine.table("ingests").count())
        engine = ws.engine
        real_insert = engine.insert

        def failing(name: str, data: pa.Table) -> None:
            if name == "ingests":  # after the facts and the supersede/replace rewrites were written
                raise RuntimeError("disk full")
            real_insert(name, data)

        monkeypatch.setattr(engine, "insert", failing)
        redo = meta_export(tmp_path / "redo.csv", range(16, 31), leads=3)
        with pytest.raises(RuntimeError, match="disk full"):
            ingest_paths(ws, [redo])
        monkeypatch.undo()
        assert (totals(ws), ws.engine.scalar(ws.engine.table("ingests").count())) == before
        assert not any((tmp_path / "ws" / "spark-warehouse" / ".mille-rollback").iterdir())
        summary = ingest_paths(ws, [redo])  # and the same file goes in cleanly afterwards
        assert summary.changes[0].action == "replaced" and totals(ws)["leads"] == 15 * 2 + 15 * 3


def test_declared_capabilities_hold(tmp_path: Path) -> None:
    """The flags analyses branch on say what each engine really does."""
    require("spark")
    values = pa.table({"x": pa.array([3.0, 1.0, 4.0, 1.5, 9.0, 2.6])})
    for engine in ("duckdb", "spark"):
        init_workspace(tmp_path / engine, engine=engine)
        with Workspace.open(tmp_path / engine) as ws:
            caps = ws.engine.capabilities
            con = ws.engine.con
            if caps.temp_tables:
                con.create_table("scratch", values, temp=True)
            else:
                with pytest.raises(NotImplementedError):
                    con.create_table("scratch", values, temp=True)
            import ibis

            t = ibis.memtable(values)
            median = ws.engine.scalar(t.x.quantile(0.5))
            exact = float(np.quantile(values.column("x").to_numpy(), 0.5))
            assert (median == pytest.approx(exact, rel=1e-12)) is caps.quantiles, engine
            assert caps.transactions is (engine == "duckdb")


def test_reading_a_folder_without_spark_tables_says_how_to_create_them(tmp_path: Path) -> None:
    require("spark")
    from mille.errors import WorkspaceError

    init_workspace(tmp_path / "ws")  # a DuckDB workspace: no spark-warehouse
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(tmp_path / "ws", read_only=True, engine="spark")
    assert "no Spark tables" in info.value.message and "mille --engine spark init" in (info.value.hint or "")
    assert not (tmp_path / "ws" / "spark-warehouse").exists()  # reading creates nothing
