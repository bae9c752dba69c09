"""Fetching a report's numbers from the engine: sums per (day, segment), nothing else.

Every query goes through :class:`mille.metrics.MetricQuery` at grain ``day`` so the metric
definitions (measures, filters) apply exactly as everywhere else; the report groups those day
sums itself. Rows that cover several days (weekly or monthly exports) follow the metric core's
rule — a row counts only where its whole span lies inside — and are fetched per period.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from mille.analysis.cellstats import EPOCH, DayRows, day_rows
from mille.metrics import MetricQuery
from mille.metrics.query import BUCKET
from mille.periods import Period
from mille.workspace import Workspace


def held(ws: Workspace, t) -> tuple[date | None, date | None, int]:
    """First day held, the anchor (the last day held, as :meth:`Workspace.anchor_date`) and how
    many rows span several days.

    Minima and maxima come from the engine's column statistics without a scan; only when some
    rows are not daily (granularity other than ``day``) are the multi-day rows counted.
    """
    row = ws.engine.to_arrow(t.aggregate(
        first=t.date_day.min(), anchor=t.period_end.max(),
        gmin=t.granularity.min(), gmax=t.granularity.max(),
    )).to_pylist()[0]
    multi = 0
    if row["anchor"] is not None and not (row["gmin"] == row["gmax"] == "day"):
        multi = int(ws.engine.scalar(t.filter(t.date_day != t.period_end).count()))
    return row["first"], row["anchor"], multi


def fetch(
    ws: Workspace, t, query: MetricQuery, parts: list[Period], n_multi: int
) -> tuple[DayRows, list[np.ndarray]]:
    """Day-level sums for every period in ``parts``, and for each part which rows belong to it."""
    import ibis

    t = t.select(*columns_needed(query))  # fewer columns: a much cheaper Ibis compile
    lo, hi = min(p.start for p in parts), max(p.end for p in parts)
    # The plain range first: engines skip whole blocks of rows outside it from their statistics
    # (an OR of ranges defeats that); then the exact days of each part; daily rows only.
    keep = (t.date_day >= lo) & (t.date_day <= hi) & (t.date_day == t.period_end)
    if len(parts) > 1:
        keep &= ibis.or_(*[(t.date_day >= p.start) & (t.date_day <= p.end) for p in parts])
    daily = t.filter(keep)
    tables = [ws.engine.to_arrow(query.to_ibis(daily))]
    # Rows spanning several days need the metric core's whole-span rule per part: ask for them
    # separately (only when the workspace has any), never in one UNION — DuckDB 1.5 can stall on
    # a UNION ALL of differently filtered aggregations of the same table.
    if n_multi:
        multi = t.filter(t.date_day != t.period_end)
        for p in parts:
            q = MetricQuery(
                query.catalogue, query.metrics, by=query.by, filter=query.filter, period=p,
                grain="day", extra_measures=query.extra_measures, attributed=query.attributed,
                name_keyed=query.name_keyed,
            )
            tables.append(ws.engine.to_arrow(q.to_ibis(multi)))
    rows, origin = day_rows(tables, query.by, [m.name for m in query.measures], BUCKET)
    members = []
    for k, p in enumerate(parts):
        start = (np.datetime64(p.start, "D") - EPOCH).astype(np.int64)
        end = (np.datetime64(p.end, "D") - EPOCH).astype(np.int64)
        mask = (origin == 0) & (rows.day >= start) & (rows.day <= end)
        members.append(mask | (origin == k + 1))
    rows.multi_day_rows = n_multi if bool((origin > 0).any()) else 0
    return rows, members


def columns_needed(query: MetricQuery) -> list[str]:
    """The columns of ad_performance a query reads: days, its dimensions, its measures' columns
    and every column its filters (the measures', the metrics', the user's) mention."""
    from sqlglot import exp

    from mille.metrics import parse_filter
    from mille.metrics.identity import ID_NAMES
    from mille.schema import AD_PERFORMANCE

    # an id keyed by name where missing reads the name too
    cols = ["date_day", "period_end", *query.by, *(ID_NAMES[c] for c in query.name_keyed)]
    texts = [*query.filters_of_metrics(), *([query.filter] if query.filter else [])]
    for m in query.measures:
        if m.table != "ad_performance":  # credited CRM values: filtered before they join the ad rows
            continue
        if m.column:
            cols.append(m.column)
        if m.filter:
            texts.append(m.filter)
    for text in texts:
        cols.extend(c.name for c in parse_filter(text, AD_PERFORMANCE).find_all(exp.Column))
    crm = [m.name for m in query.crm_measures] if query.attributed else []  # credited CRM values
    return [c for c in dict.fromkeys(cols) if AD_PERFORMANCE.has(c)] + crm


def project(fine: DayRows, k: int) -> tuple[DayRows, np.ndarray]:
    """The day rows at the report's own dimensions (the first ``k`` of the query's), and the
    display code of every fine segment."""
    if fine.segments and len(fine.segments[0]) == k:
        return fine, np.arange(len(fine.segments))
    codes: dict[tuple, int] = {}
    to_display = np.array([codes.setdefault(s[:k], len(codes)) for s in fine.segments], dtype=np.int64)
    rows = DayRows(
        fine.day, to_display[fine.segment] if fine.size else fine.segment, list(codes),
        fine.measures, fine.multi_day_rows,
    )
    return rows, to_display
