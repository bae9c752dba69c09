"""Golden files: the DuckDB SQL every metric compiles to, and its values against pandas.

The compiled SQL of each built-in metric and each fixture definition (by platform, September
2026) is pinned in ``tests/metrics/golden/<metric>.sql``. A change to compilation shows up as a
diff a reviewer can read. To accept an intended change, regenerate and review the diff:

    MILLE_REGEN_GOLDEN=1 python -m pytest tests/metrics/test_golden.py -q
    git diff tests/metrics/golden/

The values are checked against :mod:`oracle`, a pandas computation written by hand.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from oracle import ORACLE, in_period

from mille.metrics import Catalogue, MetricQuery, load_catalogue, load_text
from mille.periods import parse_period

GOLDEN = Path(__file__).parent / "golden"
DEFINITIONS = Path(__file__).parent / "fixtures" / "definitions.yaml"
REGEN = os.environ.get("MILLE_REGEN_GOLDEN") == "1"
PERIODS = ("2026-08", "2026-09", "2026-10", "2026-09-10:2026-10-05")


def catalogue() -> Catalogue:
    return load_text(DEFINITIONS.read_text(encoding="utf-8"), path=DEFINITIONS)


# Pipeline metrics read CRM records through attribution: their oracle is tests/crm.
BUILTIN_NAMES = [n for n, m in load_catalogue().metrics.items() if not load_catalogue().tables_of(m) - {"ad_performance"}]
FIXTURE_NAMES = [n for n in catalogue().metrics if n not in load_catalogue().metrics]
ALL_NAMES = BUILTIN_NAMES + FIXTURE_NAMES


def test_every_metric_has_an_oracle_and_a_golden_file() -> None:
    assert sorted(ORACLE) == sorted(ALL_NAMES)
    if not REGEN:
        pinned = sorted(p.stem for p in GOLDEN.glob("*.sql"))
        assert pinned == sorted(ALL_NAMES), "stale or missing golden files: regenerate (see module doc)"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_compiled_sql_is_pinned(name: str) -> None:
    cat = catalogue()
    q = MetricQuery(cat, [cat.get(name)], by=["platform"], period=parse_period("2026-09"))
    sql = q.sql("duckdb").strip() + "\n"
    path = GOLDEN / f"{name}.sql"
    if REGEN:
        path.write_text(sql, encoding="utf-8")
    assert path.exists(), f"no golden SQL for {name}: regenerate (see module doc)"
    assert sql == path.read_text(encoding="utf-8")


def test_golden_sql_never_contains_definition_text_verbatim() -> None:
    # Filters are rebuilt by Ibis from typed values, not pasted: the definition's own spelling
    # (its spacing and the literal written as text) does not survive into the SQL.
    text = (GOLDEN / "mid_size_ctr.sql").read_text(encoding="utf-8")
    assert "impressions BETWEEN 1000 AND 8000 AND device IN ('desktop')" not in text
    assert "BETWEEN 1000 AND 8000" in text and "'desktop'" in text


@pytest.mark.parametrize("period", PERIODS)
def test_values_match_pandas(ad_rows: pa.Table, ad_frame: pd.DataFrame, period: str) -> None:
    cat = catalogue()
    p = parse_period(period)
    frame = in_period(ad_frame, p.start.isoformat(), p.end.isoformat())
    t = ibis.memtable(ad_rows)
    checked = 0
    for name in ALL_NAMES:
        metric = cat.get(name)
        for by in ([], ["platform"]):
            q = MetricQuery(cat, [metric], by=by, period=p)
            sums = q.to_ibis(t).to_pyarrow()
            values = q.evaluate(sums)[name]
            if by:
                groups = dict(iter(frame.groupby("platform")))
                platforms = sums.column("platform").to_pylist()
                assert sorted(platforms) == sorted(groups) or cat.effective_filters(metric)
                for i, platform in enumerate(platforms):
                    _close(values[i], ORACLE[name](groups[platform]), f"{name} {platform} {period}")
                    checked += 1
            else:
                _close(values[0], ORACLE[name](frame), f"{name} total {period}")
                checked += 1
    assert checked > 4 * len(ALL_NAMES)


def test_values_match_pandas_by_month_and_device(ad_rows: pa.Table, ad_frame: pd.DataFrame) -> None:
    cat = catalogue()
    t = ibis.memtable(ad_rows)
    # Daily rows only: the one monthly row sits in a month bucket, which pandas would place too.
    frame = ad_frame[ad_frame.date_day == ad_frame.period_end].copy()
    frame["month"] = frame.date_day.dt.to_period("M").dt.start_time.dt.date
    q = MetricQuery(cat, cat.resolve("cpm,ctr,cpc,cost_per_lead"), by=["device"], grain="month",
                    filter="granularity = 'day'")
    sums = q.to_ibis(t).to_pyarrow()
    values = q.evaluate(sums)
    keys = list(zip(sums.column("period_start").to_pylist(), sums.column("device").to_pylist(), strict=True))
    groups = {(m, d): g for (m, d), g in frame.groupby(["month", "device"], dropna=False)}
    groups = {(m, None if isinstance(d, float) else d): g for (m, d), g in groups.items()}
    assert sorted(keys, key=str) == sorted(groups, key=str)
    for i, key in enumerate(keys):
        for name in ("cpm", "ctr", "cpc", "cost_per_lead"):
            _close(values[name][i], ORACLE[name](groups[key]), f"{name} {key}")


def _close(got: float, want: float, what: str) -> None:
    if math.isnan(want):
        assert np.isnan(got), f"{what}: expected no value, got {got}"
    else:
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), what
