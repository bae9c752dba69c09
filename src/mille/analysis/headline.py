"""The headline: spend, impressions, clicks, CPM, CPC and CTR, this period against the last.

By default "this period" is the last complete month of data held (the workspace's anchor day)
and the comparison the month before. Figures are computed by the metric catalogue from one
grouped query per period (blended, and by platform); every ratio is a ratio of the period's sums
and carries them as its base counts.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mille.errors import QueryError
from mille.metrics import MetricQuery, load_catalogue, ratio
from mille.periods import Period, comparison, last_complete_month, parse_period
from mille.platforms import label as platform_label
from mille.results import Result

if TYPE_CHECKING:
    from mille.metrics import Catalogue, Metric
    from mille.workspace import Workspace

HEADLINE_METRICS: tuple[str, ...] = ("spend", "impressions", "clicks", "cpm", "cpc", "ctr")
ALL = "all"


class Value(Result):
    """One metric in one period: its value and, for a ratio, the sums it divides."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    thin: bool = False  # the denominator is below the metric's minimum base


class Figure(Result):
    platform: str  # a platform literal, or "all" for the blended figure
    label: str
    metric: str
    metric_label: str
    unit: str
    before: Value
    after: Value
    change: float | None
    change_pct: float | None  # change relative to before, in percent


class Headline(Result):
    after: dict[str, str]  # {"label", "start", "end"}
    before: dict[str, str]
    currency: str
    platforms: list[str]  # in order of spend in the later period, "all" first
    figures: list[Figure]

    def figure(self, metric: str, platform: str = ALL) -> Figure:
        for f in self.figures:
            if f.metric == metric and f.platform == platform:
                return f
        raise KeyError((metric, platform))

    def rows(self) -> list[dict[str, object]]:
        return [
            {
                "platform": f.platform,
                "metric": f.metric,
                "before": f.before.value,
                "after": f.after.value,
                "change": f.change,
                "change_pct": f.change_pct,
                "before_numerator": f.before.numerator,
                "before_denominator": f.before.denominator,
                "after_numerator": f.after.numerator,
                "after_denominator": f.after.denominator,
            }
            for f in self.figures
        ]


def headline(
    ws: Workspace,
    *,
    period: str | None = None,
    compare: str = "previous",
    metrics: tuple[str, ...] = HEADLINE_METRICS,
) -> Headline:
    """The headline figures of ``period`` (default: the last complete month) against ``compare``
    (default: the period just before), blended and by platform."""
    anchor = ws.anchor_date()
    if anchor is None:
        raise QueryError(
            "the workspace holds no ad data yet",
            hint="ingest your exports with `mille ingest`, or build the demo with `mille demo`",
        )
    after = parse_period(period, anchor=anchor) if period else last_complete_month(anchor)
    before = comparison(after, compare, anchor=anchor)
    if before is None:
        raise QueryError("the headline needs a period to compare with", hint="use --compare previous")
    catalogue = load_catalogue(ws.path)
    chosen = catalogue.resolve(list(metrics))
    sums = {"before": _sums(ws, catalogue, chosen, before), "after": _sums(ws, catalogue, chosen, after)}
    platforms = sorted(
        (set(sums["before"]) | set(sums["after"])) - {ALL},
        key=lambda p: (-sums["after"].get(p, {}).get("spend", 0.0), p),
    )
    figures = [
        _figure(catalogue, metric, platform, sums["before"].get(platform, {}), sums["after"].get(platform, {}))
        for platform in [ALL, *platforms]
        for metric in chosen
    ]
    return Headline(
        after=after.to_dict(),
        before=before.to_dict(),
        currency=ws.config.reporting_currency,
        platforms=[ALL, *platforms],
        figures=figures,
    )


def _sums(ws: Workspace, catalogue: Catalogue, metrics: list[Metric], period: Period) -> dict[str, dict[str, float]]:
    """Measure sums per platform and blended ("all") over ``period``."""
    out: dict[str, dict[str, float]] = {}
    table = ws.ad_performance()
    for by in ([], ["platform"]):
        query = MetricQuery(catalogue, metrics, by=by, period=period)
        result = ws.engine.to_arrow(query.to_ibis(table)).to_pylist()
        for row in result:
            key = str(row.pop("platform")) if by else ALL
            out[key] = {name: float(v or 0.0) for name, v in row.items()}
    return out


def _figure(catalogue: Catalogue, metric: Metric, platform: str, before: dict[str, float], after: dict[str, float]) -> Figure:
    b, a = _value(catalogue, metric, before), _value(catalogue, metric, after)
    change = None if a.value is None or b.value is None else a.value - b.value
    pct = None if change is None or not b.value else 100.0 * change / b.value
    return Figure(
        platform=platform,
        label="All platforms" if platform == ALL else platform_label(platform, platform),
        metric=metric.name,
        metric_label=metric.label,
        unit=metric.unit,
        before=b,
        after=a,
        change=change,
        change_pct=pct,
    )


def _value(catalogue: Catalogue, metric: Metric, sums: dict[str, float]) -> Value:
    if metric.type == "simple":
        return Value(value=sums.get(metric.measure or "", 0.0))
    if metric.type == "ratio":
        num = sums.get(metric.numerator or "", 0.0)
        den = sums.get(metric.denominator or "", 0.0)
        value = ratio(metric, num, den)
        return Value(
            value=None if math.isnan(value) else value,
            numerator=num,
            denominator=den,
            thin=den < metric.min_base,
        )
    raise QueryError(f"the headline shows simple and ratio metrics, not `{metric.name}` ({metric.type})")
