"""The result of ``mille report``: its JSON shape (the ``--format json`` contract) and CSV rows.

Documented field by field in ``docs/report.md``. Everything a chart needs is here — values,
intervals, base counts, flags, shrunk values, the series over time — so the HTML dashboard can
draw from the same object the terminal prints.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mille.results import Result


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PeriodInfo(_Part):
    label: str
    start: date
    end: date
    relative: str | None = None  # the named period it was resolved from (last-month…), against as_of
    days: int = 0  # days in the period
    data_start: date | None = None  # the days of the period inside the data held (None: none)
    data_end: date | None = None
    days_held: int = 0
    incomplete: bool = False  # the data ends inside the period (a month to date)
    before_data: bool = False  # the period starts before the first day of data


class MetricInfo(_Part):
    name: str
    label: str
    type: str
    unit: str
    direction: str
    multiplier: float
    decimals: int
    prefix: str
    suffix: str
    numerator: str | None  # measure names
    denominator: str | None
    interval: str  # wilson | delta | none
    min_base: float  # the small-base threshold applied to the denominator
    min_base_from: str | None  # where the threshold comes from
    version: str

    def format(self, value: float | None, currency: str) -> str:
        return format_value(
            value, unit=self.unit, decimals=self.decimals, prefix=self.prefix, suffix=self.suffix,
            currency=currency,
        )


CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "AUD": "A$", "CAD": "C$"}


def format_value(
    value: float | None, *, unit: str, decimals: int, prefix: str = "", suffix: str = "", currency: str = "USD"
) -> str:
    """A figure as people read it: $12.34, 0.54 %, 12,345 ("—" when there is none)."""
    if value is None or value != value:
        return "—"
    text = f"{value:,.{decimals}f}"
    if unit == "currency" and not prefix:
        sym = CURRENCY_SYMBOLS.get(currency)
        text = f"{sym}{text}" if sym else f"{text} {currency}"
        if text.startswith(f"{sym}-"):
            text = "-" + text.replace("-", "", 1)
    return f"{prefix}{text}{suffix}"


class Estimate(_Part):
    value: float | None
    low: float | None = None
    high: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    small_base: bool = False
    flags: list[str] = Field(default_factory=list)


class Change(_Part):
    absolute: float | None
    relative: float | None
    low: float | None = None  # interval of the absolute change
    high: float | None = None
    noise: bool | None = None  # the interval contains 0; None when there is no interval


class BenchmarkContext(_Part):
    low: float
    high: float
    currency: str
    source: str
    year: int
    note: str
    network: str | None
    position: str | None  # below | within | above | far_below | far_above; None: not comparable


class MetricCell(_Part):
    current: Estimate
    previous: Estimate | None = None
    change: Change | None = None
    shrunk: float | None = None  # empirical-Bayes estimate towards the parent (current period)
    rank: int | None = None  # 1 = best by the shrunk value, among segments
    benchmarks: list[BenchmarkContext] = Field(default_factory=list)


class Base(_Part):
    sums: dict[str, float]  # every measure summed over the cell: spend, impressions, clicks…
    days: int  # days with any activity


class Cell(_Part):
    kind: Literal["segment", "other", "total"]
    segment: dict[str, str | None]
    label: str
    members: int  # segments in the cell (1 for a segment; the tail's size for "other")
    current: Base
    previous: Base | None = None
    metrics: dict[str, MetricCell]


class SeriesMetric(_Part):
    """One metric over every point of a series (lists aligned with the series' points)."""

    value: list[float | None]
    low: list[float | None]
    high: list[float | None]
    numerator: list[float | None] | None = None
    denominator: list[float | None] | None = None
    small_base: list[bool]
    previous: list[float | None]  # the same segment's previous bucket (None: no such bucket)
    change: list[float | None]
    change_relative: list[float | None]
    change_low: list[float | None]
    change_high: list[float | None]
    noise: list[bool | None]


class Series(_Part):
    """Buckets × segments, column by column (each list has one element per point), the way chart
    libraries take their data. Points are ordered by bucket, then segments, "other", total."""

    grain: str
    period_start: list[date]
    period_end: list[date]
    partial: list[bool]  # the bucket is not wholly inside the series' span
    incomplete: list[bool] = Field(default_factory=list)  # the data ends inside the bucket
    covered_to: list[date] = Field(default_factory=list)  # last day of the bucket the data holds
    kind: list[Literal["segment", "other", "total"]]
    label: list[str]
    segment: dict[str, list[str | None]]
    base: dict[str, list[float]]
    days: list[int]
    metrics: dict[str, SeriesMetric]

    def __len__(self) -> int:
        return len(self.period_start)

    def point(self, i: int) -> dict[str, Any]:
        """Point ``i`` as a flat record (what CSV writes)."""
        row: dict[str, Any] = {
            "period_start": self.period_start[i], "period_end": self.period_end[i],
            "partial": self.partial[i], "incomplete": self.incomplete[i] if self.incomplete else False,
            "kind": self.kind[i],
        }
        for dim, values in self.segment.items():
            row[dim] = values[i]
        row["label"] = self.label[i]
        row.update({k: v[i] for k, v in self.base.items()})
        row["days"] = self.days[i]
        for name, m in self.metrics.items():
            if name not in self.base:
                row[name] = m.value[i]
            if m.denominator is not None:
                row[f"{name}_low"] = m.low[i]
                row[f"{name}_high"] = m.high[i]
                row[f"{name}_small_base"] = m.small_base[i]
            row[f"{name}_previous"] = m.previous[i]
            row[f"{name}_change"] = m.change[i]
            rel = m.change_relative[i]
            row[f"{name}_change_pct"] = None if rel is None else 100 * rel
            if m.denominator is not None:
                row[f"{name}_change_low"] = m.change_low[i]
                row[f"{name}_change_high"] = m.change_high[i]
                row[f"{name}_noise"] = m.noise[i]
        return row


class MixWarning(_Part):
    kind: Literal["simpson", "mix"]
    metric: str
    segment: dict[str, str | None] | None  # None: the blended total; else the cell looked inside
    dims: list[str]  # the dimensions the mix is across
    message: str
    command: str
    change: float
    mix: float
    rate: float
    mix_share: float
    opposite_share: float


def entity_labels(b: Breakdown) -> bool:
    """Whether the cells' labels name entities (``LinkedIn Ads · Q4 ABM``) rather than values."""
    return bool(b.keys) and b.keys != b.by


class Breakdown(Result):
    """``report()``: segments of the period against the comparison period, with the total row."""

    kind: Literal["breakdown"] = "breakdown"
    metrics: list[MetricInfo]
    by: list[str]  # as asked: campaign, campaign_name, country…
    # The columns a segment is keyed by (each cell's ``segment``): ``campaign`` is platform,
    # account_id, campaign_id; ``campaign_name`` is platform, campaign_name (unless across_platforms).
    keys: list[str] = Field(default_factory=list)
    across_platforms: bool = False
    as_of: date | None = None  # the day relative periods count back from
    as_of_from: Literal["data", "option"] = "data"  # the last day of data, or --as-of
    data_start: date | None = None  # the first and last day of data held
    data_end: date | None = None
    filter: str | None
    period: PeriodInfo
    compare: PeriodInfo | None
    grain: str | None
    series_span: PeriodInfo | None
    currency: str
    confidence: float
    top: int | None
    rank_by: str | None
    cells: list[Cell]
    total: Cell
    series: Series | None = None
    warnings: list[MixWarning] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    timezones: dict[str, list[str]] | None = None
    benchmarks_currency: str | None = None

    def rows(self) -> list[dict[str, Any]]:
        """CSV: one row per cell, then the total; with ``--grain``, one row per series point."""
        if self.series is not None:
            return [self.series.point(i) for i in range(len(self.series))]
        return [self._flat(c) for c in [*self.cells, self.total]]

    def _flat(self, cell: Cell) -> dict[str, Any]:
        row: dict[str, Any] = {"kind": cell.kind}
        for dim in self.keys or self.by:
            row[dim] = cell.segment.get(dim)
        row["label"] = cell.label
        row.update(cell.current.sums)
        row["days"] = cell.current.days
        if cell.previous is not None:
            row.update({f"{k}_previous": v for k, v in cell.previous.sums.items()})
        for info in self.metrics:
            m = cell.metrics[info.name]
            n = info.name
            ratio = info.type == "ratio"
            if n not in cell.current.sums:
                row[n] = m.current.value
            if ratio:
                row[f"{n}_low"] = m.current.low
                row[f"{n}_high"] = m.current.high
                row[f"{n}_small_base"] = m.current.small_base
            if m.previous is not None and n not in cell.current.sums:
                row[f"{n}_previous"] = m.previous.value
            if m.change is not None:
                row[f"{n}_change"] = m.change.absolute
                row[f"{n}_change_pct"] = None if m.change.relative is None else 100 * m.change.relative
                if ratio:
                    row[f"{n}_change_low"] = m.change.low
                    row[f"{n}_change_high"] = m.change.high
                    row[f"{n}_noise"] = m.change.noise
            if m.shrunk is not None:
                row[f"{n}_shrunk"] = m.shrunk
                row[f"{n}_rank"] = m.rank
        return row
