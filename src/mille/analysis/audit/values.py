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
from mille.analysis.audit.plausible import Dollars, likely_cause, outside, ranges_for, spend_in_usd
from mille.analysis.audit.registry import Check, check
from mille.platforms import all_platforms
from mille.platforms import label as platform_label
from mille.schema import AD_PERFORMANCE
from mille.sources.currency import Rates

NEGATIVE_MEASURES = tuple(m for m in AD_PERFORMANCE.measures)


def messaging(t: ibis.expr.types.Table) -> ibis.expr.types.BooleanValue:
    """Message ads (LinkedIn Sponsored Messaging / InMail / Conversation ads), marked by the words
    each platform module declares in network, placement or objective."""
    text = (
        t.network.fill_null("") + " " + t.placement.fill_null("") + " " + t.objective.fill_null("")
    ).lower()
    marked = [(t.platform == p.id) & ibis.or_(*(text.contains(w) for w in p.messaging_words))
              for p in all_platforms() if p.messaging_words]
    return ibis.or_(*marked) if marked else ibis.literal(False)


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
    "values.implausible_prices", severity="warn", title="CPM, CPC or CTR an order of magnitude off",
    hint="Usually a unit or locale error: re-ingest the file with the right number format (decimal "
    "comma vs point) or check that cost is not in micros; `mille sources` shows how each file was read.",
)
def implausible_prices(ctx: AuditContext, c: Check) -> list[Finding]:
    """Per export file × platform × network × account: CPM, CPC or CTR more than ten times
    outside the platform's plausible range (its module in mille.platforms, FORMATS.md §4), with
    enough impressions/clicks. Money is compared in US dollars, converted at the workspace's
    rates; currencies without a rate to USD get no money check, and a note says so."""
    t = ctx.figures()
    t = t.filter(~messaging(t))
    expr = t.group_by(
        platform=t.platform, network=t.network.fill_null(""), account_id=account_key(t),
        source_relation=t.source_relation, currency=t.currency.fill_null(""),
    ).aggregate(
        spend=t.spend.sum(), spend_reporting=t.spend_reporting.sum(), basis=spend_basis(t).sum(),
        unconverted=t.spend_reporting.isnull().sum(), impressions=t.impressions.sum(),
        clicks=t.clicks.sum(), first=t.date_day.min(), last=t.period_end.max(),
    )
    df = ctx.frame(expr)
    if df.empty:
        return []
    cfg = ctx.ws.config
    dollars = Dollars(Rates(cfg.fx, cfg.reporting_currency, ctx.ws.path))
    lasts = [pd.Timestamp(x).date() for x in df["last"]]
    currency = df["currency"].astype(str).to_numpy()
    # A measure absent from a file sums to NULL: no ratio is judged on it (never read as zero).
    impressions = df["impressions"].astype("float64").to_numpy()
    clicks = df["clicks"].astype("float64").to_numpy()
    money = spend_in_usd(currency, df["spend"].astype("float64").to_numpy(),
                         df["spend_reporting"].astype("float64").to_numpy(),
                         df["unconverted"].to_numpy() == 0, dollars, lasts)
    enough_impr = np.nan_to_num(impressions, nan=0.0) >= cfg.report.min_impressions
    enough_clicks = np.nan_to_num(clicks, nan=0.0) >= cfg.report.min_clicks
    safe_impr = np.where(enough_impr, impressions, 1.0)
    safe_clicks = np.where(enough_clicks, clicks, 1.0)
    values = {
        "cpm": np.where(enough_impr, 1000 * money / safe_impr, np.nan),
        "cpc": np.where(enough_clicks, money / safe_clicks, np.nan),
        "ctr": np.where(enough_impr, clicks / safe_impr, np.nan),
    }
    unpriced = (enough_impr | enough_clicks) & np.isnan(money)
    flagged: list[dict] = []
    for i, row in enumerate(df.itertuples(index=False)):  # one row per file × account: few
        problems, kinds = [], []
        for metric, r in ranges_for(row.platform, row.network).items():
            v = float(values[metric][i])
            factor = outside(v, r)
            if factor is None:
                continue
            shown = f"{v:.2%}" if metric == "ctr" else f"{v:,.2f} USD"
            problems.append(f"{r.label} {shown} (plausible {r.bounds()}, {r.source} {r.year}; {likely_cause(factor)})")
            kinds.append(f"{r.label} too {'high' if factor > 1 else 'low'}")
        if problems:
            flagged.append({
                "platform": row.platform, "network": row.network, "account_id": row.account_id,
                "kinds": "; ".join(kinds), "file": str(row.source_relation), "problems": "; ".join(problems),
                "first": pd.Timestamp(row.first).date(), "last": pd.Timestamp(row.last).date(),
                "spend": float(np.nan_to_num(row.basis)), "impressions": int(np.nan_to_num(impressions[i])),
            })
    out = []
    # Files of one account wrong the same way (every monthly export in micros) make one finding.
    for k, sub in grouped(pd.DataFrame(flagged), ["platform", "network", "account_id", "kinds"]):
        ent = ctx.entity(k["platform"], k["account_id"])
        files = sorted(sub["file"])
        shown = files[0] if len(files) == 1 else f"{len(files)} files"
        where = platform_label(k["platform"]) + (f" {k['network']}" if k["network"] else "")
        out.append(c.finding(
            title=f"{k['kinds']} in {shown} — {who(ent)}",
            detail=f"{where}: " + " | ".join(f"{r.file}: {r.problems}" for r in sub.itertuples(index=False)) + ".",
            key=(k["network"], k["kinds"]),
            days=[DayRange(start=r.first, end=r.last) for r in sub.sort_values("first").itertuples(index=False)],
            spend=float(sub["spend"].sum()), impressions=int(sub["impressions"].sum()), files=files, **ent,
        ))
    if unpriced.any():
        out.append(_unpriced_note(c, df[unpriced], dollars))
    return out


def _unpriced_note(c: Check, df: pd.DataFrame, dollars: Dollars) -> Finding:
    """One note for the spend whose CPM and CPC were not judged: no rate to US dollars."""
    codes = sorted({str(x) or "(no currency)" for x in df["currency"]})
    reporting = dollars.reporting
    hint = (f"add a rate for USD to `fx` in mille.yaml (e.g. `fx.fixed: {{USD: <{reporting} per dollar>}}`) "
            "to have CPM and CPC checked against the platforms' dollar ranges")
    return c.finding(
        title=f"CPM and CPC not checked for spend in {', '.join(codes)}: no rate to US dollars",
        detail=(f"The plausible price ranges are in US dollars and the workspace has no rate from {reporting} "
                f"to USD, so {len(df)} file × account segment(s) were checked for CTR only."),
        key=("unpriced", *codes), severity="info", hint=hint,
        days=[DayRange(start=pd.Timestamp(df["first"].min()).date(), end=pd.Timestamp(df["last"].max()).date())],
        spend=0.0, impressions=int(df["impressions"].fillna(0).sum()), platform=None, scope="workspace",
    )
