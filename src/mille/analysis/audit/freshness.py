"""Freshness: the last day held per source, against today and against the other sources.

A source (one platform account) that stops days before the others makes every blended figure of
those days understate it — the classic "LinkedIn looks cheap this week" that is really "LinkedIn
was not downloaded this week". A workspace whose newest day is long past is fine for analysis
but not for a weekly report, which is what ``--fail-on warn`` in a scheduled job catches.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from mille.analysis.audit.context import EPOCH, AuditContext, as_date, who
from mille.analysis.audit.model import DayRange, Finding, SourceFreshness, source_key
from mille.analysis.audit.registry import Check, check

BEHIND_WARN = 2  # days behind the freshest source before a warning (platforms lag a day or so)
STALE_DAYS = 7  # newest data older than this many days before today
STEADY = 0.5  # last week's daily spend at least half the three weeks before: not winding down


def _per_source(ctx: AuditContext) -> pd.DataFrame:
    return ctx.cached("freshness", lambda: _freshness(ctx.daily()))


def _freshness(d: pd.DataFrame) -> pd.DataFrame:
    """Per source: first and last day, daily spend over its last week and the three before."""
    g = d.groupby(["platform", "account_id"], as_index=False).agg(
        first=("day", "min"), last=("end_day", "max"), account_name=("account_name", "max"))
    days = d[d["granularity"].to_numpy() == "day"][["platform", "account_id", "day", "spend_basis"]]
    days = days.merge(g[["platform", "account_id", "last"]], on=["platform", "account_id"])
    age = (days["last"] - days["day"]).to_numpy()
    keys = ["platform", "account_id"]
    recent = days[age < 7].groupby(keys)["spend_basis"].sum() / 7
    before = days[(age >= 7) & (age < 28)].groupby(keys)["spend_basis"].sum() / 21
    g = g.join(recent.rename("recent_daily"), on=keys).join(before.rename("before_daily"), on=keys)
    g[["recent_daily", "before_daily"]] = g[["recent_daily", "before_daily"]].fillna(0.0)
    g["behind"] = int(g["last"].max()) - g["last"] if not g.empty else 0
    return g


def source_freshness(ctx: AuditContext) -> list[SourceFreshness]:
    g = _per_source(ctx)
    today = (ctx.as_of - EPOCH).days
    return [
        SourceFreshness(
            source=source_key(r.platform, r.account_id or None), platform=r.platform,
            account=r.account_name if isinstance(r.account_name, str) else (r.account_id or None),
            first_day=as_date(r.first), last_day=as_date(r.last),
            days_behind_newest=int(r.behind), days_behind_today=max(today - int(r.last) - 1, 0),
        )
        for r in g.itertuples(index=False)  # one per source
    ]


@check(
    "freshness.behind_others", severity="warn", title="Source behind the others",
    hint="Download and ingest the source's latest export; until then, leave its last days out of "
    "cross-platform comparisons.",
)
def behind_others(ctx: AuditContext, c: Check) -> list[Finding]:
    """A source whose last day is two or more days behind the freshest source; the spend missing
    from those days is estimated from its last four weeks. It stays a warning: the audit cannot
    tell an export not yet downloaded from an account that stopped (the detail says whether it
    was still delivering steadily up to its last day, which points to the former)."""
    g = _per_source(ctx)
    if g.empty:
        return []
    newest = int(g["last"].max())
    window = ctx.period_days()
    lo, hi = (-np.inf, np.inf) if window is None else window
    out = []
    for r in g[g["behind"].to_numpy() >= BEHIND_WARN].itertuples(index=False):  # one per late source
        first_missing, last_missing = max(int(r.last) + 1, lo), min(newest, hi)
        if first_missing > last_missing:
            continue
        days = [as_date(n) for n in range(int(first_missing), int(last_missing) + 1)]
        daily = (r.recent_daily * 7 + r.before_daily * 21) / 28
        steady = r.recent_daily >= STEADY * r.before_daily and r.recent_daily > 0
        ent = ctx.entity(r.platform, r.account_id)
        out.append(c.finding(
            title=f"Data ends {as_date(r.last)}, {int(r.behind)} day(s) behind the freshest source — {who(ent)}",
            detail=(f"Other sources reach {as_date(newest)}. At its recent {daily:,.2f} a day, about "
                    f"{daily * len(days):,.2f} of spend is missing from blended figures of those days"
                    + ("; it was delivering steadily up to its last day, so an export is probably "
                       "missing." if steady else "; its delivery was already falling, so it may have stopped.")),
            days=days, spend=daily * len(days),
            impressions=0, estimated=True, **ent,
        ))
    return out


@check(
    "freshness.stale", severity="warn", title="Newest data is old",
    hint="Ingest the latest exports before reporting on recent weeks.",
)
def stale(ctx: AuditContext, c: Check) -> list[Finding]:
    """The newest day held is more than seven days before today (judged when the audited period
    reaches past the newest day, or for all data). Held figures are not wrong, so no spend is
    counted as affected; the finding is for scheduled reports."""
    newest = ctx.data_last_day
    if newest is None or (ctx.period is not None and ctx.period.end <= newest):
        return []
    behind = (ctx.as_of - newest).days - 1
    if behind <= STALE_DAYS:
        return []
    gap = [DayRange(start=newest + timedelta(days=1), end=ctx.as_of - timedelta(days=1))]
    return [c.finding(
        title=f"Newest data is {behind} day(s) old (last day {newest}, today {ctx.as_of})",
        detail="Reports on recent weeks will be empty or partial until newer exports are ingested.",
        days=gap, spend=0.0, platform=None, scope="workspace",
    )]
