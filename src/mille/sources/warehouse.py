"""Connector tables: Parquet files and tables on any Ibis connection (``duckdb:///f.ddb::s.t``).

Tables synced by Fivetran or Airbyte are already typed; their column names are the header.
They are read once as Arrow, detected like any export (by their column names), and unified by
the same code as files.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from mille.errors import InputError
from mille.sources.decoding import Payload
from mille.sources.delimited import Grid
from mille.sources.layout import _candidates, detect_rows, not_detected

_URL_TABLE = re.compile(r"^(?P<url>[a-z][a-z0-9+]*://.*?)::(?P<table>[A-Za-z0-9_.\"]+)$")


@dataclass
class TableRef:
    """A table on a connection: ``duckdb:///path.ddb::schema.table``."""

    url: str
    table: str

    @property
    def name(self) -> str:
        return self.table

    @classmethod
    def parse(cls, text: str) -> TableRef | None:
        m = _URL_TABLE.match(text)
        return cls(m["url"], m["table"]) if m else None


def read_parquet(payload: Payload, *, format_name: str | None = None) -> Grid:
    try:
        table = pq.read_table(io.BytesIO(payload.data))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            f"the Parquet file cannot be read: {str(exc).splitlines()[0]}", file=payload.path
        ) from None
    return grid_from_table(table, file=payload.path, format_name=format_name)


def read_table(ref: TableRef, *, format_name: str | None = None) -> tuple[Grid, str]:
    """A connection's table as a grid, and a hash of its content (for idempotent re-ingest)."""
    from mille.engine import connect

    engine = connect(ref.url, None, options={"read_only": True} if ref.url.startswith("duckdb") else {})
    try:
        parts = [p.strip('"') for p in ref.table.split(".")]
        name = parts[-1]
        database = tuple(parts[:-1]) if len(parts) > 2 else (parts[0] if len(parts) == 2 else None)
        if not engine.has_table(name) and database is None:
            raise InputError(f"no table `{ref.table}` on {ref.url}", hint="check the schema.table name")
        try:
            expr = engine.con.table(name, database=database) if database else engine.table(name)
        except Exception as exc:  # the backend's own "no such table", shown to the user
            raise InputError(f"cannot read table `{ref.table}` on {ref.url}: {exc}") from None
        table = engine.to_arrow(expr)
    finally:
        engine.close()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    digest = hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()
    return grid_from_table(table, file=f"{ref.url}::{ref.table}", format_name=format_name), digest


def grid_from_table(table: pa.Table, *, file: str | Path, format_name: str | None) -> Grid:
    header = [table.column_names]
    layout = detect_rows(header, format_name=format_name, file=file)
    if layout is None:
        raise not_detected(header, _candidates(format_name), file=file, format_name=format_name)
    table = table.rename_columns(layout.header)
    rows = np.arange(2, 2 + table.num_rows, dtype=np.int64)
    return Grid(table, rows, layout, [])
