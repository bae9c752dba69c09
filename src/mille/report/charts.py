"""Vega-Lite charts drawn from result objects: pure functions from a result to a chart spec.

Every chart here takes a result (and the locale's :class:`~mille.report.html_locale.Formats`)
and returns a Vega-Lite specification as a plain dict. Nothing is computed beyond layout: values,
intervals and changes come from the result as they are; the only arithmetic is where a bar starts
and ends in a waterfall. The dashboard and the self-contained HTML report embed the same specs.

Colours are the Okabe–Ito palette, readable with every common colour-vision deficiency; no chart
relies on colour alone (bars are labelled, severities are named on the axis and in the legend).
Each spec carries ``usermeta.mille`` — the chart's kind and how many marks it should draw — so a
browser test can check that what rendered is what was meant.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from mille.analysis.narrative import segment_name
from mille.platforms import label as platform_label

if TYPE_CHECKING:
    from mille.analysis.audit import AuditResult
    from mille.analysis.breakdown_result import Breakdown, MetricInfo
    from mille.analysis.explanation import Explanation
    from mille.analysis.glossary import GlossaryPage
    from mille.report.html_locale import Formats

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier; never fetched
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
INK, MUTED, TOTAL = "#1d2330", "#8a93a3", "#1d2330"
SEVERITY_COLOURS = {"error": "#D55E00", "warn": "#E69F00", "info": "#0072B2"}
UP, DOWN = "#D55E00", "#0072B2"  # waterfall: vermillion raises the metric, blue lowers it
MAX_LINES = 7  # segments drawn over time; the rest are in the table

CONFIG: dict[str, Any] = {
    "font": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
    "view": {"stroke": None},
    "range": {"category": OKABE_ITO},
    "axis": {"labelColor": INK, "titleColor": INK, "gridColor": "#e6e9ef", "domainColor": MUTED,
             "labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 600},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
    "title": {"anchor": "start", "fontSize": 14, "fontWeight": 600, "color": INK},
}


def number_format(unit: str, decimals: int) -> str:
    """The d3 format of a metric's values (the currency symbol comes from the page's locale)."""
    return f"{'$' if unit == 'currency' else ''},.{max(decimals, 0)}f"


def axis_title(label: str, unit: str, suffix: str = "") -> str:
    if unit == "percent" or suffix.strip() == "%":
        return f"{label} (%)"
    return label


def _spec(kind: str, marks: int, description: str, **body: Any) -> dict[str, Any]:
    return {"$schema": SCHEMA, "description": description, "config": CONFIG,
            "usermeta": {"mille": {"kind": kind, "marks": marks}}, **body}


def cell_label(b: Breakdown, segment: dict[str, str | None], label: str) -> str:
    """A breakdown cell's label: the library's own for entities (``LinkedIn Ads · Q4 ABM``),
    else the segment's values with platform names."""
    from mille.analysis.breakdown_result import entity_labels

    return label if entity_labels(b) else segment_label(segment, label)


# d3 formats of a time axis per grain; quarters are labelled by an expression ("Q3 2026")
TIME_FORMATS = {"day": "%d %b", "week": "%d %b", "month": "%b %Y", "year": "%Y"}
TIME_UNITS = {"day": "utcyearmonthdate", "week": "utcyearmonthdate", "month": "utcyearmonth",
              "quarter": "utcyearquarter", "year": "utcyear"}
QUARTER_LABEL = "'Q' + (floor(utcmonth(datum.value) / 3) + 1) + ' ' + utcyear(datum.value)"
MAX_TICKS = 16


def time_axis(grain: str, starts: list[date]) -> dict[str, Any]:
    """The x encoding of a series: one tick per bucket (thinned to at most 16, evenly) at the
    bucket's first day, labelled for its grain — "12 Oct", "Oct 2026", "Q3 2026", "2026"."""
    buckets = sorted(set(starts))
    step = max(1, -(-len(buckets) // MAX_TICKS))
    ticks = [_datetime(d) for d in buckets[::step]]
    axis: dict[str, Any] = {"values": ticks, "tickCount": len(ticks), "labelOverlap": True}
    axis |= ({"labelExpr": QUARTER_LABEL} if grain == "quarter"
             else {"labelExpr": f"utcFormat(datum.value, '{TIME_FORMATS.get(grain, '%d %b')}')"})
    return {"field": "start", "type": "temporal", "timeUnit": TIME_UNITS.get(grain, "utcyearmonthdate"),
            "title": None, "axis": axis}


def segment_label(segment: dict[str, str | None], fallback: str) -> str:
    """A cell's label for people: platform literals become names (``LinkedIn Ads × csuite``)."""
    if not segment:
        return fallback
    return " × ".join(platform_label(v, v) if d == "platform" and v else (v or "(none)")
                      for d, v in segment.items())


# -- breakdown -------------------------------------------------------------------------------
def segment_bars(b: Breakdown, metric: str, fmt: Formats) -> dict[str, Any]:
    """Bars per segment with the interval as whiskers and the previous period as a tick; the
    total last, in ink. Thin cells (base below the threshold) are pale and say so."""
    info = _info(b, metric)
    rows = []
    for cell in [*b.cells, b.total]:
        m = cell.metrics[metric]
        label = "Total" if cell.kind == "total" else cell_label(b, cell.segment, cell.label)
        rows.append({
            "label": label, "kind": cell.kind, "value": m.current.value, "low": m.current.low,
            "high": m.current.high, "previous": m.previous.value if m.previous else None,
            "thin": "too thin to read" if m.current.small_base else "",
        })
    f = number_format(info.unit, info.decimals)
    order = [r["label"] for r in rows]
    y = {"field": "label", "type": "nominal", "sort": order, "title": None}
    x_title = axis_title(info.label, info.unit, info.suffix)
    tooltip = [{"field": "label", "title": "segment"},
               {"field": "value", "title": info.label, "format": f},
               {"field": "low", "title": "interval low", "format": f},
               {"field": "high", "title": "interval high", "format": f},
               {"field": "previous", "title": b.compare.label if b.compare else "previous", "format": f},
               {"field": "thin", "title": "base"}]
    layers: list[dict[str, Any]] = [
        {"mark": {"type": "bar", "height": {"band": 0.7}},
         "encoding": {"x": {"field": "value", "type": "quantitative", "title": x_title, "axis": {"format": f}},
                      "color": {"field": "kind", "type": "nominal", "legend": None,
                                "scale": {"domain": ["segment", "other", "total"], "range": [OKABE_ITO[0], MUTED, TOTAL]}},
                      "opacity": {"condition": {"test": "datum.thin", "value": 0.35}, "value": 1},
                      "tooltip": tooltip}},
    ]
    # Layers only where the result has their data: an empty layer makes Vega warn.
    if any(r["low"] is not None and r["high"] is not None for r in rows):
        layers.append({"mark": {"type": "rule", "color": INK, "strokeWidth": 1.5},
                       "transform": [{"filter": "isValid(datum.low) && isValid(datum.high)"}],
                       "encoding": {"x": {"field": "low", "type": "quantitative"}, "x2": {"field": "high"}}})
    if any(r["previous"] is not None for r in rows):
        layers.append({"mark": {"type": "tick", "color": OKABE_ITO[1], "thickness": 3, "bandSize": 14},
                       "transform": [{"filter": "isValid(datum.previous)"}],
                       "encoding": {"x": {"field": "previous", "type": "quantitative"}}})
    if any(r["thin"] for r in rows):
        layers.append({"mark": {"type": "text", "align": "left", "dx": 4, "color": MUTED, "fontStyle": "italic"},
                       "transform": [{"filter": "datum.thin"}],
                       "encoding": {"x": {"value": 0}, "text": {"field": "thin"}}})
    prev = f", {b.compare.label} as an orange tick" if b.compare else ""
    return _spec(
        "bars", sum(r["value"] is not None for r in rows),  # no bar where there is no value
        f"{info.label} by {', '.join(b.by) or 'total'} in {b.period.label}: bars with "
        f"{round(100 * b.confidence)} % intervals as whiskers{prev}.",
        width="container", height=max(60, 26 * len(rows)),
        data={"values": rows}, encoding={"y": y}, layer=layers,
    )


def series_lines(b: Breakdown, metric: str, fmt: Formats) -> dict[str, Any]:
    """Lines over time: the total in ink with its interval as a band, and the largest segments
    (up to seven, by the report's order) in the palette. Partial buckets are hollow points; a
    bucket the data ends inside ("to 12 Nov") has a dashed outline."""
    assert b.series is not None
    s, info = b.series, _info(b, metric)
    m = s.metrics[metric]
    wanted = [cell_label(b, c.segment, c.label) for c in b.cells if c.kind == "segment"][:MAX_LINES]
    points = []
    for i in range(len(s)):
        kind = s.kind[i]
        label = "Total" if kind == "total" else cell_label(b, {d: v[i] for d, v in s.segment.items()}, s.label[i])
        if kind != "total" and (label not in wanted or not b.by):
            continue
        points.append({"start": s.period_start[i].isoformat(), "label": label, "total": kind == "total",
                       "value": m.value[i], "low": m.low[i], "high": m.high[i],
                       "partial": _bucket_note(s, i), "incomplete": bool(s.incomplete and s.incomplete[i])})
    f = number_format(info.unit, info.decimals)
    x = time_axis(s.grain, list(s.period_start))
    y = {"field": "value", "type": "quantitative", "title": axis_title(info.label, info.unit, info.suffix),
         "axis": {"format": f}, "scale": {"zero": info.unit != "currency" or info.type != "ratio"}}
    domain = ["Total", *wanted] if b.by else ["Total"]
    colour = {"field": "label", "type": "nominal", "title": None, "sort": domain,
              "scale": {"domain": domain, "range": [INK, *OKABE_ITO[: len(domain) - 1]]}}
    tooltip = [{"field": "label", "title": "segment"},
               {"field": "start", "type": "temporal", "timeUnit": "utcyearmonthdate", "title": s.grain,
                "format": fmt.d3_date("yMMMd")},
               {"field": "value", "title": info.label, "format": f}, {"field": "partial", "title": "note"}]
    layers: list[dict[str, Any]] = []
    if any(p["total"] and p["low"] is not None and p["high"] is not None for p in points):
        layers.append({"mark": {"type": "area", "opacity": 0.15, "color": INK},
                       "transform": [{"filter": "datum.total && isValid(datum.low) && isValid(datum.high)"}],
                       "encoding": {"x": x, "y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"}}})
    layers += [
        {"mark": {"type": "line", "strokeWidth": 2}, "encoding": {"x": x, "y": y, "color": colour}},
        {"mark": {"type": "point", "size": 36},
         "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip,
                      "strokeDash": {"condition": {"test": "datum.incomplete", "value": [2, 2]}, "value": [1, 0]},
                      "fill": {"condition": {"test": "datum.partial", "value": "white"}, "field": "label",
                               "type": "nominal", "legend": None, "scale": colour["scale"]}}},
    ]
    return _spec(
        "lines", len(points),
        f"{info.label} by {s.grain} over {b.series_span.label if b.series_span else b.period.label}"
        + (f", the total and the {len(wanted)} largest segments" if b.by else "") + ".",
        width="container", height=240, data={"values": points}, layer=layers,
    )


def _bucket_note(s: Any, i: int) -> str:
    if s.incomplete and s.incomplete[i]:
        return f"to {s.covered_to[i].day} {s.covered_to[i]:%b}: the data ends inside this {s.grain}"
    return "partial bucket" if s.partial[i] else ""


def sparkline(b: Breakdown, metric: str) -> dict[str, Any]:
    """A tile's small line: the total of ``metric`` over the series, the last point marked.
    Partial and incomplete buckets (a first week with three days held, a month to date) are
    left out: a sum over fewer days would look like a drop."""
    assert b.series is not None
    s = b.series
    m = s.metrics[metric]
    points = [{"start": s.period_start[i].isoformat(), "value": m.value[i]}
              for i in range(len(s)) if s.kind[i] == "total" and m.value[i] is not None and not s.partial[i]
              and not (s.incomplete and s.incomplete[i])]
    info = _info(b, metric)
    x = {"field": "start", "type": "temporal", "timeUnit": "utcyearmonthdate", "axis": None}
    y = {"field": "value", "type": "quantitative", "axis": None, "scale": {"zero": False}}
    return _spec(
        "sparkline", len(points), f"{info.label} by {s.grain}, {len(points)} points.",
        width="container", height=36, padding=2, data={"values": points},
        layer=[{"mark": {"type": "line", "color": OKABE_ITO[0], "strokeWidth": 1.5,
                         "interpolate": "monotone"}, "encoding": {"x": x, "y": y}},
               {"mark": {"type": "point", "filled": True, "color": OKABE_ITO[0], "size": 18},
                "transform": [{"window": [{"op": "rank", "as": "r"}],
                               "sort": [{"field": "start", "order": "descending"}]},
                              {"filter": "datum.r == 1"}],
                "encoding": {"x": x, "y": y}}],
    )


def _info(b: Breakdown, metric: str) -> MetricInfo:
    for info in b.metrics:
        if info.name == metric:
            return info
    raise KeyError(metric)


# -- explain ---------------------------------------------------------------------------------
def _waterfall(steps: list[tuple[str, float | None, str]], title_y: str, f: str, description: str,
               kind: str) -> dict[str, Any]:
    """Bars from (label, amount, role): a "total" bar stands on zero, a "step" bar starts where
    the previous one ended. The last total must equal the running sum: the parts add up."""
    rows, level = [], 0.0
    for i, (label, amount, role) in enumerate(steps):
        value = amount or 0.0
        if role == "total":
            start, end, level = 0.0, value, value
        else:
            start, end = level, level + value
            level = end
        direction = "total" if role == "total" else ("up" if value >= 0 else "down")
        rows.append({"order": i, "label": label, "start": start, "end": end, "amount": value,
                     "direction": direction})
    colour = {"field": "direction", "type": "nominal", "title": None,
              "scale": {"domain": ["total", "up", "down"], "range": [MUTED, UP, DOWN]},
              "legend": {"labelExpr": "datum.label == 'up' ? 'raises it' : datum.label == 'down' ? 'lowers it' : 'level'"}}
    x = {"field": "label", "type": "nominal", "sort": [r["label"] for r in rows], "title": None,
         "axis": {"labelAngle": 0, "labelLimit": 160}}
    return _spec(
        kind, len(rows), description, width="container", height=260, data={"values": rows},
        layer=[
            {"mark": {"type": "bar", "width": {"band": 0.6}},
             "encoding": {"x": x, "y": {"field": "start", "type": "quantitative", "title": title_y,
                                        "axis": {"format": f}},
                          "y2": {"field": "end"}, "color": colour,
                          "tooltip": [{"field": "label", "title": "step"},
                                      {"field": "amount", "title": "amount", "format": f},
                                      {"field": "end", "title": "level after", "format": f}]}},
            {"mark": {"type": "text", "dy": -6, "color": INK},
             "encoding": {"x": x, "y": {"field": "end", "type": "quantitative"},
                          "text": {"field": "amount", "format": f}}},
        ],
    )


def explain_split(e: Explanation, fmt: Formats) -> dict[str, Any]:
    """Before → mix → rate (→ no base) → after: the exact split of the change."""
    d = e.decomposition
    f = number_format(e.unit, int(e.display.get("decimals", 2)))
    steps = [(f"{e.before.period['label'] if e.before.period else 'before'}", e.before.value, "total"),
             ("mix", d.mix, "step"), ("rate", d.rate, "step")]
    if d.no_base:
        steps.append(("no base", d.no_base, "step"))
    steps.append((f"{e.after.period['label'] if e.after.period else 'after'}", e.after.value, "total"))
    return _waterfall(steps, axis_title(e.label, e.unit, str(e.display.get("suffix", ""))), f,
                      f"{e.label} from the earlier to the later period, split into mix (volume moving "
                      "between segments) and rate (segments' own values changing).", "waterfall")


def explain_causes(e: Explanation, fmt: Formats) -> dict[str, Any]:
    """Before → each cause's contribution → the rest of the change → after."""
    f = number_format(e.unit, int(e.display.get("decimals", 2)))
    steps: list[tuple[str, float | None, str]] = [
        (e.before.period["label"] if e.before.period else "before", e.before.value, "total")]
    explained = 0.0
    for c in e.causes:
        steps.append((f"{segment_name(c.segment, c.implied)} ({c.effect})", c.contribution, "step"))
        explained += c.contribution
    steps.append(("everything else", e.change - explained, "step"))
    steps.append((e.after.period["label"] if e.after.period else "after", e.after.value, "total"))
    return _waterfall(steps, axis_title(e.label, e.unit, str(e.display.get("suffix", ""))), f,
                      f"{e.label}: how much of the change each cause accounts for, and the rest.",
                      "waterfall")


# -- audit -----------------------------------------------------------------------------------
def audit_timeline(a: AuditResult, fmt: Formats) -> dict[str, Any]:
    """Each finding's affected days on a time axis, one row per finding, coloured and named by
    severity; the axis spans the data held."""
    rows = []
    order = {"error": 0, "warn": 1, "info": 2}
    findings = sorted(a.findings, key=lambda x: (order[x.severity], x.first_day or date.max))
    labels = []
    for n, finding in enumerate(findings, 1):
        if not finding.days:
            continue
        label = f"{n}. {finding.severity}: {_short(finding.title)}"
        labels.append(label)
        for r in finding.days:
            rows.append({"finding": label, "severity": finding.severity, "start": r.start.isoformat(),
                         "end": (r.end + timedelta(days=1)).isoformat(), "days": r.label(),
                         "title": finding.title})
    domain = None
    if a.data_first_day and a.data_last_day:
        # The data held, widened to any finding outside it (freshness counts days up to today).
        first = min([a.data_first_day, *(f.first_day for f in findings if f.first_day)])
        last = max([a.data_last_day, *(f.last_day for f in findings if f.last_day)])
        domain = [_datetime(first), _datetime(last + timedelta(days=1))]
    x = {"field": "start", "type": "temporal", "timeUnit": "utcyearmonthdate", "title": None,
         "axis": {"format": fmt.d3_date("MMMd"), "labelOverlap": True}}
    if domain:
        x["scale"] = {"domain": domain}
    return _spec(
        "timeline", len(rows),
        f"Days affected by {len(labels)} audit findings, by severity, over the data held.",
        width="container", height=max(80, 28 * len(labels)), data={"values": rows},
        mark={"type": "bar", "minBandSize": 3, "cornerRadius": 2},
        encoding={
            "y": {"field": "finding", "type": "nominal", "sort": labels, "title": None,
                  "axis": {"labelLimit": 360}},
            "x": x, "x2": {"field": "end", "timeUnit": "utcyearmonthdate"},
            "color": {"field": "severity", "type": "nominal", "title": "severity",
                      "scale": {"domain": list(SEVERITY_COLOURS), "range": list(SEVERITY_COLOURS.values())}},
            "tooltip": [{"field": "title", "title": "finding"}, {"field": "days", "title": "days"},
                        {"field": "severity"}],
        },
    )


def _datetime(day: date) -> dict[str, int]:
    """A Vega-Lite DateTime at UTC midnight, like the ISO dates in the data (charts keep dates
    in UTC so that a reader's time zone never shifts a day)."""
    return {"year": day.year, "month": day.month, "date": day.day, "utc": True}


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- glossary --------------------------------------------------------------------------------
def glossary_platforms(page: GlossaryPage, fmt: Formats) -> dict[str, Any]:
    """The metric's live value per platform and in total, the previous period as a tick."""
    assert page.live is not None
    d = page.definition
    unit, decimals = d["unit"], int(d["display"]["decimals"])
    rows = []
    for cell in [*page.live.platforms, page.live.total]:
        total = cell.platform is None
        rows.append({"label": "Total" if total else platform_label(cell.platform or "", cell.platform),
                     "kind": "total" if total else "segment", "value": cell.value,
                     "previous": cell.previous_value, "thin": "too thin to read" if cell.thin else ""})
    f = number_format(unit, decimals)
    y = {"field": "label", "type": "nominal", "sort": [r["label"] for r in rows], "title": None}
    prev = page.live.previous_period
    return _spec(
        "bars", sum(r["value"] is not None for r in rows),
        f"{page.label} per platform in {page.live.period['label']}" + (f", {prev['label']} as a tick" if prev else ""),
        width="container", height=max(60, 26 * len(rows)), data={"values": rows}, encoding={"y": y},
        layer=[
            {"mark": {"type": "bar", "height": {"band": 0.7}},
             "encoding": {"x": {"field": "value", "type": "quantitative",
                                "title": axis_title(page.label, unit, d["display"].get("suffix", "")),
                                "axis": {"format": f}},
                          "color": {"field": "kind", "type": "nominal", "legend": None,
                                    "scale": {"domain": ["segment", "total"], "range": [OKABE_ITO[0], TOTAL]}},
                          "opacity": {"condition": {"test": "datum.thin", "value": 0.35}, "value": 1},
                          "tooltip": [{"field": "label", "title": "platform"},
                                      {"field": "value", "title": page.label, "format": f},
                                      {"field": "previous", "title": prev["label"] if prev else "previous", "format": f}]}},
            *([{"mark": {"type": "tick", "color": OKABE_ITO[1], "thickness": 3, "bandSize": 14},
                "transform": [{"filter": "isValid(datum.previous)"}],
                "encoding": {"x": {"field": "previous", "type": "quantitative"}}}]
              if any(r["previous"] is not None for r in rows) else []),
        ],
    )
