"""Tracking gaps: days missing, spend without delivery, delivery without spend, drops to zero.

A gap makes every figure that covers its days wrong in a quiet way: spend and delivery are
understated, and a cost ratio moves for no reason. The spend a gap is sized by is an estimate:
the series' normal day (mean over its delivering days) times the on-schedule days missing.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from mille.analysis.audit.context import AuditContext, as_date, grouped, who
from mille.analysis.audit.model import Finding
from mille.analysis.audit.registry import Check, check
from mille.analysis.audit.series import Series, weekday

MIN_SPEND = 0.005  # below half a cent, "spend" is rounding
MIN_IMPRESSIONS_UNPAID = 100  # fewer free impressions than this can be a platform's rounding


def _series(ctx: AuditContext, level: str) -> Series:
    def build() -> Series:
        d = ctx.daily()
        if level == "account":
            return Series.build(d, ["platform", "account_id"])
        return Series.build(d[d["campaign_id"].to_numpy() != ""], ["platform", "account_id", "campaign_id"])

    return ctx.cached(f"series:{level}", build)


def _explode(ctx: AuditContext, runs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per on-schedule day of each run inside the period: keys…, run, day."""
    if runs.empty:
        return pd.DataFrame(columns=[*keys, "run", "day"])
    runs = runs.reset_index(drop=True)
    start = runs["start"].to_numpy(np.int64)
    lengths = (runs["end"].to_numpy(np.int64) - start + 1)
    run = np.repeat(np.arange(len(runs)), lengths)
    offsets = np.arange(len(run)) - np.repeat(np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    day = start[run] + offsets
    off = runs["off"].to_numpy(np.int64)[run]
    keep = ((off >> weekday(day)) & 1) == 0
    window = ctx.period_days()
    if window is not None:
        keep &= (day >= window[0]) & (day <= window[1])
    out = runs.loc[run[keep], keys].reset_index(drop=True)
    out["run"] = run[keep]
    out["day"] = day[keep]
    return out


def _where_account_delivered(ctx: AuditContext, days: pd.DataFrame) -> pd.DataFrame:
    present = _series(ctx, "account").present()
    return days.merge(present, on=["platform", "account_id", "day"], how="inner")


NO_ROWS = "has no rows"
ZERO_ROWS = "reported zero impressions and zero spend"


def _hole_findings(
    ctx: AuditContext, c: Check, runs: pd.DataFrame, days: pd.DataFrame, what: Callable[[int], str],
    verb: str,
) -> list[Finding]:
    out: list[Finding] = []
    runs = runs.reset_index(drop=True)
    for values, sub in grouped(days, ["run"]):
        r = runs.loc[int(values["run"])]
        n = int(sub["day"].nunique())
        per_day_spend = float(r["exp_spend"]) / max(int(r["on_days"]), 1)
        per_day_impr = float(r["exp_impressions"]) / max(int(r["on_days"]), 1)
        ent = ctx.entity(r["platform"], r["account_id"], r.get("campaign_id"))
        name = who(ent)
        day_list = [as_date(x) for x in sorted(sub["day"].unique())]
        tail = "" if bool(r["recovered"]) else " and has not recovered since"
        out.append(c.finding(
            title=f"{what(n)} — {name}",
            detail=(
                f"{name} {verb} on {n} day(s){tail}, although it delivered before. "
                f"On a normal day it shows about {per_day_impr:,.0f} impressions and "
                f"{per_day_spend:,.2f} of spend, so about {per_day_spend * n:,.2f} is probably "
                "missing from every figure covering these days."
            ),
            days=day_list, spend=round(per_day_spend * n, 2), impressions=round(per_day_impr * n),
            estimated=True, **ent,
        ))
    return out


@check(
    "gaps.account_days", severity="error", title="Days missing for an account",
    hint="Re-download the account's export for these days and ingest it; if the account really "
    "paused, figures for these days are right but say so beside them.",
)
def account_days(ctx: AuditContext, c: Check) -> list[Finding]:
    """Days with no rows at all for an account that delivered before and after (ad schedules and
    tiny accounts excepted, see the Poisson floor in docs/audit.md)."""
    s = _series(ctx, "account")
    runs = s.gaps()
    days = _explode(ctx, runs, s.keys)
    return _hole_findings(ctx, c, runs, days, lambda n: f"No rows for {n} day(s)", NO_ROWS)


@check(
    "gaps.campaign_days", severity="warn", title="Days missing for a campaign",
    hint="Check whether the campaign was paused on these days; if not, the export missed it — "
    "re-download the account's export for these days.",
)
def campaign_days(ctx: AuditContext, c: Check) -> list[Finding]:
    """Days with no rows for a campaign that delivered before and after, while its account
    delivered on those days (days when the whole account is missing are the account check's)."""
    s = _series(ctx, "campaign")
    runs = s.gaps()
    days = _where_account_delivered(ctx, _explode(ctx, runs, s.keys))
    return _hole_findings(ctx, c, runs, days, lambda n: f"Campaign rows missing for {n} day(s)", NO_ROWS)


@check(
    "gaps.drop_to_zero", severity="warn", title="Delivery dropped to zero",
    hint="Rows with zero impressions and zero spend after normal delivery usually mean a broken "
    "tag, a billing hold or a failed sync: check the platform, then re-download these days.",
)
def drop_to_zero(ctx: AuditContext, c: Check) -> list[Finding]:
    """Runs of days whose rows show zero impressions and zero spend right after a normal day,
    for an account, or for a campaign while its account kept delivering."""
    acc = _series(ctx, "account")
    runs = acc.drops()
    out = _hole_findings(ctx, c, runs, _explode(ctx, runs, acc.keys),
                         lambda n: f"Zero delivery for {n} day(s)", ZERO_ROWS)
    cmp = _series(ctx, "campaign")
    runs = cmp.drops()
    days = _where_account_delivered(ctx, _explode(ctx, runs, cmp.keys))
    out += _hole_findings(ctx, c, runs, days, lambda n: f"Campaign delivery at zero for {n} day(s)", ZERO_ROWS)
    return out


def _campaign_days(ctx: AuditContext) -> pd.DataFrame:
    d = ctx.daily_in_period()
    g = d.groupby(["platform", "account_id", "campaign_id", "day"], sort=False, as_index=False).agg(
        spend=("spend_basis", "sum"), impressions=("impressions", "sum"),
        impressions_rows=("impressions_rows", "sum"), source_relation=("source_relation", "max"),
    )
    return g


@check(
    "gaps.spend_without_impressions", severity="warn", title="Spend without impressions",
    hint="The export's impressions column was probably not read (renamed, another language) or "
    "the rows come from a cost-only report; re-export with impressions.",
)
def spend_without_impressions(ctx: AuditContext, c: Check) -> list[Finding]:
    """Campaign-days with spend but no impressions: every CPM and CTR over them is wrong."""
    g = _campaign_days(ctx)
    bad = g[(g["spend"] > MIN_SPEND) & (g["impressions"] <= 0)]
    out = []
    for k, sub in grouped(bad, ["platform", "account_id", "campaign_id"]):
        ent = ctx.entity(k["platform"], k["account_id"], k["campaign_id"])
        spend = float(sub["spend"].sum())
        unreported = int((sub["impressions_rows"] == 0).sum())
        out.append(c.finding(
            title=f"{spend:,.2f} spent on {len(sub)} day(s) with no impressions — {who(ent)}",
            detail=(f"{len(sub)} campaign-day(s) carry spend but zero impressions"
                    + (f" ({unreported} with no impressions value at all)" if unreported else "") + "."),
            days=[as_date(x) for x in sub["day"]], spend=spend, impressions=0,
            files=sorted(set(sub["source_relation"].dropna().astype(str))), **ent,
        ))
    return out


@check(
    "gaps.impressions_without_spend", severity="warn", title="Impressions without spend",
    hint="The cost column was probably not read, or the currency column confused the parser; "
    "re-export with cost, or check the file's format with `mille sources`.",
)
def impressions_without_spend(ctx: AuditContext, c: Check) -> list[Finding]:
    """Campaign-days with at least 100 impressions and no spend; the missing spend is estimated
    at the account's CPM over the period."""
    g = _campaign_days(ctx)
    bad = g[(g["impressions"] >= MIN_IMPRESSIONS_UNPAID) & (g["spend"] <= 0)]
    if bad.empty:
        return []
    acct = g.groupby(["platform", "account_id"])[["spend", "impressions"]].sum()
    out = []
    for k, sub in grouped(bad, ["platform", "account_id", "campaign_id"]):
        spend, impressions = acct.loc[(k["platform"], k["account_id"])]
        cpm = 1000 * spend / impressions if impressions else 0.0
        impr = int(sub["impressions"].sum())
        ent = ctx.entity(k["platform"], k["account_id"], k["campaign_id"])
        out.append(c.finding(
            title=f"{impr:,} impressions with no spend on {len(sub)} day(s) — {who(ent)}",
            detail=(f"At the account's CPM over the period ({cpm:,.2f}), about {impr * cpm / 1000:,.2f} "
                    "of spend is probably missing."),
            days=[as_date(x) for x in sub["day"]], spend=impr * cpm / 1000, impressions=impr,
            estimated=True, files=sorted(set(sub["source_relation"].dropna().astype(str))), **ent,
        ))
    return out
