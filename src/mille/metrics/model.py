"""What a metric definition is: measures (named sums over a table) and metrics built on them.

A **measure** is an additive aggregate of one column of one table, optionally filtered
(``spend`` = Σ ``ad_performance.spend_reporting``). A **metric** is what people read:

* ``simple``  — one measure (spend, impressions);
* ``ratio``   — ``multiplier × Σnumerator / Σdenominator`` (CPM = 1000 × spend / impressions),
  always a ratio of sums, never an average of ratios;
* ``derived`` — arithmetic over other metrics' values in the same cell (e.g. ``cpc / cpm``).

The models are strict on purpose: definitions are written by people, and a YAML value that is
not what it looks like (``label: yes`` is a boolean, ``multiplier: "1000"`` is text) must be an
error with a line number, not a silent coercion. Every field carries a description, which becomes
the JSON Schema editors complete from (``mille metrics schema``) and is checked against
``docs/metrics.md`` by the docs test.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_WINDOW = re.compile(r"^\s*(\d{1,4})\s*(?:d|day|days)\s*$", re.IGNORECASE)

MetricType = Literal["simple", "ratio", "derived"]
Unit = Literal["currency", "count", "percent", "ratio", "number"]
Direction = Literal["higher_is_better", "lower_is_better", "neutral"]
Aggregation = Literal["sum", "count", "count_distinct", "max", "min"]
IntervalMethod = Literal["wilson", "delta", "none"]
AttributionModel = Literal["first_touch", "last_touch", "linear"]
Cadence = Literal["weekly", "monthly", "quarterly", "half-yearly", "yearly"]

ADDITIVE_AGGREGATIONS = frozenset({"sum", "count"})
CADENCE_DAYS: dict[str, int] = {
    "weekly": 7,
    "monthly": 31,
    "quarterly": 92,
    "half-yearly": 183,
    "yearly": 366,
}
# Source systems whose column names a measure may document besides the ad platforms.
CRM_SYSTEMS: tuple[str, ...] = ("hubspot", "salesforce", "generic")


def default_time_column(table: str) -> str:
    """Ad rows are placed in a period by their day, CRM records by the day they were created."""
    return "date_day" if table == "ad_performance" else "created_date"


def _check_name(value: str) -> str:
    if not NAME.match(value):
        raise ValueError(
            f"`{value}` is not a valid name: start with a lower-case letter, then lower-case "
            "letters, digits or _ (at most 63 characters)"
        )
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Measure(_Strict):
    """A named aggregate: the building block of every metric."""

    name: str = Field(..., description="Unique name of the measure, e.g. `spend`.")
    label: str | None = Field(None, description="Human name shown in formulas; defaults to the name.")
    description: str = Field("", description="What is counted or summed, in plain language.")
    table: str = Field("ad_performance", description="Table the measure reads (ad_performance, crm_leads, crm_opportunities).")
    column: str | None = Field(None, description="Column aggregated; omit for a count of rows.")
    agg: Aggregation = Field("sum", description="sum, count, count_distinct, max or min; only sum and count are additive.")
    filter: str | None = Field(None, description="Rows counted, as a filter expression.")
    time: str | None = Field(
        None,
        description="Date column that places a row in a period (default: date_day on ad_performance, created_date on CRM tables).",
    )
    source_fields: dict[str, str] = Field(
        default_factory=dict,
        description="Per platform (or CRM system): the export column that feeds this measure.",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_name(value)

    @property
    def additive(self) -> bool:
        return self.agg in ADDITIVE_AGGREGATIONS

    @property
    def time_column(self) -> str:
        """The date column that places a row in a period."""
        return self.time or default_time_column(self.table)

    @property
    def display_label(self) -> str:
        return self.label or self.name.replace("_", " ")

    def fingerprint(self) -> dict[str, object]:
        """The parts of the measure that change its value (see :mod:`mille.metrics.versions`)."""
        return {"table": self.table, "column": self.column, "agg": self.agg, "filter": self.filter}


class Display(_Strict):
    """How a value is printed."""

    decimals: int = Field(2, ge=0, le=6, description="Digits after the decimal point.")
    prefix: str = Field("", max_length=8, description="Text before the number (e.g. `$`).")
    suffix: str = Field("", max_length=8, description="Text after the number (e.g. ` %`).")


class Metric(_Strict):
    """A metric definition, readable by the people who challenge the number."""

    name: str = Field(..., description="Unique name used on the command line, e.g. `cpm`.")
    label: str = Field(..., min_length=1, description="Name shown in reports, e.g. `CPM`.")
    description: str = Field(..., min_length=1, description="What the metric is, in plain language.")
    type: MetricType = Field(..., description="simple (one measure), ratio (of two measures) or derived (arithmetic over metrics).")
    measure: str | None = Field(None, description="simple: the measure summed.")
    numerator: str | None = Field(None, description="ratio: the numerator measure.")
    denominator: str | None = Field(None, description="ratio: the denominator measure (must be additive).")
    multiplier: float = Field(1.0, description="ratio: e.g. 1000 for CPM, 100 for a percent.")
    expression: str | None = Field(None, description="derived: arithmetic over other metrics, e.g. `cpc / cpm`.")
    unit: Unit = Field("number", description="currency, count, percent, ratio or number.")
    display: Display = Field(default_factory=Display, description="decimals, prefix and suffix for printing.")
    direction: Direction = Field("neutral", description="higher_is_better, lower_is_better or neutral.")
    interval: IntervalMethod = Field(
        "none", description="wilson for rates of counts (CTR), delta for cost ratios (CPM, CPC)."
    )
    min_base: int = Field(0, ge=0, description="Denominator below which a cell is too thin to read.")
    source_fields: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per measure, per platform: the export column feeding it (overrides the measure's own).",
    )
    filters: list[str] = Field(default_factory=list, description="Filter expressions, all applied.")
    attribution_window: str | None = Field(
        None, description="CRM metrics: days after the ad interaction within which a CRM record is credited, e.g. `30d`."
    )
    attribution_model: AttributionModel | None = Field(
        None, description="CRM metrics: first_touch, last_touch or linear."
    )
    owner: str = Field("Marketing Ops", min_length=1, description="Team or person who answers for the definition.")
    review_cadence: Cadence = Field("quarterly", description="How often the definition is reviewed.")
    last_reviewed: date | None = Field(None, description="Day the definition was last reviewed (YYYY-MM-DD).")
    related: list[str] = Field(default_factory=list, description="Metrics to read beside this one.")
    caveats: list[str] = Field(default_factory=list, description="Known traps when reading the number.")
    how_to_read: str = Field("", description="How to read the number: what good looks like, what to compare it with.")
    what_moves_it: list[str] = Field(default_factory=list, description="The usual causes when the number moves.")
    aliases: list[str] = Field(default_factory=list, description="Other names accepted on the command line (e.g. `cpl`).")
    headline: bool = Field(False, description="Shown by default in reports.")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_name(value)

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: list[str]) -> list[str]:
        for alias in value:
            _check_name(alias)
        return value

    @field_validator("multiplier")
    @classmethod
    def _multiplier(cls, value: float) -> float:
        if not math.isfinite(value) or value == 0:
            raise ValueError("multiplier must be a finite number other than 0")
        return float(value)

    @field_validator("attribution_window")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        if value is None:
            return None
        m = _WINDOW.match(value)
        if not m or not 1 <= int(m[1]) <= 3650:
            raise ValueError(
                f"`{value}` is not an attribution window: write a number of days, e.g. `30d` or `90 days` (1 to 3650)"
            )
        return f"{int(m[1])}d"

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
        if self.type != "ratio" and self.multiplier != 1.0:
            raise ValueError(f"`multiplier` applies to ratio metrics only, not to a {self.type} metric")
        if (self.attribution_window is None) != (self.attribution_model is None):
            raise ValueError("`attribution_window` and `attribution_model` go together: give both or neither")
        if self.name in self.aliases:
            raise ValueError(f"`{self.name}` is the metric's own name, not an alias")
        return self

    @property
    def measures(self) -> list[str]:
        """The measures this metric reads directly (derived metrics read other metrics)."""
        if self.type == "simple":
            return [self.measure]  # type: ignore[list-item]
        if self.type == "ratio":
            return [self.numerator, self.denominator]  # type: ignore[list-item]
        return []

    @property
    def attribution_days(self) -> int | None:
        return int(self.attribution_window[:-1]) if self.attribution_window else None

    @property
    def next_review(self) -> date | None:
        """The day the next review is due (None when the definition was never reviewed)."""
        if self.last_reviewed is None:
            return None
        return self.last_reviewed + timedelta(days=CADENCE_DAYS[self.review_cadence])


# A workspace may patch a built-in metric without copying it: every key optional but `name`.
MetricOverride = create_model(  # type: ignore[call-overload]
    "MetricOverride",
    __base__=_Strict,
    __doc__="Keys that replace those of an existing metric of the same name.",
    name=(str, Field(..., description="The metric to change.")),
    **{
        key: (info.annotation | None, Field(None, description=info.description))
        for key, info in Metric.model_fields.items()
        if key != "name"
    },
)


class DefinitionFile(_Strict):
    """A metrics file: ``builtin.yaml`` or a workspace's ``metrics.yaml``."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        title="mille metric definitions",
        json_schema_extra={"$comment": "Documented in docs/metrics.md; generated by `mille metrics schema`."},
    )

    measures: list[Measure] = Field(default_factory=list, description="Measures added or replaced (by name).")
    metrics: list[Metric] = Field(default_factory=list, description="Metrics added or replaced whole (by name).")
    overrides: list[MetricOverride] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Changes to some keys of existing metrics."
    )


def version_of(metric: Metric, measures: dict[str, Measure], metrics: dict[str, Metric]) -> str:
    """Kept for callers of the first API; see :func:`mille.metrics.versions.version_of`."""
    from mille.metrics.versions import version_of as _version_of

    return _version_of(metric, measures, metrics)


def json_schema() -> dict[str, object]:
    """The JSON Schema of a definitions file, for editor completion (``mille metrics schema``)."""
    schema = DefinitionFile.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
