"""``mille pipeline``: spend beside the CRM leads and opportunities credited to it.

    from mille.analysis.pipeline import pipeline
    result = pipeline(ws, by="platform", against="facebook_ads")   # -> Pipeline

Per segment: spend, clicks, credited CRM leads, opportunities, pipeline and won amount; cost
per lead and per opportunity, the funnel rates, and the **funnel factor split** of each
segment's cost per opportunity against a reference (the total, or the segment named by
``against``). Beside them, what is *not* in those numbers: records left unattributed (by
reason), the sources that could not be matched, and — for recent periods — the share of the
opportunities their touches are expected to bring that has not had time to arrive.

**Cohort maturity.** Opportunities count in the period of the touch that earned them, so a
period's count grows for up to the window after it ends. The lag from touch to opportunity is
read from the credited opportunities of cohorts old enough to be complete (touches at least the
window before the CRM data's last day; all cohorts when there are none). A touch ``a`` days
before that last day has had ``F(a)`` of its opportunities, ``F`` the share of lags ≤ ``a``; a
period's expected share arrived is the mean of ``F`` over its credited leads.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field

from mille.analysis.attributed_rows import CAMPAIGN_DIMS, credits_of, with_credits
from mille.analysis.attribution import REASONS, Credits, Rule, touches
from mille.analysis.breakdown_query import columns_needed
from mille.analysis.funnel import FunnelSplit, FunnelSums, split
from mille.errors import QueryError, suggestion
from mille.metrics import Catalogue, MetricQuery, load_catalogue
from mille.periods import Period, parse_period
from mille.platforms import label as platform_label
from mille.results import Result

if TYPE_CHECKING:
    from mille.workspace import Workspace

FIGURES = ("spend", "clicks", "crm_leads", "opportunities", "pipeline", "won_amount", "cost_per_crm_lead",
           "cost_per_opportunity", "click_to_lead_rate", "lead_to_opportunity_rate", "pipeline_per_spend")
SUMS = ("spend", "clicks", "crm_leads", "opportunities", "pipeline_amount", "won_amount")


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Maturity(_Part):
    """How complete a period's opportunities are, from the observed touch→opportunity lags."""

    period: dict[str, str]
    as_of: date  # the CRM data's last day
    leads: float  # credited CRM leads of the period (the cohort)
    opportunities: float  # credited opportunities so far
    arrived_share: float  # expected share of its eventual opportunities already arrived
    missing_share: float  # 1 − arrived_share
    expected_opportunities: float | None  # opportunities / arrived_share
    lag_median_days: float | None
    lag_basis: str  # which cohorts the lags come from


class Unattributed(_Part):
    record_type: str  # lead or opportunity
    records: int  # created in the period
    attributed: int
    outside_window: int
    unmatched: int
    unpaid: int
    no_touch: int


class UnmatchedSource(_Part):
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    crm_campaign: str | None
    original_source: str | None
    match: str  # unmatched (no platform) or platform (no ad campaign of that name/id)
    touches: int


class Segment(_Part):
    segment: dict[str, str | None]
    figures: dict[str, float | None]  # FIGURES: sums and ratios (rates as percentages)
    funnel: FunnelSplit | None = None  # its cost per opportunity against the reference


class Pipeline(Result):
    by: list[str]
    period: dict[str, str]
    rule: str  # e.g. "90d first touch"
    window_days: int
    model: str
    currency: str
    reference: str  # what each segment's funnel split is against
    # Each figure's name as the catalogue says it and its definition version, so every page
    # heads a column "Cost per lead (CRM)" (not a look-alike of the platform's cost per lead).
    labels: dict[str, str] = Field(default_factory=dict)
    versions: dict[str, str] = Field(default_factory=dict)
    segments: list[Segment]
    total: Segment
    unattributed: list[Unattributed]
    unmatched: list[UnmatchedSource] = Field(default_factory=list)
    maturity: Maturity | None = None
    notes: list[str] = Field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for s in [*self.segments, self.total]:
            row: dict[str, Any] = {k: (v if v is not None else "all") for k, v in s.segment.items()} or {"segment": "all"}
            row.update(s.figures)
            for f in (s.funnel.factors if s.funnel else []):
                row[f"cpo_part_{f.factor}"] = f.contribution
            out.append(row)
        return out


def pipeline(
    ws: Workspace,
    *,
    by: str | list[str] | None = "platform",
    period: str | None = None,
    window: int | None = None,
    model: str | None = None,
    against: str | None = None,
    filter: str | None = None,
) -> Pipeline:
    """Pipeline figures by ``by`` over ``period`` (default: every day held) under the catalogue's
    attribution rule (or ``window`` days / ``model``)."""
    dims = [d.strip() for d in (by.split(",") if isinstance(by, str) else list(by or [])) if d.strip()]
    for d in dims:
        if d not in CAMPAIGN_DIMS:
            raise QueryError(f"cannot break pipeline figures down by `{d}`", expected=", ".join(CAMPAIGN_DIMS),
                             hint=suggestion(d, CAMPAIGN_DIMS))
    cat = _catalogue(ws, window, model)
    metrics = [cat.get(n) for n in FIGURES]
    anchor = ws.anchor_date()
    if anchor is None:
        raise QueryError("the workspace holds no ad data yet", hint="ingest ad exports and CRM exports first")
    span = parse_period(period, anchor=anchor) if period else _all_days(ws, anchor)
    query = MetricQuery(cat, metrics, by=dims, filter=filter, period=span, attributed=True)
    rule = Rule(*query.attribution["opportunities"])
    t = with_credits(ws, ws.ad_performance(), query, columns_needed(query))
    sums = ws.engine.to_arrow(query.to_ibis(t))
    values = query.evaluate(sums)
    totals = MetricQuery(cat, metrics, filter=filter, period=span, attributed=True)
    tsums = ws.engine.to_arrow(totals.to_ibis(t))
    tvalues = totals.evaluate(tsums)
    total = _segment({}, tsums, tvalues, 0, query)
    segments = [_segment({d: sums.column(d)[i].as_py() for d in dims}, sums, values, i, query)
                for i in range(sums.num_rows)]
    segments.sort(key=lambda s: -(s.figures.get("spend") or 0.0))
    reference, ref_label = _reference(segments, total, against, dims)
    for s in segments:
        s.funnel = split(_sums(ref, ref_label), _sums(s, _label(s)), ws.config.reporting_currency) \
            if (ref := reference) is not s else None
    credits = credits_of(ws, rule)
    unattributed = [Unattributed(record_type=rt, **{k: v for k, v in credits.reasons(rt, span.start, span.end).items()})
                    for rt in ("lead", "opportunity")]
    result = Pipeline(
        by=dims, period={k: str(v) for k, v in span.to_dict().items()}, rule=rule.label, window_days=rule.days,
        model=rule.model, currency=ws.config.reporting_currency, reference=ref_label,
        labels={m.name: m.label for m in metrics}, versions={m.name: cat.version(m.name) for m in metrics},
        segments=segments,
        total=total, unattributed=unattributed, unmatched=unmatched_sources(ws, span),
        maturity=maturity(ws, credits, span),
    )
    result.notes = _notes(result)
    return result


def _catalogue(ws: Workspace, window: int | None, model: str | None) -> Catalogue:
    cat = load_catalogue(ws.path)
    if window is None and model is None:
        return cat
    out = cat.copy()
    for name, m in cat.metrics.items():
        if m.attribution_window is not None:
            out.metrics[name] = m.model_copy(update={
                "attribution_window": f"{window}d" if window is not None else m.attribution_window,
                "attribution_model": model or m.attribution_model})
    Rule(window if window is not None else 0, model or "first_touch")  # validates the model name
    return out


def _all_days(ws: Workspace, anchor: date) -> Period:
    t = ws.ad_performance()
    first = ws.engine.scalar(t.date_day.min())
    return Period(first, anchor, f"{first}:{anchor}")


def _segment(segment: dict[str, Any], sums: pa.Table, values: dict[str, np.ndarray], i: int,
             query: MetricQuery) -> Segment:
    figures: dict[str, float | None] = {}
    for name in FIGURES:
        v = float(values[name][i]) if sums.num_rows else float("nan")
        figures[name] = v if np.isfinite(v) else None
    for m in ("pipeline_amount",):
        figures.setdefault(m, float(sums.column(m)[i].as_py() or 0.0) if sums.num_rows else 0.0)
    return Segment(segment=segment, figures=figures)


def _label(s: Segment) -> str:
    return " × ".join(platform_label(str(v), str(v)) for v in s.segment.values()) or "all"


def _sums(s: Segment, label: str) -> FunnelSums:
    f = s.figures
    return FunnelSums(label=label, spend=f["spend"] or 0.0, clicks=f["clicks"] or 0.0,
                      crm_leads=f["crm_leads"] or 0.0, opportunities=f["opportunities"] or 0.0)


def _reference(segments: list[Segment], total: Segment, against: str | None, dims: list[str]) -> tuple[Segment, str]:
    if against is None:
        return total, "all"
    for s in segments:
        if against in (_label(s), *[str(v) for v in s.segment.values()]) and len(dims) == 1:
            return s, _label(s)
    raise QueryError(f"no segment `{against}` to compare against", hint=suggestion(against, [_label(s) for s in segments]))


def maturity(ws: Workspace, credits: Credits, period: Period) -> Maturity | None:
    """The expected share of ``period``'s opportunities that has arrived (module docstring)."""
    as_of = _crm_as_of(ws)
    if as_of is None:
        return None
    touch_day, lag, weight = credits.lags()
    if len(lag) == 0:
        return None
    as_of_n = (np.datetime64(as_of, "D") - np.datetime64("1970-01-01", "D")).astype(np.int64)
    mature = touch_day <= as_of_n - credits.rule.days
    basis = f"opportunities of touches before {np.datetime64(int(as_of_n - credits.rule.days), 'D')}"
    if not mature.any():
        mature = np.ones(len(lag), dtype=bool)
        basis = "every credited opportunity (no cohort is older than the window yet)"
    order = np.argsort(lag[mature], kind="stable")
    lags_sorted, w = lag[mature][order], weight[mature][order]
    cdf = np.cumsum(w) / w.sum()
    leads = credits.rows.filter(pc.equal(credits.rows.column("record_type"), "lead"))
    days = leads.column("day").cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
    start = (np.datetime64(period.start, "D") - np.datetime64("1970-01-01", "D")).astype(np.int64)
    end = (np.datetime64(period.end, "D") - np.datetime64("1970-01-01", "D")).astype(np.int64)
    inside = (days >= start) & (days <= end)
    credit = leads.column("credit").to_numpy(zero_copy_only=False)[inside]
    if credit.sum() == 0:
        return None
    age = as_of_n - days[inside]
    pos = np.searchsorted(lags_sorted, age, side="right") - 1
    share = np.where(pos >= 0, cdf[np.maximum(pos, 0)], 0.0)
    arrived = float((share * credit).sum() / credit.sum())
    opp_days, _, opp_w = touch_day, lag, weight
    opps = float(opp_w[(opp_days >= start) & (opp_days <= end)].sum())
    median = float(lags_sorted[np.searchsorted(cdf, 0.5)]) if len(cdf) else None
    return Maturity(period={k: str(v) for k, v in period.to_dict().items()}, as_of=as_of, leads=float(credit.sum()),
                    opportunities=opps, arrived_share=arrived, missing_share=1.0 - arrived,
                    expected_opportunities=opps / arrived if arrived > 0 else None, lag_median_days=median,
                    lag_basis=basis)


def _crm_as_of(ws: Workspace) -> date | None:
    days = [ws.engine.scalar(ws.engine.table(t).created_date.max()) for t in ("crm_leads", "crm_opportunities")]
    days = [d for d in days if d is not None]
    return max(days) if days else None


def unmatched_sources(ws: Workspace, period: Period | None = None, limit: int = 20) -> list[UnmatchedSource]:
    """Touches that look paid but match no platform, and touches naming a campaign no ad
    export has: their source values and how many touches carry them, most first."""
    t = touches(ws)
    if t.num_rows == 0:
        return []
    named = pc.or_(pc.is_valid(t.column("utm_campaign")), pc.is_valid(t.column("crm_campaign")))
    keep = pc.or_(pc.equal(t.column("match"), "unmatched"), pc.and_(pc.equal(t.column("match"), "platform"), named))
    if period is not None:
        keep = pc.and_(keep, pc.and_(pc.greater_equal(t.column("touch_date"), period.start),
                                     pc.less_equal(t.column("touch_date"), period.end)))
    t = t.filter(keep)
    if t.num_rows == 0:
        return []
    keys = ["utm_source", "utm_medium", "utm_campaign", "crm_campaign", "original_source", "match"]
    g = t.select(keys).group_by(keys, use_threads=False).aggregate([("match", "count")])
    rows = sorted(g.to_pylist(), key=lambda r: (-r["match_count"], str(r["utm_campaign"])))
    return [UnmatchedSource(**{k: r[k] for k in keys}, touches=int(r["match_count"])) for r in rows[:limit]]


def _notes(result: Pipeline) -> list[str]:
    notes = []
    for u in result.unattributed:
        notes.append(_unattributed_sentence(u, result.rule))
    if result.maturity is not None and result.maturity.missing_share >= 0.01:
        notes.append(_maturity_sentence(result.maturity))
    return notes


def _unattributed_sentence(u: Unattributed, rule: str) -> str:
    kind = "CRM leads" if u.record_type == "lead" else "opportunities"
    if not u.records:
        return f"No {kind} created in the period."
    left = u.records - u.attributed
    parts = [f"{getattr(u, r):,} {label}" for r, label in (
        ("outside_window", "outside the window"), ("unmatched", "from sources no platform matched"),
        ("unpaid", "unpaid (organic, direct, referral…)"), ("no_touch", "with no source")) if getattr(u, r)]
    return (f"Attribution ({rule}): {u.attributed:,} of {u.records:,} {kind} created in the period are credited "
            f"to ad spend; {left:,} ({left / u.records:.0%}) are not" + (": " + ", ".join(parts) if parts else "") + ".")


def _maturity_sentence(m: Maturity) -> str:
    label = m.period.get("label", "")
    median = f", median lag {m.lag_median_days:.0f} days" if m.lag_median_days is not None else ""
    return (f"Cohort {label}: about {m.missing_share:.0%} of the opportunities its touches are expected to bring "
            f"have not had time to arrive by {m.as_of} ({m.opportunities:,.0f} so far, about "
            f"{m.expected_opportunities or 0:,.0f} expected; lags from {m.lag_basis}{median}). Its cost per "
            "opportunity will fall as they arrive.")


def pipeline_notes(ws: Workspace, query: MetricQuery, period: Period) -> list[str]:
    """Sentences for a report holding pipeline metrics: what its rules left unattributed in the
    period, and how complete the period's opportunities are."""
    notes: list[str] = []
    tables = {query.catalogue.measures[m].table for m in query.attribution}
    for rule in sorted(set(query.attribution.values())):
        credits = credits_of(ws, Rule(*rule))
        for record_type, table in (("lead", "crm_leads"), ("opportunity", "crm_opportunities")):
            if table in tables:
                counts = credits.reasons(record_type, period.start, period.end)
                notes.append(_unattributed_sentence(Unattributed(record_type=record_type, **counts), Rule(*rule).label))
        if "crm_opportunities" in tables:
            m = maturity(ws, credits, period)
            if m is not None and m.missing_share >= 0.01:
                notes.append(_maturity_sentence(m))
    return notes


EXPLAIN_DIMS = ("platform", "campaign_name", "region", "audience", "objective", "offer")


def crm_leaves(ws: Workspace, catalogue: Catalogue, metric: Any, dims: list[str] | None, filter: str | None
               ) -> tuple[list[str], Any]:
    """For ``mille explain`` of a pipeline metric: its dimensions (campaign-level ones with
    values, unless given) and the ad rows with the metric's credited CRM values beside them."""
    from mille.analysis.attributed_rows import check_columns

    if dims is None:
        t = ws.ad_performance()
        counts = ws.engine.to_arrow(t.aggregate(**{d: t[d].count() for d in EXPLAIN_DIMS})).to_pylist()[0]
        dims = [d for d in EXPLAIN_DIMS if counts[d]]
    query = MetricQuery(catalogue, [metric], by=list(dims), filter=filter, attributed=True)
    check_columns(query, list(dims))
    return list(dims), with_credits(ws, ws.ad_performance(), query, columns_needed(query))


def funnel_between(ws: Workspace, catalogue: Catalogue, metric: Any, before: Period, after: Period,
                   filter: str | None) -> FunnelSplit | None:
    """The funnel factor split of a cost-per-opportunity change (spend ÷ opportunities only)."""
    if metric.type != "ratio" or metric.denominator != "opportunities" or \
            catalogue.measures[metric.numerator].column != "spend_reporting":
        return None
    days, model = MetricQuery(catalogue, [metric], attributed=True).attribution["opportunities"]
    cat = _catalogue(ws, days, model)
    sums = []
    for p in (before, after):
        q = MetricQuery(cat, [cat.get(n) for n in ("spend", "clicks", "crm_leads", "opportunities")], filter=filter,
                        period=p, attributed=True)
        row = ws.engine.to_arrow(q.to_ibis(with_credits(ws, ws.ad_performance(), q, columns_needed(q)))).to_pylist()[0]
        sums.append(FunnelSums(label=p.label, spend=float(row["spend"] or 0), clicks=float(row["clicks"] or 0),
                               crm_leads=float(row["crm_leads"] or 0), opportunities=float(row["opportunities"] or 0)))
    return split(sums[0], sums[1], ws.config.reporting_currency)


__all__ = ["REASONS", "Maturity", "Pipeline", "Segment", "Unattributed", "UnmatchedSource", "maturity",
           "pipeline", "pipeline_notes", "unmatched_sources"]
