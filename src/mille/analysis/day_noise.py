"""Day-level intervals for ``explain``: the same replication unit as ``mille report``.

The root-cause search judges segments against a noise model fitted across leaves, which is what
the public benchmarks (no days, one number per leaf and period) allow. A workspace has days, and
"would this move again if the same days were run again?" is best answered from them: the
headline's and each cause's before/after intervals come from per-day sums with the methods of
:mod:`mille.analysis.intervals` (overdispersion-aware Wilson for rates of counts, the log-scale
delta method for cost ratios), and the change's interval from MOVER. So ``mille report`` and
``mille explain`` give one answer to "is this change noise?".

One grouped query over the rows :func:`~mille.analysis.comparison.compare` selects (same
filters, same periods): rows of the two periods, grouped by day and period, with one conditional
numerator/denominator sum per cell (the total, then each cause's segment).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mille.analysis.comparison import measure_value, select_rows
from mille.analysis.intervals import is_noise, mover, rate_interval, ratio_interval
from mille.analysis.leaves import MISSING
from mille.metrics import Catalogue, Metric
from mille.periods import Period

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from mille.engine import Engine
    from mille.schema import Table

Interval = tuple[float, float] | None


@dataclass
class DayIntervals:
    """Per cell (0 = the total, then the segments asked for), in metric units."""

    before: list[Interval]
    after: list[Interval]
    change: list[Interval]
    noise: list[bool | None]  # the change's interval contains zero; None when unknown


def day_intervals(
    engine: Engine,
    t: ir.Table,
    table: Table,
    catalogue: Catalogue,
    metric: Metric,
    before: Period,
    after: Period,
    *,
    numerator: str,
    denominator: str,
    filter: str | None,
    segments: list[dict[str, str]],
    proportion: bool,
    confidence: float = 0.95,
) -> DayIntervals:
    import ibis

    t, in0, in1 = select_rows(t, table, catalogue, metric, before, after, filter=filter)
    t = t.filter(in0 | in1).mutate(_period=ibis.ifelse(in0, 0, 1))
    num_value, num_keep = measure_value(catalogue, numerator, t, table)
    den_value, den_keep = measure_value(catalogue, denominator, t, table)
    conditions = [ibis.literal(True), *(_segment(t, s) for s in segments)]
    aggs: dict[str, Any] = {}
    for c, cond in enumerate(conditions):
        aggs[f"n{c}"] = ibis.ifelse(cond & num_keep, num_value, 0).sum().fill_null(0)
        aggs[f"d{c}"] = ibis.ifelse(cond & den_keep, den_value, 0).sum().fill_null(0)
    sums = engine.to_arrow(t.group_by(["_period", "date_day"]).aggregate(**aggs))
    period = np.asarray(sums.column("_period").to_numpy(zero_copy_only=False))
    n_cells = len(conditions)
    lows, highs, values = [], [], []
    for p in (0, 1):
        rows = period == p
        num = np.column_stack([_floats(sums, f"n{c}")[rows] for c in range(n_cells)])
        den = np.column_stack([_floats(sums, f"d{c}")[rows] for c in range(n_cells)])
        cell = np.tile(np.arange(n_cells), num.shape[0])
        flat_num, flat_den = num.reshape(-1), den.reshape(-1)
        if proportion:
            low, high, _ = rate_interval(cell, flat_num, flat_den, n_cells, confidence)
        else:
            low, high, _ = ratio_interval(cell, flat_num, flat_den, n_cells, confidence)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = num.sum(axis=0) / den.sum(axis=0)
        scale = metric.multiplier
        lows.append(scale * low)
        highs.append(scale * high)
        values.append(scale * value)
    change_low, change_high = mover(values[1], lows[1], highs[1], values[0], lows[0], highs[0])
    noise = is_noise(change_low, change_high)
    return DayIntervals(
        before=[_pair(lows[0][c], highs[0][c]) for c in range(n_cells)],
        after=[_pair(lows[1][c], highs[1][c]) for c in range(n_cells)],
        change=[_pair(change_low[c], change_high[c]) for c in range(n_cells)],
        noise=[None if not np.isfinite(x) else bool(x) for x in noise],
    )


def _segment(t: ir.Table, segment: dict[str, str]) -> ir.BooleanValue:
    import ibis

    cond = ibis.literal(True)
    for dim, value in segment.items():
        cond = cond & (t[dim].isnull() if value == MISSING else t[dim].cast("string") == value)
    return cond


def _floats(sums: Any, name: str) -> np.ndarray:
    return np.asarray(sums.column(name).to_numpy(zero_copy_only=False), dtype="float64")


def _pair(low: float, high: float) -> Interval:
    return (float(low), float(high)) if np.isfinite(low) and np.isfinite(high) else None
