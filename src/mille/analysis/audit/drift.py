"""Definition drift: a metric whose definition changed within the period.

Every report records the version (a hash of the normalised definition) of each metric it
computes in ``metric_versions``. Two versions of one metric in the audited window mean that
figures reported before and after the change are not the same quantity — a different filter, a
different denominator — even when the name on the slide is the same.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd

from mille.analysis.audit.context import EPOCH, AuditContext, as_date, grouped
from mille.analysis.audit.model import DayRange, Finding
from mille.analysis.audit.registry import Check, Skipped, check


def _definition(text: object) -> dict[str, Any]:
    if not isinstance(text, str) or not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"definition": text}
    return value if isinstance(value, dict) else {"definition": value}


def changed_keys(before: object, after: object) -> list[str]:
    """Top-level keys of the normalised definition that differ between two versions."""
    a, b = _definition(before), _definition(after)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def _window(ctx: AuditContext) -> tuple[date, date]:
    """The days whose figures could have been reported under two definitions: the period, or
    the span of the data held. (A change after the last day held changes no reported day; `mille
    metrics drift` compares the current catalogue with the last report.)"""
    if ctx.period is not None:
        return ctx.period.start, ctx.period.end
    d = ctx.daily()
    if d.empty:
        return EPOCH, EPOCH
    return as_date(int(d["day"].min())), as_date(int(d["end_day"].max()))


@check(
    "drift.metric_definition", severity="warn", title="Metric definition changed within the period",
    hint="Recompute earlier reports with the current definition (`mille report` uses it), or put "
    "the change date beside any comparison across it.",
)
def metric_definition(ctx: AuditContext, c: Check) -> list[Finding]:
    """A metric with a new definition version first used inside the audited window (the period,
    or the days the data covers); spend held before the change is what was reported under the
    old definition, and comparisons across the change date mix two definitions."""
    if ctx.count("metric_versions") == 0:
        raise Skipped("no metric versions recorded yet (reports record them as they compute metrics)")
    df = ctx.frame(ctx.engine.table("metric_versions")).sort_values(["metric", "first_seen"])
    start, end = _window(ctx)
    daily = ctx.daily_in_period()
    out = []
    for k, sub in grouped(df, ["metric"]):
        # A definition that goes back to an earlier version is a change too: drop only repeats.
        sub = sub[sub["version"].ne(sub["version"].shift())].reset_index(drop=True)
        for i in range(1, len(sub)):  # one per version change: few
            when = pd.Timestamp(sub.loc[i, "first_seen"]).date()
            if not start <= when <= end:
                continue
            keys = changed_keys(sub.loc[i - 1, "definition"], sub.loc[i, "definition"])
            what = ", ".join(keys) if keys else "the normalised definition"
            filters = any("filter" in key for key in keys)
            before = daily[daily["day"].to_numpy() < (when - EPOCH).days]
            out.append(c.finding(
                title=f"Definition of {k['metric']} changed on {when}" + (" (different filters)" if filters else ""),
                detail=(f"Version {str(sub.loc[i - 1, 'version'])[:12]} → {str(sub.loc[i, 'version'])[:12]}; "
                        f"changed: {what}. Reports of {k['metric']} before and after {when} are not the same quantity."),
                key=(k["metric"], sub.loc[i, "version"]), days=[DayRange(start=when, end=when)],
                spend=float(before["spend_basis"].sum()), impressions=int(before["impressions"].sum()),
                platform=None, scope="workspace",
            ))
    return out
