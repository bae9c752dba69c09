"""The glossary: every metric's definition in plain language, with its live figures beside it.

:func:`metric_list` is ``mille metrics list``; :func:`glossary_page` is ``mille metrics show``:
the definition (what it is, how to read it, what moves it, formula, source fields per platform,
filters, window, owner, cadence, related metrics, caveats, version) and, when the workspace
holds data, the value over a period, the previous period's and each platform's, every ratio with
its numerator and denominator. The figures come from :class:`~mille.metrics.MetricQuery`, the
same compiled query every report uses, and computing them records the definition's version.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np

from mille.analysis.attributed_rows import has_crm, reads_crm, with_credits
from mille.analysis.breakdown_query import columns_needed
from mille.analysis.metric_versions import can_record, record_versions
from mille.metrics import Catalogue, Metric, MetricQuery, load_catalogue
from mille.metrics.catalogue import BUILTIN
from mille.periods import Period, comparison, last_complete_month, parse_period
from mille.platforms import label as platform_label
from mille.results import Result
from mille.workspace import Workspace

FORMULA_NOTES = {
    "simple": "summed over every row of the cell",
    "ratio": "each side summed over the cell, then divided: a ratio of sums, never an average of ratios",
    "derived": "computed in each cell from the values of the metrics it names",
}


class MetricSummary(Result):
    name: str
    label: str
    type: str
    formula: str
    unit: str
    direction: str
    headline: bool
    aliases: list[str]
    owner: str
    review_cadence: str
    origin: str
    change: Literal["replaced", "overridden"] | None
    version: str
    description: str


class MetricList(Result):
    """The catalogue: every metric with its formula, owner, origin and version."""

    workspace: str | None
    metrics: list[MetricSummary]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in m.to_dict().items() if k != "description"} | {"aliases": ",".join(m.aliases)}
            for m in self.metrics
        ]


class RelatedMetric(Result):
    name: str
    label: str
    formula: str


class Cell(Result):
    """One scope's figures: the whole workspace (``platform`` None) or one platform."""

    platform: str | None
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    measures: dict[str, float | None]
    thin: bool = False
    previous_value: float | None = None
    previous_numerator: float | None = None
    previous_denominator: float | None = None
    change: float | None = None
    change_pct: float | None = None


class LiveValues(Result):
    period: dict[str, str]
    previous_period: dict[str, str] | None
    currency: str
    total: Cell
    platforms: list[Cell]
    recorded_version: bool


class GlossaryPage(Result):
    """A metric's glossary entry with, when there is data, its live figures."""

    name: str
    label: str
    version: str
    origin: str
    change: Literal["replaced", "overridden"] | None
    formula: str
    formula_note: str
    tables: list[str]
    effective_filters: list[str]
    source_fields: dict[str, dict[str, str]]
    measures: dict[str, dict[str, Any]]
    inputs: list[str]
    related: list[RelatedMetric]
    next_review: date | None
    definition: dict[str, Any]
    normal_form: dict[str, Any]
    live: LiveValues | None = None
    live_note: str | None = None

    def rows(self) -> list[dict[str, Any]]:
        """One row per scope (total, then platforms) with current and previous figures."""
        base = {"metric": self.name, "version": self.version}
        if self.live is None:
            return [base | {"scope": "total", "platform": None, "period": None, "value": None}]
        out = []
        for cell in [self.live.total, *self.live.platforms]:
            row = base | {"scope": "total" if cell.platform is None else "platform",
                          "period": self.live.period["label"]}
            row |= {k: v for k, v in cell.to_dict().items() if k != "measures"}
            row["previous_period"] = self.live.previous_period["label"] if self.live.previous_period else None
            out.append(row)
        return out


def metric_list(workspace: Path | Workspace | None = None, *, catalogue: Catalogue | None = None) -> MetricList:
    """The catalogue of ``workspace`` (a directory or an open workspace; None: built-ins only)."""
    path = workspace.path if isinstance(workspace, Workspace) else workspace
    cat = catalogue or load_catalogue(path)
    return MetricList(
        workspace=str(path) if path is not None else None,
        metrics=[_summary(cat, m) for m in cat.metrics.values()],
    )


def _summary(cat: Catalogue, m: Metric) -> MetricSummary:
    return MetricSummary(
        name=m.name, label=m.label, type=m.type, formula=cat.formula(m), unit=m.unit,
        direction=m.direction, headline=m.headline, aliases=list(m.aliases), owner=m.owner,
        review_cadence=m.review_cadence, origin=_origin(cat, m.name), change=cat.changes.get(m.name),  # type: ignore[arg-type]
        version=cat.version(m.name), description=m.description,
    )


def _origin(cat: Catalogue, key: str) -> str:
    origin = cat.origins.get(key, BUILTIN)
    return origin if origin == BUILTIN else "workspace"


def glossary_page(
    ws: Workspace | None,
    name: str,
    *,
    catalogue: Catalogue | None = None,
    period: str | Period | None = None,
    compare: str | None = "previous",
    record: bool = True,
) -> GlossaryPage:
    """The glossary entry of metric ``name``; live figures when ``ws`` holds data in the period."""
    cat = catalogue or load_catalogue(ws.path if ws is not None else None)
    metric = cat.get(name)
    page = _definition(cat, metric)
    if ws is None:
        page.live_note = "no workspace: definition only"
        return page
    if cat.tables_of(metric) - {"ad_performance"} and not has_crm(ws):
        page.live_note = ("reads CRM records through attribution: ingest CRM exports (HubSpot, "
                          "Salesforce) to see its figures")
        return page
    anchor = ws.anchor_date()
    if anchor is None:
        page.live_note = "the workspace holds no ad data yet: ingest exports to see live figures"
        return page
    current = period if isinstance(period, Period) else (
        parse_period(period, anchor=anchor) if period else last_complete_month(anchor)
    )
    previous = comparison(current, compare, anchor=anchor)
    page.live = _live(ws, cat, metric, current, previous)
    if record and can_record(ws):
        record_versions(ws, [metric], cat)
        page.live.recorded_version = True
    return page


def _definition(cat: Catalogue, metric: Metric) -> GlossaryPage:
    inputs = [m.name for m in cat.inputs(metric) if m.name != metric.name]
    related = [cat.metrics[r] for r in metric.related if r in cat.metrics]
    return GlossaryPage(
        name=metric.name,
        label=metric.label,
        version=cat.version(metric.name),
        origin=_origin(cat, metric.name),
        change=cat.changes.get(metric.name),  # type: ignore[arg-type]
        formula=cat.formula(metric),
        formula_note=FORMULA_NOTES[metric.type],
        tables=sorted(cat.tables_of(metric)),
        effective_filters=cat.effective_filters(metric),
        source_fields=cat.source_fields(metric),
        measures={
            n: {"label": cat.measures[n].display_label, "description": cat.measures[n].description,
                "formula": cat.measure_formula(n), "table": cat.measures[n].table,
                "origin": _origin(cat, f"measure:{n}"), **_measure_display(cat, n)}
            for n in cat.measures_read(metric)
        },
        inputs=inputs,
        related=[RelatedMetric(name=r.name, label=r.label, formula=cat.formula(r)) for r in related],
        next_review=metric.next_review,
        definition=metric.model_dump(mode="json"),
        normal_form=cat.normal_form(metric.name),
    )


def _measure_display(cat: Catalogue, name: str) -> dict[str, Any]:
    """How a measure's sums print: like the simple metric over it, when there is one."""
    for m in cat.metrics.values():
        if m.type == "simple" and m.measure == name and not m.filters:
            return {"unit": m.unit, "decimals": m.display.decimals}
    money = cat.measures[name].column in ("spend", "spend_reporting", "conversions_value", "amount", "amount_reporting")
    return {"unit": "currency", "decimals": 2} if money else {"unit": "count", "decimals": 0}


def _live(ws: Workspace, cat: Catalogue, metric: Metric, current: Period, previous: Period | None) -> LiveValues:
    now_total, now_platforms = _period_cells(ws, cat, metric, current)
    if previous is not None:
        before_total, before_platforms = _period_cells(ws, cat, metric, previous)
        _attach_previous(now_total, before_total)
        for p in sorted(set(before_platforms) - set(now_platforms)):
            now_platforms[p] = Cell(platform=p, value=None, measures={})
        for p, cell in now_platforms.items():
            if p in before_platforms:
                _attach_previous(cell, before_platforms[p])
    # A platform with nothing in any of the metric's sums (Google for cost per lead) says nothing.
    now_platforms = {
        p: c for p, c in now_platforms.items()
        if any(v for v in c.measures.values()) or c.previous_value is not None or c.previous_denominator
    }
    return LiveValues(
        period=current.to_dict(),
        previous_period=previous.to_dict() if previous else None,
        currency=ws.config.reporting_currency,
        total=now_total,
        platforms=[now_platforms[p] for p in sorted(now_platforms, key=lambda p: platform_label(p, p))],
        recorded_version=False,
    )


def _period_cells(ws: Workspace, cat: Catalogue, metric: Metric, period: Period) -> tuple[Cell, dict[str, Cell]]:
    cells = []
    for by in ([], ["platform"]):
        crm = reads_crm(cat, [metric])  # pipeline metrics: credited CRM values beside the ad rows
        q = MetricQuery(cat, [metric], by=by, period=period, attributed=crm)
        t = with_credits(ws, ws.ad_performance(), q, columns_needed(q)) if crm else ws.ad_performance()
        sums = ws.engine.to_arrow(q.to_ibis(t))
        values = q.evaluate(sums)[metric.name]
        measures = {m.name: np.asarray(sums.column(m.name).to_numpy(zero_copy_only=False), dtype="float64")
                    for m in q.measures}
        platforms = sums.column("platform").to_pylist() if by else [None]
        cells.append([
            _cell(metric, platform, values[i], {n: a[i] for n, a in measures.items()})
            for i, platform in enumerate(platforms)
        ])
    total = cells[0][0] if cells[0] else Cell(platform=None, value=None, measures={})
    return total, {c.platform: c for c in cells[1] if c.platform is not None}


def _cell(metric: Metric, platform: str | None, value: float, measures: dict[str, float]) -> Cell:
    clean = {n: _num(v) for n, v in measures.items()}
    num = clean.get(metric.numerator) if metric.type == "ratio" else None  # type: ignore[arg-type]
    den = clean.get(metric.denominator) if metric.type == "ratio" else None  # type: ignore[arg-type]
    thin = metric.type == "ratio" and den is not None and 0 < den < metric.min_base
    return Cell(platform=platform, value=_num(value), numerator=num, denominator=den,
                measures=clean, thin=thin)


def _attach_previous(cell: Cell, before: Cell) -> None:
    cell.previous_value = before.value
    cell.previous_numerator = before.numerator
    cell.previous_denominator = before.denominator
    if cell.value is not None and before.value is not None:
        cell.change = cell.value - before.value
        cell.change_pct = (cell.change / before.value) if before.value != 0 else None


def _num(value: Any) -> float | None:
    if value is None:
        return None
    v = float(value)
    return v if np.isfinite(v) else None
