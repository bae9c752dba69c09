"""mille ingest: read platform exports and connector tables into the workspace."""

from __future__ import annotations

import sys

import click

from mille.cli.common import FORMATS, emit, open_workspace


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "-f",
    "formats",
    multiple=True,
    help="table|json|csv for the output; any other value names the export format and skips "
    "detection (e.g. --format linkedin_ads_ui). May be given twice.",
)
@click.option("--export-format", default=None, help="The export format, skipping detection (same as --format NAME).")
@click.option("--account-currency", default=None, help="Currency (ISO 4217) of files that do not say theirs.")
@click.option("--period", default=None, help="Days a file without dates covers: YYYY-MM or YYYY-MM-DD:YYYY-MM-DD.")
@click.option("--mapping", default=None, type=click.Path(dir_okay=False), help="Mapping file for a generic CSV.")
@click.option("--drop-exact-duplicates", is_flag=True, default=False,
              help="Keep one copy of rows repeated exactly inside a file (two downloads pasted together) "
              "instead of refusing the file; rows repeating a key with other figures are refused anyway.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@click.pass_context
def command(ctx: click.Context, paths: tuple[str, ...], formats: tuple[str, ...], export_format: str | None,
            account_currency: str | None, period: str | None, mapping: str | None, drop_exact_duplicates: bool,
            progress: bool | None) -> None:
    """Ingest exports: files, folders, globs, or url::schema.table (see docs/ingest.md).

    The format of each file is detected from its content (encoding, delimiter, header row and
    UI language), never from its name. Re-ingesting a file changes nothing; a newer export of
    days already held replaces them.
    """
    from mille.errors import InputError
    from mille.sources import get_format, ingest_paths

    output = "table"
    for value in formats:
        if value in FORMATS:
            output = value
        elif export_format and export_format != value:
            raise InputError(f"two export formats given: {export_format} and {value}")
        else:
            get_format(value)  # unknown names fail here, with the nearest known one
            export_format = value
    show_progress = sys.stderr.isatty() if progress is None else progress
    with open_workspace(ctx) as ws:
        result = ingest_paths(ws, list(paths), format=export_format, account_currency=account_currency,
                              period=period, mapping=mapping, progress=show_progress,
                              drop_exact_duplicates=drop_exact_duplicates)
    emit(result, output)
