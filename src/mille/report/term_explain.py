"""Terminal rendering of ``mille explain`` (an :class:`Explanation`). Formatting only.

Order: the sentences; the headline with its bases; the exact split (mix, rate, numerator,
denominator) and the largest parts per dimension; the causes with their intervals; other large
contributors; the measurement hook.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from mille.analysis.explain import Cause, Explanation, Figures
from mille.analysis.narrative import segment_name
from mille.metrics.display import format_number
from mille.report.render import renders

PER_DIMENSION = 4  # largest segments shown per dimension


@renders(Explanation)
def render_explanation(r: Explanation) -> Iterable[RenderableType]:
    yield Text(r.summary, style="bold")
    yield Text(_scope(r), style="dim")
    if r.measurement:
        yield _measurement(r)
    yield _headline(r)
    yield _split(r)
    table = _dimensions(r)
    if table is not None:
        yield table
    if r.causes:
        yield _causes(r, r.causes, "Causes — the smallest set of segments that explains the change")
    if r.others:
        yield _causes(r, r.others, "Other large contributors (not causes)", notes=True)
    if not r.measurement and r.source and not r.source.endswith((".csv", ".parquet")):
        yield Text("Measurement: the audit found no gap, double count or definition change "
                   "overlapping these periods.", style="dim")


def _measurement(r: Explanation) -> Table:
    t = Table(title="Measurement changes — the data itself changed between the periods",
              title_justify="left", header_style="bold")
    for col in ("severity", "what", "where", "days", "spend"):
        t.add_column(col, justify="right" if col == "spend" else "left")
    for n in r.measurement:
        days = ", ".join(d["start"] if d["start"] == d["end"] else f"{d['start']}..{d['end']}" for d in n.days[:3])
        where = " / ".join(x for x in (n.platform, n.account, n.campaign) if x)
        spend = (("~" if n.estimated else "") + _value_money(r, n.spend)) if n.spend else "—"
        t.add_row(n.severity, n.description, where, days, spend)
    return t


def _value_money(r: Explanation, value: float) -> str:
    return format_number(value, "currency", 0, currency=r.currency)


def _value(r: Explanation, value: float | None) -> str:
    d = r.display
    return format_number(value, r.unit, int(d.get("decimals", 2)), prefix=str(d.get("prefix", "")),
                         suffix=str(d.get("suffix", "")), currency=r.currency)


def _signed(r: Explanation, value: float) -> str:
    text = _value(r, abs(value))
    return ("+" if value >= 0 else "−") + text


def _count(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def _scope(r: Explanation) -> str:
    parts = [f"source: {r.source}", f"dims: {', '.join(r.dims) or 'none'}", f"max depth {r.max_depth}"]
    if r.filter:
        parts.append(f"filter: {r.filter}")
    parts.append(f"definition {r.definition_version}")
    return " · ".join(parts)


def _period(f: Figures) -> str:
    p = f.period or {}
    return f"{p.get('label', '')} ({p.get('start', '')} to {p.get('end', '')})"


def _headline(r: Explanation) -> Table:
    t = Table(title=f"{r.label}: before and after", title_justify="left", header_style="bold")
    t.add_column("period")
    t.add_column(r.label, justify="right")
    t.add_column("95 % interval", justify="right")
    t.add_column("numerator", justify="right")
    t.add_column("denominator", justify="right")
    for f in (r.before, r.after):
        t.add_row(_period(f), _value(r, f.value), _interval(r, f.interval), _count(f.numerator),
                  _count(f.denominator))
    pct = f" ({r.change_ratio * 100:+.1f} %)" if r.change_ratio is not None else ""
    t.add_row("change", _signed(r, r.change) + pct, "", "", "")
    return t


def _interval(r: Explanation, interval: tuple[float, float] | None) -> str:
    if interval is None:
        return ""
    return f"{_value(r, interval[0])} – {_value(r, interval[1])}"


def _split(r: Explanation) -> Table:
    d = r.decomposition
    t = Table(title="Exact split of the change (parts add up to it)", title_justify="left",
              header_style="bold")
    t.add_column("part")
    t.add_column(r.label, justify="right")
    t.add_column("share", justify="right")
    rows = []
    if r.unit and d.denominator_measure:
        rows += [(f"mix — shares of {d.denominator_measure} moved ({d.level})", d.mix),
                 ("rate — segments' own values moved", d.rate)]
        if d.no_base:
            rows.append((f"no base — {d.numerator_measure} without {d.denominator_measure}", d.no_base))
        rows += [(f"driven by {d.numerator_measure} (numerator)", d.numerator),
                 (f"driven by {d.denominator_measure} (denominator)", d.denominator)]
    else:
        rows.append(("change of the total", r.change))
    for label, value in rows:
        share = f"{value / r.change * 100:.0f} %" if r.change else ""
        t.add_row(label, _signed(r, value), share)
    return t


def _dimensions(r: Explanation) -> Table | None:
    if not r.decomposition.by_dimension:
        return None
    t = Table(title="Largest parts per dimension", title_justify="left", header_style="bold")
    t.add_column("dimension")
    t.add_column("segment")
    t.add_column("before", justify="right")
    t.add_column("after", justify="right")
    t.add_column("mix", justify="right")
    t.add_column("rate", justify="right")
    t.add_column("contribution", justify="right")
    for dim in r.decomposition.by_dimension:
        for i, seg in enumerate(dim.segments[:PER_DIMENSION]):
            t.add_row(dim.dimension if i == 0 else "", seg.value, _value(r, seg.before.value),
                      _value(r, seg.after.value), _signed(r, seg.mix), _signed(r, seg.rate),
                      _signed(r, seg.contribution))
    return t


def _causes(r: Explanation, items: list[Cause], title: str, *, notes: bool = False) -> Table:
    t = Table(title=title, title_justify="left", header_style="bold")
    t.add_column("segment")
    t.add_column("effect")
    t.add_column("contribution (95 %)", justify="right")
    t.add_column("share", justify="right")
    t.add_column("before", justify="right")
    t.add_column("after", justify="right")
    t.add_column("base before → after", justify="right")
    if notes:
        t.add_column("why not a cause")
    for c in items:
        contribution = _signed(r, c.contribution)
        if c.interval is not None:
            contribution += f" ({_value(r, c.interval[0])} to {_value(r, c.interval[1])})"
        share = f"{c.share_of_change * 100:.0f} %" if c.share_of_change is not None else ""
        name = segment_name(c.segment, c.implied)
        if c.counterparts:
            arrow = "to" if (c.share_after or 0) < (c.share_before or 0) else "from"
            name += f" ({arrow} " + ", ".join(segment_name(p.segment, p.implied) for p in c.counterparts) + ")"
        before = _value(r, c.before.value) + (" ·" if c.before.thin else "")
        after = _value(r, c.after.value) + (" ·" if c.after.thin else "")
        base = f"{_count(c.before.denominator if c.before.denominator is not None else c.before.numerator)} → " \
               f"{_count(c.after.denominator if c.after.denominator is not None else c.after.numerator)}"
        row = [name, c.effect, contribution, share, before, after, base]
        if notes:
            row.append(c.note or "")
        t.add_row(*row)
    return t
