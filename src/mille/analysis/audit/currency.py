"""Currency and time: accounts whose currency changed, spend without an exchange rate, and daily
comparisons across platforms that report their days in different time zones.

Platforms report days in their own zone (LinkedIn in UTC, Google, Meta and Microsoft in the
account's zone; FORMATS.md §0.7). A daily figure that adds LinkedIn's Tuesday to Google's
Tuesday in New York adds two different 24 hours; over a month it hardly matters, over a day or a
week it can. The data cannot be re-bucketed from daily rows, so the audit says where it applies.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from mille.analysis.audit.context import AuditContext, as_date, grouped, who
from mille.analysis.audit.model import Finding
from mille.analysis.audit.registry import Check, check
from mille.platforms import label as platform_label


@check(
    "currency.changed", severity="error", title="Account reported in more than one currency",
    hint="An ad account cannot change currency: two currencies under one account usually mean two "
    "accounts sharing a name or a misread currency column. Check the files' currency columns.",
)
def changed(ctx: AuditContext, c: Check) -> list[Finding]:
    """Accounts whose rows carry more than one currency in the period."""
    d = ctx.daily_in_period()
    return _several_per_account(
        ctx, c, d[d["currency"].to_numpy() != ""], "currency",
        title=lambda values, whom: f"Currencies {' and '.join(values)} in one account — {whom}",
        detail=lambda spans: f"The account's rows carry: {spans}. Spend in the less used currency is what is at stake.",
    )


def _several_per_account(ctx: AuditContext, c: Check, d: pd.DataFrame, column: str, *,
                         title: Callable[[list[str], str], str], detail: Callable[[str], str]) -> list[Finding]:
    """One finding per account whose rows carry more than one value of ``column`` (a currency, a
    time zone): sized by the rows in the values other than the account's main one."""
    per = d.groupby(["platform", "account_id", column], as_index=False).agg(
        spend=("spend_basis", "sum"), impressions=("impressions", "sum"), first=("day", "min"), last=("day", "max"))
    per = per[per.groupby(["platform", "account_id"])[column].transform("nunique").to_numpy() > 1]
    out = []
    for k, sub in grouped(per, ["platform", "account_id"]):  # the few accounts affected
        sub = sub.sort_values("spend", ascending=False)
        minority = sub.iloc[1:]
        days = d[(d["platform"] == k["platform"]) & (d["account_id"] == k["account_id"])
                 & d[column].isin(minority[column])]["day"].unique()
        ent = ctx.entity(k["platform"], k["account_id"])
        spans = ", ".join(f"{v} {as_date(a)}..{as_date(b)}" for v, a, b in zip(sub[column], sub["first"], sub["last"], strict=True))
        out.append(c.finding(
            title=title(list(sub[column]), who(ent)), detail=detail(spans),
            days=[as_date(x) for x in days], spend=float(minority["spend"].sum()),
            impressions=int(minority["impressions"].sum()), **ent,
        ))
    return out


@check(
    "currency.missing_fx", severity="error", title="Spend without an exchange rate",
    hint="Add the missing currency to `fx` in mille.yaml (a rates file or a fixed rate) and "
    "re-ingest, or set the account's currency if it is unknown.",
)
def missing_fx(ctx: AuditContext, c: Check) -> list[Finding]:
    """Spend with no reporting-currency value: it drops out of every spend figure. The amount is
    in the account's own currency (no rate was available to convert it)."""
    d = ctx.daily_in_period()
    d = d[d["unconverted"].to_numpy() != 0]
    out = []
    for k, sub in grouped(d, ["platform", "account_id", "currency"]):
        ent = ctx.entity(k["platform"], k["account_id"])
        currency = k["currency"] or "an unknown currency"
        amount = float(sub["unconverted"].sum())
        out.append(c.finding(
            title=f"{amount:,.2f} {currency} of spend with no rate to {ctx.ws.config.reporting_currency} — {who(ent)}",
            detail=(f"Rows in {currency} on {sub['day'].nunique()} day(s) have no converted spend, so "
                    "they are missing from spend, CPM, CPC and cost-per figures."),
            key=(k["currency"],), days=[as_date(x) for x in sub["day"].unique()], spend=abs(amount),
            impressions=int(sub["impressions"].sum()),
            files=sorted(set(sub["source_relation"].dropna().astype(str))), **ent,
        ))
    return out


def _zones(d: pd.DataFrame) -> pd.DataFrame:
    z = d.assign(zone=d["report_timezone"].replace("", "unknown"))
    return z


@check(
    "currency.mixed_timezones", severity="info", title="Daily comparisons mix time zones",
    hint="Compare platforms over weeks or months, or read daily cross-platform figures knowing "
    "that each platform's day starts at a different hour.",
)
def mixed_timezones(ctx: AuditContext, c: Check) -> list[Finding]:
    """Platforms in the period report their days in different time zones; spend outside the
    most used zone is what a daily blended figure shifts by hours."""
    z = _zones(ctx.daily_in_period())
    by_zone = z.groupby("zone", as_index=False).agg(spend=("spend_basis", "sum"), impressions=("impressions", "sum"))
    if len(by_zone) < 2:
        return []
    main = by_zone.sort_values("spend", ascending=False).iloc[0]["zone"]
    platforms = z.groupby("zone")["platform"].unique()
    parts = [
        f"{zone} ({', '.join(platform_label(p, p) for p in sorted(platforms[zone]))})"
        for zone in sorted(platforms.index)
    ]
    other = z[z["zone"] != main]
    return [c.finding(
        title=f"Days are reported in {len(by_zone)} time zones across platforms",
        detail=("Zones: " + "; ".join(parts) + ". 'account' means the ad account's own zone; "
                f"'unknown' means the export did not say. Most spend is reported in {main}."),
        days=[as_date(x) for x in other["day"].unique()], spend=float(other["spend_basis"].sum()),
        impressions=int(other["impressions"].sum()), scope="workspace", platform=None,
    )]


@check(
    "currency.timezone_changed", severity="warn", title="Account's reporting time zone changed",
    hint="Exports of one account in two time zones shift days against each other: re-export the "
    "older days in the account's current zone.",
)
def timezone_changed(ctx: AuditContext, c: Check) -> list[Finding]:
    """Accounts whose rows carry more than one known reporting time zone in the period."""
    z = _zones(ctx.daily_in_period())
    return _several_per_account(
        ctx, c, z[z["zone"] != "unknown"], "zone",
        title=lambda values, whom: f"Time zones {' and '.join(values)} in one account — {whom}",
        detail=lambda spans: f"The account's rows are reported in: {spans}.",
    )
