"""The ``mille`` command: a thin shell over the library.

Each command lives in ``cmd_<name>.py`` and is imported only when it runs, so ``mille --help``
stays fast (no Ibis, no DuckDB). A command parses its options, calls one public function and
hands the result to :func:`mille.cli.common.emit`.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import click

from mille import __version__
from mille.cli.common import add_global_options, global_params

_PREFIX = "cmd_"


def _command_modules() -> dict[str, str]:
    here = Path(__file__).parent
    found = {}
    for info in pkgutil.iter_modules([str(here)]):
        if info.name.startswith(_PREFIX):
            found[info.name[len(_PREFIX) :].replace("_", "-")] = f"mille.cli.{info.name}"
    return found


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_command_modules())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = _command_modules().get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(module_name)
        return add_global_options(module.command)


EPILOG = """\b
-w/--workspace, --engine and --debug may also follow the command or its arguments
(`mille report cpm -w WS`); given twice, the later one wins.

\b
Exit status:
  0  done (for a gate such as `mille audit --fail-on`: nothing at or above the threshold)
  1  a gate found findings at or above --fail-on
  2  bad input: a usage error, an unreadable file, an invalid definition (one line, no traceback)
"""


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="mille")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """mille: paid-media numbers B2B teams can trust.

    CPM, CPC, CTR and the pipeline metrics behind them, from the exports you already have:
    defined in plain language, broken down where decisions are made, explained when they
    move, and audited before anyone trusts them.
    """
    ctx.ensure_object(dict)


cli.params.extend(global_params(root=True))


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors print one message and exit 2 (or their own code)."""
    from mille.errors import MilleError

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="mille", standalone_mode=False)
    except MilleError as exc:
        if debug:
            raise
        from mille.cli.common import print_error

        print_error(exc)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        # One line, like every other error: the message and where the help is.
        where = exc.ctx.command_path if exc.ctx is not None else "mille"
        click.echo(click.style("Error: ", fg="red", bold=True) + f"{exc.format_message()} "
                   f"(see `{where} --help`)", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    sys.exit(0)
