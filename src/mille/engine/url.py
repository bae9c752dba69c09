"""Any other Ibis backend, given as a connection URL: data that already lives in a warehouse.

mille reads such a connection in place (for example a dbt ``ad_reporting`` table in BigQuery);
it never writes to it, so ingest needs a DuckDB or Spark workspace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis

from mille.engine.base import Capabilities, Engine
from mille.errors import EngineUnavailable, WorkspaceError

if TYPE_CHECKING:
    import pyarrow as pa


class UrlEngine(Engine):
    capabilities = Capabilities(
        transactions=False,
        mutations=False,
        quantiles=True,
        temp_tables=False,
        persistent=True,
        description="an Ibis connection URL, read in place",
    )

    def __init__(self, url: str, *, options: dict[str, object] | None = None) -> None:
        self.url = url
        self.name = url.split("://", 1)[0]
        try:
            self.con = ibis.connect(url, **(options or {}))
        except ImportError as exc:
            raise EngineUnavailable(
                f"the `{self.name}` backend is not installed ({exc.name or exc})",
                hint=f"pip install 'ibis-framework[{self.name}]'",
            ) from None
        except Exception as exc:  # the backend's own connection error, shown to the user
            raise WorkspaceError(f"cannot connect to {url}: {exc}") from None

    def insert(self, name: str, data: pa.Table) -> None:
        raise WorkspaceError(
            f"the {self.name} connection is read-only for mille",
            hint="ingest into a duckdb workspace, or load the table with your warehouse tools",
        )

    def delete(self, name: str, where: object) -> int:  # type: ignore[override]
        self.insert(name, None)  # type: ignore[arg-type]
        return 0

    def update(self, name: str, values: object, where: object) -> int:  # type: ignore[override]
        self.insert(name, None)  # type: ignore[arg-type]
        return 0
