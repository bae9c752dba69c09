"""A workspace: a directory holding the data (``mille.duckdb``) and its settings (``mille.yaml``).

The directory is ``--workspace``, else ``$MILLE_WORKSPACE``, else ``./mille-workspace``. Opening
never creates or overwrites anything; :meth:`Workspace.init` does, and refuses to touch a path
that is a file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from mille import schema
from mille.config import CONFIG_FILE, Config, dump_config, load_config
from mille.engine import DATABASE_FILE, Engine, connect
from mille.errors import ConfigError, WorkspaceError
from mille.results import Result

if TYPE_CHECKING:
    import ibis.expr.types as ir

DEFAULT_DIR = "mille-workspace"
ENV_VAR = "MILLE_WORKSPACE"


def resolve_path(path: str | Path | None) -> Path:
    if path is not None and str(path) != "":
        return Path(path).expanduser()
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else Path(DEFAULT_DIR)


class Workspace:
    """An open workspace. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path, config: Config, engine: Engine) -> None:
        self.path = path
        self.config = config
        self.engine = engine

    # -- lifecycle ---------------------------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path | None = None, config: Config | None = None) -> Workspace:
        """Create a workspace (or complete a partial one); existing data and settings are kept."""
        root = resolve_path(path)
        if root.exists() and not root.is_dir():
            raise WorkspaceError(
                "the workspace path is a file, not a directory",
                file=root,
                hint="choose another --workspace path",
            )
        root.mkdir(parents=True, exist_ok=True)
        cfg_path = root / CONFIG_FILE
        existing = cfg_path.exists()
        config = load_config(root) if existing else (config or Config())
        # Open the database before writing mille.yaml: a corrupt database must leave the
        # directory exactly as it was.
        engine = connect(config.engine, root, options=dict(config.engine_options))
        try:
            engine.ensure_tables(list(schema.TABLES.values()))
        except Exception:
            engine.close()
            raise
        if not existing:
            tmp = cfg_path.with_suffix(".yaml.tmp")
            tmp.write_text(dump_config(config), encoding="utf-8")
            tmp.replace(cfg_path)
        return cls(root, config, engine)

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        engine: str | None = None,
        wait: float | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> Workspace:
        """Open the workspace at ``path``. Read-only opens run beside other readers and ``mille
        serve``; a writer waits (``wait`` seconds, default ``MILLE_LOCK_WAIT`` or 30) for a file
        another process holds, calling ``on_wait`` once when it starts waiting."""
        root = resolve_path(path)
        if not root.exists():
            raise WorkspaceError(
                "no workspace here",
                file=root,
                hint=f"create one with `mille init {root}` or `mille demo`, or pass --workspace",
            )
        if not root.is_dir():
            raise WorkspaceError(
                "the workspace path is a file, not a directory",
                file=root,
                hint="pass the directory that holds mille.yaml and mille.duckdb",
            )
        config = load_config(root)
        name = engine or config.engine
        if name == "duckdb" and not (root / DATABASE_FILE).exists():
            raise WorkspaceError(
                f"the workspace has no {DATABASE_FILE}",
                file=root,
                hint=f"run `mille init {root}` to create an empty one, then ingest your exports",
            )
        eng = connect(name, root, read_only=read_only, options=dict(config.engine_options), wait=wait,
                      on_wait=on_wait)
        try:
            if not read_only and eng.capabilities.persistent and eng.name in ("duckdb", "spark"):
                eng.ensure_tables(list(schema.TABLES.values()))
            elif eng.name in ("duckdb", "spark"):
                missing = [t for t in schema.TABLES if not eng.has_table(t)]
                if "ad_performance" in missing and eng.name == "spark":
                    raise WorkspaceError(
                        "the workspace has no Spark tables (no spark-warehouse/ad_performance)",
                        file=root,
                        hint=f"create them with `mille --engine spark init {root}`, then ingest your exports",
                    )
                if "ad_performance" in missing:
                    raise WorkspaceError(
                        f"{DATABASE_FILE} is not a mille workspace database (no ad_performance table)",
                        file=root / DATABASE_FILE,
                        hint=f"move it aside and run `mille init {root}`",
                    )
        except Exception:
            eng.close()
            raise
        return cls(root, config, eng)

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- data ------------------------------------------------------------------------------
    def table(self, name: str) -> ir.Table:
        schema.table(name)  # a clear error for unknown names
        return self.engine.table(name)

    def ad_performance(self) -> ir.Table:
        """The rows figures are computed from: everything not superseded by a later export."""
        t = self.engine.table("ad_performance")
        return t.filter(t.superseded_by.isnull())

    def anchor_date(self) -> date | None:
        """The last day of data held: what named periods (``last-month``…) are relative to."""
        t = self.ad_performance()
        value = self.engine.scalar(t.period_end.max())
        return value if isinstance(value, date) or value is None else date.fromisoformat(str(value)[:10])

    def has_data(self) -> bool:
        return int(self.engine.scalar(self.ad_performance().count())) > 0


class WorkspaceInfo(Result):
    """What ``mille init`` reports."""

    path: str
    created: bool
    engine: str
    reporting_currency: str
    timezone: str
    tables: dict[str, int]

    def rows(self) -> list[dict[str, object]]:
        return [{"table": name, "rows": n} for name, n in self.tables.items()]


def init_workspace(
    path: str | Path | None = None,
    *,
    reporting_currency: str | None = None,
    timezone: str | None = None,
    engine: str | None = None,
) -> WorkspaceInfo:
    """Create a workspace, or check an existing one; settings already written are never changed.

    ``engine`` (``duckdb``, ``spark`` or an Ibis URL) is written to a new workspace's mille.yaml."""
    from pydantic import ValidationError

    root = resolve_path(path)
    created = not (root / CONFIG_FILE).exists()
    overrides = {
        k: v
        for k, v in (("reporting_currency", reporting_currency), ("timezone", timezone), ("engine", engine))
        if v
    }
    try:
        wanted = Config(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problem = exc.errors()[0]
        key = str(problem["loc"][0]) if problem.get("loc") else None
        raise ConfigError(problem["msg"].removeprefix("Value error, "), key=key) from None
    if not created:
        existing = load_config(root)
        for key, value in overrides.items():
            if getattr(existing, key) != value:
                raise ConfigError(
                    f"the workspace already uses {key} = {getattr(existing, key)}",
                    file=root / CONFIG_FILE,
                    key=key,
                    hint="edit mille.yaml to change it",
                )
    with Workspace.init(root, wanted) as ws:
        counts = {
            name: int(ws.engine.scalar(ws.engine.table(name).count()))
            for name in schema.TABLES
            if ws.engine.has_table(name)
        }
        return WorkspaceInfo(
            path=str(root),
            created=created,
            engine=ws.engine.name,
            reporting_currency=ws.config.reporting_currency,
            timezone=ws.config.timezone,
            tables=counts,
        )
