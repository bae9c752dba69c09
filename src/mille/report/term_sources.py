"""Terminal views of ingest results: what was read, what it replaced, what to look at."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from mille.report.render import WIDE, Fitted, line_width, renders
from mille.sources.summary import IngestSummary, SourceRemoved, SourcesList


def _money(spend: dict[str, float]) -> str:
    return "; ".join(f"{code} {value:,.2f}" for code, value in sorted(spend.items())) or "—"


def _days(a: object, b: object) -> str:
    if a is None:
        return "—"
    return str(a) if a == b else f"{a} → {b}"


@renders(IngestSummary)
def ingest_summary(result: IngestSummary) -> Iterable[RenderableType]:
    table = Table(title="Ingest", header_style="bold", show_lines=False)
    for name, justify in (("file", "left"), ("format", "left"), ("status", "left"), ("level", "left"),
                          ("rows", "right"), ("days", "left"), ("spend", "right"),
                          (f"spend {result.reporting_currency}", "right"), ("warnings", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for f in result.files:
        status = f.status if not f.reason or f.status == "ingested" else f"{f.status}: {f.reason}"
        table.add_row(
            f.source_relation, (f.format or "—") + (f" ({f.language})" if f.language else ""), status,
            f.level or "—", f"{f.rows:,}", _days(f.date_min, f.date_max), _money(f.spend),
            "—" if f.spend_reporting is None else f"{f.spend_reporting:,.2f}", str(len(f.warnings)),
        )
    yield table
    ingested = len(result.ingested)
    yield Text(
        f"{ingested} file(s) ingested, {len(result.skipped)} skipped; {result.rows_written:,} rows written; "
        f"spend {result.spend_reporting:,.2f} {result.reporting_currency}."
    )
    for c in result.changes:
        what = {
            "replaced": f"Replaced {c.rows:,} rows of {c.other_source}",
            "superseded": f"Superseded {c.rows:,} {c.level} rows of {c.other_source} (kept for the audit, not counted)",
            "excluded": f"Kept {c.rows:,} breakdown rows of {c.source_relation} out of the figures "
                        f"({c.other_source} already covers those days)",
        }.get(c.action, c.action)
        account = f", account {c.account}" if c.account else ""
        tail = "" if c.action == "excluded" else f" with {c.source_relation}"
        yield Text(f"• {what}{tail}: {c.platform}{account}, {c.date_min} → {c.date_max} "
                   f"(spend {c.spend:,.2f}).", style="yellow")
    if result.naming is not None:
        n = result.naming
        line = (f"Naming convention {n.pattern}: {n.matched} of {n.names} {n.applies_to} values match")
        if n.unmatched:
            shown = ", ".join(n.unmatched[:8]) + (" …" if len(n.unmatched) > 8 else "")
            line += f"; {len(n.unmatched)} do not ({n.unmatched_rows:,} rows, kept): {shown}"
        yield Text(line + ".")
    dropped = sum(f.duplicates_dropped for f in result.files)
    if dropped:
        yield Text(f"{dropped:,} exact duplicate row(s) dropped (--drop-exact-duplicates): one copy of each kept.",
                   style="yellow")
    for f in result.files:
        for w in f.warnings:
            yield Text(f"! {f.source_relation}: {w}", style="yellow")
        for note in f.notes:
            yield Text(f"· {f.source_relation}: {note}")


@renders(SourcesList)
def sources_list(result: SourcesList) -> Iterable[RenderableType]:
    if not result.sources:
        yield Text("Nothing ingested yet: run `mille ingest FILES…`.")
        return
    yield Fitted(lambda level, width: [_sources_table(result, level, width)], levels=len(_SOURCE_DROPS) + 1, names=2)
    yield Text("`mille sources remove INGEST` drops one ingest (the id in the first column).", style="dim")


# Columns given up, in order, when the table does not fit; the ingest id, days, rows and
# reporting-currency spend always stay (the id is what `mille sources remove` takes).
_SOURCE_DROPS = (("spend", "ingested"), ("level",), ("platform",), ("account",))


def _sources_table(result: SourcesList, level: int, name_width: int | None) -> Table:
    from rich import box

    dropped = {c for group in _SOURCE_DROPS[:level] for c in group}
    table = Table(title="Sources held", header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False,
                  collapse_padding=True)
    columns = [(n, j) for n, j in (("ingest", "left"), ("file", "left"), ("platform", "left"), ("account", "left"),
               ("level", "left"), ("days", "left"), ("rows", "right"), ("spend", "right"),
               (f"spend {result.reporting_currency}", "right"), ("ingested", "left")) if n not in dropped]
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=True, overflow="ellipsis",  # type: ignore[arg-type]
                         max_width=name_width if name in ("file", "account") else None)
    for s in result.sources:
        rows = f"{s.rows_counted:,}" + (f" (+{s.rows_held - s.rows_counted:,} superseded)"
                                        if s.rows_held > s.rows_counted else "")
        days = _days(s.date_min, s.date_max)
        values = {"ingest": s.ingest_id, "file": s.source_relation, "platform": s.platform or "—",
                  "account": s.accounts or "—", "level": s.level or "—",
                  "days": days.replace(" → ", " →\n") if level >= 2 else days, "rows": rows,
                  "spend": _money(s.spend), f"spend {result.reporting_currency}": f"{s.spend_reporting:,.2f}",
                  "ingested": s.ingested_at.isoformat(sep=" ", timespec="minutes")}
        table.add_row(*(values[n] for n, _ in columns))
    for column in table.columns:
        if WIDE.get():
            column.max_width = None
        elif column.max_width is None:  # ids, days and figures are never cut: as wide as their widest line
            column.min_width = max((line_width(c) for c in column.cells), default=0) or None
    return table


@renders(SourceRemoved)
def source_removed(result: SourceRemoved) -> Iterable[RenderableType]:
    yield Text(f"Removed {result.source_relation} ({result.ingest_id}): {result.rows_removed:,} rows; "
               f"{result.rows_restored:,} older rows it had superseded count again.")
    for c in result.not_restorable:
        yield Text(f"• It had replaced {c.rows:,} rows of {c.other_source} ({c.date_min} → {c.date_max}); "
                   f"to get them back, remove {c.other_ingest_id} too and ingest {c.other_source} again.",
                   style="yellow")
