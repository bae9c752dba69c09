"""The metric catalogue in the terminal: the list, a glossary page, a validation report, drift.

A glossary page reads top to bottom like an entry in a printed glossary: what it is, the
formula, how to read it, what moves it, what to read beside it, caveats, where each number comes
from on each platform, who owns the definition; then the live figures with their bases.
Formatting only: every figure arrives computed in the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from mille.analysis.glossary import Cell, GlossaryPage, MetricList
from mille.analysis.metric_versions import DefinitionDrift
from mille.metrics.display import NO_VALUE, format_number
from mille.metrics.review import ValidationReport
from mille.platforms import label as platform_label
from mille.report.render import NAME_MIN, Fitted, renders

DIRECTION = {"higher_is_better": "higher is better", "lower_is_better": "lower is better", "neutral": "neither up nor down is better by itself"}


@renders(MetricList)
def render_list(result: MetricList) -> Iterable[RenderableType]:
    yield Fitted(lambda level, width: [_list_table(result, level, width)], levels=3, names=2)
    yield Text("Bold: shown by default in reports. Aliases in brackets. `mille metrics show NAME` prints "
               "a metric's glossary page; --format json adds unit, direction and owner.", style="dim")


def _list_table(result: MetricList, level: int, text_width: int | None) -> Table:
    """Level 0 shows every column; 1 drops the version, 2 the origin too. Names stay whole
    (they are what `mille metrics show` takes); label and formula wrap at their words."""
    table = Table(title="Metrics", header_style="bold", title_justify="left")
    table.add_column("metric", no_wrap=True)
    table.add_column("label", ratio=1, max_width=text_width)
    table.add_column("formula", ratio=2, max_width=text_width)
    if level < 2:
        table.add_column("origin")
    if level < 1:
        table.add_column("version", no_wrap=True)
    for m in result.metrics:
        label = Text(m.label)
        if m.aliases:
            label.append(f" ({', '.join(m.aliases)})", style="dim")
        origin = m.origin if m.change is None else f"{m.origin}, {m.change}"
        row: list[RenderableType] = [Text(m.name, style="bold" if m.headline else ""), label, m.formula]
        row += [origin] if level < 2 else []
        row += [Text(m.version, style="dim")] if level < 1 else []
        table.add_row(*row)
    if text_width is not None and text_width > NAME_MIN:
        # laid out for the terminal: label and formula share what the other columns leave
        table.columns[1].max_width = table.columns[2].max_width = None
    return table


@renders(GlossaryPage)
def render_page(page: GlossaryPage) -> Iterable[RenderableType]:
    d = page.definition
    title = Text(page.label, style="bold underline")
    title.append(f"   {page.name}", style="bold")
    origin = page.origin if page.change is None else f"{page.origin}, {page.change} built-in"
    title.append(f" · version {page.version} · {origin}", style="dim")
    yield title
    yield Padding(Text(d["description"]), (0, 0, 1, 2))
    yield _facts(page)
    if d.get("how_to_read"):
        yield _section("How to read it", Text(d["how_to_read"]))
    if d.get("what_moves_it"):
        yield _section("What moves it", _bullets(d["what_moves_it"]))
    if page.related:
        beside = Table.grid(padding=(0, 2))
        for r in page.related:
            beside.add_row(Text(r.label, style="bold"), Text(r.name, style="dim"), r.formula)
        yield _section("Read it beside", beside)
    if d.get("caveats"):
        yield _section("Caveats", _bullets(d["caveats"]))
    if page.source_fields:
        yield _section("Where the numbers come from", _sources(page))
    if page.live is not None:
        yield from _live(page)
    elif page.live_note:
        yield Padding(Text(f"Live figures: {page.live_note}.", style="dim"), (1, 0, 0, 0))


def _facts(page: GlossaryPage) -> Table:
    d = page.definition
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("Formula", page.formula)
    grid.add_row("", Text(page.formula_note, style="dim"))
    unit = d["unit"] + f" · {DIRECTION[d['direction']]}"
    if d["type"] == "ratio" and d["min_base"]:
        den = page.measures.get(d["denominator"], {}).get("label", d["denominator"])
        unit += f" · too thin to read below {d['min_base']:,} {den.lower()}"
    grid.add_row("Unit", unit)
    if d["type"] == "ratio" and d["interval"] != "none":
        grid.add_row("Interval", {"wilson": "Wilson score interval (a rate of counts)",
                                  "delta": "delta method (a cost ratio)"}[d["interval"]])
    grid.add_row("Filters", " AND ".join(page.effective_filters) or "none: every row counts")
    if d.get("attribution_window"):
        grid.add_row("Attribution", f"{d['attribution_model'].replace('_', ' ')}, {d['attribution_window']} window")
    review = d["review_cadence"]
    if d.get("last_reviewed"):
        review += f", last reviewed {d['last_reviewed']}"
        if page.next_review:
            review += f", next by {page.next_review.isoformat()}"
    grid.add_row("Owner", f"{d['owner']} · reviewed {review}")
    if d.get("aliases"):
        grid.add_row("Also called", ", ".join(d["aliases"]))
    if page.inputs:
        grid.add_row("Built from", ", ".join(page.inputs))
    return grid


def _section(title: str, body: RenderableType) -> RenderableType:
    return Group(Text(""), Text(title, style="bold"), Padding(body, (0, 0, 0, 2)))


def _bullets(items: list[str]) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    for item in items:
        grid.add_row("•", item)
    return grid


def _sources(page: GlossaryPage) -> Table:
    platforms = sorted({p for fields in page.source_fields.values() for p in fields})
    table = Table(header_style="bold", show_edge=False, pad_edge=False)
    table.add_column("platform")
    names = list(page.source_fields)
    for n in names:
        table.add_column(page.measures.get(n, {}).get("label", n))
    for p in platforms:
        table.add_row(platform_label(p, p), *(page.source_fields[n].get(p, NO_VALUE) for n in names))
    return table


def _live(page: GlossaryPage) -> Iterable[RenderableType]:
    live = page.live
    assert live is not None
    d = page.definition
    prev = live.previous_period
    title = f"Live figures: {live.period['label']} ({live.period['start']} to {live.period['end']})"
    if prev:
        title += f", against {prev['label']}"
    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column("scope")
    table.add_column(page.label, justify="right")
    if prev:
        table.add_column(f"{page.label} before", justify="right")
        table.add_column("change", justify="right")
    bases = list(page.measures)
    for n in bases:
        table.add_column(page.measures[n]["label"], justify="right")

    def value(v: float | None) -> str:
        return format_number(v, d["unit"], d["display"]["decimals"], prefix=d["display"]["prefix"],
                             suffix=d["display"]["suffix"], currency=live.currency)

    for cell in [live.total, *live.platforms]:
        scope = "all platforms" if cell.platform is None else platform_label(cell.platform, cell.platform)
        row: list[Any] = [Text(scope, style="bold" if cell.platform is None else "")]
        shown = Text(value(cell.value))
        if cell.thin:
            shown.append(" (thin)", style="yellow")
        row.append(shown)
        if prev:
            row.append(value(cell.previous_value))
            row.append(_change(cell, d))
        for n in bases:
            info = page.measures[n]
            row.append(format_number(cell.measures.get(n), info["unit"], info["decimals"], currency=live.currency))
        table.add_row(*row)
    yield Text("")
    yield table
    notes = []
    if any(c.thin for c in [live.total, *live.platforms]):
        notes.append(f"(thin): fewer than {d['min_base']:,} in the denominator; read with care.")
    notes.append("Every ratio is the ratio of the summed columns shown beside it.")
    if live.recorded_version:
        notes.append(f"Definition version {page.version} recorded in the workspace.")
    yield Text(" ".join(notes), style="dim")


def _change(cell: Cell, d: dict[str, Any]) -> Text:
    if cell.change_pct is None:
        return Text(NO_VALUE, style="dim")
    text = f"{cell.change_pct * 100:+.1f} %".replace("-", "−")
    if d["direction"] == "neutral" or abs(cell.change_pct) < 0.0005:
        return Text(text)
    better = (cell.change_pct > 0) == (d["direction"] == "higher_is_better")
    return Text(text, style="green" if better else "red")


@renders(ValidationReport)
def render_validation(report: ValidationReport) -> Iterable[RenderableType]:
    where = report.file or "built-in catalogue"
    if not report.exists and report.file:
        yield Text(f"{where}: no such file; the built-in catalogue alone is in use.", style="dim")
    if report.problems:
        table = Table(header_style="bold")
        for col in ("", "line", "key", "entry", "problem", "hint"):
            table.add_column(col, overflow="fold")
        for p in report.problems:
            mark = Text("error", style="red bold") if p.severity == "error" else Text("warning", style="yellow")
            table.add_row(mark, str(p.line or ""), p.key or "", p.entry or "", p.message, p.hint or "")
        yield table
    verdict = Text(f"{where}: ", style="bold")
    if report.ok:
        verdict.append("valid", style="green bold")
    else:
        verdict.append(f"{report.errors} error{'s' if report.errors != 1 else ''}", style="red bold")
    if report.warnings:
        verdict.append(f", {report.warnings} warning{'s' if report.warnings != 1 else ''}", style="yellow")
    yield verdict
    changes = []
    if report.metrics:
        changes.append(f"defines {', '.join(report.metrics)}")
    if report.overridden:
        changes.append(f"overrides {', '.join(report.overridden)}")
    if report.replaced:
        changes.append(f"replaces {', '.join(report.replaced)}")
    if changes:
        yield Text("; ".join(changes) + f" ({report.catalogue_size} metrics in the catalogue).", style="dim")
    if report.versions:
        yield Text("Versions: " + ", ".join(f"{k} {v}" for k, v in report.versions.items()), style="dim")


@renders(DefinitionDrift)
def render_drift(result: DefinitionDrift) -> Iterable[RenderableType]:
    if not result.drifted:
        yield Text(f"No definition changed since the workspace last computed it "
                   f"({len(result.unchanged)} unchanged, {len(result.never_seen)} never computed).")
        return
    table = Table(title="Definitions changed since last computed", title_justify="left", header_style="bold")
    for col in ("metric", "now", "last computed as", "since", "versions seen"):
        table.add_column(col)
    for d in result.drifted:
        table.add_row(d.metric, d.current_version, d.last_seen_version, d.last_seen_first.date().isoformat(),
                      str(d.versions_seen))
    yield table
    yield Text("Figures from reports before the change are not comparable without saying so.", style="dim")
