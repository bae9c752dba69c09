"""What every command shares: opening the workspace, ``--format``, printing results and errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from mille.errors import MilleError
    from mille.results import Result
    from mille.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "json", "csv")


# -- global options ------------------------------------------------------------------------------
# -w/--workspace, --engine and --debug belong to the whole run, not to one command, so they are
# accepted before the subcommand (`mille -w WS report`) and after it or its arguments (`mille report
# cpm -w WS`). Both spellings are the same click options, built here once: the root group carries
# them with $MILLE_WORKSPACE, and LazyGroup adds them to every command it loads (see
# add_global_options). Their values go to the root context's obj, where open_workspace reads them;
# a command's own value is parsed after the root's, so the one written later on the line wins.

GLOBAL_OPTIONS = ("workspace", "engine", "debug")


def _store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = {}
    obj = root.obj
    if ctx is root:
        obj.setdefault(param.name, value)
        if value not in (None, False):
            obj[param.name] = value
    elif value not in (None, False):
        obj[param.name] = value


def global_params(*, root: bool) -> list[click.Parameter]:
    """The global options as click parameters (fresh objects: each command owns its own)."""
    return [
        click.Option(
            ["--workspace", "-w"], envvar="MILLE_WORKSPACE" if root else None,
            type=click.Path(path_type=Path), default=None, expose_value=False, callback=_store,
            help="Workspace directory (default: ./mille-workspace, or $MILLE_WORKSPACE)."
            if root else "Workspace directory; also accepted before the command, the later one wins.",
        ),
        click.Option(["--engine"], default=None, expose_value=False, callback=_store,
                     help="Override mille.yaml's engine: duckdb, spark or an Ibis URL."),
        click.Option(["--debug"], is_flag=True, default=False, expose_value=False, callback=_store,
                     help="Show tracebacks for errors."),
    ]


def add_global_options(command: click.Command) -> click.Command:
    """Give ``command`` and every subcommand under it the global options (once)."""
    if not any(p.name == "workspace" for p in command.params):
        command.params.extend(global_params(root=False))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_global_options(sub)
    return command


def wide_option(fn: F) -> F:
    """``--wide``: tables show every column and whole names instead of fitting the terminal."""
    return click.option(
        "--wide", is_flag=True, default=False,
        help="Show every column and whole names, however wide the table gets (default: fit the terminal).",
    )(fn)


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
    return Workspace.open(obj.get("workspace"), read_only=read_only, engine=obj.get("engine"), on_wait=_waiting)


def record_versions_after_read(ctx: click.Context, metrics: list[str]) -> None:
    """Record the definition versions a read command computed with, once its read-only
    workspace is closed: read commands run beside ``mille serve`` and other readers, and only
    when a version is new (see ``unrecorded``) is the workspace opened, briefly, for writing —
    which waits for a serving dashboard to let go (see mille.engine.locking)."""
    from mille.analysis.metric_versions import record_versions

    with open_workspace(ctx) as writer:
        record_versions(writer, metrics)


def _waiting() -> None:
    click.echo("waiting for the workspace: another mille command is using it …", err=True)


def workspace_path(ctx: click.Context) -> Any:
    from mille.workspace import resolve_path

    return resolve_path((ctx.find_root().obj or {}).get("workspace"))


def emit(result: Result, fmt: str, *, output: str | None = None, wide: bool = False) -> None:
    """Print (or write) a result in the chosen format; ``wide``: tables show everything."""
    from mille.report.render import WIDE_WIDTH, print_result, render

    if fmt == "table" and not output:
        from rich.console import Console

        console = Console(highlight=False, soft_wrap=False)
        if wide:
            console = Console(highlight=False, soft_wrap=False, width=WIDE_WIDTH)
        elif not console.is_terminal:
            # Piped into a file or a pager: nothing to fit, so don't squash tables into 80 columns.
            console = Console(highlight=False, soft_wrap=False, width=max(console.width, 140))
        print_result(console, result, wide=wide)
        return
    text = render(result, fmt, wide=wide)
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
