"""The metric catalogue: built-in definitions plus a workspace's ``metrics.yaml``.

The built-ins live in ``builtin.yaml`` beside this module. A workspace file of the same shape
adds measures and metrics, replaces built-ins by name (``metrics:`` / ``measures:`` entries with
the same name), or changes some keys of an existing metric (``overrides:``). Loading validates
the merged catalogue (see :mod:`mille.metrics.validation`): a report stops at the first error,
``mille metrics validate`` lists them all.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlglot import exp

from mille import yamldoc
from mille.errors import MetricError, suggestion
from mille.metrics.arithmetic import referenced_names
from mille.metrics.files import read_file, read_text
from mille.metrics.filters import parse_filter
from mille.metrics.model import Measure, Metric, MetricOverride
from mille.metrics.validation import (
    Checker,
    Problem,
    check_measure,
    check_metric,
    pydantic_problems,
    review_warnings,
)
from mille.metrics.versions import normal_form, version_of
from mille.platforms import all_platforms
from mille.schema import AD_PERFORMANCE, TABLES

WORKSPACE_FILE = "metrics.yaml"
BUILTIN = "built-in"
TOP_KEYS = ("measures", "metrics", "overrides")


@dataclass
class Catalogue:
    measures: dict[str, Measure] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # metric/measure name → file it came from
    aliases: dict[str, str] = field(default_factory=dict)  # alias → metric name
    changes: dict[str, str] = field(default_factory=dict)  # built-in name → "replaced" | "overridden"

    def copy(self) -> Catalogue:
        return Catalogue(dict(self.measures), dict(self.metrics), dict(self.origins),
                         dict(self.aliases), dict(self.changes))

    # -- lookup --------------------------------------------------------------------------------
    def lookup(self, name: str) -> Metric | None:
        key = name.strip().lower()
        key = self.aliases.get(key, key)
        return self.metrics.get(key)

    def get(self, name: str) -> Metric:
        metric = self.lookup(name)
        if metric is not None:
            return metric
        raise MetricError(
            f"unknown metric `{name}`",
            hint=suggestion(name.strip().lower(), [*self.metrics, *self.aliases]),
        )

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

    # -- versions ------------------------------------------------------------------------------
    def version(self, name: str) -> str:
        """A short hash of the normalised computational form (see :mod:`mille.metrics.versions`)."""
        return version_of(self.get(name), self.measures, self.metrics)

    def normal_form(self, name: str) -> dict[str, Any]:
        return normal_form(self.get(name), self.measures, self.metrics)

    # -- structure -----------------------------------------------------------------------------
    def inputs(self, metric: Metric) -> list[Metric]:
        """Metrics a derived metric reads, recursively, in evaluation order (dependencies first)."""
        order: list[Metric] = []

        def visit(m: Metric, depth: int) -> None:
            if m.type == "derived" and depth < 32:
                for n in sorted(referenced_names(m.expression or "")):
                    visit(self.metrics[n], depth + 1)
            if m not in order:
                order.append(m)

        visit(metric, 0)
        return order

    def measures_for(self, metrics: list[Metric]) -> list[Measure]:
        names: list[str] = []
        for m in metrics:
            for n in self.measures_read(m):
                if n not in names:
                    names.append(n)
        return [self.measures[n] for n in names]

    def measures_read(self, metric: Metric) -> list[str]:
        """Names of the measures a metric reads, directly or through the metrics it derives from."""
        names: list[str] = []
        for dep in self.inputs(metric):
            for n in dep.measures:
                if n not in names:
                    names.append(n)
        return names

    def tables_of(self, metric: Metric) -> set[str]:
        return {self.measures[n].table for n in self.measures_read(metric) if n in self.measures}

    def effective_filters(self, metric: Metric) -> list[str]:
        """The metric's filters and those of every metric it derives from (one row set for all)."""
        out: set[str] = set()
        for dep in self.inputs(metric):
            out.update(dep.filters)
        return sorted(out)

    def source_fields(self, metric: Metric) -> dict[str, dict[str, str]]:
        """Per measure read, per platform: the export column (the metric's own entries win)."""
        out: dict[str, dict[str, str]] = {}
        for n in self.measures_read(metric):
            m = self.measures.get(n)
            fields = dict(m.source_fields) if m is not None else {}
            if m is not None and not fields:
                fields = platform_fields(m.table, m.column, m.filter)
            fields.update(metric.source_fields.get(n, {}))
            if fields:
                out[n] = fields
        return out

    def formula(self, metric: Metric) -> str:
        """The computation in words, e.g. ``1000 × Σ spend ÷ Σ impressions``."""
        if metric.type == "simple":
            return self.measure_formula(metric.measure or "")
        if metric.type == "ratio":
            ratio = f"{self.measure_formula(metric.numerator or '')} ÷ {self.measure_formula(metric.denominator or '')}"
            return ratio if metric.multiplier == 1 else f"{metric.multiplier:g} × {ratio}"
        return (metric.expression or "").replace("*", "×").replace("/", "÷")

    def measure_formula(self, name: str) -> str:
        m = self.measures.get(name)
        if m is None:
            return name
        if m.agg == "sum":
            text = f"Σ {m.name}"
        elif m.agg == "count":
            text = f"count of {m.table} rows" if m.column is None else f"count of {m.column}"
        elif m.agg == "count_distinct":
            text = f"number of distinct {m.column}"
        else:
            text = f"{m.agg} of {m.column}"
        return f"{text} (where {m.filter})" if m.filter else text


# -- export columns from the platform modules ------------------------------------------------------

# A measure over a column derived at ingest reads the platform's column of its origin.
DERIVED_FROM = {"spend_reporting": "spend"}


@functools.cache
def platform_fields(table: str, column: str | None, filter: str | None) -> dict[str, str]:
    """Per platform, the export column an ad_performance measure comes from, as each platform
    module declares it: a measure that declares none of its own shows these. A filter on
    ``platform`` (``platform IN ('linkedin_ads', 'facebook_ads')``) keeps its platforms only."""
    if table != AD_PERFORMANCE.name or column is None:
        return {}
    unified = DERIVED_FROM.get(column, column)
    keep = _filtered_platforms(parse_filter(filter, AD_PERFORMANCE)) if filter else None
    return {p.id: p.source_fields[unified] for p in all_platforms()
            if unified in p.source_fields and (keep is None or p.id in keep)}


def _filtered_platforms(tree: exp.Expression) -> set[str] | None:
    """The platforms a filter admits when it says (None when it does not restrict them)."""
    if isinstance(tree, exp.Paren):
        return _filtered_platforms(tree.this)
    if isinstance(tree, exp.And):
        sides = [s for s in (_filtered_platforms(tree.left), _filtered_platforms(tree.right)) if s is not None]
        return set.intersection(*sides) if sides else None
    if isinstance(tree, exp.Or):
        either = (_filtered_platforms(tree.left), _filtered_platforms(tree.right))
        return None if None in either else set.union(*either)  # type: ignore[arg-type]
    on_platform = isinstance(tree.this, exp.Column) and tree.this.name == "platform"
    if isinstance(tree, exp.In) and on_platform and not tree.args.get("query"):
        return {v.name for v in tree.expressions if isinstance(v, exp.Literal) and v.is_string}
    if isinstance(tree, exp.EQ) and on_platform and isinstance(tree.expression, exp.Literal):
        return {tree.expression.name}
    return None


# -- loading ---------------------------------------------------------------------------------------


def builtin_path() -> Path:
    return Path(str(resources.files("mille.metrics") / "builtin.yaml"))


@functools.cache
def _builtin() -> Catalogue:
    cat = Catalogue()
    chk = Checker(read_file(builtin_path()), BUILTIN)
    merge(cat, chk)
    _raise_first(chk.problems)
    return cat


def load_catalogue(workspace: Path | None = None) -> Catalogue:
    """Built-ins, overridden and extended by ``<workspace>/metrics.yaml`` when present."""
    cat = _builtin().copy()
    if workspace is not None:
        path = Path(workspace) / WORKSPACE_FILE
        if path.exists():
            chk = Checker(read_file(path), str(path))
            merge(cat, chk)
            _raise_first(chk.problems)
    return cat


def load_text(text: str, *, base: Catalogue | None = None, path: Path | None = None) -> Catalogue:
    """A catalogue from YAML text on top of ``base`` (default: the built-ins)."""
    cat = (base or _builtin()).copy()
    chk = Checker(read_text(text, path=path), str(path or "<text>"))
    merge(cat, chk)
    _raise_first(chk.problems)
    return cat


def check_document(
    doc: yamldoc.Document, origin: str, *, base: Catalogue | None = None, today: date | None = None
) -> tuple[Catalogue, Checker, dict[str, list[str]]]:
    """Merge a document onto ``base`` collecting every problem (what ``metrics validate`` shows)."""
    cat = (base or _builtin()).copy()
    chk = Checker(doc, origin)
    summary = merge(cat, chk, today=today)
    return cat, chk, summary


def _raise_first(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        return
    exc = errors[0].to_error()
    if len(errors) > 1:
        more = f"{len(errors) - 1} more problem{'s' if len(errors) > 2 else ''}: run `mille metrics validate`"
        exc = MetricError(exc.message, file=exc.file, line=exc.line, key=exc.key,
                          hint=f"{exc.hint}; {more}" if exc.hint else more)
    raise exc


def merge(cat: Catalogue, chk: Checker, *, today: date | None = None) -> dict[str, list[str]]:
    """Apply ``chk.doc`` to ``cat`` in place, recording problems in ``chk``; returns what changed."""
    doc = chk.doc
    assert doc is not None
    summary: dict[str, list[str]] = {k: [] for k in ("measures", "metrics", "replaced", "overridden")}
    data = doc.data
    if data is None:
        return summary
    if not isinstance(data, dict):
        chk.error("a metrics file is a mapping with `measures:`, `metrics:` and `overrides:` lists", ())
        return summary
    for key in data:
        if key not in TOP_KEYS:
            chk.error(f"unknown key `{key}`", (key,), key=str(key), hint=suggestion(str(key), TOP_KEYS))
    failed: list[tuple[dict, tuple]] = []
    measures = _entries(chk, "measures", Measure, failed)
    metrics = _entries(chk, "metrics", Metric, failed)
    overrides = _entries(chk, "overrides", MetricOverride, failed)
    changed: set[str] = set()
    for name, (m, _) in measures.items():
        if name in cat.measures:
            summary["replaced"].append(f"measure:{name}")
        cat.measures[name] = m
        cat.origins[f"measure:{name}"] = chk.origin
        summary["measures"].append(name)
        changed.add(f"measure:{name}")
    for name, (m, _) in metrics.items():
        if name in cat.metrics:
            summary["replaced"].append(name)
            if cat.origins.get(name) == BUILTIN:
                cat.changes[name] = "replaced"
        cat.metrics[name] = m
        cat.origins[name] = chk.origin
        summary["metrics"].append(name)
        changed.add(name)
    paths = {name: path for name, (_, path) in metrics.items()}
    for name, (ov, path) in overrides.items():
        target = cat.metrics.get(name)
        if target is None:
            chk.error(f"`{name}` is not a metric to override", (*path, "name"), entry=f"override {name}",
                      hint=suggestion(name, cat.metrics))
            continue
        given = {k: getattr(ov, k) for k in ov.model_fields_set if k != "name"}
        try:
            merged = Metric.model_validate({**target.model_dump(mode="python"), **given})
        except ValidationError as exc:
            pydantic_problems(chk, exc, Metric, path, entry=f"override {name}")
            continue
        cat.metrics[name] = merged
        if cat.origins.get(name) == BUILTIN:
            cat.changes[name] = "overridden"
        cat.origins[name] = chk.origin
        summary["overridden"].append(name)
        paths.setdefault(name, path)
        changed.add(name)
    _rebuild_aliases(cat, chk, paths)
    for m, path in measures.values():
        check_measure(chk, m, path)
    for name, path in paths.items():
        check_metric(chk, cat, cat.metrics[name], path)
        if today is not None:
            review_warnings(chk, cat.metrics[name], path, today)
    _check_dependents(cat, chk, changed, measures, paths)
    _check_raw_references(cat, chk, failed)
    return summary


def _entries(chk: Checker, key: str, model: Any, failed: list[tuple[dict, tuple]]) -> dict[str, tuple[Any, tuple]]:
    doc = chk.doc
    assert doc is not None
    items = doc.data.get(key) if isinstance(doc.data, dict) else None
    if items is None:
        return {}
    if not isinstance(items, list):
        chk.error(f"`{key}` must be a list of entries, each starting with `- name:`", (key,))
        return {}
    out: dict[str, tuple[Any, tuple]] = {}
    for i, item in enumerate(items):
        path = (key, i)
        label = item.get("name") if isinstance(item, dict) and isinstance(item.get("name"), str) else None
        if not isinstance(item, dict):
            chk.error(f"each entry of `{key}` must be a mapping of keys (`name:`, `label:` …)", path)
            continue
        try:
            obj = model.model_validate(item)
        except ValidationError as exc:
            pydantic_problems(chk, exc, model, path, entry=f"{key[:-1]} {label or i + 1}")
            failed.append((item, path))
            continue
        if obj.name in out:
            first = doc.line_of(out[obj.name][1])
            chk.error(f"`{obj.name}` is defined twice in `{key}` (first on line {first})", (*path, "name"),
                      hint="keep one definition per name")
            continue
        out[obj.name] = (obj, path)
    return out


def _rebuild_aliases(cat: Catalogue, chk: Checker, paths: dict[str, tuple]) -> None:
    cat.aliases = {}
    for metric in cat.metrics.values():
        for alias in metric.aliases:
            clash = alias if alias in cat.metrics else cat.aliases.get(alias)
            if clash is not None:
                where = paths.get(metric.name)
                if where is not None:
                    chk.error(f"alias `{alias}` is already the name or an alias of metric `{clash}`",
                              (*where, "aliases"), entry=f"metric {metric.name}", hint="choose another alias")
                continue
            cat.aliases[alias] = metric.name


def _check_dependents(
    cat: Catalogue, chk: Checker, changed: set[str], measures: dict[str, tuple[Any, tuple]],
    paths: dict[str, tuple],
) -> None:
    """Metrics from other files that this file's changes break, reported at the changed entry."""
    for name, metric in cat.metrics.items():
        if name in paths:
            continue
        try:
            deps = {f"measure:{n}" for n in cat.measures_read(metric)} | {d.name for d in cat.inputs(metric)}
        except (KeyError, MetricError):
            deps = set()
        hit = sorted(deps & changed)
        if not hit:
            continue
        probe = Checker(None, chk.origin)
        check_metric(probe, cat, metric, (name,))
        at = measures[hit[0][8:]][1] if hit[0].startswith("measure:") else paths[hit[0]]
        for p in probe.problems:
            if p.severity == "error":
                chk.error(f"{cat.origins.get(name, BUILTIN)} metric `{name}` breaks: {p.message}", at,
                          key=at[0], hint=p.hint, entry=f"metric {name}")


def _check_raw_references(cat: Catalogue, chk: Checker, failed: list[tuple[dict, tuple]]) -> None:
    """Entries that failed their shape check still get their measure names checked, so one
    run of ``validate`` shows a misspelt measure beside a misspelt unit."""
    for item, path in failed:
        if path[0] != "metrics":
            continue
        entry = f"metric {item.get('name')}"
        tables = set()
        for key in ("measure", "numerator", "denominator"):
            name = item.get(key)
            if isinstance(name, str) and name not in cat.measures:
                chk.error(f"unknown measure `{name}`", (*path, key), hint=suggestion(name, cat.measures),
                          entry=entry)
            elif isinstance(name, str):
                tables.add(cat.measures[name].table)
        filters = item.get("filters")
        if isinstance(filters, list):
            for i, text in enumerate(filters):
                if isinstance(text, str):
                    for t in sorted(tables) or ["ad_performance"]:
                        chk.attempt(lambda t=t, text=text: parse_filter(text, TABLES[t]), (*path, "filters", i), entry)
