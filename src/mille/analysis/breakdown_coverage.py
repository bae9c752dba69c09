"""Cells whose ratio has no base: the exports behind them never had the column.

An export saved without its Clicks or Impressions column loads those cells NULL (see
``coverage.absent_measures`` in the audit). A sum over NULLs reads as nothing, so CPC or CTR in
such a cell would be a bare dash — or, worse, a ratio over a zero that is not a zero. Here the
report asks the engine, only when some row in scope lacks a base measure, which segments have no
value at all for it; their ratio cells are emptied and flagged ``absent:<measure>``, which every
renderer prints as "no clicks in these exports". Segments that are only partly covered get a note
with the spend whose export lacks the column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mille.metrics import MetricQuery
from mille.metrics.filters import compile_filter
from mille.metrics.identity import keyed
from mille.periods import Period
from mille.schema import TABLES
from mille.workspace import Workspace


@dataclass
class Coverage:
    """Which base measures each segment lacks entirely, and the spend of partly covered ones."""

    absent: dict[tuple, set[str]] = field(default_factory=dict)  # segment → columns with no value
    everywhere: set[str] = field(default_factory=set)  # columns no row in scope has
    spend_without: dict[str, float] = field(default_factory=dict)  # column → spend lacking it

    def __bool__(self) -> bool:
        return bool(self.absent or self.everywhere or self.spend_without)


def base_columns(query: MetricQuery) -> dict[str, str]:
    """measure name → column, for the ad-row numerators and denominators of the ratio metrics."""
    out: dict[str, str] = {}
    for m in query.metrics:
        if m.type != "ratio":
            continue
        for name in (m.numerator, m.denominator):
            measure = query.catalogue.measures.get(name or "")
            if measure is not None and measure.table == "ad_performance" and measure.column and measure.agg == "sum":
                out[measure.name] = measure.column
    return out


def coverage(ws: Workspace, t: Any, query: MetricQuery, period: Period, dims: list[str]) -> Coverage:
    """One cheap check of the period's rows, and the per-segment query only when it finds a gap."""
    columns = sorted(set(base_columns(query).values()) - {"spend"})
    if not columns:
        return Coverage()
    rows = t.filter((t.date_day >= period.start) & (t.period_end <= period.end))
    for text in [*query.filters_of_metrics(), *([query.filter] if query.filter else [])]:
        rows = rows.filter(compile_filter(text, rows, TABLES["ad_performance"]))
    gaps = ws.engine.to_arrow(rows.aggregate(**{c: rows[c].isnull().cast("int64").sum() for c in columns}))
    lacking = [c for c in columns if (gaps.column(c)[0].as_py() or 0) > 0]
    if not lacking:
        return Coverage()
    rows = keyed(rows, query.name_keyed)  # the same segment keys as the report's cells
    spend = rows.spend_reporting.fill_null(rows.spend)
    aggs = {f"n_{c}": rows[c].count() for c in lacking}
    aggs |= {f"without_{c}": spend.sum(where=rows[c].isnull()) for c in lacking}
    expr = rows.group_by(dims).aggregate(**aggs) if dims else rows.aggregate(**aggs)
    table = ws.engine.to_arrow(expr).to_pylist()
    out = Coverage()
    for c in lacking:
        out.spend_without[c] = sum(float(r[f"without_{c}"] or 0.0) for r in table)
        if all(int(r[f"n_{c}"]) == 0 for r in table):
            out.everywhere.add(c)
    for r in table:
        seg = tuple(r[d] for d in dims)
        missing = {c for c in lacking if int(r[f"n_{c}"]) == 0}
        if missing:
            out.absent[seg] = missing
    return out


def mark(cells: list[dict], total: dict, query: MetricQuery, dims: list[str], cov: Coverage) -> None:
    """Empty and flag the ratio cells whose base measure no export behind them has."""
    if not cov:
        return
    columns = base_columns(query)
    for cell in [*cells, total]:
        if cell["kind"] == "segment":
            seg = tuple(cell["segment"].get(d) for d in dims)
            missing = cov.absent.get(seg, set())
        else:
            missing = cov.everywhere
        if not missing:
            continue
        for m in query.metrics:
            bases = [columns.get(m.numerator or ""), columns.get(m.denominator or "")]
            gone = [c for c in bases if c in missing]
            if m.type != "ratio" or not gone:
                continue
            estimate = cell["metrics"][m.name]["current"]
            estimate.update(value=None, low=None, high=None)
            estimate["flags"] = [*estimate.get("flags", []), *(f"absent:{c}" for c in gone)]


def notes(cov: Coverage, query: MetricQuery, currency: str) -> list[str]:
    columns = base_columns(query)
    out = []
    for column, spend in sorted(cov.spend_without.items()):
        if column in cov.everywhere or spend <= 0:
            continue
        ratios = [m.label for m in query.metrics if m.type == "ratio"
                  and column in (columns.get(m.numerator or ""), columns.get(m.denominator or ""))]
        out.append(f"{spend:,.2f} {currency} of spend comes from exports with no {column} column: segments "
                   f"without {column} show \"no {column} in these exports\", and the blended "
                   f"{', '.join(ratios)} include that spend (see `mille audit --check coverage`).")
    return out


def absent_text(flags: list[str]) -> str | None:
    """What a renderer prints for an emptied ratio: "no clicks in these exports"."""
    gone = [f.split(":", 1)[1] for f in flags if f.startswith("absent:")]
    return f"no {' or '.join(gone)} in these exports" if gone else None
