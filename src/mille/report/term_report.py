"""Terminal rendering of ``mille report`` (a :class:`Breakdown`). Formatting only, no arithmetic
beyond choosing what to show."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from mille.analysis.breakdown_coverage import absent_text
from mille.analysis.breakdown_result import Breakdown, Cell, MetricCell, MetricInfo, format_value
from mille.report.render import NAME_MAX, NAME_MIN, Fitted, name_column, number_columns, renders

SMALL = "·"
NOISE = "≈"
SERIES_BUCKETS = 8
ABSENT_WIDTH = 9
BASE_ORDER = ("spend", "impressions", "clicks")


@renders(Breakdown)
def render_breakdown(result: Breakdown) -> Iterable[RenderableType]:
    yield Text(_title(result), style="bold")
    if result.filter:
        yield Text(f"filter: {result.filter}", style="dim")
    for w in result.warnings:
        yield Text(f"⚠ {w.message}", style="yellow")
    yield Fitted(lambda level, width: _main(result, level, width), levels=_levels(result))
    if result.rank_by:
        yield Fitted(lambda level, width: [_ranking(result, width)])
    bench = _benchmarks(result)
    if bench is not None:
        yield bench
    if result.series is not None and len(result.series):
        yield from _series(result)
    legend = _legend(result)
    if legend:
        yield Text(legend, style="dim")
    for note in result.notes:
        yield Text(f"note: {note}", style="dim")


def _title(r: Breakdown) -> str:
    names = ", ".join(m.label for m in r.metrics)
    by = f" by {' × '.join(r.by)}" if r.by else ", total"
    versus = f" vs {_period_text(r.compare)}" if r.compare else ""
    as_of = f", as of {r.as_of}" + (" (the last day of data)" if r.as_of_from == "data" else "") if r.as_of else ""
    return f"{names}{by} — {_period_text(r.period)}{versus}{as_of}"


def _period_text(p) -> str:
    """``last-month = 2026-10-01..2026-10-31``, and "(to 12 Nov)" when the data ends inside it."""
    name = p.relative or ("" if ":" in p.label or p.label == str(p.start) else p.label)
    text = f"{name} = {p.start}..{p.end}" if name else f"{p.start}..{p.end}"
    if p.incomplete and p.data_end is not None:
        text += f" (to {p.data_end.day} {p.data_end:%b})"
    return text


def _bases(r: Breakdown) -> list[str]:
    return [b for b in BASE_ORDER if b in r.total.current.sums]


def _count(value: float, *, money: bool, currency: str) -> str:
    """Base counts as people say them: 135.7k, 2.95M (exact sums are in --format json/csv)."""
    for at_least, size, suffix in ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if abs(value) >= at_least:
            scaled = value / size
            text = f"{scaled:,.{2 if abs(scaled) < 10 else 1}f}{suffix}"
            break
    else:
        text = f"{value:,.0f}"
    if money:
        return format_value(0, unit="currency", decimals=0, currency=currency).replace("0", text, 1)
    return text


def _change_text(info: MetricInfo | None, absolute: float | None, relative: float | None, noise: bool | None) -> Text:
    if absolute is None:
        return Text("")
    if absolute == 0:
        return Text("±0", style="dim")
    rel = f"{relative * 100:+.1f} %" if relative is not None else "new"
    if noise:
        return Text(f"{rel} {NOISE}", style="dim")
    direction = info.direction if info is not None else "neutral"
    good = {"lower_is_better": absolute < 0, "higher_is_better": absolute > 0}.get(direction)
    return Text(rel, style="" if good is None else ("green" if good else "red"))


def _metric_text(info: MetricInfo, mc: MetricCell, currency: str, *, intervals: bool = True) -> Text:
    """The value, its change under it, then its interval."""
    absent = absent_text(mc.current.flags)
    if absent is not None:
        # words, not a number: narrow lines so the column stays as wide as its figures
        return Text("\n".join(textwrap.wrap(absent, ABSENT_WIDTH)), style="dim italic")
    text = Text(info.format(mc.current.value, currency))
    if mc.current.small_base:
        text.append(f" {SMALL}", style="yellow")
    if mc.change is not None:
        text.append("\n")
        text.append_text(_change_text(info, mc.change.absolute, mc.change.relative, mc.change.noise))
    if intervals and mc.current.low is not None and mc.current.high is not None:
        # bare numbers: the unit is on the value above, and narrow terminals need the room
        lo, hi = mc.current.low, mc.current.high
        text.append(f"\n{lo:,.{info.decimals}f} – {hi:,.{info.decimals}f}", style="dim")
    return text


def _base_text(cell: Cell, name: str, currency: str) -> Text:
    value = cell.current.sums.get(name, 0.0)
    text = Text(_count(value, money=name == "spend", currency=currency))
    if cell.previous is not None:
        before = cell.previous.sums.get(name, 0.0)
        rel = (value - before) / before if before else None
        text.append("\n")
        text.append_text(_change_text(None, value - before, rel, None))
    return text


def _layout(r: Breakdown, level: int) -> tuple[list[str], list[MetricInfo], bool]:
    """What layout ``level`` keeps: 0 everything; 1 drops the intervals; 2 also the bases but
    spend; each next level one more metric from the right (the first always stays)."""
    bases = _bases(r)
    shown = [m for m in r.metrics if not (m.type == "simple" and m.name in bases)]
    if level >= 2:
        bases = [b for b in bases if b == "spend"] or bases[:1]
    if level >= 3:
        shown = shown[: max(1, len(shown) - (level - 2))]
    return bases, shown, level == 0


def _levels(r: Breakdown) -> int:
    _, shown, _ = _layout(r, 0)
    return 3 + max(0, len(shown) - 1)


def _hidden(r: Breakdown, level: int) -> Text | None:
    bases, shown, intervals = _layout(r, level)
    all_bases, all_shown, _ = _layout(r, 0)
    gone = [] if intervals or not any(m.interval != "none" for m in all_shown) else ["intervals"]
    gone += [b.capitalize() for b in all_bases if b not in bases]
    gone += [m.label for m in all_shown if m not in shown]
    if not gone:
        return None
    return Text(f"Hidden to fit the terminal: {', '.join(gone)} — `--wide` shows every column, "
                "--format json or csv every figure.", style="dim")


def _main(r: Breakdown, level: int, name_width: int | None) -> list[RenderableType]:
    hidden = _hidden(r, level)
    return [_main_table(r, level, name_width), *([hidden] if hidden is not None else [])]


def _main_table(r: Breakdown, level: int = 0, name_width: int | None = None) -> Table:
    # No vertical rules: a headline report has nine columns and must fit 100 characters.
    table = Table(header_style="bold", show_lines=False, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    cells: list[Cell] = [*r.cells, r.total]
    table.add_column(" × ".join(r.by) or "segment")
    bases, shown, intervals = _layout(r, level)
    for b in bases:
        table.add_column(b.capitalize(), justify="right")
    for info in shown:
        table.add_column(info.label, justify="right")
    for i, cell in enumerate(cells):
        row: list[RenderableType] = [Text(cell.label, style="bold" if cell.kind == "total" else "")]
        row.extend(_base_text(cell, b, r.currency) for b in bases)
        row.extend(_metric_text(info, cell.metrics[info.name], r.currency, intervals=intervals) for info in shown)
        table.add_row(*row, end_section=i == len(cells) - 2)
    return name_column(number_columns(table), 0, name_width)


def _ranking(r: Breakdown, name_width: int | None = NAME_MAX) -> Table:
    info = next(m for m in r.metrics if m.name == r.rank_by)
    table = Table(title=f"Ranked by {info.label}, shrunk towards the parent (empirical Bayes)", header_style="bold")
    table.add_column("rank", justify="right")
    table.add_column(" × ".join(r.by))
    table.add_column(f"{info.label} raw", justify="right")
    table.add_column(f"{info.label} shrunk", justify="right")
    table.add_column(info.denominator or "base", justify="right")
    for cell in r.cells:
        mc = cell.metrics[info.name]
        if cell.kind != "segment" or mc.rank is None:
            continue
        table.add_row(
            str(mc.rank), cell.label, info.format(mc.current.value, r.currency),
            info.format(mc.shrunk, r.currency), f"{mc.current.denominator or 0:,.0f}",
        )
    number_columns(table, 2)
    table.columns[0].no_wrap = True
    return name_column(table, 1, name_width)


def _benchmarks(r: Breakdown) -> Table | None:
    rows = []
    for cell in r.cells:
        for info in r.metrics:
            for b in cell.metrics[info.name].benchmarks:
                rows.append((cell, info, b))
    if not rows:
        return None
    table = Table(title="Published ranges — context, not targets", header_style="bold")
    for name in ("segment", "metric", "yours", "published", "where", "source"):
        table.add_column(name)
    for cell, info, b in rows:
        lo = format_value(b.low, unit=info.unit, decimals=2, suffix=info.suffix, currency=b.currency)
        hi = format_value(b.high, unit=info.unit, decimals=2, suffix=info.suffix, currency=b.currency)
        where = (b.position or "—").replace("_", " ")
        style = "yellow" if b.position and b.position.startswith("far") else ""
        scope = f" ({b.network})" if b.network else ""
        table.add_row(
            cell.label, info.label + scope, info.format(cell.metrics[info.name].current.value, r.currency),
            f"{lo}–{hi}" if b.low != b.high else lo, Text(where, style=style), f"{b.source} ({b.year})",
        )
    for i in (2, 3):
        table.columns[i].no_wrap = True
    table.columns[5].overflow = "ellipsis"
    return name_column(table, 0, NAME_MIN)


def _series(r: Breakdown) -> Iterable[RenderableType]:
    s = r.series
    assert s is not None
    buckets = sorted(set(s.period_start))[-SERIES_BUCKETS:]
    for info in [m for m in r.metrics if m.type != "simple"][:3] or r.metrics[:1]:
        # Narrow terminals drop the oldest buckets first: the latest are the ones read.
        yield Fitted(lambda level, width, info=info: [_series_table(r, info, buckets[level:], width)],
                     levels=len(buckets))
    if len(set(s.period_start)) > SERIES_BUCKETS:
        yield Text(f"(last {SERIES_BUCKETS} of {len(set(s.period_start))} buckets; the full series is in --format json or csv)", style="dim")


def _series_table(r: Breakdown, info: MetricInfo, starts: list, name_width: int | None) -> Table:
    s = r.series
    assert s is not None
    shown = set(starts)
    table = Table(title=f"{info.label} by {s.grain}", header_style="bold")
    table.add_column(" × ".join(r.by) or "segment")
    for start in starts:
        table.add_column(str(start), justify="right")
    values: dict[str, dict] = {}
    for i, start in enumerate(s.period_start):
        if start not in shown:
            continue
        m = s.metrics[info.name]
        text = Text(info.format(m.value[i], r.currency))
        if m.small_base[i]:
            text.append(f" {SMALL}", style="yellow")
        if s.partial[i]:
            text.stylize("italic")
        values.setdefault(s.label[i], {})[start] = text
    for label, by_start in values.items():
        table.add_row(label, *[by_start.get(st, Text("—", style="dim")) for st in starts])
    return name_column(number_columns(table), 0, name_width)


def _legend(r: Breakdown) -> str:
    parts = []
    pct = f"{r.confidence * 100:.0f} %"
    if any(m.interval != "none" for m in r.metrics):
        parts.append(f"a–b: {pct} interval")
    if r.compare:
        parts.append(f"{NOISE}: change within noise (its {pct} interval includes 0)")
    thin = sorted({f"{m.label} < {m.min_base:,.0f} {m.denominator}" for m in r.metrics if m.type == "ratio" and m.min_base})
    if thin:
        parts.append(f"{SMALL}: base too small to read ({'; '.join(thin)})")
    if r.series is not None and any(r.series.partial):
        parts.append("italic: partial bucket")
    return " · ".join(parts)
