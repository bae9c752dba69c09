"""Which definition versions a workspace has computed, so a changed definition is visible later.

Every time a glossary page or a report computes a metric, :func:`record_versions` writes the
metric's version (a hash of its normalised definition, see :mod:`mille.metrics.versions`) into
the ``metric_versions`` table, once per (metric, version), with the normalised definition as
JSON. :func:`definition_drift` compares today's catalogue with what was recorded: a metric whose
current version differs from the last one seen has changed definition since an earlier report,
and the figures in that report are not comparable with today's without saying so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from mille.metrics import Catalogue, Metric, load_catalogue
from mille.results import Result
from mille.workspace import Workspace

TABLE = "metric_versions"


def can_record(ws: Workspace) -> bool:
    """Engines mille writes to (DuckDB, Spark) hold the table; warehouse URLs are read-only."""
    return ws.engine.name in ("duckdb", "spark") and ws.engine.has_table(TABLE)


def record_versions(
    ws: Workspace,
    metrics: Iterable[Metric | str],
    catalogue: Catalogue | None = None,
    *,
    now: datetime | None = None,
) -> list[tuple[str, str]]:
    """Record the current version of each metric (and of the metrics it derives from).

    A row is written when a version becomes current: the first time it is computed, or again
    when a definition goes back to an earlier version. Returns the ``(metric, version)`` pairs
    written. Writing is one transaction.
    """
    import pyarrow as pa

    cat = catalogue or load_catalogue(ws.path)
    wanted, new = _unrecorded(ws, metrics, cat)
    if not new:
        return []
    stamp = (now or datetime.now(UTC)).replace(tzinfo=None)
    rows = pa.table(
        {
            "metric": [m for m, _ in new],
            "version": [v for _, v in new],
            "first_seen": pa.array([stamp] * len(new), type=pa.timestamp("us")),
            "definition": [wanted[key] for key in new],
        }
    )
    with ws.engine.transaction():
        ws.engine.insert(TABLE, rows)
    return new


def unrecorded(ws: Workspace, metrics: Iterable[Metric | str], catalogue: Catalogue | None = None) -> list[tuple[str, str]]:
    """The ``(metric, version)`` pairs :func:`record_versions` would write — read-only, so a read
    command opens the workspace for writing only when there is something to record."""
    return _unrecorded(ws, metrics, catalogue or load_catalogue(ws.path))[1]


def _unrecorded(ws: Workspace, metrics: Iterable[Metric | str], cat: Catalogue
                ) -> tuple[dict[tuple[str, str], str], list[tuple[str, str]]]:
    wanted: dict[tuple[str, str], str] = {}
    for item in metrics:
        metric = cat.get(item) if isinstance(item, str) else item
        for dep in cat.inputs(metric):
            version = cat.version(dep.name)
            wanted[(dep.name, version)] = json.dumps(cat.normal_form(dep.name), sort_keys=True)
    if not wanted or not can_record(ws):
        return wanted, []
    t = ws.engine.table(TABLE)
    names = sorted({name for name, _ in wanted})
    seen = ws.engine.to_arrow(
        t.filter(t.metric.isin(names)).select("metric", "version", "first_seen").order_by("first_seen")
    ).to_pylist()
    current = {r["metric"]: r["version"] for r in seen}  # the latest row per metric wins
    return wanted, [(name, version) for name, version in wanted if current.get(name) != version]


class VersionSeen(Result):
    metric: str
    version: str
    first_seen: datetime
    definition: dict[str, object] | None = None


class Drift(Result):
    metric: str
    current_version: str
    last_seen_version: str
    last_seen_first: datetime
    versions_seen: int
    current_definition: dict[str, object]
    last_seen_definition: dict[str, object] | None = None


class DefinitionDrift(Result):
    """Metrics whose definition changed since a report last computed them."""

    drifted: list[Drift]
    unchanged: list[str]
    never_seen: list[str]

    def rows(self) -> list[dict[str, object]]:
        return [
            {"metric": d.metric, "current_version": d.current_version,
             "last_seen_version": d.last_seen_version, "last_seen_first": d.last_seen_first.isoformat(),
             "versions_seen": d.versions_seen}
            for d in self.drifted
        ]


def version_history(ws: Workspace, metric: str | None = None) -> list[VersionSeen]:
    """Versions recorded in the workspace, oldest first (optionally for one metric)."""
    if not ws.engine.has_table(TABLE):
        return []
    t = ws.engine.table(TABLE)
    if metric is not None:
        t = t.filter(t.metric == metric)
    data = ws.engine.to_arrow(t.order_by(["metric", "first_seen", "version"])).to_pylist()
    return [
        VersionSeen(metric=r["metric"], version=r["version"], first_seen=r["first_seen"],
                    definition=json.loads(r["definition"]) if r["definition"] else None)
        for r in data
    ]


def definition_drift(ws: Workspace, catalogue: Catalogue | None = None) -> DefinitionDrift:
    """Compare each metric's current version with the last version the workspace recorded."""
    cat = catalogue or load_catalogue(ws.path)
    by_metric: dict[str, list[VersionSeen]] = {}
    for seen in version_history(ws):
        by_metric.setdefault(seen.metric, []).append(seen)
    drifted: list[Drift] = []
    unchanged: list[str] = []
    never: list[str] = []
    for name in cat.metrics:
        history = by_metric.get(name)
        if not history:
            never.append(name)
            continue
        last = history[-1]
        current = cat.version(name)
        if current == last.version:
            unchanged.append(name)
        else:
            drifted.append(Drift(
                metric=name, current_version=current, last_seen_version=last.version,
                last_seen_first=last.first_seen, versions_seen=len({h.version for h in history}),
                current_definition=cat.normal_form(name), last_seen_definition=last.definition,
            ))
    return DefinitionDrift(drifted=drifted, unchanged=unchanged, never_seen=never)
