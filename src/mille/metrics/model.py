"""What a metric definition is: measures (named sums over a table) and metrics built on them.

A **measure** is an additive aggregate of one column of one table, optionally filtered
(``spend`` = Σ ``ad_performance.spend_reporting``). A **metric** is what people read:

* ``simple``  — one measure (spend, impressions);
* ``ratio``   — ``multiplier × Σnumerator / Σdenominator`` (CPM = 1000 × spend / impressions),
  always a ratio of sums, never an average of ratios;
* ``derived`` — arithmetic over other metrics' values in the same cell (e.g. ``cpc / cpm``).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

MetricType = Literal["simple", "ratio", "derived"]
Unit = Literal["currency", "count", "percent", "ratio", "number"]
Direction = Literal["higher_is_better", "lower_is_better", "neutral"]
Aggregation = Literal["sum", "count", "count_distinct", "max", "min"]
IntervalMethod = Literal["wilson", "delta", "none"]
AttributionModel = Literal["first_touch", "last_touch", "linear"]

ADDITIVE_AGGREGATIONS = frozenset({"sum", "count"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Measure(_Strict):
    """A named aggregate: the building block of every metric."""

    name: str
    label: str | None = None
    description: str = ""
    table: str = "ad_performance"
    column: str | None = Field(None, description="Column aggregated; omit for count of rows.")
    agg: Aggregation = "sum"
    filter: str | None = Field(None, description="Rows counted, as a filter expression.")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.match(value):
            raise ValueError(f"`{value}` is not a valid name (lower case letters, digits, _)")
        return value

    @property
    def additive(self) -> bool:
        return self.agg in ADDITIVE_AGGREGATIONS

    def fingerprint(self) -> dict[str, object]:
        return {"table": self.table, "column": self.column, "agg": self.agg, "filter": self.filter}


class Display(_Strict):
    decimals: int = Field(2, ge=0, le=6)
    prefix: str = ""
    suffix: str = ""


class Metric(_Strict):
    """A metric definition, readable by the people who challenge the number."""

    name: str
    label: str
    description: str = Field(..., min_length=1)
    type: MetricType
    measure: str | None = Field(None, description="simple: the measure summed.")
    numerator: str | None = Field(None, description="ratio: the numerator measure.")
    denominator: str | None = Field(None, description="ratio: the denominator measure.")
    multiplier: float = Field(1.0, description="ratio: e.g. 1000 for CPM, 100 for a percent.")
    expression: str | None = Field(None, description="derived: arithmetic over other metrics.")
    unit: Unit = "number"
    display: Display = Field(default_factory=Display)
    direction: Direction = "neutral"
    interval: IntervalMethod = Field(
        "none", description="wilson for rates of counts (CTR), delta for cost ratios (CPM, CPC)."
    )
    min_base: int = Field(0, ge=0, description="Denominator below which a cell is too thin to read.")
    source_fields: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="Per measure, per platform: the export column feeding it."
    )
    filters: list[str] = Field(default_factory=list, description="Filter expressions, all applied.")
    attribution_window: str | None = Field(None, description="e.g. '30d after touch' (CRM metrics).")
    attribution_model: AttributionModel | None = None
    owner: str = "Marketing Ops"
    review_cadence: str = "quarterly"
    related: list[str] = Field(default_factory=list)
    caveats: list[str] = Field(default_factory=list)
    headline: bool = Field(False, description="Shown by default in reports.")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.match(value):
            raise ValueError(f"`{value}` is not a valid name (lower case letters, digits, _)")
        return value

    @model_validator(mode="after")
    def _shape(self) -> Metric:
        needs = {
            "simple": ("measure",),
            "ratio": ("numerator", "denominator"),
            "derived": ("expression",),
        }[self.type]
        for key in needs:
            if getattr(self, key) in (None, ""):
                raise ValueError(f"a {self.type} metric needs `{key}`")
        forbidden = {"measure", "numerator", "denominator", "expression"} - set(needs)
        for key in sorted(forbidden):
            if getattr(self, key) not in (None, ""):
                raise ValueError(f"`{key}` does not apply to a {self.type} metric")
        return self

    @property
    def measures(self) -> list[str]:
        """The measures this metric reads directly (derived metrics read other metrics)."""
        if self.type == "simple":
            return [self.measure]  # type: ignore[list-item]
        if self.type == "ratio":
            return [self.numerator, self.denominator]  # type: ignore[list-item]
        return []


def version_of(metric: Metric, measures: dict[str, Measure], metrics: dict[str, Metric]) -> str:
    """A short hash of everything that changes the number (not the prose around it)."""
    return hashlib.sha256(
        json.dumps(_computational(metric, measures, metrics, depth=0), sort_keys=True).encode()
    ).hexdigest()[:12]


def _computational(
    metric: Metric, measures: dict[str, Measure], metrics: dict[str, Metric], depth: int
) -> dict[str, object]:
    out: dict[str, object] = {
        "type": metric.type,
        "multiplier": metric.multiplier,
        "filters": sorted(metric.filters),
        "attribution_window": metric.attribution_window,
        "attribution_model": metric.attribution_model,
        "measures": {
            m: measures[m].fingerprint() if m in measures else None for m in metric.measures
        },
    }
    if metric.type == "derived" and depth < 8:
        from mille.metrics.arithmetic import referenced_names

        out["expression"] = metric.expression
        out["inputs"] = {
            n: _computational(metrics[n], measures, metrics, depth + 1)
            for n in sorted(referenced_names(metric.expression or ""))
            if n in metrics
        }
    return out
