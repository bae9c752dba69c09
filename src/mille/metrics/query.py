"""Compile metrics to one engine query, then evaluate them from the summed measures.

Every metric in a request is computed from the same grouped sums: the query groups the rows by
the requested dimensions (and time bucket) and sums each measure needed once; ratios are then
``multiplier × Σnumerator / Σdenominator`` per cell, so a cell's value is always a ratio of sums
and the base counts travel with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from mille.errors import QueryError, suggestion
from mille.metrics.arithmetic import evaluate as evaluate_expression
from mille.metrics.catalogue import Catalogue
from mille.metrics.filters import compile_filter
from mille.metrics.identity import VIRTUAL_DIMENSIONS, expand, keyed, keyed_ids
from mille.metrics.model import Measure, Metric
from mille.periods import GRAINS, Period
from mille.schema import TABLES

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

BUCKET = "period_start"


@dataclass
class MetricQuery:
    """What to compute: metrics, grouped by dimensions, over a period, at an optional grain."""

    catalogue: Catalogue
    metrics: list[Metric]
    by: list[str] = field(default_factory=list)
    filter: str | None = None
    period: Period | None = None
    grain: str | None = None
    extra_measures: list[str] = field(default_factory=list)  # base counts to carry along
    # CRM measures are read from columns of credited values (one per measure, named like it) that
    # the attribution analysis adds beside the ad rows (mille.analysis.attributed_rows); a query
    # that is not attributed refuses metrics reading CRM records.
    attributed: bool = False
    # Id columns among ``by`` that fall back to ``name:`` + the name where an export has no id
    # (the keys of the virtual dimensions campaign, ad_group and ad: mille.metrics.identity).
    name_keyed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        table = TABLES["ad_performance"]
        known = [*table.dimensions, *VIRTUAL_DIMENSIONS]
        for dim in self.by:
            if dim not in known:
                raise QueryError(
                    f"cannot break down by `{dim}`",
                    hint=suggestion(dim, known),
                )
        # A virtual dimension groups by its entity's key columns, with names where ids are missing.
        self.name_keyed = list(dict.fromkeys([*self.name_keyed, *keyed_ids(self.by)]))
        self.by = expand(self.by, across_platforms=True)
        if self.grain is not None and self.grain not in GRAINS:
            raise QueryError(f"unknown grain `{self.grain}`", expected=", ".join(GRAINS))
        names = [m.name for m in self.catalogue.measures_for(self.metrics)]
        for extra in self.extra_measures:
            if extra not in names:
                names.append(self.catalogue.measure(extra).name)
        self.measures: list[Measure] = [self.catalogue.measures[n] for n in names]
        crm = sorted(
            {m.name for m in self.metrics if self.catalogue.tables_of(m) - {"ad_performance"}}
        )
        if crm and not self.attributed:
            raise QueryError(
                f"{', '.join(crm)} read{'s' if len(crm) == 1 else ''} CRM records, which meet ad "
                "rows only through the attribution join; a plain ad_performance query cannot compute "
                "them",
                hint="compute pipeline metrics with the attribution analysis (mille report, mille pipeline)",
            )
        # measure name → (window days, model) for every CRM measure read (one rule per measure).
        self.attribution: dict[str, tuple[int, str]] = attribution_rules(self.catalogue, self.metrics) if crm else {}

    @property
    def group_columns(self) -> list[str]:
        return ([BUCKET] if self.grain else []) + list(self.by)

    def to_ibis(self, t: ir.Table) -> ir.Table:
        """One grouped aggregation over ``t`` (the workspace's ad_performance, or any table
        with its columns)."""
        import ibis

        table = TABLES["ad_performance"]
        if self.period is not None:
            # A row counts in a period only when its whole span lies inside it: a monthly or
            # whole-range row cannot be split into days.
            t = t.filter((t.date_day >= self.period.start) & (t.period_end <= self.period.end))
        for text in self._filters():
            t = t.filter(compile_filter(text, t, table))
        t = keyed(t, self.name_keyed)
        if self.grain:
            t = t.mutate(**{BUCKET: _bucket(t.date_day, self.grain)})
        aggs = {}
        for m in self.measures:
            aggs[m.name] = _aggregate(m, t, table)
        if not self.group_columns:
            return t.aggregate(**aggs)
        return t.group_by(self.group_columns).aggregate(**aggs).order_by(
            [ibis.asc(c) for c in self.group_columns]
        )

    @property
    def crm_measures(self) -> list[Measure]:
        return [m for m in self.measures if m.table != "ad_performance"]

    def versions(self) -> dict[str, str]:
        """The definition version of every requested metric, for results to carry."""
        return {m.name: self.catalogue.version(m.name) for m in self.metrics}

    def sql(self, dialect: str = "duckdb") -> str:
        """The SQL of :meth:`to_ibis` over the workspace table, for ``--debug`` and golden tests."""
        import ibis

        schema = TABLES["ad_performance"].ibis_schema()
        if self.attributed:  # the credited CRM values sit beside the ad rows, one column per measure
            schema = ibis.schema({**dict(schema.items()), **{m.name: "float64" for m in self.crm_measures}})
        t = ibis.table(schema, name="ad_performance")
        return str(ibis.to_sql(self.to_ibis(t), dialect=dialect))

    def _filters(self) -> list[str]:
        out = list(self.filters_of_metrics())
        if self.filter:
            out.append(self.filter)
        return out

    def filters_of_metrics(self) -> list[str]:
        """Filters every requested metric shares; metrics with their own filters are refused
        beside others (each would need its own row set)."""
        sets = {tuple(self.catalogue.effective_filters(m)) for m in self.metrics}
        if len(sets) > 1:
            raise QueryError(
                "these metrics have different filters and cannot share one breakdown",
                hint="report them in separate commands",
            )
        return list(next(iter(sets))) if sets else []

    def evaluate(self, sums: pa.Table) -> dict[str, np.ndarray]:
        """Metric values per row of the query's result (NaN where a denominator is zero)."""
        values: dict[str, np.ndarray] = {}
        measure_arrays = {
            m.name: _floats(sums.column(m.name)) for m in self.measures if m.name in sums.column_names
        }
        for metric in self.metrics:
            for dep in self.catalogue.inputs(metric):
                if dep.name in values:
                    continue
                values[dep.name] = value_of(dep, measure_arrays, values)
        return {m.name: values[m.name] for m in self.metrics}


def value_of(metric: Metric, measures: dict[str, np.ndarray], metrics: dict[str, np.ndarray]) -> np.ndarray:
    if metric.type == "simple":
        return measures[metric.measure]  # type: ignore[index]
    if metric.type == "ratio":
        num = measures[metric.numerator]  # type: ignore[index]
        den = measures[metric.denominator]  # type: ignore[index]
        with np.errstate(divide="ignore", invalid="ignore"):
            out = metric.multiplier * num / den
        return np.where(den == 0, np.nan, out)
    return evaluate_expression(metric.expression or "", metrics)


def ratio(metric: Metric, numerator: float, denominator: float) -> float:
    """One ratio metric's value from its two sums (NaN when the denominator is zero)."""
    return float("nan") if denominator == 0 else metric.multiplier * numerator / denominator


def _floats(column: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype="float64")


def _aggregate(m: Measure, t: ir.Table, table) -> ir.Scalar:
    import ibis

    if m.table != "ad_performance":
        # Credited CRM values, already filtered and shared between touches by the attribution.
        return t[m.name].sum().fill_null(0)
    if m.column is None:
        value = ibis.literal(1)
    else:
        value = t[m.column]
    if m.filter:
        value = ibis.ifelse(compile_filter(m.filter, t, table), value, ibis.null())
    if m.agg == "count":
        return value.count() if m.column is not None or m.filter else t.count()
    if m.agg == "count_distinct":
        return value.nunique()
    if m.agg == "max":
        return value.max()
    if m.agg == "min":
        return value.min()
    # A sum over no rows is 0, not NULL: an empty cell spent nothing.
    return value.sum().fill_null(0)


def _bucket(day: ir.DateValue, grain: str) -> ir.DateValue:
    if grain == "day":
        return day
    unit = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}[grain]
    return day.truncate(unit)


def attribution_rules(catalogue: Catalogue, metrics: list[Metric]) -> dict[str, tuple[int, str]]:
    """The attribution window and model each CRM measure is read under in one query.

    A metric's window and model apply to every CRM measure it reads directly; two metrics that
    read one measure under different rules cannot share a query (each would need its own
    credited values), like metrics with different filters."""
    rules: dict[str, tuple[int, str]] = {}
    owner: dict[str, str] = {}
    for metric in metrics:
        for dep in catalogue.inputs(metric):
            for name in dep.measures:
                measure = catalogue.measures[name]
                if measure.table == "ad_performance":
                    continue
                if dep.attribution_days is None or dep.attribution_model is None:
                    raise QueryError(
                        f"`{dep.name}` reads CRM records but names no attribution window, so its records "
                        "cannot be placed against spend",
                        hint="give it attribution_window (e.g. 90d) and attribution_model in metrics.yaml",
                    )
                rule = (dep.attribution_days, dep.attribution_model)
                if rules.setdefault(name, rule) != rule:
                    raise QueryError(
                        f"`{owner[name]}` and `{dep.name}` read `{name}` under different attribution rules "
                        f"({rules[name][0]}d {rules[name][1]} and {rule[0]}d {rule[1]})",
                        hint="report them in separate commands",
                    )
                owner.setdefault(name, dep.name)
    return rules
