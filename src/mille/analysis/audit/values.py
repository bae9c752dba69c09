"""Impossible or suspicious values: clicks above impressions, negatives, conversions above clicks,
and prices an order of magnitude outside the platform's plausible range.

Row-level conditions run as filtered aggregate queries in the engine; only the offending
campaign-days come back.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import numpy as np
import pandas as pd

from mille.analysis.audit.context import (
    AuditContext,
    account_key,
    as_date,
    campaign_key,
    day_number,
    grouped,
    spend_basis,
    who,
)
from mille.analysis.audit.model import DayRange, Finding
from mille.analysis.audit.plausible import (
    FACTOR,
    LABELS,
    MESSAGING_WORDS,
    NEAR_USD,
    likely_cause,
    ranges_for,
)
from mille.analysis.audit.registry import Check, check
from mille.schema import AD_PERFORMANCE

NEGATIVE_MEASURES = tuple(m for m in AD_PERFORMANCE.measures)


def messaging(t: ibis.expr.types.Table) -> ibis.expr.types.BooleanValue:
    """LinkedIn message ads (Sponsored Messaging / InMail / Conversation ads)."""
    text = (
        t.network.fill_null("") + " " + t.placement.fill_null("") + " " + t.objective.fill_null("")
    ).lower()
    return (t.platform == "linkedin_ads") & ibis.or_(*(text.contains(w) for w in MESSAGING_WORDS))


def _by_campaign_day(t: ibis.expr.types.Table, **metrics) -> ibis.expr.types.Table:
    return t.group_by(
        platform=t.platform, account_id=account_key(t), campaign_id=campaign_key(t), date_day=t.date_day
    ).aggregate(
        rows=t.count(), spend=spend_basis(t).abs().sum(), impressions=t.impressions.sum(),
        source_relation=t.source_relation.max(), **metrics,
    )


def _frame(ctx: AuditContext, expr: ibis.expr.types.Table) -> pd.DataFrame:
    df = ctx.frame(expr)
    df["day"] = day_number(df["date_day"])
    for col in ("spend", "impressions"):
        df[col] = df[col].astype("float64").fillna(0.0)
    return df


@check(
    "values.clicks_over_impressions", severity="error", title="More clicks than impressions",
    hint="Clicks and impressions are probably swapped or mis-mapped in this export (or a thousands "
    "separator was misread); re-export, or check the file's format with `mille sources`.",
)
def clicks_over_impressions(ctx: AuditContext, c: Check) -> list[Finding]:
    """Rows with more clicks than impressions. LinkedIn message ads are exempt: their clicks are
    counted against sends and may legitimately exceed them."""
    t = ctx.figures()
    bad = t.filter((t.clicks > t.impressions) & ~messaging(t))
    df = _frame(ctx, _by_campaign_day(bad, clicks=bad.clicks.sum()))
    return _per_campaign(
        ctx, c, df,
        title=lambda sub, whom: f"{int(sub['rows'].sum())} row(s) with more clicks than impressions — {whom}",
        detail=lambda sub: (f"{int(sub['clicks'].sum()):,} clicks against {int(sub['impressions'].sum()):,} "
                            "impressions on these rows: CTR above 100 %."),
    )


def _per_campaign(ctx: AuditContext, c: Check, df: pd.DataFrame, *, title: Callable[[pd.DataFrame, str], str],
                  detail: Callable[[pd.DataFrame], str], absolute: bool = False) -> list[Finding]:
    """One finding per campaign from a frame of its bad days (few rows: the days that failed)."""
    out = []
    for k, sub in grouped(df, ["platform", "account_id", "campaign_id"]):
        ent = ctx.entity(k["platform"], k["account_id"], k["campaign_id"])
        impressions = sub["impressions"].abs() if absolute else sub["impressions"]
        out.append(c.finding(
            title=title(sub, who(ent)), detail=detail(sub),
            days=[as_date(x) for x in sub["day"]], spend=float(sub["spend"].sum()),
            impressions=int(impressions.sum()),
            files=sorted(set(sub["source_relation"].dropna().astype(str))), **ent,
        ))
    return out


@check(
    "values.negative", severity="error", title="Negative values",
    hint="Negative spend or counts are refunds or adjustments in some connector tables, or a "
    "misread minus sign; exclude adjustment rows or re-export the days.",
)
def negative(ctx: AuditContext, c: Check) -> list[Finding]:
    """Rows where any measure (spend, impressions, clicks, conversions, leads, reach…) is below 0."""
    t = ctx.figures()
    cols = [m for m in NEGATIVE_MEASURES if m in t.columns]
    bad = t.filter(ibis.or_(*(t[m] < 0 for m in cols)))
    df = _frame(ctx, _by_campaign_day(bad, **{f"neg_{m}": (bad[m] < 0).sum() for m in cols}))

    def which(sub: pd.DataFrame) -> str:
        return ", ".join(m for m in cols if sub[f"neg_{m}"].fillna(0).sum() > 0)

    return _per_campaign(
        ctx, c, df, absolute=True,
        title=lambda sub, whom: f"Negative {which(sub)} on {len(sub)} day(s) — {whom}",
        detail=lambda sub: f"{int(sub['rows'].sum())} row(s) hold a negative value in: {which(sub)}.",
    )


@check(
    "values.conversions_over_clicks", severity="warn", title="More conversions than clicks",
    hint="Usually view-through conversions (LinkedIn, Meta) or 'every' counting (Google) in the "
    "conversions column; check the conversion settings before reading a conversion rate.",
)
def conversions_over_clicks(ctx: AuditContext, c: Check) -> list[Finding]:
    """Campaign-days with more conversions than clicks (clicks reported): a conversion rate above
    100 % means conversions are not click-based or are counted more than once."""
    d = ctx.daily_in_period()
    g = d.groupby(["platform", "account_id", "campaign_id", "day"], sort=False, as_index=False).agg(
        conversions=("conversions", "sum"), clicks=("clicks", "sum"), clicks_rows=("clicks_rows", "sum"),
        spend=("spend_basis", "sum"), impressions=("impressions", "sum"), source_relation=("source_relation", "max"),
    )
    bad = g[(g["clicks_rows"] > 0) & (g["conversions"] >= 1) & (g["conversions"] > g["clicks"])]
    return _per_campaign(
        ctx, c, bad,
        title=lambda sub, whom: f"More conversions than clicks on {len(sub)} day(s) — {whom}",
        detail=lambda sub: (f"{sub['conversions'].sum():,.1f} conversions against {int(sub['clicks'].sum()):,} "
                            "clicks on these days."),
    )


@check(
    "values.implausible_prices", severity="error", title="CPM, CPC or CTR an order of magnitude off",
    hint="Re-ingest the file with the right number format (decimal comma vs point) or check that "
    "cost is not in micros; `mille sources` shows how each file was read.",
)
def implausible_prices(ctx: AuditContext, c: Check) -> list[Finding]:
    """Per export file × platform × network × account: CPM, CPC or CTR more than ten times
    outside the platform's plausible range (FORMATS.md §4), with enough impressions/clicks."""
    t = ctx.figures()
    t = t.filter(~messaging(t))
    expr = t.group_by(
        platform=t.platform, network=t.network.fill_null(""), account_id=account_key(t),
        source_relation=t.source_relation, currency=t.currency.fill_null(""),
    ).aggregate(
        spend=t.spend.sum(), spend_reporting=t.spend_reporting.sum(),
        unconverted=t.spend_reporting.isnull().sum(), impressions=t.impressions.sum(),
        clicks=t.clicks.sum(), first=t.date_day.min(), last=t.period_end.max(),
    )
    df = ctx.frame(expr)
    rep = ctx.ws.config.reporting_currency
    cfg = ctx.ws.config.report
    use_rep = (rep in NEAR_USD) & (df["unconverted"].to_numpy() == 0)
    money = np.where(use_rep, df["spend_reporting"].fillna(0), np.where(df["currency"].isin(NEAR_USD), df["spend"].fillna(0), np.nan))
    impressions = df["impressions"].astype("float64").fillna(0).to_numpy()
    clicks = df["clicks"].astype("float64").fillna(0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        values = {
            "cpm": np.where(impressions >= cfg.min_impressions, 1000 * money / impressions, np.nan),
            "cpc": np.where(clicks >= cfg.min_clicks, money / clicks, np.nan),
            "ctr": np.where(impressions >= cfg.min_impressions, clicks / impressions, np.nan),
        }
    flagged: list[dict] = []
    for i, row in enumerate(df.itertuples(index=False)):  # one row per file × account: few
        problems, kinds = [], []
        for metric, (lo, hi) in ranges_for(row.platform, row.network).items():
            v = values[metric][i]
            if np.isnan(v) or lo / FACTOR <= v <= hi * FACTOR:
                continue
            factor = v / hi if v > hi else v / lo
            shown = f"{v:.2%}" if metric == "ctr" else f"{v:,.2f}"
            bounds = f"{lo:.2%}–{hi:.2%}" if metric == "ctr" else f"{lo:,.2f}–{hi:,.2f}"
            problems.append(f"{LABELS[metric]} {shown} (plausible {bounds}; {likely_cause(factor)})")
            kinds.append(f"{LABELS[metric]} too {'high' if factor > 1 else 'low'}")
        if problems:
            flagged.append({
                "platform": row.platform, "network": row.network, "account_id": row.account_id,
                "kinds": "; ".join(kinds), "file": str(row.source_relation), "problems": "; ".join(problems),
                "first": pd.Timestamp(row.first).date(), "last": pd.Timestamp(row.last).date(),
                "spend": float(money[i]) if not np.isnan(money[i]) else float(row.spend or 0),
                "impressions": int(impressions[i]),
            })
    out = []
    # Files of one account wrong the same way (every monthly export in micros) make one finding.
    for k, sub in grouped(pd.DataFrame(flagged), ["platform", "network", "account_id", "kinds"]):
        ent = ctx.entity(k["platform"], k["account_id"])
        files = sorted(sub["file"])
        shown = files[0] if len(files) == 1 else f"{len(files)} files"
        out.append(c.finding(
            title=f"{k['kinds']} in {shown} — {who(ent)}",
            detail=" | ".join(f"{r.file}: {r.problems}" for r in sub.itertuples(index=False)) + ".",
            key=(k["network"], k["kinds"]),
            days=[DayRange(start=r.first, end=r.last) for r in sub.sort_values("first").itertuples(index=False)],
            spend=float(sub["spend"].sum()), impressions=int(sub["impressions"].sum()), files=files, **ent,
        ))
    return out
