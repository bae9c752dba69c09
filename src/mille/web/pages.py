"""The dashboard's pages: for each, its inputs and the one library call behind it.

Every page calls the same public function as its CLI command, with the same arguments, and
returns the same :class:`~mille.results.Result`; its JSON twin is that result's ``to_json()``,
byte for byte what ``--format json`` prints:

=================  ==========================================================================
page               the same as
=================  ==========================================================================
``/breakdown``     ``mille report METRICS --by … --grain … --period … --no-record``
``/explain``       ``mille explain METRIC --before … --after … --dims … --max-depth …``
``/audit``         ``mille audit --period … --severity … --check …``
``/metrics``       ``mille metrics list``
``/metrics/NAME``  ``mille metrics show NAME --period … --compare … --no-record``
``/`` (overview)   ``{"report": mille report --by none --grain week --no-record,
                   "audit": mille audit, "pipeline": mille pipeline --by platform
                   --period <the same period> (null without CRM data)}``
=================  ==========================================================================

The dashboard never writes to the workspace, so results are computed with ``record=False``
(the ``--no-record`` of the CLI).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from mille.analysis.audit import AuditResult, audit
from mille.analysis.breakdown import report
from mille.analysis.breakdown_result import Breakdown
from mille.analysis.explain import explain
from mille.analysis.glossary import glossary_page, metric_list
from mille.analysis.pipeline import Pipeline, pipeline
from mille.errors import QueryError, suggestion
from mille.metrics import load_catalogue
from mille.periods import last_complete_month
from mille.results import Result
from mille.web.params import Param
from mille.workspace import Workspace

Compute = Callable[[Workspace, dict[str, Any]], Result]
OVERVIEW_GRAIN = "week"


class NoSuchPage(QueryError):
    """A page address that names nothing (an unknown metric's glossary page): HTTP 404."""


class Overview(Result):
    """The first page: the headline metrics' totals with their series, the audit, and spend to
    pipeline when the workspace holds CRM data."""

    report: Breakdown
    audit: AuditResult
    pipeline: Pipeline | None = None


@dataclass(frozen=True)
class Page:
    name: str
    title: str
    params: tuple[Param, ...]
    compute: Compute
    form: str  # the template of the page's controls


def _overview(ws: Workspace, a: dict[str, Any]) -> Overview:
    trend = report(ws, None, by="none", grain=a["grain"] or OVERVIEW_GRAIN, period=a["period"],
                   compare=a["compare"] or "previous", record=False)
    return Overview(report=trend, audit=audit(ws), pipeline=_pipeline(ws, trend))


def _pipeline(ws: Workspace, trend: Breakdown) -> Pipeline | None:
    """``mille pipeline --by platform --period <the overview's period>``, once CRM data is held."""
    if int(ws.engine.scalar(ws.table("crm_leads").count())) == 0:
        return None
    return pipeline(ws, by="platform", period=f"{trend.period.start}:{trend.period.end}")


def _breakdown(ws: Workspace, a: dict[str, Any]) -> Breakdown:
    return report(ws, a["metrics"], by=a["by"], grain=a["grain"], period=a["period"],
                  compare=a["compare"] or "previous", filter=a["filter"], top=a["top"],
                  benchmarks=a["benchmarks"], rank_by=a["rank_by"], record=False, as_of=a["as_of"],
                  across_platforms=a["across_platforms"])


def explain_defaults(ws: Workspace) -> dict[str, str]:
    """What the explain page shows before anyone picks: CPM (or the first headline ratio),
    the last complete month against the month before."""
    anchor = ws.anchor_date()
    cat = load_catalogue(ws.path)
    ratios = [m.name for m in cat.headline() if m.type == "ratio"]
    metric = "cpm" if "cpm" in cat.metrics else (ratios[0] if ratios else next(iter(cat.metrics)))
    if anchor is None:
        return {"metric": metric}
    after = last_complete_month(anchor)
    return {"metric": metric, "before": after.shift_back().label, "after": after.label}


def _explain(ws: Workspace, a: dict[str, Any]) -> Result:
    defaults = explain_defaults(ws)
    before, after = a["before"] or defaults.get("before"), a["after"] or defaults.get("after")
    if before is None or after is None:
        raise QueryError("the workspace holds no ad data to explain",
                         hint="ingest exports first (`mille ingest FILES`) or build the demo (`mille demo`)")
    dims = a["dims"].split(",") if a["dims"] else None
    return explain(ws, a["metric"] or defaults["metric"], before, after, dims=dims,
                   max_depth=a["max_depth"] if a["max_depth"] is not None else 3, filter=a["filter"])


def _audit(ws: Workspace, a: dict[str, Any]) -> AuditResult:
    today = None
    if a["as_of"]:
        try:
            today = date.fromisoformat(a["as_of"])
        except ValueError:
            raise QueryError("as_of is not a date", key="as_of", value=a["as_of"], expected="YYYY-MM-DD") from None
    checks = a["check"].split(",") if a["check"] else None
    return audit(ws, period=a["period"], severity=a["severity"], checks=checks, as_of=today)


def _metrics(ws: Workspace, a: dict[str, Any]) -> Result:
    return metric_list(ws.path)


def _metric(ws: Workspace, a: dict[str, Any]) -> Result:
    catalogue = load_catalogue(ws.path)
    if catalogue.lookup(a["name"]) is None:
        raise NoSuchPage(f"no metric `{a['name']}`",
                         hint=suggestion(a["name"].strip().lower(), [*catalogue.metrics, *catalogue.aliases]))
    return glossary_page(ws, a["name"], catalogue=catalogue, period=a["period"],
                         compare=a["compare"] or "previous", record=False)


PERIOD = Param("period", help="2026-10, 2026-Q3, 2026-09-01:2026-09-30, last-30-days…")
COMPARE = Param("compare", help="previous, year, none, or a period")
AS_OF = Param("as_of", help="the day relative periods count back from (default: the last day of data)")
FILTER = Param("filter", help="e.g. platform = 'linkedin_ads'")

PAGES: dict[str, Page] = {p.name: p for p in (
    Page("overview", "Overview", (PERIOD, COMPARE, Param("grain")), _overview, "form_overview.html.j2"),
    Page("breakdown", "Breakdown", (Param("metrics", "list"), Param("by", "list"), Param("grain"), PERIOD,
                                    AS_OF, COMPARE, FILTER, Param("top", "int"), Param("rank_by"),
                                    Param("benchmarks", "flag"), Param("across_platforms", "flag")),
         _breakdown, "form_breakdown.html.j2"),
    Page("explain", "Explain", (Param("metric"), Param("before"), Param("after"), Param("dims", "list"),
                                Param("max_depth", "int"), FILTER), _explain, "form_explain.html.j2"),
    Page("audit", "Audit", (PERIOD, Param("severity"), Param("check", "list"), Param("as_of")), _audit,
         "form_audit.html.j2"),
    Page("metrics", "Metrics", (), _metrics, "form_none.html.j2"),
    Page("metric", "Metric", (PERIOD, COMPARE), _metric, "form_metric.html.j2"),
)}
NAV = ("overview", "breakdown", "explain", "audit", "metrics")
