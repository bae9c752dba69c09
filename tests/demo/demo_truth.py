"""Load the generator's truth straight into a workspace, bypassing the export files.

Tests of the headline and the renderers use it to stay independent of the ingest readers: the
figures they print are then checked against a pandas recomputation of the same truth.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.demo.generate import DemoData
from mille.schema import AD_PERFORMANCE
from mille.workspace import Workspace

_LEVEL = {"linkedin_ads": "ad_group", "facebook_ads": "ad_group", "google_ads": "campaign", "microsoft_ads": "campaign"}
_COPIED = (
    "date_day", "platform", "account_id", "account_name", "campaign_id", "campaign_name",
    "ad_group_id", "ad_group_name", "currency", "country", "device", "network", "spend",
    "spend_reporting", "impressions", "clicks", "clicks_all", "conversions", "leads", "reach",
)


def truth_rows(data: DemoData) -> pa.Table:
    """The truth as ad_performance rows (one ingest, day granularity)."""
    ads = data.ads
    n = ads.num_rows
    cols: dict[str, pa.Array] = {name: ads.column(name) for name in _COPIED}
    platform = ads.column("platform").to_pylist()
    cols.update(
        source_relation=pa.array(["demo-truth"] * n),
        source_type=pa.array(["manual"] * n),
        source_format=pa.array(["demo_truth"] * n),
        ingest_id=pa.array(["truth"] * n),
        file_hash=pa.array(["0" * 64] * n),
        row_number=pa.array(np.arange(1, n + 1), pa.int64()),
        level=pa.array([_LEVEL[p] for p in platform]),
        period_end=ads.column("date_day"),
        granularity=pa.array(["day"] * n),
    )
    conventional = ads.column("follows_convention")
    for dim in ("region", "objective", "audience", "offer"):
        cols[dim] = pc.if_else(conventional, ads.column(dim), pa.scalar(None, pa.string()))
    names = [c for c in AD_PERFORMANCE.names if c in cols]
    return pa.table({c: cols[c] for c in names})


def load_truth(ws: Workspace, data: DemoData) -> None:
    with ws.engine.transaction():
        ws.engine.insert("ad_performance", truth_rows(data))
