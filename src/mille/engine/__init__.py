"""The engine layer: the only part of mille that imports a database's own package.

``connect`` picks the engine named in ``mille.yaml`` (or ``--engine``): ``duckdb`` (the default,
the workspace's ``mille.duckdb`` file), ``spark`` (Ibis's pyspark backend) or any other Ibis
connection URL. Engine packages are imported lazily, here and only here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mille.engine.base import Capabilities, Engine
from mille.errors import ConfigError, EngineUnavailable

DATABASE_FILE = "mille.duckdb"

__all__ = ["DATABASE_FILE", "Capabilities", "Engine", "connect"]


def connect(
    engine: str,
    workspace: Path | None,
    *,
    read_only: bool = False,
    options: dict[str, object] | None = None,
    wait: float | None = None,
    on_wait: Callable[[], None] | None = None,
) -> Engine:
    """Open the engine for a workspace directory (``None``: an in-memory DuckDB). A DuckDB file
    another process holds is waited for up to ``wait`` seconds (see :mod:`mille.engine.locking`),
    calling ``on_wait`` once when the wait begins."""
    options = dict(options or {})
    if engine == "duckdb":
        from mille.engine.duckdb import DuckDBEngine

        path = (workspace / DATABASE_FILE) if workspace is not None else None
        threads = options.get("threads")
        return DuckDBEngine(path, read_only=read_only, threads=int(threads) if threads else None, wait=wait,
                            on_wait=on_wait)
    if engine == "spark":
        try:
            from mille.engine.spark import SparkEngine
        except ImportError as exc:  # pyspark missing
            raise EngineUnavailable(
                f"the spark engine needs pyspark ({exc.name or exc})",
                hint="pip install 'mille[spark]'",
            ) from None
        return SparkEngine(workspace, options=options)
    if "://" in engine:
        from mille.engine.url import UrlEngine

        return UrlEngine(engine, options=options)
    raise ConfigError(
        f"unknown engine `{engine}`",
        key="engine",
        hint="use duckdb, spark, or an Ibis connection URL (duckdb:///file.ddb, bigquery://…)",
    )
