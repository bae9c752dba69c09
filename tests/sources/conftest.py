"""Helpers for the ingest tests: workspaces with chosen settings, snapshots, file writers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mille.config import Config, FxConfig, NamingConvention
from mille.schema import TABLES
from mille.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"

# Fixed rates for the real samples' currencies (USD per unit), so every sample can be ingested.
SAMPLE_RATES = {"INR": 0.012, "GBP": 1.27, "EUR": 1.08, "NGN": 0.00065}


@pytest.fixture()
def exports(datasets: Path) -> Path:
    return datasets / "ad_exports"


@pytest.fixture()
def seeds(datasets: Path) -> Path:
    return datasets / "connector_tables" / "fivetran_dbt_ad_reporting_seeds"


def make_workspace(path: Path, *, fixed: dict[str, float] | None = None, rates_file: str | None = None,
                   naming: str | None = None, reporting: str = "USD") -> Path:
    config = Config(
        reporting_currency=reporting,
        fx=FxConfig(fixed=fixed or {}, rates_file=rates_file),
        naming_convention=NamingConvention(pattern=naming) if naming else None,
    )
    Workspace.init(path, config).close()
    return path


@pytest.fixture()
def sample_ws(tmp_path: Path) -> Path:
    """A workspace that can convert every sample's currency."""
    return make_workspace(tmp_path / "ws", fixed=SAMPLE_RATES)


def snapshot(path: Path) -> dict[str, Any]:
    """Every table's rows (order-free) and mille.yaml, hashed: equal snapshots = untouched workspace."""
    out: dict[str, Any] = {"mille.yaml": (path / "mille.yaml").read_bytes()}
    with Workspace.open(path, read_only=True) as ws:
        for name in TABLES:
            rows = ws.engine.to_arrow(ws.engine.table(name)).to_pylist()
            digest = hashlib.sha256(repr(sorted(repr(sorted(r.items())) for r in rows)).encode()).hexdigest()
            out[name] = (len(rows), digest)
    return out


def totals(where: Path | Workspace, *, counted: bool = True) -> dict[str, Any]:
    """Sums of the additive measures and the row count, over the rows figures use."""
    if isinstance(where, Workspace):
        return _totals(where, counted)
    with Workspace.open(where, read_only=True) as ws:
        return _totals(ws, counted)


def _totals(ws: Workspace, counted: bool) -> dict[str, Any]:
    t = ws.ad_performance() if counted else ws.engine.table("ad_performance")
    return ws.engine.to_arrow(t.aggregate(
        rows=t.count(), spend=t.spend.sum(), spend_reporting=t.spend_reporting.sum(),
        impressions=t.impressions.sum(), clicks=t.clicks.sum(), leads=t.leads.sum(),
    )).to_pylist()[0]


def write_text(path: Path, text: str, encoding: str = "utf-8", bom: bool = False) -> Path:
    data = text.encode(encoding)
    if bom:
        data = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe"}[encoding] + data
    path.write_bytes(data)
    return path


@pytest.fixture()
def writer(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, text: str, encoding: str = "utf-8", bom: bool = False) -> Path:
        return write_text(tmp_path / name, text, encoding, bom)

    return write
