"""What every command shares: opening the workspace, ``--format``, printing results and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from mille.errors import MilleError
    from mille.results import Result
    from mille.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "json", "csv")


def format_option(*extra: str) -> Callable[[F], F]:
    choices = (*FORMATS, *extra)
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(choices),
        default="table",
        show_default=True,
        help="Output format. json is the stable, documented result object.",
    )


def open_workspace(ctx: click.Context, *, read_only: bool = False) -> Workspace:
    from mille.workspace import Workspace

    obj = ctx.find_root().obj or {}
    return Workspace.open(obj.get("workspace"), read_only=read_only, engine=obj.get("engine"))


def workspace_path(ctx: click.Context) -> Any:
    from mille.workspace import resolve_path

    return resolve_path((ctx.find_root().obj or {}).get("workspace"))


def emit(result: Result, fmt: str, *, output: str | None = None) -> None:
    """Print (or write) a result in the chosen format."""
    from mille.report.render import render, renderables

    if fmt == "table" and not output:
        from rich.console import Console

        console = Console(highlight=False, soft_wrap=False)
        if not console.is_terminal:
            # Piped into a file or a pager: nothing to fit, so don't squash tables into 80 columns.
            console = Console(highlight=False, soft_wrap=False, width=max(console.width, 140))
        for item in renderables(result):
            console.print(item)
        return
    text = render(result, fmt)
    if output:
        from pathlib import Path

        path = Path(output)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        click.echo(f"wrote {path}", err=True)
        return
    click.echo(text, nl=not text.endswith("\n"))


def print_error(exc: MilleError) -> None:
    click.echo(click.style("Error: ", fg="red", bold=True) + exc.render(), err=True)
