"""Loose definitions: UTM spellings that mean the same thing, campaign names that break the naming
convention, and conversions that mean different things per platform or are counted twice.
"""

from __future__ import annotations

import pandas as pd

from mille.analysis.audit.context import (
    AuditContext,
    account_key,
    as_date,
    campaign_key,
    spend_basis,
    who,
)
from mille.analysis.audit.model import DayRange, Finding
from mille.analysis.audit.registry import Check, Skipped, check
from mille.analysis.audit.source_aliases import alias_table, canonical_source, folded
from mille.platforms import PLATFORMS, find
from mille.platforms import label as platform_label

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign")

@check(
    "definitions.naming_convention", severity="warn", title="Names breaking the naming convention",
    hint="Rename the campaign in the platform (or add the value to `naming_convention.allowed` in "
    "mille.yaml): until then its spend is missing from breakdowns by the convention's fields.",
)
def naming_convention(ctx: AuditContext, c: Check) -> list[Finding]:
    """Campaign (or ad group / ad) names that don't match ``naming_convention`` in mille.yaml, or
    whose parts fall outside its ``allowed`` values."""
    conv = ctx.ws.config.naming_convention
    if conv is None:
        raise Skipped("no naming_convention in mille.yaml")
    t = ctx.figures()
    column = conv.applies_to
    t = t.filter(t[column].notnull())
    expr = t.group_by(
        platform=t.platform, account_id=account_key(t), campaign_id=campaign_key(t), name=t[column]
    ).aggregate(spend=spend_basis(t).sum(), impressions=t.impressions.sum(), first=t.date_day.min(),
                last=t.period_end.max())
    df = ctx.frame(expr)
    if df.empty:
        return []
    parts = df["name"].astype(str).str.extract(conv.regex())
    matched = parts.notna().all(axis=1) if len(parts.columns) else pd.Series(False, index=df.index)
    reason = pd.Series("", index=df.index, dtype="object")
    reason[~matched] = f"does not match {conv.pattern}"
    for field, allowed in conv.allowed.items():
        values = parts[field].astype("object")
        ok = {a if conv.case_sensitive else a.lower() for a in allowed}
        probe = values if conv.case_sensitive else values.str.lower()
        outside = matched & ~probe.isin(ok)
        reason[outside] = reason[outside] + f"{field} = '" + values[outside].astype(str) + "' is not an allowed value; "
    bad = df[reason != ""].assign(reason=reason[reason != ""])
    out = []
    for r in bad.sort_values(["platform", "account_id", "name"]).itertuples(index=False):  # one per name
        ent = ctx.entity(r.platform, r.account_id, r.campaign_id)
        what = "Campaign" if column == "campaign_name" else column.replace("_name", "").replace("_", " ").capitalize()
        out.append(c.finding(
            title=f"{what} name '{r.name}' breaks the naming convention — {who(ctx.entity(r.platform, r.account_id))}",
            detail=f"'{r.name}' {r.reason.rstrip('; ')}. Its {r.spend or 0:,.2f} of spend is missing from breakdowns by {', '.join(conv.fields)}.",
            key=(r.name,), days=[DayRange(start=pd.Timestamp(r.first).date(), end=pd.Timestamp(r.last).date())],
            spend=float(r.spend or 0), impressions=int(r.impressions or 0), **ent,
        ))
    return out


def _utm_counts(ctx: AuditContext) -> pd.DataFrame:
    frames = []
    for table in ("crm_leads", "crm_opportunities"):
        if ctx.count(table) == 0:
            continue
        t = ctx.engine.table(table)
        if ctx.period is not None:
            t = t.filter((t.created_date >= ctx.period.start) & (t.created_date <= ctx.period.end))
        expr = t.group_by([t[f] for f in UTM_FIELDS]).aggregate(
            records=t.count(), first=t.created_date.min(), last=t.created_date.max())
        frames.append(ctx.frame(expr).assign(table=table))
    if not frames:
        raise Skipped("no CRM data (ingest CRM leads or opportunities to check UTM spellings)")
    return pd.concat(frames, ignore_index=True)


@check(
    "definitions.utm_variants", severity="warn", title="UTM values spelled several ways",
    hint="Add the spellings to `source_aliases` in mille.yaml so they count as one source, and fix "
    "the UTM template so new links use one spelling.",
)
def utm_variants(ctx: AuditContext, c: Check) -> list[Finding]:
    """utm_source / utm_medium / utm_campaign values in CRM records that differ only in case,
    separators or a known alias (``LinkedIn``, ``li``, ``lnkd.in``) and so split one source."""
    counts = _utm_counts(ctx)
    aliases = alias_table(ctx.ws.config.source_aliases)
    platform_spend = ctx.platform_spend()
    campaigns = _campaign_spend(ctx)
    out = []
    for field in UTM_FIELDS:
        per = counts[counts[field].notna()].groupby(field, as_index=False).agg(
            records=("records", "sum"), first=("first", "min"), last=("last", "max"))
        if per.empty:
            continue
        raw = per[field].astype(str)
        per["canonical"] = [canonical_source(v, aliases) for v in raw] if field == "utm_source" else [folded(v) for v in raw]
        for canon, sub in per.groupby("canonical", sort=True):
            if len(sub) < 2:
                continue
            sub = sub.sort_values("records", ascending=False)
            total, minority = int(sub["records"].sum()), sub.iloc[1:]
            share = float(minority["records"].sum()) / total
            ent, spend, label = _utm_target(field, str(canon), platform_spend, campaigns)
            spellings = ", ".join(f"'{v}' ({n:,})" for v, n in zip(sub[field], sub["records"], strict=True))
            out.append(c.finding(
                title=f"{field} spelled {len(sub)} ways for {label}: {spellings}",
                detail=(f"A report grouped by {field} splits these {total:,} CRM records into {len(sub)} rows; "
                        f"{int(minority['records'].sum()):,} ({share:.0%}) sit outside the most used spelling."),
                key=(field, canon),
                days=[DayRange(start=pd.Timestamp(minority["first"].min()).date(),
                               end=pd.Timestamp(minority["last"].max()).date())],
                spend=spend * share, **ent,
            ))
    return out


def _campaign_spend(ctx: AuditContext) -> pd.DataFrame:
    d = ctx.daily_in_period()
    g = d.groupby(["platform", "account_id", "campaign_id"], as_index=False).agg(
        spend=("spend_basis", "sum"), name=("campaign_name", "max"))
    g["folded"] = [folded(str(n)) if isinstance(n, str) else "" for n in g["name"]]
    return g


def _utm_target(field: str, canon: str, platform_spend: dict[str, float], campaigns: pd.DataFrame):
    """The finding's entity, the spend its records are attributed against, and a label."""
    if field == "utm_source" and canon in PLATFORMS:
        return ({"platform": canon, "scope": "platform"}, platform_spend.get(canon, 0.0),
                platform_label(canon))
    if field == "utm_campaign":
        match = campaigns[campaigns["folded"] == canon]
        if len(match) == 1:
            m = match.iloc[0]
            return ({"platform": m["platform"], "account_id": m["account_id"] or None, "campaign_id": m["campaign_id"],
                     "campaign": m["name"]}, float(m["spend"]), f"campaign {m['name']}")
    return {"platform": None, "scope": "workspace"}, 0.0, f"'{canon}'"


@check(
    "definitions.conversion_meaning", severity="info", title="Conversions mean different things per platform",
    hint="Compare conversions within a platform, or define one CRM-based metric (cost per lead "
    "from CRM records) to compare across platforms.",
)
def conversion_meaning(ctx: AuditContext, c: Check) -> list[Finding]:
    """Two or more platforms report conversions in the period: a blended conversion count or
    cost per conversion adds things counted differently."""
    d = ctx.daily_in_period()
    per = d.groupby("platform", as_index=False).agg(conversions=("conversions", "sum"), spend=("spend_basis", "sum"),
                                                     impressions=("impressions", "sum"))
    per = per[per["conversions"] > 0]
    if len(per) < 2:
        return []
    notes = "; ".join(f"{platform_label(p)}: {_conversion_meaning(p)}" for p in per["platform"])
    first, last = int(d["day"].min()), int(d["end_day"].max())
    return [c.finding(
        title=f"Conversions from {len(per)} platforms are counted differently",
        detail=notes + ".", days=_span(first, last), spend=float(per["spend"].sum()),
        impressions=int(per["impressions"].sum()), platform=None, scope="workspace",
    )]


@check(
    "definitions.conversions_twice", severity="info", title="Conversions and leads hold the same events",
    hint="Use either conversions or leads for this account, never their sum, and say which in the "
    "metric definition.",
)
def conversions_twice(ctx: AuditContext, c: Check) -> list[Finding]:
    """Accounts where conversions equal platform leads on at least 90 % of the campaign-days that
    report both: they are the same events, and a total that adds them counts them twice."""
    d = ctx.daily_in_period()
    g = d.groupby(["platform", "account_id", "campaign_id", "day"], as_index=False).agg(
        conversions=("conversions", "sum"), leads=("leads", "sum"), spend=("spend_basis", "sum"))
    g = g[(g["conversions"] > 0) & (g["leads"] > 0)]
    g = g.assign(same=(g["conversions"] - g["leads"]).abs() < 1e-9)
    per = g.groupby(["platform", "account_id"], as_index=False).agg(
        n=("same", "size"), same=("same", "sum"), spend=("spend", "sum"), first=("day", "min"), last=("day", "max"))
    per = per[(per["n"] >= 5) & (per["same"] >= 0.9 * per["n"])]
    out = []
    for r in per.itertuples(index=False):
        ent = ctx.entity(r.platform, r.account_id)
        out.append(c.finding(
            title=f"Conversions equal leads on {r.same} of {r.n} campaign-days — {who(ent)}",
            detail="The same lead events fill both columns; any total of conversions + leads counts them twice.",
            days=_span(r.first, r.last), spend=float(r.spend), **ent,
        ))
    return out


def _conversion_meaning(platform: str) -> str:
    found = find(platform)
    return found.conversions if found is not None else "platform-defined"


def _span(first: int, last: int) -> list[DayRange]:
    return [DayRange(start=as_date(first), end=as_date(last))]
