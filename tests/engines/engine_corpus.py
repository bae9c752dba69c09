"""The engine-agnostic corpus: one set of fixtures, loaded into a workspace per engine.

Every test in ``tests/engines`` runs an analysis on each engine of :data:`ENGINES` and checks it
against an independent oracle (pandas over the fixture file, not mille's code); the parity tests
then hold the engines' whole JSON results equal to :data:`REL` relative. Spark runs in local mode,
one session per test process (``--dist loadfile`` keeps a file's tests in one process).

The corpus found no gap (nothing these analyses do that Spark cannot). One that appears is
declared as a :class:`mille.engine.Capabilities` flag, the analysis branches on it, and the test
is marked ``xfail(strict=True)`` with the reason — visible in every run, never skipped silently.
A machine without Spark skips the Spark half with the reason; CI (``CI`` set) fails instead.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pytest

from mille.workspace import Workspace, init_workspace

FIXTURES = Path(__file__).resolve().parents[1] / "analysis" / "fixtures"
REPORT_CSV = FIXTURES / "report" / "ad_performance.csv"  # 3 months, 4 platforms, weekly rows too
EXPLAIN_CSV = FIXTURES / "explain" / "small.csv"  # planted: LinkedIn × csuite dearer in October
REL = 1e-9
SPARK = pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.slow], id="spark")
ENGINES = ["duckdb", SPARK]
# Keys whose values are not figures: where the data came from and how long a check took.
NOT_FIGURES = {"source", "seconds", "workspace"}


def spark_missing() -> str | None:
    """Why Spark cannot run here, or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'mille[spark]')"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "no Java runtime (apt-get install openjdk-17-jre-headless)"
    return None


def require(engine: str) -> None:
    """Spark tests skip, with the reason, on a machine without Spark; in CI they must run."""
    if engine != "spark":
        return
    reason = spark_missing()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"Spark tests must run in CI: {reason}")
    pytest.skip(reason)


# -- workspaces ---------------------------------------------------------------------------------
_OPEN: dict[tuple[str, str], Workspace] = {}


def workspace(engine: str, name: str, rows: Callable[[], pa.Table], root: Path, **config: Any) -> Workspace:
    """The workspace ``name`` on ``engine``, built once per test process from ``rows``."""
    key = (engine, name)
    if key not in _OPEN:
        path = root / f"{name}-{engine}"
        init_workspace(path, engine=engine)
        if config:
            import yaml

            cfg = path / "mille.yaml"
            doc = yaml.safe_load(cfg.read_text(encoding="utf-8"))
            doc.update(config)
            cfg.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        ws = Workspace.open(path)
        ws.engine.insert("ad_performance", rows())
        _OPEN[key] = ws
    return _OPEN[key]


def close_all() -> None:
    for ws in _OPEN.values():
        ws.close()
    _OPEN.clear()


def with_lineage(t: pa.Table, source: str) -> pa.Table:
    n = t.num_rows
    for name, value in (("source_relation", source), ("ingest_id", source), ("file_hash", "0" * 64)):
        t = t.append_column(name, pa.array([value] * n))
    return t.append_column("row_number", pa.array(np.arange(1, n + 1), pa.int64()))


def report_rows() -> pa.Table:
    """The report fixture as unified rows (spend in the reporting currency already)."""
    t = pcsv.read_csv(
        REPORT_CSV,
        convert_options=pcsv.ConvertOptions(
            column_types={"date_day": pa.date32(), "period_end": pa.date32(), "impressions": pa.int64(),
                          "clicks": pa.int64(), "country": pa.string(), "device": pa.string()},
            strings_can_be_null=True,
        ),
    )
    t = t.append_column("spend", t.column("spend_reporting"))
    return with_lineage(t, "report_fixture.csv")


def report_frame() -> pd.DataFrame:
    """The same rows for the oracle, read independently with pandas."""
    df = pd.read_csv(REPORT_CSV, keep_default_na=False, na_values={"country": [""], "device": [""]})
    for col in ("date_day", "period_end"):
        df[col] = pd.to_datetime(df[col])
    df["spend"] = df["spend_reporting"]
    return df


def explain_rows() -> pa.Table:
    """The explain fixture (one row per day × platform × device × audience) as unified rows."""
    t = pcsv.read_csv(EXPLAIN_CSV, convert_options=pcsv.ConvertOptions(column_types={"date_day": pa.date32()}))
    n = t.num_rows
    t = t.append_column("period_end", t.column("date_day"))
    t = t.append_column("granularity", pa.array(["day"] * n))
    t = t.append_column("spend_reporting", t.column("spend"))
    t = t.append_column("account_id", pa.array(["acct"] * n))
    return with_lineage(t, "explain_fixture.csv")


def explain_frame() -> pd.DataFrame:
    df = pd.read_csv(EXPLAIN_CSV)
    df["month"] = df["date_day"].str[:7]
    return df


# -- comparing results --------------------------------------------------------------------------
def differences(a: Any, b: Any, path: str = "", rel: float = REL) -> list[str]:
    """Where two JSON documents differ: numbers beyond ``rel`` relative, anything else exactly."""
    out: list[str] = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in NOT_FIGURES:
                out += differences(a.get(k), b.get(k), f"{path}.{k}", rel)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items vs {len(b)}"]
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += differences(x, y, f"{path}[{i}]", rel)
    elif _number(a) and _number(b):
        if not math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-12):
            out.append(f"{path}: {a!r} vs {b!r}")
    elif a != b:
        out.append(f"{path}: {str(a)[:60]!r} vs {str(b)[:60]!r}")
    return out


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def close(got: float | None, want: float, rel: float = REL) -> bool:
    return got is not None and math.isclose(got, want, rel_tol=rel, abs_tol=1e-9)
