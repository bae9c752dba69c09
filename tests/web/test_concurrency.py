"""Readers beside `mille serve`, and a writer that waits for it (issue 16).

Real processes on one workspace file: `mille serve` answering pages, read commands run at the
same time, then an ingest while serving — which must wait for the server to let go of the file,
succeed, and be seen by the next page. A writer that cannot get the file in time fails with one
clear message and changes nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mille.workspace import Workspace, init_workspace
from tests.web.conftest import start_server, stop_server

HEAD = "Day,Campaign,Currency code,Cost,Impr.,Clicks\n"


def export(path: Path, day: int, spend: float) -> Path:
    path.write_text(HEAD + f"2026-08-{day:02d},G1,USD,{spend:.2f},1000,10\n", encoding="utf-8")
    return path


def mille(*args: str, wait: float | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ}
    if wait is not None:
        env["MILLE_LOCK_WAIT"] = str(wait)
    return subprocess.run([sys.executable, "-m", "mille", *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture()
def served(tmp_path: Path):
    ws = tmp_path / "ws"
    init_workspace(ws)
    assert mille("-w", str(ws), "ingest", str(export(tmp_path / "a.csv", 3, 10.0))).returncode == 0
    proc, base = start_server(ws)
    try:
        yield ws, base, tmp_path
    finally:
        stop_server(proc)


def spend_of(base: str) -> float:
    r = httpx.get(base + "/breakdown.json", params={"period": "2026-08", "compare": "none"}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()["total"]["current"]["sums"]["spend"]


def test_read_commands_run_while_serving_and_an_ingest_waits_then_lands(served) -> None:
    ws, base, tmp = served
    assert spend_of(base) == pytest.approx(10.0)
    readers = [
        ["-w", str(ws), "metrics", "show", "cpm"],
        ["-w", str(ws), "report", "cpm", "--period", "2026-08", "--compare", "none"],
        ["-w", str(ws), "audit"],
        ["-w", str(ws), "sources"],
    ]
    procs = [subprocess.Popen([sys.executable, "-m", "mille", *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for args in readers]
    for args, p in zip(readers, procs, strict=True):
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, f"{args}: {err}"
        assert "in use" not in err
    started = time.monotonic()
    done = mille("-w", str(ws), "ingest", str(export(tmp / "b.csv", 4, 5.0)), wait=30)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 30
    assert spend_of(base) == pytest.approx(15.0)  # the page sees the new rows, not a cached result


def test_a_writer_that_cannot_get_the_file_fails_clearly_and_changes_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    init_workspace(ws)
    holder = Workspace.open(ws)  # another writer holds the file and does not let go
    try:
        started = time.monotonic()
        done = mille("-w", str(ws), "ingest", str(export(tmp_path / "a.csv", 3, 10.0)), wait=1)
        assert done.returncode == 2
        assert "in use by another process (waited 1 s)" in done.stderr and "Traceback" not in done.stderr
        assert "waiting for the workspace" in done.stderr
        assert time.monotonic() - started < 20
        assert not (ws / "mille.duckdb.writer-waiting").exists()
        assert holder.engine.scalar(holder.engine.table("ad_performance").count()) == 0
    finally:
        holder.close()
