"""Turn the numpy statistics of a report into its Result: cells, series, warnings, notes.

Everything here reads arrays computed in :mod:`mille.analysis.breakdown` and
:mod:`mille.analysis.cellstats`; the only arithmetic left is the changes between two estimates
(vectorised, with their MOVER intervals) and the words of the warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from mille.analysis import breakdown_periods, intervals, paradox
from mille.analysis.benchmarks import load_benchmarks, position
from mille.analysis.breakdown_result import format_value
from mille.analysis.cellstats import DayRows, Estimates, GroupStats
from mille.metrics import Catalogue, Metric, MetricQuery
from mille.periods import Period
from mille.workspace import Workspace

NOT_SET = "(not set)"
MAX_CELL_WARNINGS = 3  # cells whose own change is mostly mix, per metric


def as_list(a: np.ndarray) -> list:
    """A float array as a list, with None where there is no number (JSON null)."""
    a = np.asarray(a, dtype="float64")
    out = a.tolist()
    bad = ~np.isfinite(a)
    if bad.any():
        for i in np.flatnonzero(bad):
            out[i] = None
    return out


@dataclass
class Changes:
    absolute: np.ndarray
    relative: np.ndarray
    low: np.ndarray
    high: np.ndarray
    noise: np.ndarray  # 1 / 0 / NaN

    def columns(self, mask: np.ndarray | None = None) -> dict[str, list]:
        """Lists for the Result; where ``mask`` is False (no previous value) everything is None."""
        keep = np.ones(len(self.absolute), dtype=bool) if mask is None else mask
        nan = np.nan
        noise = np.where(keep, self.noise, nan)
        return {
            "absolute": as_list(np.where(keep, self.absolute, nan)),
            "relative": as_list(np.where(keep, self.relative, nan)),
            "low": as_list(np.where(keep, self.low, nan)),
            "high": as_list(np.where(keep, self.high, nan)),
            "noise": _flags_or_none(noise),
        }


def _flags_or_none(a: np.ndarray) -> list[bool | None]:
    out: list[bool | None] = (a == 1).tolist()
    for i in np.flatnonzero(~np.isfinite(a)).tolist():
        out[i] = None
    return out


def changes(after: Estimates, a: np.ndarray, before: Estimates, b: np.ndarray) -> Changes:
    """Changes from ``before[b]`` to ``after[a]`` (index arrays of equal length)."""
    v1, v0 = after.value[a], before.value[b]
    absolute = v1 - v0
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(v0 != 0, absolute / np.abs(v0), np.nan)
    low, high = intervals.mover(v1, after.low[a], after.high[a], v0, before.low[b], before.high[b])
    return Changes(absolute, relative, low, high, intervals.is_noise(low, high))


def estimate_columns(metric: Metric, e: Estimates, idx: np.ndarray, *, flags: bool = True) -> dict[str, list]:
    """The estimates of groups ``idx`` as lists (one element per group); ``flags`` adds the
    list of flags of each."""
    value = e.value[idx]
    low = e.low[idx]
    small = e.small_base[idx]
    no_value = ~np.isfinite(value)
    has_interval = metric.type == "ratio" and metric.interval != "none"
    few = ~no_value & ~np.isfinite(low) & has_interval
    marks: list[list[str]] = [[] for _ in range(len(idx))] if flags else []
    for name, on in (("small_base", small), ("no_value", no_value), ("few_days", few)) if flags else ():
        for i in np.flatnonzero(on).tolist():
            marks[i].append(name)
    out = {
        "value": as_list(value),
        "low": as_list(low),
        "high": as_list(e.high[idx]),
        "numerator": None if e.numerator is None else as_list(e.numerator[idx]),
        "denominator": None if e.denominator is None else as_list(e.denominator[idx]),
        "small_base": small.tolist(),
    }
    if flags:
        out["flags"] = marks
    return out


def _pick(columns: dict[str, list | None], j: int) -> dict[str, object]:
    return {k: (None if v is None else v[j]) for k, v in columns.items()}


@dataclass
class Assembler:
    ws: Workspace
    cat: Catalogue
    query: MetricQuery
    dims: list[str]
    rows: DayRows
    current: Period
    previous: Period | None
    thresholds: dict[str, tuple[float, str | None]]
    confidence: float
    first: date | None = None  # the first and last day of data held
    last: date | None = None
    label_of: dict[tuple, str] = field(default_factory=dict)  # entity labels (breakdown_identity)
    extra_notes: list[str] = field(default_factory=list)

    @property
    def display_code(self) -> dict[tuple, int]:
        return {seg: i for i, seg in enumerate(self.rows.segments)}

    # -- descriptions ------------------------------------------------------------------------
    def metric_infos(self) -> list[dict]:
        out = []
        for m in self.query.metrics:
            threshold, source = self.thresholds[m.name]
            out.append({
                "name": m.name, "label": m.label, "type": m.type, "unit": m.unit,
                "direction": m.direction, "multiplier": m.multiplier,
                "decimals": m.display.decimals, "prefix": m.display.prefix, "suffix": m.display.suffix,
                "numerator": m.numerator or m.measure, "denominator": m.denominator,
                "interval": m.interval if m.type == "ratio" else "none", "min_base": threshold,
                "min_base_from": source, "version": self.cat.version(m.name),
            })
        return out

    def period_info(self, p: Period) -> dict:
        return breakdown_periods.period_info(p, self.first, self.last)

    def series_span_info(self, span: Period, first: date | None) -> dict:
        if span.start.year != 1 or first is None:
            return self.period_info(span)
        return self.period_info(Period(first, span.end, f"{first.isoformat()}:{span.end.isoformat()}"))

    def label(self, segment: tuple) -> str:
        found = self.label_of.get(segment)
        if found is not None:
            return found
        return " × ".join(NOT_SET if v is None else str(v) for v in segment) or "all"

    # -- cells -------------------------------------------------------------------------------
    def _cells(
        self,
        kind: str,
        idx: np.ndarray,
        cur: GroupStats,
        prev: GroupStats | None,
        shrunk: dict[str, tuple[np.ndarray, np.ndarray]] | None,
        segments: list[dict[str, str | None]],
        labels: list[str],
        members: int,
    ) -> list[dict]:
        cols = {}
        for m in self.query.metrics:
            c: dict[str, object] = {"current": estimate_columns(m, cur.estimates[m.name], idx)}
            if prev is not None:
                c["previous"] = estimate_columns(m, prev.estimates[m.name], idx)
                c["change"] = changes(cur.estimates[m.name], idx, prev.estimates[m.name], idx).columns()
            if shrunk is not None and m.name in shrunk:
                c["shrunk"] = as_list(shrunk[m.name][0][idx])
                c["rank"] = [int(r) or None for r in shrunk[m.name][1][idx]]
            cols[m.name] = c
        cur_sums = {k: v[idx].tolist() for k, v in cur.sums.items()}
        cur_days = cur.days[idx].astype(int).tolist()
        prev_sums = {k: v[idx].tolist() for k, v in prev.sums.items()} if prev is not None else None
        prev_days = prev.days[idx].astype(int).tolist() if prev is not None else None
        out = []
        for j in range(len(idx)):
            metrics = {}
            for name, c in cols.items():
                cell: dict[str, object] = {"current": _pick(c["current"], j)}  # type: ignore[arg-type]
                if "previous" in c:
                    cell["previous"] = _pick(c["previous"], j)  # type: ignore[arg-type]
                    cell["change"] = _pick(c["change"], j)  # type: ignore[arg-type]
                if "shrunk" in c:
                    cell["shrunk"] = c["shrunk"][j]  # type: ignore[index]
                    cell["rank"] = c["rank"][j]  # type: ignore[index]
                metrics[name] = cell
            out.append({
                "kind": kind, "segment": segments[j], "label": labels[j], "members": members,
                "current": {"sums": {k: v[j] for k, v in cur_sums.items()}, "days": cur_days[j]},
                "previous": None if prev_sums is None else {
                    "sums": {k: v[j] for k, v in prev_sums.items()}, "days": prev_days[j]  # type: ignore[index]
                },
                "metrics": metrics,
            })
        return out

    def segment_cells(self, shown: np.ndarray, cur: GroupStats, prev: GroupStats | None, shrunk) -> list[dict]:
        segs = [self.rows.segments[i] for i in shown]
        return self._cells(
            "segment", shown, cur, prev, shrunk,
            [dict(zip(self.dims, s, strict=True)) for s in segs], [self.label(s) for s in segs], 1,
        )

    def other_cell(self, members: int, cur: GroupStats, prev: GroupStats | None) -> dict:
        one = np.zeros(1, dtype=np.int64)
        return self._cells("other", one, cur, prev, None, [{}], [f"other ({members})"], members)[0]

    def total_cell(self, cur: GroupStats, prev: GroupStats | None) -> dict:
        one = np.zeros(1, dtype=np.int64)
        return self._cells("total", one, cur, prev, None, [{}], ["total"], len(self.rows.segments))[0]

    # -- warnings, benchmarks, notes ---------------------------------------------------------
    def mix_warnings(
        self,
        fine: DayRows,
        fine_cur: GroupStats,
        fine_prev: GroupStats,
        to_display: np.ndarray,
        total: dict,
        cells: list[dict],
        detail: list[str],
        user_filter: str | None,
    ) -> list[dict]:
        """Mix and Simpson warnings: for the blended total across every fine segment (the
        report's dimensions refined by ``detail``), then inside each shown cell across ``detail``."""
        out: list[dict] = []
        if self.previous is None or len(fine.segments) < 2:
            return out
        all_dims = [*self.dims, *detail]
        idx = np.arange(len(fine.segments))
        base_filters = [user_filter] if user_filter else []
        for m in self.query.metrics:
            if m.type != "ratio":
                continue
            noise = changes(fine_cur.estimates[m.name], idx, fine_prev.estimates[m.name], idx).noise
            scopes: list[tuple[str, dict | None, np.ndarray, dict, list[str]]] = [
                (f"Blended {m.label}", None, idx, total["metrics"][m.name], all_dims)
            ]
            if detail:
                for cell in cells[:MAX_CELL_WARNINGS * 4]:
                    if cell["kind"] != "segment":
                        continue
                    code = self.display_code[tuple(cell["segment"][d] for d in self.dims)]
                    children = np.flatnonzero(to_display == code)
                    if children.size >= 2:
                        scopes.append((f"{cell['label']}: {m.label}", cell["segment"], children, cell["metrics"][m.name], detail))
            found_in_cells = 0
            for subject, segment, members, mc, across in scopes:
                if segment is not None and found_in_cells >= MAX_CELL_WARNINGS:
                    break
                change = mc.get("change")
                if change is None or change["absolute"] is None:
                    continue
                num, den = m.numerator or "", m.denominator or ""
                found = paradox.check(
                    fine_prev.sums[num][members], fine_prev.sums[den][members],
                    fine_cur.sums[num][members], fine_cur.sums[den][members],
                    multiplier=m.multiplier, segment_noise=noise[members],
                    blended_noise=1.0 if change["noise"] else 0.0,
                )
                if found is None:
                    continue
                found_in_cells += segment is not None
                filters = base_filters + ([paradox.segment_filter(segment)] if segment else [])
                command = paradox.explain_command(m.name, self.previous.label, self.current.label, across, filters)
                rel = change["relative"]
                volume = str(self.cat.measures[m.denominator or ""].label or m.denominator).lower()
                out.append({
                    "kind": found.kind, "metric": m.name, "segment": segment, "dims": across,
                    "message": paradox.sentence(
                        found,
                        subject=subject, relative=rel, label=m.label, before=self.fmt(m, mc["previous"]["value"]),
                        after=self.fmt(m, mc["current"]["value"]), volume=volume,
                        across=" × ".join(across) + " segments", command=command,
                    ),
                    "command": command, "change": found.change, "mix": found.mix, "rate": found.rate,
                    "mix_share": found.mix_share, "opposite_share": found.opposite_share,
                })
        return out

    def fmt(self, m: Metric, value: float | None) -> str:
        return format_value(
            value, unit=m.unit, decimals=m.display.decimals, prefix=m.display.prefix,
            suffix=m.display.suffix, currency=self.ws.config.reporting_currency,
        )

    def attach_benchmarks(self, cells: list[dict]) -> None:
        table = load_benchmarks()
        same_currency = table.currency == self.ws.config.reporting_currency
        if "platform" not in self.dims:
            self.extra_notes.append("Benchmarks are per platform: add --by platform to see them.")
            return
        if not same_currency:
            self.extra_notes.append(
                f"Benchmarks are in {table.currency} and the report in "
                f"{self.ws.config.reporting_currency}; they are shown but not compared."
            )
        for cell in cells:
            if cell["kind"] != "segment":
                continue
            for name, mc in cell["metrics"].items():
                entries = table.matching(name, cell["segment"].get("platform"), cell["segment"].get("network"))
                value = mc["current"]["value"]
                comparable = same_currency and len(entries) == 1 and value is not None
                mc["benchmarks"] = [
                    {
                        "low": e.low, "high": e.high, "currency": e.currency, "source": e.source,
                        "year": e.year, "note": e.note, "network": e.network,
                        "position": position(value, e.low, e.high) if comparable else None,
                    }
                    for e in entries
                ]

    def benchmark_currency(self) -> str:
        return load_benchmarks().currency

    def notes(self, multi_day_rows: int) -> list[str]:
        out = []
        if multi_day_rows:
            out.append(
                f"The workspace holds {multi_day_rows:,} rows that cover several days (weekly or "
                "monthly exports); each counts only in the periods and buckets that contain its whole "
                "span, on its first day."
            )
        return out

    def timezones(self, parts: list[Period], grain: str | None, filter: str | None) -> dict[str, list[str]] | None:
        """Reporting time zones by platform, when days are compared (daily grain or a period of a
        week or less); a note when they differ."""
        if grain != "day" and self.current.days > 7:
            return None
        import ibis

        from mille.metrics import compile_filter
        from mille.schema import AD_PERFORMANCE

        t = self.ws.ad_performance()
        t = t.filter(ibis.or_(*[(t.date_day >= p.start) & (t.period_end <= p.end) for p in parts]))
        if filter:
            t = t.filter(compile_filter(filter, t, AD_PERFORMANCE))
        pairs = self.ws.engine.to_arrow(t.select("platform", "report_timezone").distinct()).to_pylist()
        zones: dict[str, list[str]] = {}
        for r in sorted(pairs, key=lambda r: (r["platform"], r["report_timezone"] or "")):
            zones.setdefault(r["platform"], []).append(r["report_timezone"] or "unknown")
        distinct = {z for zs in zones.values() for z in zs}
        if len(distinct) > 1:
            listing = "; ".join(f"{p}: {', '.join(z)}" for p, z in zones.items())
            self.extra_notes.append(
                "Each platform reports days in its own time zone, so a day here is not the same 24 hours "
                f"on every platform ({listing}); compare daily figures across platforms with care."
            )
        return zones
