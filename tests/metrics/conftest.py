"""Fixtures for the metric tests: the fixture rows as Arrow, as pandas, and inside a workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from mille.schema import AD_PERFORMANCE

FIXTURES = Path(__file__).parent / "fixtures"
AD_ROWS = FIXTURES / "ad_rows.csv"


def ad_rows_table() -> pa.Table:
    """The fixture rows with every ad_performance column, typed as the schema says."""
    raw = pacsv.read_csv(AD_ROWS, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    schema = AD_PERFORMANCE.ibis_schema().to_pyarrow()
    n = raw.num_rows
    filled = {
        "source_relation": pa.array(["fixture.csv"] * n),
        "ingest_id": pa.array(["fixture"] * n),
        "file_hash": pa.array(["0" * 64] * n),
        "row_number": pa.array(range(2, n + 2), type=pa.int64()),
        "level": pa.array(["campaign"] * n),
    }
    columns = []
    for f in schema:
        if f.name in raw.column_names:
            columns.append(raw.column(f.name).cast(f.type))
        elif f.name in filled:
            columns.append(filled[f.name].cast(f.type))
        else:
            columns.append(pa.nulls(n, type=f.type))
    return pa.Table.from_arrays(columns, schema=schema)


@pytest.fixture(scope="session")
def ad_rows() -> pa.Table:
    return ad_rows_table()


@pytest.fixture(scope="session")
def ad_frame() -> pd.DataFrame:
    """The same rows read by pandas on its own (the independent side of the oracle tests)."""
    frame = pd.read_csv(AD_ROWS, parse_dates=["date_day", "period_end"])
    return frame


@pytest.fixture()
def fixture_ws(tmp_path: Path, ad_rows: pa.Table) -> Iterator[Path]:
    """A workspace holding the fixture rows."""
    from mille.workspace import Workspace, init_workspace

    path = tmp_path / "fixture-ws"  # not "ws": the shared tmp_ws fixture uses that name
    init_workspace(path)
    with Workspace.open(path) as ws:
        ws.engine.insert("ad_performance", ad_rows)
    yield path
