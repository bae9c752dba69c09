"""Minimal fixture rows for audit tests: Arrow tables in the unified schema, written straight into a
workspace through the engine (no ingest), so each check can be tried on exactly the data that
should (or should not) trigger it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from mille.schema import TABLES
from mille.workspace import Workspace

_TYPES = {
    "string": pa.string(),
    "date": pa.date32(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "boolean": pa.bool_(),
    "timestamp": pa.timestamp("us"),
}


def arrow(table: str, records: list[dict[str, Any]]) -> pa.Table:
    """Records → an Arrow table with every column of ``table`` (missing values null)."""
    cols = TABLES[table].columns
    schema = pa.schema([pa.field(c.name, _TYPES[c.dtype]) for c in cols])
    return pa.Table.from_pylist([{c.name: r.get(c.name) for c in cols} for r in records], schema=schema)


def days(start: date, end: date, *, skip: Iterable[date] = ()) -> list[date]:
    skipped = set(skip)
    n = (end - start).days + 1
    return [start + timedelta(days=i) for i in range(n) if start + timedelta(days=i) not in skipped]


def ad_row(day: date, **kw: Any) -> dict[str, Any]:
    """One daily campaign row with sensible defaults (Meta-like prices: CPM 20, CTR 1 %)."""
    spend = kw.pop("spend", 100.0)
    row: dict[str, Any] = {
        "source_relation": "export.csv",
        "source_type": "ui_export",
        "source_format": "fixture",
        "ingest_id": "ing-1",
        "file_hash": "hash-1",
        "row_number": 1,
        "level": "campaign",
        "date_day": day,
        "period_end": day,
        "granularity": "day",
        "report_timezone": "account",
        "platform": "facebook_ads",
        "account_id": "act-1",
        "account_name": "Account One",
        "campaign_id": "c-1",
        "campaign_name": "NA_leadgen_csuite_demo",
        "currency": "USD",
        "spend": spend,
        "spend_reporting": spend,
        "impressions": 5000,
        "clicks": 50,
        "conversions": 2.0,
        "leads": 1.0,
    }
    row.update(kw)
    return row


def series(start: date, end: date, *, skip: Iterable[date] = (), **kw: Any) -> list[dict[str, Any]]:
    return [ad_row(d, **kw) for d in days(start, end, skip=skip)]


def insert(path: Path, table: str, records: list[dict[str, Any]]) -> None:
    for i, r in enumerate(records, 1):
        if table == "ad_performance":
            r.setdefault("row_number", i)
    with Workspace.open(path) as ws:
        ws.engine.insert(table, arrow(table, records))


def ingest_log(ingest_id: str, source_relation: str, **kw: Any) -> dict[str, Any]:
    row = {
        "ingest_id": ingest_id, "started_at": datetime(2026, 11, 1, 9, 0), "source_relation": source_relation,
        "file_hash": f"hash-{ingest_id}", "target_table": "ad_performance", "status": "ingested",
    }
    row.update(kw)
    return row
