"""Day-level sums → per-cell sums, ratios, intervals and flags, for any grouping of segments.

A report fetches one table of sums per (day, segment) from the engine and does everything else
here with numpy: cells, the "other" group, the total row and the buckets of a series are all the
same computation over a different grouping code, so their numerators and denominators add up by
construction and their intervals come from the same per-day observations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from mille.analysis import intervals
from mille.metrics import Metric, MetricQuery

EPOCH = np.datetime64("1970-01-01", "D")


@dataclass
class DayRows:
    """Sums per (day, segment): one element per row of the engine's day-level result."""

    day: np.ndarray  # int64 days since 1970-01-01
    segment: np.ndarray  # int64 code into ``segments``
    segments: list[tuple[str | None, ...]]  # dimension values of each code
    measures: dict[str, np.ndarray]  # float64 sums
    multi_day_rows: int = 0  # rows of weekly/monthly exports in scope (fetched per period)

    @property
    def size(self) -> int:
        return int(self.day.shape[0])

    def take(self, mask: np.ndarray) -> DayRows:
        return DayRows(
            self.day[mask], self.segment[mask], self.segments,
            {k: v[mask] for k, v in self.measures.items()}, self.multi_day_rows,
        )


def day_rows(tables: list[pa.Table], dims: list[str], measures: list[str], day_column: str) -> tuple[DayRows, np.ndarray]:
    """Concatenate the engine's day-level results; returns the rows and which table each came from."""
    parts = [t for t in tables if t.num_rows]
    origin = np.concatenate(
        [np.full(t.num_rows, i, dtype=np.int64) for i, t in enumerate(tables) if t.num_rows]
        or [np.empty(0, dtype=np.int64)]
    )
    if not parts:
        empty = np.empty(0)
        return DayRows(empty.astype(np.int64), empty.astype(np.int64), [], {m: empty for m in measures}), origin
    table = pa.concat_tables([t.select([day_column, *dims, *measures]) for t in parts], promote_options="permissive")
    days = table.column(day_column).to_numpy().astype("datetime64[D]")
    day = (days - EPOCH).astype(np.int64)
    if dims:
        codes, labels = [], []
        for d in dims:
            enc = table.column(d).combine_chunks().dictionary_encode()
            values = enc.dictionary.to_pylist()
            # Nulls (rows without that breakdown) get their own code after the real values.
            idx = enc.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)
            codes.append(idx.astype(np.int64))
            labels.append([*values, None])
        sizes = [len(lab) for lab in labels]
        if float(np.prod(sizes, dtype="float64")) < 2**62:
            flat = np.ravel_multi_index(codes, sizes) if len(codes) > 1 else codes[0]
            uniq_flat, segment = compact(flat)
            uniq = np.stack(np.unravel_index(uniq_flat, sizes), axis=1) if len(codes) > 1 else uniq_flat[:, None]
        else:  # astronomically many combinations: sort the tuples instead
            uniq, segment = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
        segments = [tuple(labels[j][int(c)] for j, c in enumerate(row)) for row in uniq]
        segment = segment.reshape(-1).astype(np.int64)
    else:
        segment = np.zeros(table.num_rows, dtype=np.int64)
        segments = [()]
    # A NULL sum (every row of a day and segment lacks the measure: an export without that
    # column) adds nothing; which cells have no base at all is the report's coverage check.
    sums = {
        m: np.nan_to_num(np.asarray(table.column(m).to_numpy(zero_copy_only=False), dtype="float64"), nan=0.0)
        for m in measures
    }
    return DayRows(day, segment, segments, sums), origin


DENSE_LIMIT = 1 << 24


def compact(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for non-negative integer keys, without sorting
    when their range is small enough for a presence table (the usual case: days × segments)."""
    key = np.asarray(key, dtype=np.int64)
    if key.size == 0:
        return key, key
    top = int(key.max()) + 1
    if top > DENSE_LIMIT and top > 8 * key.size:
        uniq, inverse = np.unique(key, return_inverse=True)
        return uniq, inverse.reshape(-1)
    present = np.zeros(top, dtype=bool)
    present[key] = True
    position = np.cumsum(present) - 1
    return np.flatnonzero(present), position[key]


@dataclass
class Estimates:
    """One metric over every group of a grouping (arrays of length ``n_groups``)."""

    value: np.ndarray
    low: np.ndarray
    high: np.ndarray
    numerator: np.ndarray | None
    denominator: np.ndarray | None
    small_base: np.ndarray  # bool
    days: np.ndarray  # observations the interval rests on
    variance: np.ndarray | None = None  # per unit of ratio, before the multiplier (delta method)
    dispersion: np.ndarray | None = None  # φ (Wilson)


@dataclass
class GroupStats:
    """Sums and metric estimates for every group of one grouping of the day rows."""

    n: int
    sums: dict[str, np.ndarray]
    days: np.ndarray
    estimates: dict[str, Estimates] = field(default_factory=dict)
    # per (group, day) sums, kept for shrinkage and the mix check
    cell_of_day: np.ndarray | None = None
    day_sums: dict[str, np.ndarray] | None = None


def group_stats(
    rows: DayRows,
    group: np.ndarray,
    n_groups: int,
    query: MetricQuery,
    thresholds: dict[str, float],
    confidence: float,
) -> GroupStats:
    """Aggregate ``rows`` by ``group`` (one code per row; −1 drops the row) and estimate every
    metric of ``query`` per group."""
    keep = group >= 0
    g, day = group[keep], rows.day[keep]
    # Sum to one observation per (group, day) first: a group of several segments has several
    # rows per day, and the day is the unit the intervals resample.
    if g.size:
        day0 = int(day.min())
        span = int(day.max()) - day0 + 1
        uniq, inverse = compact(g * span + (day - day0))
        cell = (uniq // span).astype(np.int64)
    else:
        inverse = np.empty(0, dtype=np.int64)
        uniq = np.empty(0, dtype=np.int64)
        cell = np.empty(0, dtype=np.int64)
    day_sums = {m: np.bincount(inverse, v[keep], len(uniq)) for m, v in rows.measures.items()}
    sums = {m: np.bincount(cell, v, n_groups) for m, v in day_sums.items()}
    active = np.zeros(len(uniq), dtype=bool)
    for v in day_sums.values():
        active |= v != 0
    days = np.bincount(cell, active.astype("float64"), n_groups)
    stats = GroupStats(n_groups, sums, days, cell_of_day=cell, day_sums=day_sums)
    table = pa.table({m: pa.array(v) for m, v in sums.items()})
    values = query.evaluate(table)
    for metric in query.metrics:
        stats.estimates[metric.name] = _estimate(
            metric, values[metric.name], sums, day_sums, cell, n_groups, days,
            thresholds.get(metric.name, 0.0), confidence,
        )
    return stats


def _estimate(
    metric: Metric,
    value: np.ndarray,
    sums: dict[str, np.ndarray],
    day_sums: dict[str, np.ndarray],
    cell: np.ndarray,
    n: int,
    days: np.ndarray,
    threshold: float,
    confidence: float,
) -> Estimates:
    nan = np.full(n, np.nan)
    if metric.type != "ratio":
        return Estimates(value, nan, nan.copy(), None, None, np.zeros(n, dtype=bool), days)
    num_name, den_name = metric.numerator, metric.denominator
    num, den = sums[num_name], sums[den_name]  # type: ignore[index]
    dnum, dden = day_sums[num_name], day_sums[den_name]  # type: ignore[index]
    small = den < threshold
    method = metric.interval
    est = Estimates(value, nan, nan.copy(), num, den, small, days)
    if method == "none":
        return est
    with np.errstate(divide="ignore", invalid="ignore"):
        p = num / den
    delta_low, delta_high, var = intervals.ratio_interval(cell, dnum, dden, n, confidence)
    est.variance = var
    low, high = delta_low, delta_high
    if method == "wilson":
        # A "rate" above 1 (view-through conversions per click) is no proportion: such cells
        # keep the delta interval.
        w_low, w_high, phi = intervals.rate_interval(cell, dnum, dden, n, confidence)
        proportion = (p >= 0) & (p <= 1)
        low = np.where(proportion, w_low, delta_low)
        high = np.where(proportion, w_high, delta_high)
        est.dispersion = phi
    est.low = metric.multiplier * low
    est.high = metric.multiplier * high
    return est
