"""The metric catalogue: built-in definitions plus a workspace's ``metrics.yaml``.

The built-ins live in ``builtin.yaml`` beside this module. A workspace file of the same shape
adds measures and metrics or overrides built-ins by name. Loading validates everything at once
and reports the first problem with file, line, key and the nearest valid name: unknown
measures, non-additive denominators, cycles among derived metrics, filters on unknown columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mille import yamldoc
from mille.errors import MetricError, suggestion
from mille.metrics.arithmetic import referenced_names
from mille.metrics.filters import parse_filter
from mille.metrics.model import Measure, Metric, version_of
from mille.schema import TABLES

WORKSPACE_FILE = "metrics.yaml"
TOP_KEYS = ("measures", "metrics")


@dataclass
class Catalogue:
    measures: dict[str, Measure] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # metric/measure name → file it came from

    def get(self, name: str) -> Metric:
        key = name.strip().lower()
        if key in self.metrics:
            return self.metrics[key]
        raise MetricError(f"unknown metric `{name}`", hint=suggestion(key, self.metrics))

    def measure(self, name: str) -> Measure:
        if name in self.measures:
            return self.measures[name]
        raise MetricError(f"unknown measure `{name}`", hint=suggestion(name, self.measures))

    def resolve(self, names: list[str] | str) -> list[Metric]:
        """Metric names as typed on a command line (``cpm,cpc``) → definitions, in order."""
        if isinstance(names, str):
            names = [n for n in names.split(",") if n.strip()]
        seen: dict[str, Metric] = {}
        for n in names:
            m = self.get(n)
            seen.setdefault(m.name, m)
        return list(seen.values())

    def headline(self) -> list[Metric]:
        return [m for m in self.metrics.values() if m.headline]

    def version(self, name: str) -> str:
        return version_of(self.get(name), self.measures, self.metrics)

    def inputs(self, metric: Metric) -> list[Metric]:
        """Metrics a derived metric reads, recursively, in evaluation order (dependencies first)."""
        order: list[Metric] = []

        def visit(m: Metric) -> None:
            if m.type == "derived":
                for n in sorted(referenced_names(m.expression or "")):
                    visit(self.metrics[n])
            if m not in order:
                order.append(m)

        visit(metric)
        return order

    def measures_for(self, metrics: list[Metric]) -> list[Measure]:
        names: list[str] = []
        for m in metrics:
            for dep in self.inputs(m):
                for measure in dep.measures:
                    if measure not in names:
                        names.append(measure)
        return [self.measures[n] for n in names]


def builtin_path() -> Path:
    return Path(str(resources.files("mille.metrics") / "builtin.yaml"))


def load_catalogue(workspace: Path | None = None) -> Catalogue:
    """Built-ins, overridden and extended by ``<workspace>/metrics.yaml`` when present."""
    cat = Catalogue()
    _merge(cat, yamldoc.load_file(builtin_path(), error=MetricError), origin="built-in")
    if workspace is not None:
        path = workspace / WORKSPACE_FILE
        if path.exists():
            _merge(cat, yamldoc.load_file(path, error=MetricError), origin=str(path))
    return cat


def load_text(text: str, *, base: Catalogue | None = None, path: Path | None = None) -> Catalogue:
    """A catalogue from YAML text on top of ``base`` (default: the built-ins)."""
    cat = base or load_catalogue(None)
    cat = Catalogue(dict(cat.measures), dict(cat.metrics), dict(cat.origins))
    _merge(cat, yamldoc.load(text, path=path, error=MetricError), origin=str(path or "<text>"))
    return cat


def _merge(cat: Catalogue, doc: yamldoc.Document, *, origin: str) -> None:
    data = doc.data or {}
    if not isinstance(data, dict):
        raise MetricError("a metrics file is a mapping with `measures:` and `metrics:` lists", file=doc.path, line=1)
    for key in data:
        if key not in TOP_KEYS:
            raise MetricError(
                f"unknown key `{key}`",
                file=doc.path,
                line=doc.line_of((key,)),
                key=str(key),
                hint=suggestion(str(key), TOP_KEYS),
            )
    new_measures = _entries(doc, "measures", Measure)
    new_metrics = _entries(doc, "metrics", Metric)
    for name, (measure, _) in new_measures.items():
        cat.measures[name] = measure
        cat.origins[f"measure:{name}"] = origin
    for name, (metric, _) in new_metrics.items():
        cat.metrics[name] = metric
        cat.origins[name] = origin
    # Validate the merged catalogue, pointing at the entries this file brought.
    for measure, path in new_measures.values():
        _check_measure(measure, doc, path)
    for metric, path in new_metrics.values():
        _check_metric(cat, metric, doc, path)
    for name, (_, path) in new_metrics.items():
        _check_cycles(cat, name, doc, path)


def _entries(doc: yamldoc.Document, key: str, model: Any) -> dict[str, tuple[Any, tuple]]:
    items = (doc.data or {}).get(key) or []
    if not isinstance(items, list):
        raise MetricError(f"`{key}` must be a list", file=doc.path, line=doc.line_of((key,)), key=key)
    out: dict[str, tuple[Any, tuple]] = {}
    for i, item in enumerate(items):
        path = (key, i)
        if not isinstance(item, dict):
            raise MetricError(f"each entry of `{key}` must be a mapping", file=doc.path, line=doc.line_of(path))
        try:
            obj = model.model_validate(item)
        except ValidationError as exc:
            raise yamldoc.validation_error(
                exc, doc, prefix=path, error=MetricError,
                known_keys={(key,): list(model.model_fields), (): list(model.model_fields)},
            ) from None
        if obj.name in out:
            raise MetricError(
                f"`{obj.name}` is defined twice in this file",
                file=doc.path, line=doc.line_of(path), key=f"{key}.name",
            )
        out[obj.name] = (obj, path)
    return out


def _check_measure(measure: Measure, doc: yamldoc.Document, path: tuple) -> None:
    where = {"file": doc.path}
    if measure.table not in TABLES:
        raise MetricError(
            f"unknown table `{measure.table}`", **where, line=doc.line_of((*path, "table")),
            key="table", hint=suggestion(measure.table, TABLES),
        )
    table = TABLES[measure.table]
    if measure.column is not None:
        if not table.has(measure.column):
            raise MetricError(
                f"unknown column `{measure.column}` in {table.name}", **where,
                line=doc.line_of((*path, "column")), key="column",
                hint=suggestion(measure.column, table.names),
            )
        col = table.column(measure.column)
        if measure.agg == "sum" and col.role == "measure" and not col.additive:
            raise MetricError(
                f"`{measure.column}` cannot be summed (it is not additive across rows)", **where,
                line=doc.line_of((*path, "agg")), key="agg",
                hint="use agg: max, or a different column",
            )
        if measure.agg == "sum" and col.dtype not in ("int64", "float64"):
            raise MetricError(
                f"`{measure.column}` is {col.dtype}; only numbers can be summed", **where,
                line=doc.line_of((*path, "column")), key="column", hint="use agg: count_distinct",
            )
    elif measure.agg != "count":
        raise MetricError(
            "a measure without `column` must use agg: count", **where,
            line=doc.line_of(path), key="column",
        )
    if measure.filter:
        _with_line(lambda: parse_filter(measure.filter, table), doc, (*path, "filter"), "filter")


def _check_metric(cat: Catalogue, metric: Metric, doc: yamldoc.Document, path: tuple) -> None:
    for key in ("measure", "numerator", "denominator"):
        name = getattr(metric, key)
        if name is not None and name not in cat.measures:
            raise MetricError(
                f"unknown measure `{name}`", file=doc.path, line=doc.line_of((*path, key)),
                key=key, hint=suggestion(name, cat.measures),
            )
    if metric.type == "ratio":
        den = cat.measures[metric.denominator]  # type: ignore[index]
        if not den.additive:
            raise MetricError(
                f"the denominator `{den.name}` is not additive (agg: {den.agg}), so the ratio "
                "would not be a ratio of sums", file=doc.path,
                line=doc.line_of((*path, "denominator")), key="denominator",
                hint="use a measure with agg: sum or count",
            )
    if metric.type == "derived":
        names = _with_line(lambda: referenced_names(metric.expression or ""), doc, (*path, "expression"), "expression")
        for n in sorted(names):
            if n not in cat.metrics:
                raise MetricError(
                    f"`{n}` in the expression is not a metric", file=doc.path,
                    line=doc.line_of((*path, "expression")), key="expression",
                    hint=suggestion(n, cat.metrics),
                )
    tables = {cat.measures[m].table for m in metric.measures}
    for i, text in enumerate(metric.filters):
        for t in tables or {"ad_performance"}:
            _with_line(lambda t=t, text=text: parse_filter(text, TABLES[t]), doc, (*path, "filters", i), "filters")
    for i, rel in enumerate(metric.related):
        if rel not in cat.metrics:
            raise MetricError(
                f"related metric `{rel}` does not exist", file=doc.path,
                line=doc.line_of((*path, "related", i)), key="related",
                hint=suggestion(rel, cat.metrics),
            )


def _check_cycles(cat: Catalogue, name: str, doc: yamldoc.Document, path: tuple) -> None:
    def walk(current: str, trail: list[str]) -> None:
        metric = cat.metrics[current]
        if metric.type != "derived":
            return
        for n in sorted(referenced_names(metric.expression or "")):
            if n in trail:
                cycle = " → ".join([*trail[trail.index(n):], n])
                raise MetricError(
                    f"derived metrics form a cycle: {cycle}", file=doc.path,
                    line=doc.line_of((*path, "expression")), key="expression",
                    hint="a derived metric cannot depend on itself",
                )
            if n in cat.metrics:
                walk(n, [*trail, n])

    walk(name, [name])


def _with_line(fn: Any, doc: yamldoc.Document, path: tuple, key: str) -> Any:
    try:
        return fn()
    except MetricError as exc:
        raise MetricError(exc.message, file=doc.path, line=doc.line_of(path), key=key, hint=exc.hint) from None
