"""``mille report``: metrics broken down by segment, with intervals, flags and honest totals.

    from mille.analysis.breakdown import report
    result = report(ws)                                    # headline metrics by platform,
                                                           # last complete month vs the one before
    result = report(ws, "cpm,ctr", by="platform,country", grain="month", top=10)

How it computes (one grouped engine query, then numpy):

1. The engine sums every measure the metrics need per (day, segment) over the days of the period,
   the comparison period and the series' span (:class:`mille.metrics.MetricQuery` at grain
   ``day``). Rows covering several days (weekly or monthly exports) are fetched per period with
   the metric core's own rule — a row counts only where its whole span lies inside.
2. numpy groups those day sums into cells, the "other" tail, the total row and the series'
   buckets (:mod:`mille.analysis.cellstats`): ratios of sums, base counts, intervals from the
   day-to-day variation (:mod:`mille.analysis.intervals`), small-base flags.
3. Changes get a MOVER interval (noise when it spans 0); segments get an empirical-Bayes
   estimate for ranking (:mod:`mille.analysis.shrinkage`); each ratio's blended change is checked
   for mix and Simpson's paradox (:mod:`mille.analysis.paradox`).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from mille.analysis import (
    breakdown_coverage,
    breakdown_identity,
    breakdown_periods,
    breakdown_series,
    shrinkage,
)
from mille.analysis.attributed_rows import reads_crm, with_credits
from mille.analysis.breakdown_build import Assembler
from mille.analysis.breakdown_query import columns_needed, fetch, held, project
from mille.analysis.breakdown_result import Breakdown
from mille.analysis.cellstats import DayRows, GroupStats, group_stats
from mille.analysis.metric_versions import can_record, record_versions
from mille.analysis.pipeline import pipeline_notes
from mille.config import ReportConfig
from mille.errors import QueryError
from mille.metrics import Metric, MetricQuery, load_catalogue
from mille.metrics.identity import expand, keyed_ids
from mille.periods import GRAINS, Period, comparison, last_complete_month, parse_as_of, parse_period
from mille.workspace import Workspace

DEFAULT_BY = ("platform",)
# Dimensions the mix check looks through beneath the report's own: a platform's CPM can move
# only because its budget moved between search and display.
MIX_DETAIL = ("network",)
BASE_MEASURES = ("spend", "impressions", "clicks")
# Which workspace threshold (mille.yaml → report) guards a ratio, by its denominator measure.
THRESHOLD_KEYS = {
    "impressions": "min_impressions",
    "clicks": "min_clicks",
    "clicks_all": "min_clicks",
    "conversions": "min_conversions",
    "leads": "min_conversions",
}
ALL_DAYS = date(1, 1, 1)


def report(
    ws: Workspace,
    metrics: str | list[str] | None = None,
    *,
    by: str | list[str] | None = None,
    grain: str | None = None,
    period: str | None = None,
    compare: str | None = "previous",
    filter: str | None = None,
    top: int | None = None,
    benchmarks: bool = False,
    rank_by: str | None = None,
    record: bool = False,
    as_of: str | date | None = None,
    across_platforms: bool = False,
) -> Breakdown:
    """The breakdown of ``metrics`` (default: the catalogue's headline metrics) by ``by``
    (default: platform) over ``period`` (default: the last complete month before the last day
    held) against ``compare`` (``previous``, ``year``, ``none`` or a period).

    ``grain`` adds a series over time: the buckets of ``period`` when given, else of every day
    held up to the end of the period. ``top`` keeps the N segments with the most spend (or the N
    best by the shrunk value of ``rank_by``) and groups the rest as "other". ``record`` writes
    the metrics' definition versions into the workspace (``metric_versions``), as the CLI does.

    ``by`` may name entities: ``campaign``, ``ad_group``, ``ad`` group by platform + account + id
    and are labelled by their latest name; a name (``campaign_name``) groups within a platform
    unless ``across_platforms``. Relative periods count back from ``as_of`` (default: the last
    day of data); the result states it, and notes every compared day the data does not hold.
    """
    cat = load_catalogue(ws.path)
    chosen, skipped = _choose_metrics(cat, metrics)
    asked = _dims(by)
    # The report groups on the segments' key columns: entities by their key, names per platform.
    dims = expand(asked, across_platforms=across_platforms)
    name_keyed = keyed_ids(asked)
    if grain is not None and grain not in GRAINS:
        raise QueryError(f"unknown grain `{grain}`", expected=", ".join(GRAINS))
    if top is not None and top < 1:
        raise QueryError("--top must be at least 1", value=top)
    rank_metric = _rank_metric(cat.get(rank_by), chosen) if rank_by else None
    t = ad_rows = ws.ad_performance()
    first, last, n_multi = held(ws, t)
    as_of_day = parse_as_of(as_of)
    anchor = as_of_day or last
    current, previous, span = _periods(anchor if last is not None else None, period, compare, grain)
    extra = [m for m in BASE_MEASURES if m in cat.measures]
    # Cells come from the compared periods grouped by the report's dimensions and the mix detail
    # beneath them (cells are the sums of their detail; the mix check reads the detail); the
    # series, when asked for, from its span at the report's own dimensions.
    crm = reads_crm(cat, chosen)  # pipeline metrics: credited CRM values join the ad rows
    detail = [d for d in MIX_DETAIL if d not in dims] if dims and not crm else []
    query = MetricQuery(cat, chosen, by=[*dims, *detail], filter=filter, grain="day", extra_measures=extra,
                        attributed=crm, name_keyed=name_keyed)
    if crm:
        t = with_credits(ws, t, query, columns_needed(query))
    parts = [p for p in (current, previous) if p is not None]

    fine, member = fetch(ws, t, query, parts, n_multi)
    rows, to_display = project(fine, len(dims))
    in_current = member[0]
    if not in_current.any():
        raise QueryError(
            f"no data in {current.label} ({current.start} to {current.end})"
            + (" matching the filter" if filter else ""),
            hint=f"the workspace holds {first} to {last}; pick a --period inside it",
        )
    in_previous = member[1] if previous is not None else None

    cfg = ws.config.report
    limits = {m.name: _threshold(m, cfg) for m in chosen}
    floors = {k: v[0] for k, v in limits.items()}
    conf = cfg.confidence

    def stats(mask: np.ndarray, group: np.ndarray, n: int, on: DayRows = rows) -> GroupStats:
        return group_stats(on, np.where(mask, group, -1), n, query, floors, conf)

    n_seg = len(rows.segments)
    seg_cur = stats(in_current, rows.segment, n_seg)
    seg_prev = stats(in_previous, rows.segment, n_seg) if in_previous is not None else None
    shrunk = _shrink_all(query, rows, seg_cur, dims)
    order = _order(rows, seg_cur, seg_prev, shrunk, rank_metric)
    if not dims:  # the total alone: no segment rows above it
        order = np.empty(0, dtype=np.int64)
    shown = order if top is None else order[:top]
    tail = order[top:] if top is not None else np.empty(0, dtype=np.int64)

    asm = Assembler(
        ws=ws, cat=cat, query=query, dims=dims, rows=rows, current=current, previous=previous,
        thresholds=limits, confidence=conf, first=first, last=last,
        label_of=breakdown_identity.labels(ws, t, asked, dims, rows.segments, current.end,
                                           across_platforms=across_platforms),
    )
    zero = np.zeros(rows.size, dtype=np.int64)
    tail_group = _tail_group(rows, tail)
    cells = asm.segment_cells(shown, seg_cur, seg_prev, shrunk)
    if tail.size:
        cells.append(asm.other_cell(
            tail.size,
            stats(in_current, tail_group, 1),
            stats(in_previous, tail_group, 1) if in_previous is not None else None,
        ))
    total = asm.total_cell(
        stats(in_current, zero, 1), stats(in_previous, zero, 1) if in_previous is not None else None
    )
    cover = breakdown_coverage.coverage(ws, ad_rows, query, current, dims)
    breakdown_coverage.mark(cells, total, query, dims, cover)
    series = None
    if span is not None:
        coarse = MetricQuery(cat, chosen, by=dims, filter=filter, grain="day", extra_measures=extra, attributed=crm,
                             name_keyed=name_keyed)
        srows, smember = fetch(ws, t, coarse, [span], n_multi)
        position = {seg: i for i, seg in enumerate(rows.segments[j] for j in shown)}
        shown_index = np.array([position.get(seg, -1) for seg in srows.segments], dtype=np.int64)
        series = breakdown_series.series(
            asm, srows, smember[0], shown_index, int(tail.size), span, grain or "month",
            lambda mask, group, n: stats(mask, group, n, srows),
        )
    warnings = []
    if in_previous is not None:
        def fine_stats(mask: np.ndarray) -> GroupStats:
            if not detail:
                return stats(mask, rows.segment, n_seg)
            return stats(mask, fine.segment, len(fine.segments), fine)

        warnings = asm.mix_warnings(
            fine if detail else rows, fine_stats(in_current), fine_stats(in_previous),
            to_display if detail else np.arange(n_seg), total, cells, detail, filter,
        )
    if benchmarks:
        asm.attach_benchmarks(cells)
    multi_seen = rows.multi_day_rows or (srows.multi_day_rows if span is not None else 0)
    notes = breakdown_periods.notes(
        current, previous, first, last, anchor, as_of_day is not None,
        previous_has_rows=in_previous is not None and bool(in_previous.any()), filtered=bool(filter),
    )
    notes += asm.notes(multi_seen) + breakdown_coverage.notes(cover, query, ws.config.reporting_currency)
    if skipped:
        notes.append(f"Not shown: {', '.join(skipped)} (CRM metrics need the attribution join).")
    if crm:
        notes += pipeline_notes(ws, query, current)
    timezones = asm.timezones(parts, grain, filter)
    if record and can_record(ws):
        record_versions(ws, chosen, cat)
    # One validation of the whole nested result: far cheaper than a model per cell.
    return Breakdown.model_validate({
        "metrics": asm.metric_infos(),
        "by": asked,
        "keys": dims,
        "across_platforms": across_platforms,
        "as_of": anchor,
        "as_of_from": "option" if as_of_day is not None else "data",
        "data_start": first,
        "data_end": last,
        "filter": filter,
        "period": asm.period_info(current),
        "compare": asm.period_info(previous) if previous is not None else None,
        "grain": grain,
        "series_span": asm.series_span_info(span, first) if span is not None else None,
        "currency": ws.config.reporting_currency,
        "confidence": conf,
        "top": top,
        "rank_by": rank_metric.name if rank_metric is not None else None,
        "cells": cells,
        "total": total,
        "series": series,
        "warnings": warnings,
        "notes": notes + asm.extra_notes,
        "timezones": timezones,
        "benchmarks_currency": asm.benchmark_currency() if benchmarks else None,
    })


def _choose_metrics(cat, metrics: str | list[str] | None) -> tuple[list[Metric], list[str]]:
    """The metrics asked for, else the headline ones over ad rows (and the headline names left
    out: metrics over CRM tables need the attribution join)."""
    if metrics:
        return cat.resolve(metrics), []
    chosen = [m for m in cat.headline() if _on_ad_rows(cat, m)]
    if not chosen:
        raise QueryError("no metrics to report", hint="name metrics, e.g. `mille report cpm,ctr`")
    return chosen, [m.name for m in cat.headline() if not _on_ad_rows(cat, m)]


def _periods(
    anchor: date | None, period: str | None, compare: str | None, grain: str | None
) -> tuple[Period, Period | None, Period | None]:
    """The period, the comparison period and the series' span."""
    if anchor is None:
        raise QueryError(
            "the workspace holds no ad data yet",
            hint="ingest exports with `mille ingest FILE…`, or try `mille demo`",
        )
    current = parse_period(period, anchor=anchor) if period else last_complete_month(anchor)
    previous = comparison(current, compare, anchor=anchor)
    if previous is not None and previous.overlaps(current):
        raise QueryError(
            f"the comparison period {previous.label} overlaps the period {current.label}",
            hint="compare with `previous`, `year`, or a period that does not overlap",
        )
    span = None
    if grain is not None:
        span = current if period else Period(ALL_DAYS, current.end, f"…:{current.end.isoformat()}")
    return current, previous, span


def _on_ad_rows(cat, metric: Metric) -> bool:
    return all(m.table == "ad_performance" for m in cat.measures_for([metric]))


def _dims(by: str | list[str] | None) -> list[str]:
    if by is None:
        return list(DEFAULT_BY)
    items = by.split(",") if isinstance(by, str) else list(by)
    dims = [d.strip() for d in items if d.strip() and d.strip().lower() != "none"]
    if len(set(dims)) != len(dims):
        raise QueryError("a dimension is repeated in --by", value=",".join(dims))
    return dims


def _rank_metric(metric: Metric, chosen: list[Metric]) -> Metric:
    if metric.type != "ratio":
        raise QueryError(
            f"`{metric.name}` is not a ratio; only ratios (CTR, CPC…) are ranked by a shrunk estimate",
            hint="rank by a ratio metric such as ctr or cpc",
        )
    if metric not in chosen:
        raise QueryError(f"--rank-by {metric.name} is not among the metrics reported", hint=f"add {metric.name} to the metrics")
    return metric


def _threshold(metric: Metric, cfg: ReportConfig) -> tuple[float, str | None]:
    """The small-base threshold of a ratio: the workspace's setting for its denominator when it
    has one (mille.yaml → report), else the metric's own ``min_base``."""
    if metric.type != "ratio":
        return 0.0, None
    key = THRESHOLD_KEYS.get(metric.denominator or "")
    if key is not None:
        return float(getattr(cfg, key)), f"mille.yaml report.{key}"
    return float(metric.min_base), f"metric {metric.name} min_base"


def _tail_group(rows: DayRows, tail: np.ndarray) -> np.ndarray:
    in_tail = np.zeros(len(rows.segments), dtype=bool)
    in_tail[tail] = True
    return np.where(in_tail[rows.segment], 0, -1)


def _order(
    rows: DayRows,
    cur: GroupStats,
    prev: GroupStats | None,
    shrunk: dict[str, tuple[np.ndarray, np.ndarray]],
    rank_metric: Metric | None,
) -> np.ndarray:
    """Segments in display order: by the rank of ``rank_metric`` when given, else by volume
    (spend in the period, then in the comparison period), ties by label."""
    labels = np.array([" × ".join("" if v is None else str(v) for v in s) for s in rows.segments])
    vol_name = "spend" if "spend" in cur.sums else next(iter(cur.sums))
    vol_cur = cur.sums[vol_name]
    vol_prev = prev.sums[vol_name] if prev is not None else np.zeros_like(vol_cur)
    present = cur.days > 0
    if prev is not None:
        present = present | (prev.days > 0)
    if rank_metric is not None:
        ranks = shrunk[rank_metric.name][1].astype("float64")
        ranks = np.where(ranks > 0, ranks, np.inf)
        order = np.lexsort((labels, -vol_prev, -vol_cur, ranks))
    else:
        order = np.lexsort((labels, -vol_prev, -vol_cur))
    return order[present[order]]


def _shrink_all(
    query: MetricQuery, rows: DayRows, cur: GroupStats, dims: list[str]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per ratio metric: the shrunk value (metric units) and the rank of every segment."""
    n_seg = len(rows.segments)
    if len(dims) >= 2:
        parents = [s[:-1] for s in rows.segments]
        uniq = {p: i for i, p in enumerate(dict.fromkeys(parents))}
        parent = np.array([uniq[p] for p in parents], dtype=np.int64)
        n_parents = len(uniq)
    else:
        parent = np.zeros(n_seg, dtype=np.int64)
        n_parents = 1
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    assert cur.cell_of_day is not None and cur.day_sums is not None
    for metric in query.metrics:
        if metric.type != "ratio":
            continue
        num_name, den_name = metric.numerator or "", metric.denominator or ""
        noise = shrinkage.pooled_day_noise(
            cur.cell_of_day, parent, n_parents, cur.day_sums[num_name], cur.day_sums[den_name],
            n_seg, rate=metric.interval == "wilson",
        )
        value, _ = shrinkage.shrink(cur.sums[num_name], cur.sums[den_name], parent, n_parents, noise)
        value = value * metric.multiplier
        active = cur.days > 0
        ranks = np.zeros(n_seg, dtype=np.int64)
        ranks[active] = shrinkage.rank(value[active], metric.direction)
        out[metric.name] = (np.where(active, value, np.nan), ranks)
    return out
