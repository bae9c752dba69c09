"""The series of a report over time: buckets × segments, each against its previous bucket.

With ``--grain``, the report's day-level sums are grouped into calendar buckets (ISO weeks
starting on Monday, months, quarters, years) for each shown segment, the "other" tail and the
total, with the same estimates and intervals as the report's cells. A bucket that is not wholly
inside the series' span is marked ``partial``. Columns, not records: that is how chart libraries
take their data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np

from mille.analysis.breakdown_build import Assembler, as_list, changes, estimate_columns
from mille.analysis.cellstats import EPOCH, DayRows, GroupStats
from mille.periods import Period, truncate


def series(
    asm: Assembler,
    rows: DayRows,
    in_span: np.ndarray,
    shown_index: np.ndarray,
    others: int,
    span: Period,
    grain: str,
    stats: Callable[[np.ndarray, np.ndarray, int], GroupStats],
) -> dict:
    """Buckets × (shown segments, "other", total), each against its previous bucket.

    ``rows`` are the day sums over the span at the report's dimensions; ``shown_index`` gives,
    per segment of ``rows``, its position among the report's shown cells, or −1: such segments
    (the tail past --top, or segments active only outside the compared periods) form "other"
    (``others`` segments in the report's own tail), so that every bucket adds up to its total.
    """
    bucket_day = _truncate_days(rows.day, grain)
    buckets = np.unique(bucket_day[in_span])
    n_b = buckets.size
    b_index = np.searchsorted(buckets, bucket_day).clip(0, max(n_b - 1, 0))
    starts = [(EPOCH + np.timedelta64(int(b), "D")).astype(date) for b in buckets]
    ends = [_bucket_end(s, grain) for s in starts]
    first = (EPOCH + np.timedelta64(int(rows.day[in_span].min()), "D")).astype(date) if n_b else span.start
    span_start = first if span.start.year == 1 else span.start
    position_of = {s: k for k, s in enumerate(starts)}
    prev_of = np.array([position_of.get(truncate(s - timedelta(days=1), grain), -1) for s in starts], dtype=np.int64)
    partial = np.array([s < span_start or e > span.end for s, e in zip(starts, ends, strict=True)], dtype=bool)
    last = asm.last or span.end
    covered = [min(e, last) for e in ends]
    incomplete = np.array([s <= last < e for s, e in zip(starts, ends, strict=True)], dtype=bool)

    n_shown = int(shown_index.max()) + 1 if shown_index.size and shown_index.max() >= 0 else 0
    shown_segs: list[tuple] = [()] * n_shown
    for seg, i in zip(rows.segments, shown_index.tolist(), strict=True):
        if i >= 0:
            shown_segs[i] = seg
    row_shown = shown_index[rows.segment] if rows.size else np.empty(0, dtype=np.int64)
    blank = (None,) * len(asm.dims)
    groups: list[tuple[str, np.ndarray, int, list[str], list[tuple]]] = [
        ("segment", row_shown, n_shown, [asm.label(x) for x in shown_segs], shown_segs),
        ("other", np.where(row_shown < 0, 0, -1), 1, [f"other ({others})" if others else "other"], [blank]),
        ("total", np.zeros(rows.size, dtype=np.int64), 1, ["total"], [blank]),
    ]

    kind_rank = {"segment": 0, "other": 1, "total": 2}
    parts: list[dict] = []
    for kind, code, n_codes, labels, segs in groups:
        valid = code >= 0
        group = np.where(valid, b_index * n_codes + np.where(valid, code, 0), -1)
        s = stats(in_span, group, n_b * n_codes)
        present = np.flatnonzero(s.days > 0)
        b_of, c_of = present // n_codes, present % n_codes
        prev_b = prev_of[b_of] if n_b else np.empty(0, dtype=np.int64)
        prev_idx = np.where(prev_b >= 0, prev_b * n_codes + c_of, 0)
        has_prev = (prev_b >= 0) & (s.days[prev_idx] > 0)
        metrics = {}
        for m in asm.query.metrics:
            cur = estimate_columns(m, s.estimates[m.name], present, flags=False)
            prev_values = np.where(has_prev, s.estimates[m.name].value[prev_idx], np.nan)
            ch = changes(s.estimates[m.name], present, s.estimates[m.name], prev_idx).columns(has_prev)
            metrics[m.name] = {
                "value": cur["value"], "low": cur["low"], "high": cur["high"],
                "numerator": cur["numerator"], "denominator": cur["denominator"],
                "small_base": cur["small_base"], "previous": as_list(prev_values),
                "change": ch["absolute"], "change_relative": ch["relative"],
                "change_low": ch["low"], "change_high": ch["high"], "noise": ch["noise"],
            }
        parts.append({
            "order": [(int(b), kind_rank[kind], int(c)) for b, c in zip(b_of, c_of, strict=True)],
            "bucket": b_of, "kind": [kind] * present.size,
            "label": [labels[c] for c in c_of],
            "segment": {d: [segs[c][k] for c in c_of] if kind == "segment" else [None] * present.size
                        for k, d in enumerate(asm.dims)},
            "base": {k: v[present].tolist() for k, v in s.sums.items()},
            "days": s.days[present].astype(int).tolist(),
            "metrics": metrics,
        })
    out = _merge_series(parts, grain, starts, ends, partial, asm.dims)
    bucket = out.pop("bucket")
    out["incomplete"] = [bool(incomplete[b]) for b in bucket]
    out["covered_to"] = [covered[b] for b in bucket]
    return out


def _truncate_days(day: np.ndarray, grain: str) -> np.ndarray:
    """Bucket start (days since epoch) of each day, weeks starting on Monday."""
    if grain == "day":
        return day
    if grain == "week":
        return day - (day + 3) % 7  # 1970-01-01 was a Thursday
    d = (EPOCH + day.astype("timedelta64[D]")).astype("datetime64[M]")
    if grain == "quarter":
        months = d.astype(np.int64)
        d = (months - months % 3).astype("datetime64[M]")
    elif grain == "year":
        d = d.astype("datetime64[Y]").astype("datetime64[M]")
    return (d.astype("datetime64[D]") - EPOCH).astype(np.int64)


def _bucket_end(start: date, grain: str) -> date:
    if grain == "day":
        return start
    if grain == "week":
        return start + timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def _merge_series(parts: list[dict], grain: str, starts: list[date], ends: list[date], partial: np.ndarray, dims: list[str]) -> dict:
    """Concatenate the per-kind columns and order the points by bucket, then kind, then segment."""
    keys = [k for p in parts for k in p["order"]]
    order = sorted(range(len(keys)), key=keys.__getitem__)

    def cat(getter) -> list:
        flat = [x for p in parts for x in getter(p)]
        return [flat[i] for i in order]

    bucket = cat(lambda p: p["bucket"].tolist())
    metrics = {}
    for name in parts[0]["metrics"] if parts else []:
        fields = parts[0]["metrics"][name].keys()
        metrics[name] = {
            f: (None if parts[0]["metrics"][name][f] is None else cat(lambda p, f=f, name=name: p["metrics"][name][f]))
            for f in fields
        }
    return {
        "grain": grain,
        "period_start": [starts[b] for b in bucket],
        "period_end": [ends[b] for b in bucket],
        "partial": [bool(partial[b]) for b in bucket],
        "bucket": bucket,
        "kind": cat(lambda p: p["kind"]),
        "label": cat(lambda p: p["label"]),
        "segment": {d: cat(lambda p, d=d: p["segment"][d]) for d in dims},
        "base": {k: cat(lambda p, k=k: p["base"][k]) for k in (parts[0]["base"] if parts else {})},
        "days": cat(lambda p: p["days"]),
        "metrics": metrics,
    }
