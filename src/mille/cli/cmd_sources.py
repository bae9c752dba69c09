"""mille sources: what the workspace holds; mille sources remove: drop one ingest."""

from __future__ import annotations

import click

from mille.cli.common import emit, format_option, open_workspace, wide_option


@click.group("sources", invoke_without_command=True)
@format_option()
@wide_option
@click.pass_context
def command(ctx: click.Context, fmt: str, wide: bool) -> None:
    """List what is held: ingest id, file, platform, account, date range, rows, spend, when ingested.

    The ingest id (first column; `ingest_id` in --format json/csv) is what `mille sources remove` takes."""
    if ctx.invoked_subcommand is not None:
        return
    from mille.sources import list_sources

    with open_workspace(ctx, read_only=True) as ws:
        result = list_sources(ws)
    emit(result, fmt, wide=wide)


@command.command("remove")
@click.argument("which")
@format_option()
@click.pass_context
def remove(ctx: click.Context, which: str, fmt: str) -> None:
    """Drop one ingest: WHICH is its ingest id (the `ingest` column of `mille sources`, e.g.
    ing00003-4e92371f) or its file name."""
    from mille.sources import remove_source

    with open_workspace(ctx) as ws:
        result = remove_source(ws, which)
    emit(result, fmt)
