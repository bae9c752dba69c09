"""Two periods of one metric, per leaf, in a single engine query.

``compare(...)`` turns a metric definition from the catalogue into one grouped aggregation with
conditional sums — Σ numerator and Σ denominator in the before period and in the after period,
per combination of the requested dimensions — runs it once on the engine (DuckDB by default)
and returns :class:`~mille.analysis.leaves.Leaves`. The source is a workspace (its
``ad_performance`` rows, superseded exports excluded) or a CSV/Parquet file read through the
same engine, so the same definitions, filters and row rules apply to both.

A row belongs to a period when its whole span lies inside it (``date_day ≥ start`` and
``period_end ≤ end``; a file without ``period_end`` holds daily rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mille.analysis.leaves import Leaves
from mille.errors import InputError, MetricError, QueryError, suggestion
from mille.metrics import Catalogue, Metric, compile_filter
from mille.periods import Period
from mille.schema import TABLES, Column, Table

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from mille.engine import Engine

_NUMERIC = ("int", "uint", "float", "decimal")


@dataclass(frozen=True)
class Comparison:
    leaves: Leaves
    numerator: str  # measure names
    denominator: str | None
    dims: tuple[str, ...]
    rows: tuple[int, int]  # source rows counted in the before and the after period


def measures_of(catalogue: Catalogue, metric: Metric, *, attributed: bool = False) -> tuple[str, str | None]:
    """(numerator, denominator) measure names of a metric explain can decompose (CRM measures
    only over a table of credited values: ``attributed``, see mille.analysis.attributed_rows)."""
    if catalogue.tables_of(metric) - {"ad_performance"} and not attributed:
        raise MetricError(
            f"`{metric.name}` reads CRM records, which meet ad rows only through the attribution join",
            hint="explain an ad metric (cpm, cpc, ctr, spend…); pipeline metrics come with attribution",
        )
    if metric.type == "simple":
        names: tuple[str, str | None] = (metric.measure or "", None)
    elif metric.type == "ratio":
        names = (metric.numerator or "", metric.denominator)
    else:
        raise MetricError(
            f"`{metric.name}` is derived ({metric.expression}); explain splits simple and ratio metrics",
            hint="explain the metrics it is built from instead",
        )
    for name in (n for n in names if n):
        if not catalogue.measure(name).additive:
            raise MetricError(
                f"measure `{name}` of `{metric.name}` is not additive ({catalogue.measure(name).agg})",
                hint="only sums and counts can be split into segments",
            )
    return names


def file_table(engine: Engine, path: Path) -> tuple[ir.Table, Table]:
    """A CSV or Parquet file as an engine table, with a schema description for filters."""
    if not path.exists():
        raise InputError("no such file", file=path, hint="give the path of a CSV or Parquet file")
    suffix = "".join(path.suffixes[-2:]).lower()
    reader = engine.con.read_parquet if suffix.endswith(".parquet") else engine.con.read_csv
    if not (suffix.endswith((".parquet", ".csv", ".csv.gz", ".tsv"))):
        raise InputError("unsupported file type", file=path, expected="a .csv, .csv.gz or .parquet file")
    try:
        t = reader(str(path))
    except Exception as exc:
        # Only the engine's own parse errors are the user's file; anything else is a bug.
        if not type(exc).__module__.lstrip("_").startswith("duckdb"):
            raise
        raise InputError(f"cannot read the file: {str(exc).splitlines()[0]}", file=path,
                         hint="check that it is a well-formed CSV (with a header row) or Parquet file") from None
    if "date_day" not in t.columns:
        raise InputError("the file has no `date_day` column", file=path, column="date_day",
                         expected="one row per day with a date_day column (YYYY-MM-DD)",
                         hint=f"columns found: {', '.join(t.columns[:12])}")
    if not t.date_day.type().is_date():
        t = t.mutate(date_day=t.date_day.cast("date"))
    columns = []
    for name, dtype in t.schema().items():
        kind = str(dtype).lower().lstrip("!")
        if kind.startswith("date") or kind.startswith("timestamp"):
            columns.append(Column(name, "date", "time", "date"))
        elif kind.startswith(_NUMERIC):
            columns.append(Column(name, "float64", "measure", "number", additive=True))
        else:
            columns.append(Column(name, "string", "dimension", "category"))
    return t, Table(name=path.name, description=f"the file {path.name}", columns=tuple(columns))


def default_dims(t: ir.Table, table: Table, engine: Engine, *, workspace: bool) -> list[str]:
    """Every categorical column with at least one value (workspace: platform + breakdowns)."""
    if workspace:
        wanted = ["platform", *[c.name for c in table.with_role("dimension")]]
    else:
        wanted = [c.name for c in table.columns if c.role == "dimension"]
    if not wanted:
        return []
    counts = engine.to_arrow(t.aggregate(**{f"n_{i}": t[c].count() for i, c in enumerate(wanted)}))
    return [c for i, c in enumerate(wanted) if int(counts.column(f"n_{i}")[0].as_py() or 0) > 0]


def check_dims(dims: list[str], table: Table, *, workspace: bool) -> None:
    allowed = (TABLES["ad_performance"].dimensions if workspace
               else [c.name for c in table.columns if c.role == "dimension"])
    for d in dims:
        if d not in allowed:
            raise QueryError(f"cannot segment by `{d}`", column=d, hint=suggestion(d, allowed))


def compare(
    engine: Engine,
    t: ir.Table,
    table: Table,
    catalogue: Catalogue,
    metric: Metric,
    before: Period,
    after: Period,
    dims: list[str],
    *,
    filter: str | None = None,
    attributed: bool = False,
) -> Comparison:
    """Leaves of ``metric`` over ``dims`` for both periods, from one grouped query."""
    import ibis

    numerator, denominator = measures_of(catalogue, metric, attributed=attributed)
    if before.overlaps(after):
        raise QueryError(
            f"the periods overlap ({before.label} and {after.label}): a day cannot be both before and after",
            hint="compare two separate periods, e.g. --before 2026-09 --after 2026-10",
        )
    t, in0, in1 = select_rows(t, table, catalogue, metric, before, after, filter=filter)
    aggs: dict[str, Any] = {"rows_0": in0.cast("int64").sum(), "rows_1": in1.cast("int64").sum()}
    for role, name in (("num", numerator), ("den", denominator)):
        if name is None:
            continue
        value, keep = measure_value(catalogue, name, t, table)
        for p, flag in ((0, in0), (1, in1)):
            aggs[f"{role}{p}"] = ibis.ifelse(flag & keep, value, 0).sum().fill_null(0)
    t = t.filter(in0 | in1)
    keys = {d: t[d].cast("string") for d in dims}
    sums = engine.to_arrow(t.group_by(**keys).aggregate(**aggs)) if dims else engine.to_arrow(t.aggregate(**aggs))
    rows = (int(np.asarray(sums.column("rows_0")).sum()), int(np.asarray(sums.column("rows_1")).sum()))
    for label, p, n in (("before", before, rows[0]), ("after", after, rows[1])):
        if n == 0:
            raise QueryError(
                f"no rows in the {label} period ({p.label}: {p.start} to {p.end})",
                hint="check the period (mille explain uses the days the data covers) and the filter",
            )

    def col(name: str) -> np.ndarray:
        return np.asarray(sums.column(name).to_numpy(zero_copy_only=False), dtype=np.float64)

    dim_values = {d: sums.column(d).to_numpy(zero_copy_only=False) for d in dims} or {
        "all": np.array(["all"] * sums.num_rows)
    }
    den = (col("den0"), col("den1")) if denominator else (None, None)
    leaves = Leaves.from_columns(dim_values, col("num0"), col("num1"), *den)
    return Comparison(leaves, numerator, denominator, tuple(dims), rows)


def select_rows(
    t: ir.Table, table: Table, catalogue: Catalogue, metric: Metric, before: Period, after: Period,
    *, filter: str | None,
) -> tuple[ir.Table, ir.BooleanValue, ir.BooleanValue]:
    """The metric's own filters and the user's applied, plus "the row lies wholly inside the
    before / after period" (a monthly or whole-range row cannot be split into days)."""
    for text in [*catalogue.effective_filters(metric), *([filter] if filter else [])]:
        t = t.filter(compile_filter(text, t, table))
    end = t.period_end if "period_end" in t.columns else t.date_day
    return t, (t.date_day >= before.start) & (end <= before.end), (t.date_day >= after.start) & (end <= after.end)


def measure_value(catalogue: Catalogue, name: str, t: ir.Table, table: Table) -> tuple[Any, Any]:
    """The per-row value a measure sums (or counts) and the rows it keeps."""
    import ibis

    m = catalogue.measure(name)
    if m.table != "ad_performance":  # credited CRM values, a column named like the measure
        return t[name].cast("float64").fill_null(0), ibis.literal(True)
    keep = compile_filter(m.filter, t, table) if m.filter else ibis.literal(True)
    if m.agg == "count" and m.column is None:
        return ibis.literal(1), keep
    column = _column_for(m.column or "", name, t)
    value = t[column].cast("float64")
    if m.agg == "count":
        return ibis.ifelse(value.isnull(), 0, 1), keep
    return value.fill_null(0), keep


def _column_for(column: str, measure: str, t: ir.Table) -> str:
    # A file carries measures under their unified names: `spend` where the workspace has
    # `spend_reporting` (a file is in one currency already).
    for candidate in (column, measure):
        if candidate in t.columns:
            return candidate
    raise InputError(
        f"no column for the measure `{measure}`",
        column=column,
        expected=f"a numeric column `{measure}`" + (f" (or `{column}`)" if column != measure else ""),
        hint=f"columns found: {', '.join(list(t.columns)[:12])}",
    )
