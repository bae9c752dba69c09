"""mille demo: build the demo workspace from realistic exports and print its headline."""

from __future__ import annotations

import click

from mille.cli.common import emit, format_option


@click.command("demo")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed: the same seed gives the same data.")
@format_option()
@click.pass_context
def command(ctx: click.Context, seed: int, fmt: str) -> None:
    """Build a demo workspace and print its headline.

    Six months of synthetic paid media for a fictional B2B software company are written as
    LinkedIn, Google Ads, Meta and Microsoft Advertising export files (plus HubSpot exports and
    an FX rates file) under <workspace>/exports/, ingested like any other exports, and
    summarised: spend, impressions, clicks, CPM, CPC and CTR for the last month against the
    one before, blended and by platform. Also writes <workspace>/report.html. The workspace is
    -w/--workspace (default ./mille-workspace).
    """
    from mille.cli.common import workspace_path
    from mille.demo import build_demo

    result = build_demo(workspace_path(ctx), seed=seed)
    emit(result, fmt)
