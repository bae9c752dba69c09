"""Apache Spark through Ibis's pyspark backend: local mode by default, or a cluster.

``engine: spark`` in ``mille.yaml`` (or ``--engine spark``) runs the same metric definitions on
Spark. Options (``engine_options``):

* ``master`` — default ``local[2]``; ``spark://host:7077``, ``yarn``, ``k8s://…`` for a cluster;
* ``remote`` — a Spark Connect URL (``sc://host:15002``) instead of a master;
* ``warehouse`` — where the tables' Parquet files live, default ``<workspace>/spark-warehouse``
  (on a cluster: a path every executor reaches, ``hdfs://…`` or ``s3a://…``);
* ``database`` — the Spark database (namespace) the tables are registered under, default
  ``mille_<hash of the warehouse path>`` so two workspaces never share a table name;
* ``shuffle_partitions`` — ``spark.sql.shuffle.partitions``; in local mode, default one per core.

Storage: every mille table is a directory of Parquet files, ``<warehouse>/<table>``, registered
as an *external* table in the session's catalog each time the workspace opens. The catalog is
Spark's in-memory one (no Hive metastore to install or lock), so the files are the workspace: a
later process, or a cluster pointed at the same ``warehouse``, finds the same tables.

Writes are applied as they come (``Capabilities.transactions`` is False: no isolation from a
concurrent reader). On a local warehouse, :meth:`SparkEngine.transaction` still makes a failed
ingest leave nothing behind: before a table's first write inside it, its files are hard-linked
aside, and an exception puts them back. Only this module imports pyspark.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pyspark  # a missing extra surfaces as ImportError in engine.connect
from pyspark.errors import PySparkRuntimeError
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from mille.engine.base import Capabilities, Engine
from mille.errors import EngineUnavailable

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

    from mille.schema import Table

DEFAULT_MASTER = "local[2]"
ROLLBACK_DIR = ".mille-rollback"


def _session(warehouse: str | None, options: Mapping[str, object]) -> SparkSession:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
    remote = options.get("remote")
    if remote:
        return SparkSession.builder.remote(str(remote)).getOrCreate()
    # Spark allows one session per process: a second workspace opened in the same process gets
    # the first one's session (its master and settings); tables stay apart by database.
    master = str(options.get("master", DEFAULT_MASTER))
    builder = (
        SparkSession.builder.master(master)
        .appName("mille")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # Parquet and the catalog stay apart from Hive: nothing writes a metastore_db or derby.log.
        .config("spark.sql.catalogImplementation", "in-memory")
    )
    # mille's grouped results are small: in local mode one shuffle partition per core is plenty
    # (Spark's 200 cost seconds per query); a cluster keeps its own setting unless one is given.
    partitions = options.get("shuffle_partitions") or (_local_cores(master) if master.startswith("local") else None)
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    java_options = [f"-Dlog4j2.configurationFile=file:{_quiet_logging()}"]
    if warehouse and _is_local(warehouse):
        java_options.append("-Dderby.system.home=" + warehouse)
    builder = builder.config("spark.driver.extraJavaOptions", " ".join(java_options))
    try:
        session = builder.getOrCreate()
    except PySparkRuntimeError as exc:
        if getattr(exc, "getCondition", exc.getErrorClass)() != "JAVA_GATEWAY_EXITED":
            raise
        raise EngineUnavailable(
            "the spark engine could not start Java",
            hint="install a Java 17 runtime (e.g. apt-get install openjdk-17-jre-headless) "
            "and make `java` reachable on PATH or through JAVA_HOME",
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


# Spark's default logging prints its banner and warnings to the terminal mille draws tables on;
# errors still show.
LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark %p %c{1}: %m%n
"""


def _quiet_logging() -> Path:
    path = Path(tempfile.gettempdir()) / "mille-spark-log4j2.properties"
    if not path.exists() or path.read_text(encoding="utf-8") != LOG4J2:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(LOG4J2, encoding="utf-8")
        tmp.replace(path)
    return path


def _local_cores(master: str) -> int:
    inside = master[len("local[") : -1] if master.startswith("local[") else "1"
    if inside == "*":
        return os.cpu_count() or 2
    return max(int(inside), 1) if inside.isdigit() else 2


def _is_local(location: str) -> bool:
    return "://" not in location or location.startswith("file:")


def _local_path(location: str) -> Path:
    return Path(location.removeprefix("file://").removeprefix("file:"))


class SparkEngine(Engine):
    name = "spark"
    capabilities = Capabilities(
        transactions=False,  # writes land as they come; a local warehouse rolls back on error
        mutations=False,  # DELETE/UPDATE rewrite the table's files
        quantiles=True,  # Ibis compiles quantiles to Spark's exact `percentile`
        temp_tables=False,  # Ibis's pyspark backend refuses create_table(temp=True)
        persistent=True,
        description="Apache Spark (Ibis pyspark backend), Parquet tables in a warehouse folder",
    )

    def __init__(self, workspace: Path | None, *, options: Mapping[str, object] | None = None) -> None:
        options = dict(options or {})
        warehouse = options.get("warehouse")
        if warehouse is None and workspace is not None:
            warehouse = str((workspace / "spark-warehouse").resolve())
        if warehouse is None:
            warehouse = str(Path.cwd() / "spark-warehouse")
        self.warehouse = str(warehouse)
        self.local = _is_local(self.warehouse)
        self.database = str(options.get("database") or _database_name(self.warehouse))
        self.remote = bool(options.get("remote"))
        self.session = _session(self.warehouse, options)
        self.con = ibis.pyspark.connect(self.session)
        self._tx: dict[str, bool] | None = None  # table → had files, while a transaction runs
        self._tx_dir: Path | None = None
        self.session.sql(f"CREATE DATABASE IF NOT EXISTS `{self.database}`")
        self._register_existing()

    # -- the catalog ---------------------------------------------------------------------------
    def _fq(self, name: str) -> str:
        return f"`{self.database}`.`{name}`"

    def location(self, name: str) -> str:
        """Where a table's Parquet files live."""
        return self.warehouse.rstrip("/") + "/" + name

    def _exists(self, location: str) -> bool:
        if self.local:
            return _local_path(location).exists()
        jvm = getattr(self.session, "_jvm", None)
        if jvm is None:  # Spark Connect: the server's storage is not visible from here
            return True
        path = jvm.org.apache.hadoop.fs.Path(location)
        return bool(path.getFileSystem(self.session._jsc.hadoopConfiguration()).exists(path))

    def _register(self, table: Table) -> None:
        from ibis.backends.pyspark.datatypes import PySparkSchema

        if self.session.catalog.tableExists(f"{self.database}.{table.name}"):
            self.session.catalog.refreshTable(f"{self.database}.{table.name}")
            return
        self.session.catalog.createTable(
            f"{self.database}.{table.name}", path=self.location(table.name), source="parquet",
            schema=PySparkSchema.from_ibis(table.ibis_schema()),
        )

    def _register_existing(self) -> None:
        """Register the workspace's tables whose folders exist (a new process starts with an
        empty in-memory catalog)."""
        from mille.schema import TABLES

        for table in TABLES.values():
            if self._exists(self.location(table.name)):
                self._register(table)

    def ensure_tables(self, tables: list[Table]) -> None:
        for table in tables:
            if self.local:
                _local_path(self.location(table.name)).mkdir(parents=True, exist_ok=True)
            self._register(table)

    def has_table(self, name: str) -> bool:
        return bool(self.session.catalog.tableExists(f"{self.database}.{name}"))

    def table(self, name: str) -> ir.Table:
        return self.con.table(name, database=self.database)

    # -- writing -------------------------------------------------------------------------------
    def insert(self, name: str, data: pa.Table) -> None:
        if data.num_rows == 0:
            return
        self._snapshot(name)
        target = self.session.table(f"{self.database}.{name}")
        frame = self.session.createDataFrame(_plain(data))
        present = set(data.column_names)
        # insertInto matches columns by position: give every table column, NULL where absent.
        frame.select(
            *[
                (F.col(c) if c in present else F.lit(None)).cast(target.schema[c].dataType).alias(c)
                for c in target.columns
            ]
        ).write.insertInto(f"{self.database}.{name}")

    def _overwrite(self, name: str, frame: Any) -> None:
        # Materialise first: the overwrite deletes the very files the frame reads from.
        frame = frame.localCheckpoint(eager=True)
        frame.write.mode("overwrite").insertInto(f"{self.database}.{name}", overwrite=True)

    @staticmethod
    def _condition(where: Mapping[str, Any]) -> Any:
        cond = F.lit(True)
        for column, value in where.items():
            col = F.col(column)
            if value is None:
                cond = cond & col.isNull()
            elif isinstance(value, tuple) and len(value) == 2:
                cond = cond & col.between(_literal(value[0]), _literal(value[1]))
            elif isinstance(value, list | set | frozenset):
                cond = cond & col.isin([_literal(v) for v in value])
            else:
                cond = cond & (col == _literal(value))
        return cond

    def delete(self, name: str, where: Mapping[str, Any]) -> int:
        cond = self._condition(where)
        table = self.session.table(f"{self.database}.{name}")
        n = table.filter(cond).count()
        if n:
            self._snapshot(name)
            self._overwrite(name, table.filter(~cond | cond.isNull()))
        return n

    def delete_rows(self, name: str, where: Mapping[str, Any], column: str, values: pa.Array) -> int:
        import pyarrow as pa

        if not len(values):
            return 0
        cond = self._condition(where)
        table = self.session.table(f"{self.database}.{name}")
        doomed = self.session.createDataFrame(_plain(pa.table({column: values}))).distinct()
        matched = table.filter(cond)
        n = matched.join(doomed, on=column, how="left_semi").count()
        if n:
            self._snapshot(name)
            kept = matched.join(doomed, on=column, how="left_anti").select(*table.columns)
            self._overwrite(name, table.filter(~cond | cond.isNull()).unionByName(kept))
        return n

    def update(self, name: str, values: Mapping[str, Any], where: Mapping[str, Any]) -> int:
        cond = self._condition(where)
        table = self.session.table(f"{self.database}.{name}")
        n = table.filter(cond).count()
        if n:
            self._snapshot(name)
            cols = [
                F.when(cond, _literal(values[c]).cast(table.schema[c].dataType)).otherwise(F.col(c)).alias(c)
                if c in values
                else F.col(c)
                for c in table.columns
            ]
            self._overwrite(name, table.select(*cols))
        return n

    # -- all or nothing, on a local warehouse --------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._tx is not None:  # nested use joins the outer one
            yield
            return
        self._tx = {}
        self._tx_dir = _local_path(self.warehouse) / ROLLBACK_DIR / uuid.uuid4().hex if self.local else None
        try:
            yield
        except BaseException:
            self._restore()
            raise
        finally:
            if self._tx_dir is not None and self._tx_dir.exists():
                shutil.rmtree(self._tx_dir)
            self._tx, self._tx_dir = None, None

    def _snapshot(self, name: str) -> None:
        """Before a table's first write in a transaction: hard-link its files aside (no copy;
        Spark's overwrite unlinks the originals, the links keep the bytes)."""
        if self._tx is None or self._tx_dir is None or name in self._tx:
            return
        source = _local_path(self.location(name))
        backup = self._tx_dir / name
        backup.mkdir(parents=True)
        files = [p for p in source.iterdir() if p.is_file()] if source.exists() else []
        for p in files:
            os.link(p, backup / p.name)
        self._tx[name] = source.exists()

    def _restore(self) -> None:
        assert self._tx is not None
        if self._tx_dir is None:
            return
        for name, existed in self._tx.items():
            source = _local_path(self.location(name))
            if source.exists():
                shutil.rmtree(source)
            if existed:
                (self._tx_dir / name).rename(source)
            self.session.catalog.refreshTable(f"{self.database}.{name}")

    def close(self) -> None:
        # The session is shared by the process (Spark allows one); keep it for the next open.
        return None


def _literal(value: Any) -> Any:
    """A Spark literal. Dates and times go as ISO text cast back: py4j passes a Python date as
    java.sql.Date, whose hybrid Julian calendar refuses the open bounds mille uses (year 1)."""
    if isinstance(value, datetime):
        return F.lit(value.isoformat(sep=" ")).cast("timestamp_ntz" if value.tzinfo is None else "timestamp")
    if isinstance(value, date):
        return F.lit(value.isoformat()).cast("date")
    return F.lit(value)


def _database_name(warehouse: str) -> str:
    return "mille_" + hashlib.sha1(warehouse.encode("utf-8")).hexdigest()[:12]


def _plain(data: pa.Table) -> Any:
    """Arrow as Spark takes it: dictionary columns decoded; a pandas frame for pyspark < 4."""
    import pyarrow as pa

    columns = [
        c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in data.columns
    ]
    data = pa.table(columns, names=data.column_names)
    if int(pyspark.__version__.split(".")[0]) >= 4:
        return data
    return data.to_pandas()
