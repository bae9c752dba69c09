"""A small workspace of daily ad rows written through the engine layer, for identity and period tests."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from mille.workspace import Workspace, init_workspace

FIRST, LAST = date(2026, 8, 1), date(2026, 10, 31)
RENAMED_ON = date(2026, 10, 16)


def write_rows(path: Path, rows: list[dict]) -> Path:
    """A workspace holding ``rows`` (dicts of date_day, platform, account_id, campaign_id,
    campaign_name, spend, impressions, clicks)."""
    init_workspace(path)
    n = len(rows)
    cols = {
        "date_day": pa.array([r["date_day"] for r in rows], pa.date32()),
        "period_end": pa.array([r["date_day"] for r in rows], pa.date32()),
        "granularity": pa.array(["day"] * n),
        "report_timezone": pa.array(["UTC"] * n),
        "level": pa.array(["campaign"] * n),
        **{c: pa.array([r.get(c) for r in rows], pa.string())
           for c in ("platform", "account_id", "campaign_id", "campaign_name")},
        "spend": pa.array([float(r["spend"]) for r in rows], pa.float64()),
        "spend_reporting": pa.array([float(r["spend"]) for r in rows], pa.float64()),
        "impressions": pa.array([int(r.get("impressions", 1000)) for r in rows], pa.int64()),
        "clicks": pa.array([int(r.get("clicks", 10)) for r in rows], pa.int64()),
        "source_relation": pa.array(["rows.csv"] * n),
        "ingest_id": pa.array(["rows"] * n),
        "file_hash": pa.array(["0" * 64] * n),
        "row_number": pa.array(np.arange(1, n + 1), pa.int64()),
    }
    with Workspace.open(path) as ws:
        ws.engine.insert("ad_performance", pa.table(cols))
    return path


def days(first: date = FIRST, last: date = LAST) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def identity_rows() -> list[dict]:
    """Campaign c1 on LinkedIn renamed Old → New on 16 October; "Q4 ABM" on Google (g2) and on
    LinkedIn (l3); an id-less Meta campaign "NoId"."""
    out = []
    for d in days():
        out.append({"date_day": d, "platform": "linkedin_ads", "account_id": "a1", "campaign_id": "c1",
                    "campaign_name": "Old" if d < RENAMED_ON else "New", "spend": 10.0})
        out.append({"date_day": d, "platform": "google_ads", "account_id": "g", "campaign_id": "g2",
                    "campaign_name": "Q4 ABM", "spend": 7.0})
        out.append({"date_day": d, "platform": "linkedin_ads", "account_id": "a1", "campaign_id": "l3",
                    "campaign_name": "Q4 ABM", "spend": 5.0})
        out.append({"date_day": d, "platform": "facebook_ads", "account_id": "m", "campaign_id": None,
                    "campaign_name": "NoId", "spend": 3.0})
    return out
