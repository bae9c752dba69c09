"""mille sources: what the workspace holds; mille sources remove: drop one ingest."""

from __future__ import annotations

import click

from mille.cli.common import emit, format_option, open_workspace


@click.group("sources", invoke_without_command=True)
@format_option()
@click.pass_context
def command(ctx: click.Context, fmt: str) -> None:
    """List what is held: platform, account, date range, rows, spend, last ingest."""
    if ctx.invoked_subcommand is not None:
        return
    from mille.sources import list_sources

    with open_workspace(ctx, read_only=True) as ws:
        result = list_sources(ws)
    emit(result, fmt)


@command.command("remove")
@click.argument("which")
@format_option()
@click.pass_context
def remove(ctx: click.Context, which: str, fmt: str) -> None:
    """Drop one ingest, by its id or its file name (see `mille sources`)."""
    from mille.sources import remove_source

    with open_workspace(ctx) as ws:
        result = remove_source(ws, which)
    emit(result, fmt)
