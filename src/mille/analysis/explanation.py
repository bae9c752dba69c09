"""The result of ``mille explain``: an :class:`Explanation` and the parts it is made of.

Its JSON (``Explanation.to_json()``) is the contract documented in ``docs/explain.md``:
``metric``, ``before``/``after`` (``value``, ``numerator``, ``denominator``), ``change``,
``decomposition`` (``mix``, ``rate``, …), ``causes`` (``segment``, ``effect``,
``contribution``, ``share_of_change``, ``before``, ``after``, …). Fields may be added, never
renamed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mille.analysis.funnel import FunnelSplit
from mille.results import Result


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Figures(_Part):
    """A metric's value in one period, with the sums it is made of."""

    value: float | None
    numerator: float
    denominator: float | None = None
    interval: tuple[float, float] | None = None  # 95 %: Wilson (rates) or delta method (costs)
    thin: bool = False  # the base is below the metric's min_base: too small to read
    period: dict[str, str] | None = None


class Counterpart(_Part):
    """Where a mix cause's share went (or came from), in the same dimensions."""

    segment: dict[str, str]
    implied: dict[str, str] = Field(default_factory=dict)
    mix: float
    share_before: float | None
    share_after: float | None


class Cause(_Part):
    segment: dict[str, str]
    implied: dict[str, str] = Field(default_factory=dict)  # dims with one value throughout it
    effect: Literal["rate", "mix", "both", "total"]
    contribution: float  # metric units: how much of the change this segment accounts for
    share_of_change: float | None
    before: Figures
    after: Figures
    mix: float
    rate: float
    no_base: float = 0.0
    share_before: float | None = None  # the segment's share of the denominator (of the total)
    share_after: float | None = None
    interval: tuple[float, float] | None = None  # 95 % interval of the contribution
    evidence: float  # standard score of the segment's shift against noise and segment drift
    found_in: Literal["rate", "mix", "total", "contribution"]
    counterparts: list[Counterpart] = Field(default_factory=list)  # mix: the other side
    note: str | None = None


class SegmentPart(_Part):
    value: str
    before: Figures
    after: Figures
    mix: float
    rate: float
    no_base: float
    contribution: float


class DimensionPart(_Part):
    dimension: str
    mix: float
    rate: float
    no_base: float
    segments: list[SegmentPart]
    omitted: int = 0  # segments not listed (smallest contributions first)


class Decomposition(_Part):
    mix: float
    rate: float
    no_base: float
    level: str  # which segmentation the top-level mix/rate uses
    numerator: float  # numerator-driven part (e.g. spend for CPM)
    denominator: float  # denominator-driven part (e.g. delivery for CPM)
    numerator_measure: str
    denominator_measure: str | None
    by_dimension: list[DimensionPart]


class MeasurementNote(_Part):
    """A change in how the number is measured (a data gap, a double count, a currency or
    definition change) overlapping the compared periods, from the audit. Listed before any
    business cause: a number that was measured differently did not really move."""

    kind: str  # the audit check id, e.g. gaps.account_days
    description: str
    severity: str = "warn"
    platform: str | None = None
    account: str | None = None
    campaign: str | None = None
    days: list[dict[str, str]] = Field(default_factory=list)  # [{"start", "end"}], ISO dates
    spend: float = 0.0  # spend affected (an estimate for missing days), reporting currency
    estimated: bool = False
    hint: str = ""


class Explanation(Result):
    metric: str
    label: str
    unit: str
    display: dict[str, int | str]  # decimals, prefix, suffix: how the metric's values print
    definition_version: str
    source: str
    before: Figures
    after: Figures
    change: float
    change_ratio: float | None  # after / before − 1
    summary: str
    decomposition: Decomposition
    causes: list[Cause]
    others: list[Cause]
    # Measurement causes (a data gap, a double count, a definition edited between the periods)
    # from the audit, listed before any business cause; empty for --data files.
    measurement: list[MeasurementNote] = Field(default_factory=list)
    within_noise: bool
    spread_evenly: bool
    headline_z: float
    # With days (a workspace or a --data file): the change's 95 % interval from per-day sums
    # (MOVER over the two periods' intervals), and whether it contains zero — the same test as
    # mille report's noise mark. interval_basis says where the intervals come from.
    change_interval: tuple[float, float] | None = None
    headline_noise: bool | None = None
    interval_basis: Literal["days", "leaves"] = "leaves"
    dims: list[str]
    max_depth: int
    filter: str | None = None
    currency: str | None = None
    # Cost per opportunity: the exact split of the change into CPC, click-to-lead and
    # lead-to-opportunity rate (mille.analysis.funnel); absent for other metrics.
    funnel: FunnelSplit | None = None

    def rows(self) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for kind, items in (("cause", self.causes), ("other", self.others)):
            for c in items:
                out.append({
                    "kind": kind,
                    "segment": " & ".join(f"{k}={v}" for k, v in c.segment.items()),
                    "effect": c.effect,
                    "contribution": c.contribution,
                    "share_of_change": c.share_of_change,
                    "before_value": c.before.value,
                    "after_value": c.after.value,
                    "before_numerator": c.before.numerator,
                    "after_numerator": c.after.numerator,
                    "before_denominator": c.before.denominator,
                    "after_denominator": c.after.denominator,
                    "mix": c.mix,
                    "rate": c.rate,
                })
        return out
