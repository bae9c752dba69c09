"""mille init: create a workspace."""

from __future__ import annotations

from pathlib import Path

import click

from mille.cli.common import emit, format_option


@click.command("init")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--currency", default=None, help="Reporting currency (ISO 4217), default USD.")
@click.option("--timezone", "tz", default=None, help="Reporting time zone (IANA), default UTC.")
@format_option()
@click.pass_context
def command(ctx: click.Context, path: Path | None, currency: str | None, tz: str | None, fmt: str) -> None:
    """Create a workspace (mille.yaml + mille.duckdb); existing data is kept."""
    from mille.workspace import init_workspace

    obj = ctx.find_root().obj or {}
    target = path or obj.get("workspace")
    # The global --engine chooses where a new workspace keeps its tables (mille.yaml `engine`).
    result = init_workspace(target, reporting_currency=currency, timezone=tz, engine=obj.get("engine"))
    emit(result, fmt)
