"""The embedded default: one DuckDB file per workspace."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import ibis

from mille.engine.base import Capabilities, Engine
from mille.engine.locking import open_with_wait, wait_seconds
from mille.errors import WorkspaceError

if TYPE_CHECKING:
    import pyarrow as pa

    from mille.schema import Table

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DUCK_TYPES = {"string": "VARCHAR", "date": "DATE", "int64": "BIGINT", "float64": "DOUBLE",
               "boolean": "BOOLEAN", "timestamp": "TIMESTAMP"}
STORAGE_VERSION = "v1.3.0"
ROW_GROUP_ROWS = 122_880  # DuckDB's row group: smaller inserts fill at most one


def _locked(exc: Exception) -> bool:
    """DuckDB's error for a file another process holds (its lock), not a damaged file."""
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def _ident(name: str) -> str:
    # Table and column names come from schema.py, never from users; refuse anything else anyway.
    if not _IDENT.match(name):
        raise ValueError(f"not an identifier: {name!r}")
    return f'"{name}"'


def _once(data: pa.Table) -> pa.RecordBatchReader:
    """The rows as a stream read once. DuckDB keeps what it scanned from Python alive until the
    transaction ends; a table would pin every chunk of a large ingest (measured: 150 bytes a row,
    1.5 GB over 10M rows), an exhausted stream pins nothing."""
    import pyarrow as pa

    return pa.RecordBatchReader.from_batches(data.schema, iter(data.to_batches()))


class DuckDBEngine(Engine):
    name = "duckdb"
    capabilities = Capabilities(
        transactions=True,
        mutations=True,
        quantiles=True,
        temp_tables=True,
        persistent=True,
        description="DuckDB, embedded, one file per workspace",
    )

    def __init__(self, path: Path | None, *, read_only: bool = False, threads: int | None = None,
                 wait: float | None = None, on_wait: Callable[[], None] | None = None) -> None:
        self.path = path
        database = str(path) if path is not None else ":memory:"
        config: dict[str, Any] = {}
        if threads:
            config["threads"] = threads
        if path is not None and not read_only and not path.exists():
            # A new workspace file in the storage format of DuckDB 1.3 (mille needs 1.4 or later):
            # its string compression (DICT_FSST) makes the 10M-row benchmark's CSV a 195 MB workspace
            # instead of 212 MB in the default format, which older DuckDB releases could read.
            config["storage_compatibility_version"] = STORAGE_VERSION
        try:
            self.con = open_with_wait(
                lambda: ibis.duckdb.connect(database, read_only=read_only, **config), _locked,
                database=path, writer=not read_only, wait=wait, on_wait=on_wait,
            )
        except duckdb.IOException as exc:
            text = str(exc)
            if _locked(exc):
                waited = wait_seconds() if wait is None else wait
                raise WorkspaceError(
                    "the workspace database is in use by another process"
                    + (f" (waited {waited:g} s)" if waited else "")
                    + ("" if read_only else ": an ingest or `mille sources remove` needs it to itself"),
                    file=path,
                    hint="let the other mille command finish (a running `mille serve` lets go by itself "
                    "while a writer waits), or wait longer with MILLE_LOCK_WAIT=SECONDS",
                ) from None
            raise WorkspaceError(
                f"cannot open the workspace database: {text.splitlines()[0]}",
                file=path,
                hint="if the file is damaged, move it aside and rebuild it with `mille ingest`",
            ) from None
        except duckdb.Error as exc:
            raise WorkspaceError(
                f"cannot open the workspace database: {str(exc).splitlines()[0]}", file=path
            ) from None
        self._raw: duckdb.DuckDBPyConnection = self.con.con
        self._depth = 0

    def ensure_tables(self, tables: list[Table]) -> None:
        """Create missing tables, and give tables written by an older mille the nullable columns
        added since (their rows read NULL there), so an upgrade never needs a rebuild."""
        super().ensure_tables(tables)
        for t in tables:
            held = set(self.con.get_schema(t.name).names)
            for col in t.columns:
                if col.name in held:
                    continue
                if not col.nullable:
                    raise WorkspaceError(
                        f"the workspace's {t.name} table lacks the column {col.name}, which cannot be added "
                        "to rows already held", file=self.path,
                        hint="rebuild the workspace: `mille init` a new one and ingest the exports again",
                    )
                self._raw.execute(
                    f"ALTER TABLE {_ident(t.name)} ADD COLUMN {_ident(col.name)} {_DUCK_TYPES[col.dtype]}"
                )

    def insert(self, name: str, data: pa.Table) -> None:
        if data.num_rows == 0:
            return
        cols = ", ".join(_ident(c) for c in data.column_names)
        view = "_mille_insert"
        self._raw.register(view, _once(data))
        try:
            with self._one_writer(data.num_rows):
                self._raw.execute(f"INSERT INTO {_ident(name)} ({cols}) SELECT {cols} FROM {view}")
        finally:
            self._raw.unregister(view)

    def insert_constants(self, name: str, data: pa.Table, constants: Mapping[str, Any]) -> None:
        if data.num_rows == 0:
            return
        cols = ", ".join(_ident(c) for c in [*data.column_names, *constants])
        select = ", ".join([*(_ident(c) for c in data.column_names), *("?" for _ in constants)])
        view = "_mille_insert"
        self._raw.register(view, _once(data))
        try:
            with self._one_writer(data.num_rows):
                self._raw.execute(f"INSERT INTO {_ident(name)} ({cols}) SELECT {select} FROM {view}", list(constants.values()))
        finally:
            self._raw.unregister(view)

    @contextmanager
    def _one_writer(self, rows: int) -> Iterator[None]:
        """Write a large insert with one thread. Several threads each leave a partly filled row
        group, which DuckDB rewrites at the next checkpoint: measured on 2.5M rows, the file ends
        twice as large (the old blocks stay free in it), closing takes seconds and peaks at
        gigabytes more memory; one thread costs about as much time as that checkpoint saves."""
        if rows < ROW_GROUP_ROWS:
            yield
            return
        (threads,) = self._raw.execute("SELECT current_setting('threads')").fetchone()  # type: ignore[misc]
        self._raw.execute("SET threads = 1")
        try:
            yield
        finally:
            self._raw.execute(f"SET threads = {int(threads)}")

    def _where(self, where: Mapping[str, Any]) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in where.items():
            col = _ident(column)
            if value is None:
                clauses.append(f"{col} IS NULL")
            elif isinstance(value, tuple) and len(value) == 2:
                clauses.append(f"{col} BETWEEN ? AND ?")
                params.extend(value)
            elif isinstance(value, list | set | frozenset):
                values = list(value)
                if not values:
                    clauses.append("FALSE")
                    continue
                clauses.append(f"{col} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
            else:
                clauses.append(f"{col} = ?")
                params.append(value)
        return (" AND ".join(clauses) or "TRUE"), params

    def delete(self, name: str, where: Mapping[str, Any]) -> int:
        clause, params = self._where(where)
        row = self._raw.execute(f"DELETE FROM {_ident(name)} WHERE {clause}", params).fetchone()
        return int(row[0]) if row else 0

    def delete_rows(self, name: str, where: Mapping[str, Any], column: str, values: pa.Array) -> int:
        if not len(values):
            return 0
        import pyarrow as pa

        clause, params = self._where(where)
        view = "_mille_delete"
        self._raw.register(view, pa.table({"v": values}))
        try:
            row = self._raw.execute(f"DELETE FROM {_ident(name)} WHERE {clause} AND {_ident(column)} IN "
                                    f"(SELECT v FROM {view})", params).fetchone()
        finally:
            self._raw.unregister(view)
        return int(row[0]) if row else 0

    def update(self, name: str, values: Mapping[str, Any], where: Mapping[str, Any]) -> int:
        sets = ", ".join(f"{_ident(c)} = ?" for c in values)
        clause, params = self._where(where)
        row = self._raw.execute(
            f"UPDATE {_ident(name)} SET {sets} WHERE {clause}", [*values.values(), *params]
        ).fetchone()
        return int(row[0]) if row else 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # Nested use joins the outer transaction: one ingest command is one transaction.
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._raw.execute("BEGIN TRANSACTION")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._raw.execute("ROLLBACK")
            raise
        else:
            self._raw.execute("COMMIT")
        finally:
            self._depth = 0

    def raw(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection itself, for the engine layer's own fast paths only."""
        return self._raw
