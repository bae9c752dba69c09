"""Apache Spark through Ibis's pyspark backend: local mode by default, or a cluster.

``engine: spark`` in ``mille.yaml`` (or ``--engine spark``) runs the same metric definitions on
Spark. Options (``engine_options``): ``master`` (default ``local[2]``; ``spark://host:7077``,
``yarn``…), ``remote`` (a Spark Connect URL, ``sc://host:15002``), ``warehouse`` (default
``<workspace>/spark-warehouse``) and ``shuffle_partitions``. Only this module imports pyspark.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pyspark  # noqa: F401  (a missing extra surfaces as ImportError in engine.connect)
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from mille.engine.base import Capabilities, Engine

if TYPE_CHECKING:
    import pyarrow as pa


def _session(workspace: Path | None, options: Mapping[str, object]) -> SparkSession:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
    remote = options.get("remote")
    if remote:
        return SparkSession.builder.remote(str(remote)).getOrCreate()
    warehouse = options.get("warehouse") or (
        str(workspace / "spark-warehouse") if workspace is not None else None
    )
    builder = (
        SparkSession.builder.master(str(options.get("master", "local[2]")))
        .appName("mille")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(options.get("shuffle_partitions", 4)))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.extraJavaOptions", "-Dderby.system.home=" + str(warehouse or "/tmp"))
    )
    if warehouse:
        builder = builder.config("spark.sql.warehouse.dir", str(Path(warehouse).resolve()))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine(Engine):
    name = "spark"
    capabilities = Capabilities(
        transactions=False,  # writes are staged and applied table by table
        mutations=False,  # DELETE/UPDATE rewrite the table
        quantiles=False,  # approximate quantiles only
        temp_tables=True,
        persistent=True,
        description="Apache Spark (Ibis pyspark backend)",
    )

    def __init__(self, workspace: Path | None, *, options: Mapping[str, object] | None = None) -> None:
        self.session = _session(workspace, options or {})
        self.con = ibis.pyspark.connect(self.session)

    def has_table(self, name: str) -> bool:
        return self.session.catalog.tableExists(name)

    def insert(self, name: str, data: pa.Table) -> None:
        if data.num_rows == 0:
            return
        target = self.session.table(name)
        frame = self.session.createDataFrame(data.to_pandas())
        present = set(data.column_names)
        # insertInto matches columns by position: give every table column, NULL where absent.
        frame.select(
            *[
                (F.col(c) if c in present else F.lit(None)).cast(target.schema[c].dataType).alias(c)
                for c in target.columns
            ]
        ).write.insertInto(name)

    def _rewrite(self, name: str, keep: Any) -> None:
        frame = self.session.table(name).filter(keep).localCheckpoint(eager=True)
        frame.write.mode("overwrite").insertInto(name, overwrite=True)

    @staticmethod
    def _condition(where: Mapping[str, Any]) -> Any:
        cond = F.lit(True)
        for column, value in where.items():
            col = F.col(column)
            if value is None:
                cond = cond & col.isNull()
            elif isinstance(value, tuple) and len(value) == 2:
                cond = cond & col.between(value[0], value[1])
            elif isinstance(value, list | set | frozenset):
                cond = cond & col.isin(list(value))
            else:
                cond = cond & (col == value)
        return cond

    def delete(self, name: str, where: Mapping[str, Any]) -> int:
        cond = self._condition(where)
        n = self.session.table(name).filter(cond).count()
        if n:
            self._rewrite(name, ~cond | cond.isNull())
        return n

    def update(self, name: str, values: Mapping[str, Any], where: Mapping[str, Any]) -> int:
        cond = self._condition(where)
        table = self.session.table(name)
        n = table.filter(cond).count()
        if n:
            cols = [
                F.when(cond, F.lit(values[c]).cast(table.schema[c].dataType)).otherwise(F.col(c)).alias(c)
                if c in values
                else F.col(c)
                for c in table.columns
            ]
            frame = table.select(*cols).localCheckpoint(eager=True)
            frame.write.mode("overwrite").insertInto(name, overwrite=True)
        return n

    def close(self) -> None:
        # The session is shared by the process (Spark allows one); keep it for the next open.
        return None
