"""mille explain: what moved a metric between two periods."""

from __future__ import annotations

from pathlib import Path

import click

from mille.cli.common import emit, format_option, open_workspace


@click.command("explain")
@click.argument("metric")
@click.option("--before", required=True, help="The earlier period: 2026-09, 2026-Q3, 2026-09-01:2026-09-30, last-30-days…")
@click.option("--after", required=True, help="The later period, same forms.")
@click.option("--dims", default=None, help="Dimensions to segment by, e.g. platform,network,audience (default: every categorical column with values).")
@click.option("--max-depth", type=click.IntRange(1, 5), default=3, show_default=True, help="Most conditions in one segment (platform × audience × device is 3).")
@click.option("--filter", "filter_", default=None, help="Rows to keep, e.g. \"platform = 'linkedin_ads'\".")
@click.option("--data", "data", type=click.Path(path_type=Path), default=None, help="A CSV or Parquet file (date_day, measures by their unified names, categorical columns) instead of the workspace.")
@format_option()
@click.pass_context
def command(
    ctx: click.Context,
    metric: str,
    before: str,
    after: str,
    dims: str | None,
    max_depth: int,
    filter_: str | None,
    data: Path | None,
    fmt: str,
) -> None:
    """Explain the change of METRIC from --before to --after: the exact mix/rate split and the
    smallest set of segments that explains it."""
    from mille.analysis.explain import explain

    names = [d.strip() for d in dims.split(",") if d.strip()] if dims else None
    if data is not None:
        result = explain(data, metric, before, after, dims=names, max_depth=max_depth, filter=filter_)
    else:
        with open_workspace(ctx, read_only=True) as ws:
            result = explain(ws, metric, before, after, dims=names, max_depth=max_depth, filter=filter_)
    emit(result, fmt)
