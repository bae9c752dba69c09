"""mille pipeline: spend beside the CRM leads and opportunities credited to it."""

from __future__ import annotations

import click

from mille.cli.common import emit, format_option, open_workspace, wide_option


@click.command("pipeline")
@click.option("--by", default="platform", show_default=True, help="Campaign-level fields: platform, campaign_name, region, audience…")
@click.option("--period", "-p", default=None, help="2026-09, 2026-Q3, 2026-05-01:2026-10-31… (default: every day held).")
@click.option("--window", type=click.IntRange(0, 3650), default=None, help="Attribution window in days (default: the catalogue's, 90).")
@click.option("--model", type=click.Choice(["first_touch", "last_touch", "linear"]), default=None, help="Attribution model (default: the catalogue's).")
@click.option("--against", default=None, help="The segment each funnel split compares with (default: the total), e.g. facebook_ads.")
@click.option("--filter", "filter_", default=None, help="Rows to keep, e.g. \"platform IN ('linkedin_ads', 'facebook_ads')\".")
@format_option()
@wide_option
@click.pass_context
def command(ctx: click.Context, by: str, period: str | None, window: int | None, model: str | None,
            against: str | None, filter_: str | None, fmt: str, wide: bool) -> None:
    """Cost per lead and per opportunity by source, the funnel factor split (CPC ÷ click-to-lead
    ÷ lead-to-opportunity), what was left unattributed and how complete recent cohorts are."""
    from mille.analysis.pipeline import pipeline

    with open_workspace(ctx, read_only=True) as ws:
        result = pipeline(ws, by=by, period=period, window=window, model=model, against=against, filter=filter_)
    emit(result, fmt, wide=wide)
