"""mille audit: find where reporting breaks quietly, and score how far the numbers can be trusted."""

from __future__ import annotations

import click

from mille.cli.common import emit, format_option, open_workspace, wide_option


@click.command("audit")
@click.option("--period", "-p", default=None, help="Period to audit (2026-10, 2026-09-01:2026-09-30, last-30-days…); default: all data.")
@click.option(
    "--severity", type=click.Choice(["info", "warn", "error"]), default=None,
    help="Show only findings at this severity or worse (the score always counts every finding).",
)
@click.option(
    "--fail-on", type=click.Choice(["warn", "error"]), default=None,
    help="Exit with status 1 when findings at this severity or worse exist: a gate for scheduled jobs.",
)
@click.option(
    "--check", "checks", multiple=True,
    help="Run only these checks: an id (values.negative) or a concept (gaps); repeat or comma-separate.",
)
@click.option("--as-of", default=None, help="Today's date for the freshness checks (YYYY-MM-DD); default: today.")
@format_option()
@wide_option
@click.pass_context
def command(
    ctx: click.Context, period: str | None, severity: str | None, fail_on: str | None,
    checks: tuple[str, ...], as_of: str | None, fmt: str, wide: bool,
) -> None:
    """Audit the workspace: tracking gaps, impossible values, duplicates, currencies, loose
    definitions, definition drift and freshness, with a 0–100 trust score per source."""
    from datetime import date

    from mille.analysis.audit import audit
    from mille.errors import QueryError

    today = None
    if as_of:
        try:
            today = date.fromisoformat(as_of)
        except ValueError:
            raise QueryError("--as-of is not a date", value=as_of, expected="YYYY-MM-DD") from None
    wanted = [name for item in checks for name in item.split(",") if name.strip()] or None
    with open_workspace(ctx, read_only=True) as ws:
        result = audit(ws, period=period, severity=severity, checks=wanted, as_of=today)
    emit(result, fmt, wide=wide)
    if fail_on and result.fails(fail_on):
        # click's non-standalone mode swallows ctx.exit(1); a gate needs the status itself.
        raise SystemExit(1)
