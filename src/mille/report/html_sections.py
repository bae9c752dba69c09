"""HTML sections for every result type: breakdown, explanation, audit, glossary, metric list.

Each renderer turns a result into rows of already-formatted text (figures in the workspace's
locale, see :mod:`mille.report.html_locale`) and charts (:mod:`mille.report.charts`), and hands
them to a template in ``mille/report/templates``. Nothing is computed: every figure, interval,
flag and sentence is read from the result. The dashboard places the same sections inside its
pages; :func:`mille.report.html.render_html` wraps them into a self-contained file.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from mille.analysis.audit import AuditResult
from mille.analysis.breakdown_coverage import absent_text
from mille.analysis.breakdown_result import Breakdown, MetricInfo
from mille.analysis.explanation import Cause, Explanation, Figures
from mille.analysis.glossary import GlossaryPage, MetricList
from mille.analysis.narrative import segment_name
from mille.platforms import label as platform_label
from mille.report import charts
from mille.report.html import TEMPLATES, Links, chart, renders_html
from mille.report.html_locale import NO_VALUE, Formats

SEVERITY_TITLES = {"error": "Errors", "warn": "Warnings", "info": "Notes"}


def _render(template: str, **context: Any) -> str:
    return TEMPLATES.get_template(template).render(**context)


def platform_name(value: str | None) -> str:
    return platform_label(value or "", value or "(none)")


# -- breakdown -------------------------------------------------------------------------------
def metric_value(fmt: Formats, info: MetricInfo, value: float | None, currency: str) -> str:
    return fmt.value(value, info.unit, info.decimals, prefix=info.prefix, suffix=info.suffix, currency=currency)


def base_value(fmt: Formats, measure: str, value: float | None) -> str:
    """A summed measure beside a ratio: money for spend-like measures, else a count."""
    if value is None:
        return NO_VALUE
    money = "spend" in measure or measure.endswith(("_value", "amount"))
    return fmt.money(value) if money else fmt.number(value, 0 if float(value).is_integer() else 2)


def _breakdown_rows(b: Breakdown, info: MetricInfo, fmt: Formats) -> list[dict[str, Any]]:
    rows = []
    # Broken down by nothing, the one segment is the total: show it once.
    for cell in [*b.cells, b.total] if b.by else [b.total]:
        m = cell.metrics[info.name]
        value = lambda v: metric_value(fmt, info, v, b.currency)  # noqa: E731
        change = m.change
        rows.append({
            "label": "Total" if cell.kind == "total" else charts.cell_label(b, cell.segment, cell.label),
            "kind": cell.kind,
            "members": cell.members,
            "value": absent_text(m.current.flags) or value(m.current.value),
            "interval": (f"{value(m.current.low)} – {value(m.current.high)}"
                         if m.current.low is not None and m.current.high is not None else ""),
            "previous": value(m.previous.value) if m.previous is not None else NO_VALUE,
            "change": fmt.signed_percent(100 * change.relative) if change and change.relative is not None else NO_VALUE,
            "change_abs": fmt.signed_value(change.absolute, info.unit, info.decimals, prefix=info.prefix,
                                           suffix=info.suffix, currency=b.currency) if change else NO_VALUE,
            "noise": bool(change and change.noise),
            "numerator": base_value(fmt, info.numerator or "", m.current.numerator),
            "denominator": base_value(fmt, info.denominator or "", m.current.denominator),
            "thin": m.current.small_base,
            "flags": list(m.current.flags),
            "rank": m.rank,
            "shrunk": value(m.shrunk) if m.shrunk is not None else None,
            "benchmarks": [f"{bm.network or 'all'}: {fmt.money(bm.low, currency=bm.currency)}–"
                           f"{fmt.money(bm.high, currency=bm.currency)} ({bm.position or 'not comparable'}; {bm.source} {bm.year})"
                           for bm in m.benchmarks],
        })
    return rows


def _explain_filter(b: Breakdown, segment: dict[str, str | None] | None) -> str | None:
    """The filter an explanation of a warning needs: the report's, narrowed to the segment."""
    parts = [f"({b.filter})"] if b.filter else []
    for dim, value in (segment or {}).items():
        if value is None:
            parts.append(f"{dim} IS NULL")
        else:
            parts.append(f"{dim} = '" + value.replace("'", "''") + "'")
    return " AND ".join(parts) or None


def tiles(b: Breakdown, fmt: Formats) -> list[dict[str, Any]]:
    """The overview's tiles: each metric's total, its change, its base and a sparkline."""
    out = []
    for info in b.metrics:
        m = b.total.metrics[info.name]
        change = m.change
        better = None
        if change and change.absolute and info.direction in ("lower_is_better", "higher_is_better"):
            better = (change.absolute < 0) == (info.direction == "lower_is_better")
        base = ""
        if info.type == "ratio" and m.current.numerator is not None:
            base = (f"{base_value(fmt, info.numerator or '', m.current.numerator)} ÷ "
                    f"{base_value(fmt, info.denominator or '', m.current.denominator)} {info.denominator}")
        out.append({
            "name": info.name, "label": info.label,
            # Money on a tile in whole units from 10,000 up: $282,756, not $282,756.04.
            "value": (fmt.money(m.current.value, currency=b.currency) if info.unit == "currency" and not info.prefix
                      else metric_value(fmt, info, m.current.value, b.currency)),
            "previous": metric_value(fmt, info, m.previous.value if m.previous else None, b.currency),
            "change": fmt.signed_percent(100 * change.relative) if change and change.relative is not None else NO_VALUE,
            "noise": bool(change and change.noise),
            "better": better, "base": base, "thin": m.current.small_base,
            "sparkline": chart(charts.sparkline(b, info.name)) if b.series is not None else None,
        })
    return out


@renders_html(Breakdown)
def breakdown_html(b: Breakdown, fmt: Formats, links: Links) -> str:
    labels = {i.name: i.label for i in b.metrics}
    metrics = []
    for info in b.metrics:
        lines = None
        if b.series is not None:
            lines = chart(charts.series_lines(b, info.name, fmt),
                          f"{info.label} by {b.series.grain}; partial buckets are hollow points.")
        bars = None
        if b.by:
            bars = chart(charts.segment_bars(b, info.name, fmt),
                         f"Whiskers: {round(100 * b.confidence)} % interval. "
                         + ("Orange tick: the comparison period. " if b.compare else "")
                         + "Pale bars: base too thin to read.")
        metrics.append({"info": info, "lines": lines, "bars": bars, "rows": _breakdown_rows(b, info, fmt)})
    warnings = []
    for w in b.warnings:
        url = None
        if b.compare is not None:
            url = links.explain(metric=w.metric, before=b.compare.label, after=b.period.label,
                                dims=",".join(w.dims), filter=_explain_filter(b, w.segment))
        warnings.append({"w": w, "label": labels.get(w.metric, w.metric), "url": url})
    return _render("breakdown.html.j2", b=b, fmt=fmt, metrics=metrics, warnings=warnings,
                   by_label=" × ".join(b.by) or "total", links=links,
                   tiles=tiles(b, fmt) if not b.by else None)


# -- explain ---------------------------------------------------------------------------------
def _figures_row(e: Explanation, fmt: Formats, f: Figures, label: str) -> dict[str, Any]:
    d = e.display

    def v(x: float | None) -> str:
        return fmt.value(x, e.unit, int(d.get("decimals", 2)), prefix=str(d.get("prefix", "")),
                         suffix=str(d.get("suffix", "")), currency=e.currency)

    return {"label": label, "value": v(f.value),
            "interval": f"{v(f.interval[0])} – {v(f.interval[1])}" if f.interval else "",
            "numerator": base_value(fmt, e.decomposition.numerator_measure, f.numerator),
            "denominator": base_value(fmt, e.decomposition.denominator_measure or "", f.denominator),
            "thin": f.thin}


def _cause_row(e: Explanation, fmt: Formats, c: Cause) -> dict[str, Any]:
    d = e.display
    kw = {"prefix": str(d.get("prefix", "")), "suffix": str(d.get("suffix", "")), "currency": e.currency}
    dec = int(d.get("decimals", 2))
    share = lambda s: fmt.percent(100 * s, 1) if s is not None else NO_VALUE  # noqa: E731
    return {
        "segment": segment_name(c.segment, c.implied), "effect": c.effect,
        "contribution": fmt.signed_value(c.contribution, e.unit, dec, **kw),
        "share": share(c.share_of_change),
        "before": fmt.value(c.before.value, e.unit, dec, **kw), "after": fmt.value(c.after.value, e.unit, dec, **kw),
        "share_before": share(c.share_before), "share_after": share(c.share_after),
        "interval": (f"{fmt.signed_value(c.interval[0], e.unit, dec, **kw)} – "
                     f"{fmt.signed_value(c.interval[1], e.unit, dec, **kw)}") if c.interval else "",
        "evidence": fmt.number(c.evidence, 1), "note": c.note,
        "counterparts": [segment_name(p.segment, p.implied) for p in c.counterparts],
    }


@renders_html(Explanation)
def explanation_html(e: Explanation, fmt: Formats) -> str:
    d = e.display
    kw = {"prefix": str(d.get("prefix", "")), "suffix": str(d.get("suffix", "")), "currency": e.currency}
    dec = int(d.get("decimals", 2))
    split = [(name, fmt.signed_value(getattr(e.decomposition, name), e.unit, dec, **kw))
             for name in ("mix", "rate", "no_base", "numerator", "denominator")]
    dims = [{"dimension": p.dimension, "omitted": p.omitted,
             "mix": fmt.signed_value(p.mix, e.unit, dec, **kw), "rate": fmt.signed_value(p.rate, e.unit, dec, **kw),
             "segments": [{"value": platform_name(s.value) if p.dimension == "platform" else s.value,
                           "before": fmt.value(s.before.value, e.unit, dec, **kw),
                           "after": fmt.value(s.after.value, e.unit, dec, **kw),
                           "mix": fmt.signed_value(s.mix, e.unit, dec, **kw),
                           "rate": fmt.signed_value(s.rate, e.unit, dec, **kw),
                           "contribution": fmt.signed_value(s.contribution, e.unit, dec, **kw)}
                          for s in p.segments[:12]]}
            for p in e.decomposition.by_dimension]
    return _render(
        "explain.html.j2", e=e, fmt=fmt,
        headline=[_figures_row(e, fmt, e.before, fmt.period(e.before.period)),
                  _figures_row(e, fmt, e.after, fmt.period(e.after.period))],
        change=fmt.signed_value(e.change, e.unit, dec, **kw),
        change_pct=fmt.signed_percent(100 * e.change_ratio) if e.change_ratio is not None else NO_VALUE,
        split=split, dims=dims,
        measurement=[{"kind": n.kind, "description": n.description, "severity": n.severity}
                     for n in e.measurement],
        split_chart=chart(charts.explain_split(e, fmt), "The exact split: mix + rate (+ no base) = the change."),
        causes_chart=chart(charts.explain_causes(e, fmt), "Each cause's contribution; the rest is everything else."),
        causes=[_cause_row(e, fmt, c) for c in e.causes], others=[_cause_row(e, fmt, c) for c in e.others],
    )


# -- audit -----------------------------------------------------------------------------------
@renders_html(AuditResult)
def audit_html(a: AuditResult, fmt: Formats) -> str:
    groups = []
    for severity in ("error", "warn", "info"):
        items = [f for f in a.findings if f.severity == severity]
        if items:
            groups.append({"severity": severity, "title": SEVERITY_TITLES[severity], "findings": [
                {"f": f, "days": ", ".join(fmt.day_range(r.start, r.end) for r in f.days[:6])
                 + (f" and {len(f.days) - 6} more" if len(f.days) > 6 else ""),
                 "spend": fmt.money(f.spend, currency=a.currency),
                 "share": fmt.percent(100 * f.share_of_spend, 1) if f.share_of_spend is not None else None,
                 "impressions": fmt.number(f.impressions), "platform": platform_name(f.platform) if f.platform else None}
                for f in items]})
    sources = [{"source": s.source, "platform": platform_name(s.platform), "account": s.account or s.account_id or "",
                "score": fmt.number(s.score, 1), "spend": fmt.money(s.spend, currency=a.currency),
                "lost": fmt.number(s.points_lost, 1)} for s in a.score.sources]
    has_days = any(f.days for f in a.findings)
    return _render(
        "audit.html.j2", a=a, fmt=fmt, groups=groups, sources=sources,
        overall=fmt.number(a.score.overall, 1) if a.score.overall is not None else NO_VALUE,
        timeline=chart(charts.audit_timeline(a, fmt), "Affected days per finding; the axis spans the data held.")
        if has_days else None,
    )


# -- glossary --------------------------------------------------------------------------------
@renders_html(GlossaryPage)
def glossary_html(page: GlossaryPage, fmt: Formats, links: Links) -> str:
    d = page.definition
    live_rows = []
    if page.live is not None:
        live = page.live

        def v(x: float | None) -> str:
            return fmt.value(x, d["unit"], int(d["display"]["decimals"]), prefix=d["display"]["prefix"],
                             suffix=d["display"]["suffix"], currency=live.currency)

        for cell in [live.total, *live.platforms]:
            live_rows.append({
                "label": "All platforms" if cell.platform is None else platform_name(cell.platform),
                "total": cell.platform is None, "value": v(cell.value), "thin": cell.thin,
                "previous": v(cell.previous_value),
                "change": fmt.signed_percent(100 * cell.change_pct) if cell.change_pct is not None else NO_VALUE,
                "measures": [base_value(fmt, n, cell.measures.get(n)) for n in page.measures],
            })
    return _render(
        "glossary.html.j2", page=page, d=d, fmt=fmt, links=links, live_rows=live_rows,
        platforms=sorted({p for f in page.source_fields.values() for p in f}),
        platform_name=platform_name,
        live_chart=chart(charts.glossary_platforms(page, fmt), "Orange tick: the comparison period.")
        if page.live is not None else None,
    )


@renders_html(MetricList)
def metric_list_html(result: MetricList, fmt: Formats, links: Links) -> str:
    return _render("metrics.html.j2", result=result, links=links)


def tiles_html(b: Breakdown, fmt: Formats, links: Links) -> Markup:
    """The overview's tiles alone (the dashboard's first page)."""
    return Markup(_render("tiles.html.j2", tiles=tiles(b, fmt), links=links))
