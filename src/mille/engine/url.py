"""Any other Ibis backend, given as a connection URL: data that already lives in a warehouse.

mille reads such a connection in place (``engine: bigquery://project/dataset``,
``postgres://user@host/db``, ``duckdb:///path/to/dbt.duckdb``…) and never writes to it; ingest
needs a DuckDB or Spark workspace.

``engine_options`` holds two kinds of entries:

* **table mappings** — a key that names a mille table (``ad_performance``, ``crm_leads``…) maps
  it to a table of the warehouse, e.g. ``ad_performance: analytics.ad_reporting__ad_report`` for
  the dbt ``ad_reporting`` package's ad-level model. mille reads it through a projection (an
  Ibis view, nothing stored): columns it shares with mille's schema are cast to mille's types,
  columns it lacks are NULL, and the few a missing value would make wrong get the value a daily
  table implies (:data:`IMPLIED`). A mille table neither mapped nor present reads as empty.
* everything else is passed to ``ibis.connect`` (credentials, ``read_only``…).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import ibis

from mille.engine.base import Capabilities, Engine
from mille.errors import ConfigError, EngineUnavailable, WorkspaceError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

    from mille.schema import Table

# What a daily warehouse table without mille's lineage columns implies: one row is one day, its
# cost is already in the reporting currency, and it came from the mapped table.
IMPLIED: dict[str, Callable[[ir.Table, str], ir.Value]] = {
    "period_end": lambda t, _src: t.date_day,
    "granularity": lambda _t, _src: ibis.literal("day"),
    "spend_reporting": lambda t, _src: t.spend,
    "source_relation": lambda _t, src: ibis.literal(src),
    "ingest_id": lambda _t, src: ibis.literal(src),
}


class UrlEngine(Engine):
    name = "url"
    capabilities = Capabilities(
        transactions=False,
        mutations=False,
        quantiles=True,
        temp_tables=False,
        persistent=True,
        description="an Ibis connection URL, read in place",
    )

    def __init__(self, url: str, *, options: Mapping[str, object] | None = None) -> None:
        from mille.schema import TABLES

        self.url = url
        self.backend = url.split("://", 1)[0]
        options = dict(options or {})
        self.mapping = {k: str(v) for k, v in options.items() if k in TABLES}
        connect_options = {k: v for k, v in options.items() if k not in TABLES}
        if self.backend == "duckdb":
            connect_options.setdefault("read_only", True)  # read in place: never take the write lock
        try:
            self.con = ibis.connect(url, **connect_options)
        except ImportError as exc:
            raise EngineUnavailable(
                f"the `{self.backend}` backend is not installed ({exc.name or exc})",
                hint=f"pip install 'ibis-framework[{self.backend}]'",
            ) from None
        except Exception as exc:  # the backend's own connection error, shown to the user
            raise WorkspaceError(f"cannot connect to {url}: {exc}") from None
        self.description = f"{self.backend} at {url}, read in place"

    # -- reading -------------------------------------------------------------------------------
    def _source(self, name: str) -> ir.Table:
        target = self.mapping[name]
        parts = [p.strip('"`') for p in target.split(".")]
        database: str | tuple[str, ...] | None = None
        if len(parts) == 2:
            database = parts[0]
        elif len(parts) > 2:
            database = tuple(parts[:-1])
        try:
            return self.con.table(parts[-1], database=database)
        except Exception as exc:  # the backend's own "no such table"
            raise ConfigError(
                f"cannot read `{target}` on {self.url}: {str(exc).splitlines()[0]}",
                key=f"engine_options.{name}",
                hint="name the table as schema.table (dataset.table on BigQuery)",
            ) from None

    def table(self, name: str) -> ir.Table:
        from mille.schema import TABLES

        spec = TABLES.get(name)
        if spec is None:
            return self.con.table(name)
        if name in self.mapping:
            return project(self._source(name), spec, self.mapping[name])
        if name in self.con.list_tables():
            return project(self.con.table(name), spec, name)
        return self._empty(spec)

    def _empty(self, spec: Table) -> ir.Table:
        """A mille table the warehouse does not hold: no rows, mille's columns and types, built
        as a query over a mapped table so that no backend needs a temporary table for it."""
        if not self.mapping:
            return ibis.memtable(spec.ibis_schema().to_pyarrow().empty_table())
        name = next(iter(self.mapping))
        base = self._source(name)
        typed = {c.name: ibis.null().cast(ibis.dtype(c.dtype)) for c in spec.columns}
        return base.filter(ibis.literal(False)).select(**typed)

    def has_table(self, name: str) -> bool:
        return name in self.mapping or name in self.con.list_tables()

    # -- never writing -------------------------------------------------------------------------
    def _read_only(self) -> WorkspaceError:
        return WorkspaceError(
            f"the {self.backend} connection is read-only for mille",
            hint="ingest into a duckdb or spark workspace, or load the table with your warehouse tools",
        )

    def ensure_tables(self, tables: list[Table]) -> None:
        return None  # nothing is created in a warehouse read in place

    def insert(self, name: str, data: pa.Table) -> None:
        raise self._read_only()

    def insert_constants(self, name: str, data: pa.Table, constants: Mapping[str, Any]) -> None:
        raise self._read_only()

    def delete(self, name: str, where: Mapping[str, Any]) -> int:
        raise self._read_only()

    def update(self, name: str, values: Mapping[str, Any], where: Mapping[str, Any]) -> int:
        raise self._read_only()


def project(source: ir.Table, spec: Table, label: str) -> ir.Table:
    """``source`` seen as mille's ``spec``: shared columns cast, implied ones derived, the rest
    NULL; columns mille does not know are left out."""
    have = set(source.columns)
    columns: dict[str, ir.Value] = {}
    for col in spec.columns:
        dtype = ibis.dtype(col.dtype)
        if col.name in have:
            value = source[col.name]
            columns[col.name] = value if value.type() == dtype else value.cast(dtype)
        elif spec.name == "ad_performance" and col.name in IMPLIED and _implied_ok(col.name, have):
            columns[col.name] = IMPLIED[col.name](source, label).cast(dtype)
        else:
            columns[col.name] = ibis.null().cast(dtype)
    return source.select(**columns)


def _implied_ok(name: str, have: set[str]) -> bool:
    needs = {"period_end": "date_day", "spend_reporting": "spend"}.get(name)
    return needs is None or needs in have
