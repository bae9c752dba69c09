"""A definition's version: a short hash of the normalised form of everything that changes the number.

Two definitions that compute the same number get the same version, however they are written;
a change that can move the number gives a new version. So:

* **In the hash**: the metric type; for a simple metric its measure, for a ratio its numerator,
  denominator and multiplier, for a derived metric its expression and (recursively) the
  normalised form of every metric it reads; each measure's table, column, aggregation, filter
  and time column; the metric's filters; the attribution window and model.
* **Normalised first**: filters are parsed and re-printed by the SQL parser (``platform='x'``
  and ``platform  =  'x'`` are the same filter) and the metric's filters sorted; expressions
  are parsed and re-printed (``(cpc)/cpm`` is ``cpc / cpm``); numbers are floats; measure names
  are replaced by what they compute (renaming a measure changes nothing).
* **Not in the hash**: prose and presentation (label, description, unit, display, direction,
  owner, cadence, related, caveats, source fields, interval, min_base, headline, aliases).
* **Keys at their default are left out**, so adding a new optional key to the format later does
  not change the version of definitions that do not use it.
"""

from __future__ import annotations

import ast
import hashlib
import json
from typing import Any

from mille.metrics.model import Measure, Metric, default_time_column

VERSION_LENGTH = 12
_MAX_DEPTH = 16  # derived metrics are acyclic (validated); this only bounds a hostile catalogue


def normal_form(metric: Metric, measures: dict[str, Measure], metrics: dict[str, Metric]) -> dict[str, Any]:
    """The normalised computational form of ``metric`` (what the version hashes)."""
    return _metric_form(metric, measures, metrics, depth=0)


def version_of(metric: Metric, measures: dict[str, Measure], metrics: dict[str, Metric]) -> str:
    return hash_form(normal_form(metric, measures, metrics))


def hash_form(form: dict[str, Any]) -> str:
    text = json.dumps(form, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:VERSION_LENGTH]


def measure_form(measure: Measure) -> dict[str, Any]:
    out: dict[str, Any] = {"table": measure.table, "agg": measure.agg}
    if measure.column is not None:
        out["column"] = measure.column
    if measure.filter:
        out["filter"] = canonical_filter(measure.filter, measure.table)
    if measure.time is not None and measure.time != default_time_column(measure.table):
        out["time"] = measure.time
    return out


def canonical_filter(text: str, table: str) -> str:
    """The filter as the parser prints it back (spacing, keyword case and quoting normalised)."""
    from sqlglot import exp

    from mille.metrics.filters import parse_filter
    from mille.schema import TABLES

    def normalise(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Identifier):
            return exp.to_identifier(node.name)  # "platform" and platform are one column
        if isinstance(node, exp.Literal) and not node.is_string:
            value = float(node.this)  # 1e3, 1000 and 1000.0 are one number
            return exp.Literal.number(repr(int(value)) if value.is_integer() else repr(value))
        return node

    return parse_filter(text, TABLES[table]).transform(normalise).sql(dialect="duckdb")


def canonical_expression(text: str) -> str:
    from mille.metrics.arithmetic import parse_expression

    return ast.unparse(parse_expression(text))


def _metric_form(
    metric: Metric, measures: dict[str, Measure], metrics: dict[str, Metric], depth: int
) -> dict[str, Any]:
    out: dict[str, Any] = {"type": metric.type}
    if metric.type == "simple":
        out["measure"] = _measure(metric.measure, measures)
    elif metric.type == "ratio":
        out["numerator"] = _measure(metric.numerator, measures)
        out["denominator"] = _measure(metric.denominator, measures)
        out["multiplier"] = float(metric.multiplier)
    else:
        from mille.metrics.arithmetic import referenced_names

        out["expression"] = canonical_expression(metric.expression or "")
        if depth < _MAX_DEPTH:
            out["inputs"] = {
                n: _metric_form(metrics[n], measures, metrics, depth + 1)
                for n in sorted(referenced_names(metric.expression or ""))
                if n in metrics
            }
    if metric.filters:
        tables = sorted({measures[m].table for m in metric.measures if m in measures}) or ["ad_performance"]
        out["filters"] = sorted(canonical_filter(f, tables[0]) for f in metric.filters)
    if metric.attribution_window is not None:
        out["attribution"] = {"days": metric.attribution_days, "model": metric.attribution_model}
    return out


def _measure(name: str | None, measures: dict[str, Measure]) -> dict[str, Any] | None:
    if name is None or name not in measures:
        return None
    return measure_form(measures[name])
