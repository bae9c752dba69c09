"""mille report: metrics broken down by segment, with intervals, flags and warnings."""

from __future__ import annotations

import click

from mille.cli.common import (
    emit,
    format_option,
    open_workspace,
    record_versions_after_read,
    wide_option,
)


@click.command("report")
@click.argument("metrics", required=False)
@click.option("--by", "by", default=None, help="Dimensions to break down by, e.g. platform,country or campaign (one cell per platform + account + campaign id; default: platform; `none` for the total only).")
@click.option("--across-platforms", is_flag=True, help="With --by campaign_name (ad_group_name, ad_name): merge the same name across platforms (default: names group within a platform).")
@click.option("--grain", type=click.Choice(["day", "week", "month", "quarter", "year"]), default=None, help="Add a series over time at this grain.")
@click.option("--period", default=None, help="Period: 2026-10, 2026-Q3, 2026-09-01:2026-09-30, last-30-days… (default: the last complete month).")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="The day relative periods (last-month, last-30-days…) count back from (default: the last day of data).")
@click.option("--compare", default="previous", show_default=True, help="previous, year, none, or a period.")
@click.option("--filter", "filter_", default=None, help="Rows to keep, e.g. \"platform = 'linkedin_ads' AND device = 'mobile'\".")
@click.option("--top", type=int, default=None, help="Show the N segments with the most spend; group the rest as `other`.")
@click.option("--rank-by", default=None, help="Order segments by the shrunk (empirical-Bayes) value of this ratio, best first.")
@click.option("--benchmarks", is_flag=True, help="Show published platform ranges beside CPM, CPC and CTR, as context.")
@click.option("--no-record", is_flag=True, help="Do not record the metrics' definition versions in the workspace (opens it read-only).")
@format_option("html")
@wide_option
@click.option("--output", "-o", default=None, type=click.Path(dir_okay=False),
              help="Write to FILE instead of printing; with --format html, one self-contained page with charts.")
@click.pass_context
def command(
    ctx: click.Context,
    metrics: str | None,
    by: str | None,
    across_platforms: bool,
    grain: str | None,
    period: str | None,
    as_of: str | None,
    compare: str,
    filter_: str | None,
    top: int | None,
    rank_by: str | None,
    benchmarks: bool,
    no_record: bool,
    fmt: str,
    output: str | None,
    wide: bool,
) -> None:
    """Break METRICS (default: the headline metrics) down by segment, period against period.

    Every ratio is a ratio of sums shown with its base counts and interval; thin cells are
    flagged, changes inside their interval are marked as noise, and a blended change that
    hides the opposite trend inside it is called out.
    """
    from mille.analysis.breakdown import report
    from mille.analysis.metric_versions import can_record, unrecorded

    with open_workspace(ctx, read_only=True) as ws:
        result = report(
            ws, metrics, by=by, grain=grain, period=period, compare=compare, filter=filter_,
            top=top, benchmarks=benchmarks, rank_by=rank_by, record=False,
            as_of=as_of, across_platforms=across_platforms,
        )
        locale = ws.config.locale
        names = [m.name for m in result.metrics]
        pending = not no_record and can_record(ws) and bool(unrecorded(ws, names))
    if pending:
        record_versions_after_read(ctx, names)
    if fmt == "html":
        from mille.report.html import write_report

        text = write_report(result, output, locale=locale)
        if output:
            click.echo(f"wrote {output}", err=True)
        else:
            click.echo(text, nl=False)
        return
    emit(result, fmt, output=output, wide=wide)
