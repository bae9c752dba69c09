"""Checking a definitions file against the catalogue it extends, collecting every problem.

``mille metrics validate`` shows all problems at once, each with file, line, key and the nearest
valid name; loading a catalogue for a report stops at the first error. The rules:

* shape: known keys only, values of the right type (strict: ``label: yes`` is a boolean, not text);
* names: measures, metrics and aliases are unique; references point at things that exist;
* measures: a known table and column, an aggregation the column supports, a date column for
  time, a filter over the table's columns;
* metrics: a ratio of additive measures (so it stays a ratio of sums), no cycles among derived
  metrics, inputs of a derived metric that share one row set, filters over known columns,
  an attribution window and model exactly when the metric joins ad spend to CRM records;
* source fields name the metric's measures and known platforms.

Warnings point at definitions that compute but probably not what was meant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from mille import yamldoc
from mille.errors import MetricError, did_you_mean, suggestion
from mille.metrics.model import CRM_SYSTEMS, Measure, Metric
from mille.platforms import PLATFORMS
from mille.schema import TABLES

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    key: str | None = None
    entry: str | None = None
    hint: str | None = None

    def to_error(self) -> MetricError:
        return MetricError(self.message, file=self.file, line=self.line, key=self.key, hint=self.hint)

    def render(self) -> str:
        return self.to_error().render()


class Checker:
    """Collects problems for one document, each located at the line of the key it concerns."""

    def __init__(self, doc: yamldoc.Document | None, origin: str) -> None:
        self.doc = doc
        self.origin = origin
        self.problems: list[Problem] = []

    @property
    def file(self) -> str | None:
        return str(self.doc.path) if self.doc is not None and self.doc.path is not None else (
            None if self.origin in ("built-in", "<text>") else self.origin
        )

    def line(self, path: tuple) -> int | None:
        return self.doc.line_of(path) if self.doc is not None else None

    def add(self, severity: Severity, message: str, path: tuple, key: str | None = None,
            hint: str | None = None, entry: str | None = None) -> None:
        if key is None:
            key = ".".join(str(p) for p in path if not isinstance(p, int)) or None
        self.problems.append(Problem(severity, message, self.file, self.line(path), key, entry, hint))

    def error(self, message: str, path: tuple, **kw: Any) -> None:
        self.add("error", message, path, **kw)

    def warn(self, message: str, path: tuple, **kw: Any) -> None:
        self.add("warning", message, path, **kw)

    def attempt(self, fn: Callable[[], Any], path: tuple, entry: str | None = None) -> Any:
        """Run a check that raises MetricError; record it at ``path`` instead of stopping."""
        try:
            return fn()
        except MetricError as exc:
            self.error(exc.message, path, hint=exc.hint, entry=entry)
            return None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


# -- shape ---------------------------------------------------------------------------------------


def pydantic_problems(chk: Checker, exc: Any, model: Any, prefix: tuple, entry: str | None) -> None:
    """Every error of a pydantic ValidationError as a located problem with a useful hint."""
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        # Errors raised by a model validator have no location: point at the entry itself.
        path = (*prefix, *loc)
        kind = err.get("type", "")
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        hint = None
        field = str(loc[0]) if loc else None
        if kind == "extra_forbidden":
            bad = str(loc[-1])
            options = _keys_at(model, loc[:-1])
            message = f"unknown key `{bad}`"
            hint = suggestion(bad, options) if options else None
        elif kind == "missing":
            message = f"missing required key `{loc[-1]}`"
        elif kind == "literal_error":
            allowed = _literal_values(model, loc)
            got = err.get("input")
            message = f"`{got}` is not one of {', '.join(allowed)}" if allowed else message
            near = did_you_mean(str(got), allowed) if allowed else None
            hint = f"did you mean `{near}`?" if near else None
        elif kind.endswith("_type") or kind in ("list_type", "dict_type", "model_type"):
            got = err.get("input")
            expected = _TYPE_WORDS.get(kind, kind.removesuffix("_type"))
            message = f"`{field if len(loc) == 1 else '.'.join(map(str, loc))}` should be {expected}, not {_describe(got)}"
            hint = _TYPE_HINTS.get(kind)
            if kind == "string_type" and isinstance(got, dict):
                hint = "text containing `: ` reads as a mapping in YAML; put the whole text in quotes"
        elif kind in ("greater_than_equal", "less_than_equal", "string_too_short", "string_too_long"):
            message = f"`{'.'.join(map(str, loc))}`: {message.lower()}"
        chk.error(message, path, hint=hint, entry=entry)


_TYPE_WORDS = {
    "string_type": "text",
    "float_type": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "date_type": "a date (YYYY-MM-DD)",
}
_TYPE_HINTS = {
    "string_type": "put the value in quotes: YAML reads yes/no/on/off as true/false and bare numbers as numbers",
    "float_type": "write the number without quotes",
    "int_type": "write a whole number without quotes",
    "bool_type": "write true or false",
    "list_type": "write a list: [a, b] or one `- item` per line",
    "dict_type": "write `key: value` pairs indented under the key",
    "date_type": "write the date as YYYY-MM-DD, without quotes",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return type(value).__name__


def _keys_at(model: Any, loc: tuple) -> list[str]:
    keys = yamldoc.model_keys(model)
    return list(keys.get(tuple(p for p in loc if not isinstance(p, int)), []))


def _literal_values(model: Any, loc: tuple) -> list[str]:
    import typing

    cls = model
    for part in loc:
        if isinstance(part, int) or not hasattr(cls, "model_fields") or part not in cls.model_fields:
            continue
        annotation = cls.model_fields[part].annotation
        for arg in yamldoc._flatten(annotation, typing):
            if hasattr(arg, "model_fields"):
                cls = arg
        values = [a for a in _literal_args(annotation, typing) if isinstance(a, str)]
        if values:
            return values
    return []


def _literal_args(annotation: Any, typing: Any) -> list[Any]:
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    out: list[Any] = []
    for arg in typing.get_args(annotation):
        out.extend(_literal_args(arg, typing))
    return out


# -- meaning -------------------------------------------------------------------------------------


def check_measure(chk: Checker, measure: Measure, path: tuple) -> None:
    entry = f"measure {measure.name}"
    if measure.table not in TABLES or measure.table in ("ingests", "reconciliations", "slice_replacements", "metric_versions"):
        chk.error(f"unknown table `{measure.table}`", (*path, "table"), entry=entry,
                  hint=suggestion(measure.table, DATA_TABLES))
        return
    table = TABLES[measure.table]
    if measure.column is not None:
        if not table.has(measure.column):
            chk.error(f"unknown column `{measure.column}` in {table.name}", (*path, "column"), entry=entry,
                      hint=suggestion(measure.column, table.names))
            return
        col = table.column(measure.column)
        if measure.agg == "sum" and col.dtype not in ("int64", "float64"):
            chk.error(f"`{measure.column}` is {col.dtype}; only numbers can be summed", (*path, "column"),
                      entry=entry, hint="use agg: count_distinct to count different values")
        elif measure.agg == "sum" and col.role == "measure" and not col.additive:
            chk.error(f"`{measure.column}` cannot be summed: it is not additive across rows "
                      "(unique people reached on two days are not the sum of each day's)",
                      _written(chk, path, "agg", "column"), entry=entry, hint="use agg: max, or a different column")
        elif measure.agg in ("max", "min") and col.dtype in ("boolean",):
            chk.error(f"agg: {measure.agg} does not apply to the true/false column `{measure.column}`",
                      (*path, "agg"), entry=entry, hint="use a filter and agg: count")
    elif measure.agg != "count":
        chk.error("a measure without `column` counts rows: use agg: count, or name a column",
                  (*path, "column"), entry=entry)
    if measure.filter is not None:
        from mille.metrics.filters import parse_filter

        chk.attempt(lambda: parse_filter(measure.filter, table), (*path, "filter"), entry)
    if measure.time is not None and (
        not table.has(measure.time) or table.column(measure.time).dtype != "date"
    ):
        dates = [c.name for c in table.columns if c.dtype == "date"]
        chk.error(f"`{measure.time}` is not a date column of {table.name}", (*path, "time"),
                  entry=entry, hint=suggestion(measure.time, dates))
    _check_platform_keys(chk, measure.source_fields, (*path, "source_fields"), entry)


DATA_TABLES = ("ad_performance", "crm_leads", "crm_opportunities")


def _written(chk: Checker, path: tuple, key: str, fallback: str) -> tuple:
    """Point at ``key`` when the file wrote it, else at ``fallback`` (a default was in play)."""
    doc = chk.doc
    return (*path, key) if doc is not None and (*path, key) in doc.lines else (*path, fallback)


def _check_platform_keys(chk: Checker, fields: dict[str, str], path: tuple, entry: str) -> None:
    known = (*PLATFORMS, *CRM_SYSTEMS)
    for platform in fields:
        if platform not in known:
            chk.error(f"unknown platform `{platform}` in source_fields", (*path, platform), entry=entry,
                      hint=suggestion(platform, known))


def check_metric(chk: Checker, cat: Any, metric: Metric, path: tuple) -> None:
    """Checks that need the whole catalogue (``cat``: a :class:`~mille.metrics.catalogue.Catalogue`)."""
    entry = f"metric {metric.name}"
    for key in ("measure", "numerator", "denominator"):
        name = getattr(metric, key)
        if name is not None and name not in cat.measures:
            chk.error(f"unknown measure `{name}`", (*path, key), entry=entry,
                      hint=suggestion(name, cat.measures))
    if any(m not in cat.measures for m in metric.measures):
        return
    if metric.type == "ratio":
        for key in ("numerator", "denominator"):
            m = cat.measures[getattr(metric, key)]
            if not m.additive:
                chk.error(
                    f"the {key} `{m.name}` is not additive (agg: {m.agg}), so the ratio would not be "
                    "a ratio of sums and segments would not add up to the total",
                    (*path, key), entry=entry, hint="use a measure with agg: sum or count")
        if metric.unit == "percent" and metric.multiplier != 100:
            chk.warn(f"unit is percent but multiplier is {metric.multiplier:g}", (*path, "multiplier"),
                     entry=entry, hint="a percentage needs multiplier: 100")
    if metric.type == "derived":
        if not _check_derived(chk, cat, metric, path, entry):
            # What follows reads the expression's inputs: with a broken expression there are none
            # to read, and the problem is already recorded (the rest of the file is still checked).
            return
    elif metric.interval != "none" and metric.type != "ratio":
        chk.warn(f"interval: {metric.interval} applies to ratio metrics", (*path, "interval"), entry=entry)
    tables = cat.tables_of(metric)
    crm = tables - {"ad_performance"}
    # A derived metric joins nothing itself: the ratios it reads carry their own attribution.
    if crm and "ad_performance" in tables and metric.attribution_window is None and metric.type != "derived":
        chk.error(
            f"the metric reads ad_performance and {', '.join(sorted(crm))}, which only meet through "
            "attribution", (*path, "attribution_window"), entry=entry,
            hint="add attribution_window (e.g. 90d) and attribution_model (first_touch, last_touch or linear)")
    if not crm and metric.attribution_window is not None:
        chk.error(
            "attribution_window applies to metrics that read CRM records; this one reads ad rows only "
            "(the platforms attribute their own conversions)", (*path, "attribution_window"), entry=entry,
            hint="remove attribution_window and attribution_model")
    from mille.metrics.filters import parse_filter

    for i, text in enumerate(metric.filters):
        for t in sorted(tables) or ["ad_performance"]:
            chk.attempt(lambda t=t, text=text: parse_filter(text, TABLES[t]), (*path, "filters", i), entry)
    read = set(cat.measures_read(metric))
    for measure, per_platform in metric.source_fields.items():
        if measure not in read:
            chk.error(f"source_fields names `{measure}`, which this metric does not read",
                      (*path, "source_fields", measure), entry=entry, hint=suggestion(measure, read))
        _check_platform_keys(chk, per_platform, (*path, "source_fields", measure), entry)
    for i, rel in enumerate(metric.related):
        if rel == metric.name:
            chk.warn("a metric is not related to itself", (*path, "related", i), entry=entry)
        elif cat.lookup(rel) is None:
            chk.error(f"related metric `{rel}` does not exist", (*path, "related", i), entry=entry,
                      hint=suggestion(rel, cat.metrics))
    if metric.min_base and metric.type != "ratio":
        chk.warn("min_base applies to ratio metrics (it is a minimum denominator)", (*path, "min_base"), entry=entry)


def _check_derived(chk: Checker, cat: Any, metric: Metric, path: tuple, entry: str) -> bool:
    """Check a derived metric's expression; False when it cannot be evaluated at all."""
    from mille.metrics.arithmetic import referenced_names

    names = chk.attempt(lambda: referenced_names(metric.expression or ""), (*path, "expression"), entry)
    if names is None:
        return False
    missing = [n for n in sorted(names) if n not in cat.metrics]
    for n in missing:
        chk.error(f"`{n}` in the expression is not a metric", (*path, "expression"), entry=entry,
                  hint=suggestion(n, cat.metrics))
    if missing:
        return False
    cycle = find_cycle(cat, metric.name)
    if cycle:
        chk.error(f"derived metrics form a cycle: {' → '.join(cycle)}", (*path, "expression"),
                  entry=entry, hint="a derived metric cannot depend on itself")
        return False
    filter_sets = {tuple(cat.effective_filters(cat.metrics[n])) for n in names}
    if len(filter_sets) > 1:
        chk.error("the metrics in the expression have different filters, so no single set of rows "
                  "computes them together", (*path, "expression"), entry=entry,
                  hint="express the slice as a filtered measure (measure `filter:`) instead of a metric filter")
    return True


def find_cycle(cat: Any, start: str) -> list[str] | None:
    """The first cycle reachable from ``start`` through derived expressions, as a path of names."""
    from mille.metrics.arithmetic import referenced_names

    def walk(current: str, trail: list[str]) -> list[str] | None:
        metric = cat.metrics.get(current)
        if metric is None or metric.type != "derived":
            return None
        try:
            names = referenced_names(metric.expression or "")
        except MetricError:
            return None
        for n in sorted(names):
            if n in trail:
                return [*trail[trail.index(n):], n]
            found = walk(n, [*trail, n])
            if found:
                return found
        return None

    return walk(start, [start])


def review_warnings(chk: Checker, metric: Metric, path: tuple, today: date) -> None:
    due = metric.next_review
    if due is not None and due < today:
        chk.warn(f"review overdue since {due.isoformat()} ({metric.review_cadence}, last reviewed "
                 f"{metric.last_reviewed.isoformat() if metric.last_reviewed else '—'})",
                 (*path, "last_reviewed"), entry=f"metric {metric.name}",
                 hint=f"review the definition with {metric.owner} and update last_reviewed")
