"""What every engine offers the rest of mille.

An engine wraps one Ibis backend. Everything above this layer builds Ibis expressions and hands
them here to run; only the engine modules know which database is underneath. Differences between
engines are *declared* in :class:`Capabilities`, so callers choose a path up front instead of
catching an engine's exceptions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

    from mille.schema import Table


@dataclass(frozen=True)
class Capabilities:
    transactions: bool  # BEGIN/COMMIT/ROLLBACK around an ingest
    mutations: bool  # DELETE/UPDATE in place (else: rewrite the table)
    quantiles: bool  # exact quantile aggregates
    temp_tables: bool
    persistent: bool  # data survives the process (a file or a warehouse)
    description: str = ""


class Engine:
    """One connection to one backend. Subclasses fill in the backend-specific parts."""

    name: str = "base"
    capabilities: Capabilities
    con: Any  # an ibis BaseBackend

    # -- reading -------------------------------------------------------------------------
    def table(self, name: str) -> ir.Table:
        return self.con.table(name)

    def has_table(self, name: str) -> bool:
        return name in self.con.list_tables()

    def to_arrow(self, expr: ir.Expr) -> pa.Table:
        """Run an expression; results come back as Arrow, never row by row."""
        return self.con.to_pyarrow(expr)

    def scalar(self, expr: ir.Scalar) -> Any:
        """A single value as a plain Python object (None for NULL; no pandas NaT/NaN)."""
        return self.con.to_pyarrow(expr).as_py()

    def compile(self, expr: ir.Expr) -> str:
        """The SQL this engine runs for ``expr`` (pinned in golden tests, shown by --debug)."""
        import ibis

        return str(ibis.to_sql(expr, dialect=self.con.name))

    # -- writing -------------------------------------------------------------------------
    def ensure_tables(self, tables: list[Table]) -> None:
        existing = set(self.con.list_tables())
        for t in tables:
            if t.name not in existing:
                self.con.create_table(t.name, schema=t.ibis_schema())

    def insert(self, name: str, data: pa.Table) -> None:
        raise NotImplementedError

    def insert_constants(self, name: str, data: pa.Table, constants: Mapping[str, Any]) -> None:
        """Insert ``data`` plus columns that hold one value on every row (an ingest's lineage).

        The default repeats the values into the table; engines that can bind them as constants
        (DuckDB) do, which spares scanning millions of identical cells."""
        import numpy as np
        import pyarrow as pa

        zeros = pa.array(np.zeros(data.num_rows, dtype=np.int32))
        for column, value in constants.items():
            data = data.append_column(column, pa.array([value]).take(zeros))
        self.insert(name, data)

    def delete(self, name: str, where: Mapping[str, Any]) -> int:
        """Delete rows matching every ``column: value`` (a list means IN; a 2-tuple of dates on a
        date column means BETWEEN). Returns the number of rows deleted."""
        raise NotImplementedError

    def delete_rows(self, name: str, where: Mapping[str, Any], column: str, values: pa.Array) -> int:
        """Delete the rows matching ``where`` whose ``column`` holds one of ``values`` (an Arrow
        array of any length: an ingest's duplicate lines). Returns the number of rows deleted."""
        return self.delete(name, {**where, column: values.to_pylist()}) if len(values) else 0

    def update(self, name: str, values: Mapping[str, Any], where: Mapping[str, Any]) -> int:
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all."""
        yield

    def close(self) -> None:
        disconnect = getattr(self.con, "disconnect", None)
        if disconnect is not None:
            disconnect()
