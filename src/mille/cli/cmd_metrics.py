"""mille metrics: the metric catalogue — list, show a glossary page, validate, schema, drift."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mille.cli.common import (
    emit,
    format_option,
    open_workspace,
    record_versions_after_read,
    wide_option,
    workspace_path,
)

if TYPE_CHECKING:
    from mille.workspace import Workspace


@click.group("metrics")
def command() -> None:
    """Metric definitions in plain language: list, show, validate, schema."""


@contextmanager
def _workspace(ctx: click.Context, *, read_only: bool) -> Iterator[tuple[Path, Workspace | None]]:
    """The workspace when there is one; the catalogue works without (built-ins only)."""
    from mille.config import CONFIG_FILE

    path = workspace_path(ctx)
    if not (path / CONFIG_FILE).exists():
        yield path, None
        return
    ws = open_workspace(ctx, read_only=read_only)
    try:
        yield path, ws
    finally:
        ws.close()


@command.command("list")
@format_option("markdown")
@wide_option
@click.pass_context
def list_command(ctx: click.Context, fmt: str, wide: bool) -> None:
    """Every metric: formula, unit, owner, where it is defined, version."""
    from mille.analysis.glossary import metric_list

    path = workspace_path(ctx)
    emit(metric_list(path if path.is_dir() else None), fmt, wide=wide)


@command.command("show")
@click.argument("name")
@click.option("--period", "-p", default=None, help="Period of the live figures (default: last complete month).")
@click.option("--compare", default="previous", show_default=True,
              help="previous, year, none, or a period to compare with.")
@click.option("--no-record", is_flag=True, help="Do not record the definition's version in the workspace.")
@format_option("markdown")
@click.pass_context
def show_command(ctx: click.Context, name: str, period: str | None, compare: str, no_record: bool, fmt: str) -> None:
    """A metric's glossary page, with live figures when the workspace holds data."""
    from mille.analysis.glossary import glossary_page
    from mille.analysis.metric_versions import can_record, unrecorded
    from mille.metrics import load_catalogue

    pending = recorded = False
    with _workspace(ctx, read_only=True) as (path, ws):
        cat = load_catalogue(path if path.is_dir() else None)
        page = glossary_page(ws, name, catalogue=cat, period=period, compare=compare, record=False)
        if ws is not None and not no_record and page.live is not None and can_record(ws):
            pending = bool(unrecorded(ws, [page.name], cat))
            recorded = not pending
    if pending:
        record_versions_after_read(ctx, [page.name])
    if page.live is not None and not no_record and (pending or recorded):
        page.live.recorded_version = True  # what the command did, not a figure
    emit(page, fmt)


@command.command("validate")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@format_option()
@click.pass_context
def validate_command(ctx: click.Context, file: Path | None, fmt: str) -> None:
    """Check a metrics file (default: the workspace's metrics.yaml); exit 2 on errors."""
    from mille.metrics.catalogue import WORKSPACE_FILE
    from mille.metrics.review import validate_file

    target = file if file is not None else workspace_path(ctx) / WORKSPACE_FILE
    report = validate_file(target)
    emit(report, fmt)
    if not report.ok:
        # SystemExit, not ctx.exit: the entry point runs click with standalone_mode=False,
        # where ctx.exit's code would be returned and lost.
        sys.exit(2)


@command.command("schema")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the schema to a file instead of printing it.")
def schema_command(output: Path | None) -> None:
    """The JSON Schema of metric definition files, for editor completion."""
    import json

    from mille.metrics.model import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)
    click.echo(f"wrote {output}", err=True)


@command.command("drift")
@format_option()
@click.pass_context
def drift_command(ctx: click.Context, fmt: str) -> None:
    """Metrics whose definition changed since the workspace last computed them."""
    from mille.analysis.metric_versions import definition_drift

    with _workspace(ctx, read_only=True) as (_, ws):
        if ws is None:
            from mille.errors import WorkspaceError

            raise WorkspaceError("no workspace here", file=workspace_path(ctx),
                                 hint="pass --workspace, or create one with `mille init`")
        emit(definition_drift(ws), fmt)
