"""Duplicates and overlaps: the same spend counted twice, exports replaced or superseded at ingest,
and totals rows that did not reconcile.

Ingest already resolves the overlaps it can see (a newer export of the same platform, account,
level and days replaces the older rows; one at another level supersedes them). These checks
report what was resolved — with how much the two exports differed, since a restatement means
reports made before it were wrong — and catch what slipped through: two exports of the same
campaign-day that are both counted in figures.
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis
import numpy as np
import pandas as pd

from mille.analysis.audit.context import (
    AuditContext,
    account_key,
    as_date,
    blank_to_none,
    day_number,
    grouped,
    spend_basis,
    who,
)
from mille.analysis.audit.model import DayRange, Finding
from mille.analysis.audit.registry import Check, Skipped, check
from mille.schema import AD_PERFORMANCE

RESTATED_SHARE = 0.005  # a measure that moved by more than 0.5 % was restated, not just re-sent
LEVELS_DIFFER = 0.01  # two levels of the same days disagreeing by more than 1 % is worth a look
UNRECONCILED_ERROR = 0.05  # totals off by 5 % or more: the rows miss real spend
DUPLICATE_MATERIAL = 0.001  # duplicated spend above 0.1 % of its export's: a wrong number, an error
DUPLICATED_FIGURES = ("spend", "impressions", "clicks", "clicks_all", "conversions", "conversions_value", "leads")


@check(
    "overlaps.double_counted", severity="error", title="Same spend counted twice",
    hint="Two exports of the same campaign-days are both counted: remove one with "
    "`mille sources remove`, or re-ingest the newer file so it replaces the older one.",
)
def double_counted(ctx: AuditContext, c: Check) -> list[Finding]:
    """Campaign-days (or account-days, for account-level rows) held in figures from two exports
    or two levels at once, e.g. a campaign-level and an ad-level export of the same spend."""
    d = ctx.daily_in_period()
    d = d[d["granularity"].to_numpy() == "day"]
    if d.empty:
        return []
    d = d.assign(src=d["ingest_id"].astype(str) + "|" + d["level"].astype(str))
    keys = ["platform", "account_id", "campaign_id", "day"]
    per_src = d.groupby([*keys, "src"], sort=False, as_index=False).agg(
        spend=("spend_basis", "sum"), impressions=("impressions", "sum"), file=("source_relation", "max"),
        level=("level", "max"),
    )
    # Account-level rows overlap every campaign of their account-day: compare at account-day.
    acct_days = per_src.loc[per_src["campaign_id"].to_numpy() == "", ["platform", "account_id", "day"]].drop_duplicates()
    at_account = per_src.merge(acct_days, on=["platform", "account_id", "day"], how="inner")
    at_account = at_account.groupby(["platform", "account_id", "day", "src"], as_index=False).agg(
        spend=("spend", "sum"), impressions=("impressions", "sum"), file=("file", "max"), level=("level", "max")
    ).assign(campaign_id="")
    at_campaign = per_src.merge(acct_days, on=["platform", "account_id", "day"], how="left", indicator=True)
    at_campaign = at_campaign[at_campaign["_merge"].to_numpy() == "left_only"].drop(columns="_merge")
    both = pd.concat([at_campaign, at_account], ignore_index=True)
    g = both.groupby(keys, sort=False)
    stats = g.agg(n=("src", "nunique"), spend=("spend", "sum"), top=("spend", "max"),
                  impressions=("impressions", "sum"), top_impressions=("impressions", "max")).reset_index()
    dup = stats[stats["n"].to_numpy() > 1]
    if dup.empty:
        return []
    files = both.merge(dup[keys], on=keys).groupby(["platform", "account_id"])
    out = []
    for k, sub in grouped(dup, ["platform", "account_id"]):
        ent = ctx.entity(k["platform"], k["account_id"])
        involved = files.get_group((k["platform"], k["account_id"]))
        excess = float((sub["spend"] - sub["top"]).sum())
        excess_impr = int((sub["impressions"] - sub["top_impressions"]).sum())
        n_campaigns = int(sub.loc[sub["campaign_id"] != "", "campaign_id"].nunique())
        levels = sorted(set(involved["level"].astype(str)) - {""})
        out.append(c.finding(
            title=f"{excess:,.2f} of spend counted twice on {sub['day'].nunique()} day(s) — {who(ent)}",
            detail=(
                f"{len(sub)} campaign-day(s) in {n_campaigns or 'account-level'} campaign(s) are held "
                f"from {involved['src'].nunique()} exports/levels at once"
                + (f" (levels: {', '.join(levels)})" if levels else "")
                + f"; {excess:,.2f} of spend and {excess_impr:,} impressions are counted more than once."
            ),
            days=[as_date(x) for x in sub["day"].unique()], spend=excess, impressions=excess_impr,
            files=sorted({str(f) for f in involved["file"].dropna()}), **ent,
        ))
    return out


@check(
    "overlaps.duplicate_rows", severity="warn", title="Identical rows within one export",
    hint="The file holds the same line twice (two downloads pasted together, a copy-paste): remove "
    "the ingest with `mille sources remove` and ingest the file again — mille now refuses such a file, "
    "or keeps one copy of each with --drop-exact-duplicates.",
)
def duplicate_rows(ctx: AuditContext, c: Check) -> list[Finding]:
    """Rows of one export identical in every entity, dimension, day and measure, both summed
    into figures (workspaces ingested before ingest refused them). Rows without any figure
    change no total and are left out. An error when the spend counted twice is material."""
    t = ctx.figures()
    t = t.filter(ibis.or_(*(t[m].fill_null(0) != 0 for m in DUPLICATED_FIGURES)))
    skip = {"source_relation", "source_type", "source_format", "file_hash", "row_number",
            "superseded_by", "spend_reporting"}
    cols = [col.name for col in AD_PERFORMANCE.columns if col.name not in skip]
    # Grouping ten million rows by thirty columns is slow; grouping by five that almost always
    # differ between distinct rows finds the few candidates, and only those get the full key.
    # The five are made NULL-free first: a join drops NULL keys (Meta rows without link clicks
    # fell out there, and their doubled spend went unreported). The candidates come back as Arrow:
    # shared in one query, the filtered table would be materialised with every column.
    t = t.mutate(_spend=t.spend.fill_null(-1.0), _impressions=t.impressions.fill_null(-1),
                 _clicks=t.clicks.fill_null(-1))
    cheap = ["ingest_id", "date_day", "_spend", "_impressions", "_clicks"]
    candidates = t.group_by(cheap).aggregate(n=t.count())
    found = ctx.engine.to_arrow(candidates.filter(candidates.n > 1).select(cheap))
    if found.num_rows == 0:
        return []
    rows = t.semi_join(ibis.memtable(found), cheap)
    g = rows.group_by(cols).aggregate(copies=rows.count())
    g = g.filter(g.copies > 1)
    expr = g.group_by(
        platform=g.platform, account_id=account_key(g), ingest_id=g.ingest_id, date_day=g.date_day
    ).aggregate(extra=(g.copies - 1).sum(), spend=(g.spend.fill_null(0) * (g.copies - 1)).sum(),
                impressions=(g.impressions.fill_null(0) * (g.copies - 1)).sum())
    df = ctx.frame(expr)
    if df.empty:
        return []
    df["day"] = day_number(df["date_day"])
    names = _ingest_files(ctx)
    spent = _ingest_spend(ctx)
    out = []
    for k, sub in grouped(df, ["platform", "account_id", "ingest_id"]):
        ent = ctx.entity(k["platform"], k["account_id"])
        file = names.get(k["ingest_id"], k["ingest_id"])
        spend = float(sub["spend"].fillna(0).sum())
        material = spend > max(0.01, DUPLICATE_MATERIAL * abs(spent.get(k["ingest_id"], 0.0)))
        out.append(c.finding(
            title=f"{int(sub['extra'].sum())} duplicated row(s) in {file} — {who(ent)}",
            detail=f"Identical rows add {spend:,.2f} of spend a second time: every figure of these days is too high.",
            key=(k["ingest_id"],), days=[as_date(x) for x in sub["day"]], severity="error" if material else "warn",
            spend=spend, impressions=int(sub["impressions"].fillna(0).sum()),
            files=[file], **ent,
        ))
    return out


def _ingest_spend(ctx: AuditContext) -> dict[str, float]:
    def build() -> dict[str, float]:
        df = ctx.frame(ctx.engine.table("ingests").select("ingest_id", "spend"))
        return dict(zip(df["ingest_id"], df["spend"].fillna(0.0).astype(float), strict=True))

    return ctx.cached("ingest_spend", build)


def _ingest_files(ctx: AuditContext) -> dict[str, str]:
    def build() -> dict[str, str]:
        df = ctx.frame(ctx.engine.table("ingests").select("ingest_id", "source_relation"))
        return dict(zip(df["ingest_id"], df["source_relation"], strict=True))

    return ctx.cached("ingest_files", build)


def _clip(start: object, end: object, ctx: AuditContext) -> list[DayRange]:
    """A recorded date range, cut to the audited period."""
    s, e = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    lo, hi = ctx.bounds()
    if lo is not None and hi is not None:
        s, e = max(s, lo), min(e, hi)
    return [DayRange(start=s, end=e)] if s <= e else []


def _slice_spend(ctx: AuditContext, t: ibis.expr.types.Table) -> pd.DataFrame:
    expr = t.group_by(
        ingest_id=t.ingest_id, platform=t.platform, account_id=account_key(t), level=t.level.fill_null(""),
        date_day=t.date_day,
    ).aggregate(spend=t.spend.sum(), spend_basis=spend_basis(t).sum(), impressions=t.impressions.sum(),
                clicks=t.clicks.sum(), conversions=t.conversions.sum(), leads=t.leads.sum(),
                file=t.source_relation.max(), superseded_by=t.superseded_by.max())
    df = ctx.frame(expr)
    df["day"] = day_number(df["date_day"])
    for col in ("spend", "spend_basis", "impressions", *RESTATED_MEASURES):
        df[col] = df[col].astype("float64").fillna(0.0)
    return df


# Measures besides spend whose restatement a replaced slice reports (kept by ingest since they
# were added to slice_replacements; a slice recorded before holds NULL and is not compared).
RESTATED_MEASURES = ("clicks", "conversions", "leads")


def _restated(group: pd.DataFrame, part: pd.DataFrame) -> list[str]:
    """"leads +20 (+11.0 %)" for each measure the newer export restated beyond rounding."""
    out = []
    for m in RESTATED_MEASURES:
        if m not in group.columns or not group[m].notna().all():
            continue
        before, now = float(group[m].sum()), float(part[m].sum())
        diff = now - before
        if abs(diff) > max(RESTATED_SHARE * abs(before), 0.5):
            out.append(f"{m} {diff:+,.0f}" + (f" ({diff / before:+.1%})" if before else ""))
    return out


@check(
    "overlaps.replaced", severity="info", title="Export replaced by a newer download at ingest",
    hint="Nothing to fix when the spend is unchanged; when it moved, reports made before the "
    "re-download showed other numbers — say so if they were shared.",
)
def replaced(ctx: AuditContext, c: Check) -> list[Finding]:
    """Days that a newer export of the same platform, account and level replaced at ingest, one
    finding per newer export and account, with how much spend it restated (a warning above 0.5 %)."""
    sr = ctx.frame(ctx.engine.table("slice_replacements"))
    sr = sr[sr["action"].astype(str) == "replaced"].reset_index(drop=True)
    if sr.empty:
        raise Skipped("no export has replaced another one")
    rows = ctx.ws.ad_performance()
    new = _slice_spend(ctx, rows.filter(rows.ingest_id.isin([str(x) for x in sr["ingest_id"].unique()])))
    files = _ingest_files(ctx)
    parts, accounts = [], []
    for i, r in enumerate(sr.itertuples(index=False)):  # one per replacement recorded: few
        lo, hi = day_number(pd.Series([r.date_min]))[0], day_number(pd.Series([r.date_max]))[0]
        part = new[(new["ingest_id"] == r.ingest_id) & (new["day"] >= lo) & (new["day"] <= hi)]
        if isinstance(r.platform, str):
            part = part[part["platform"] == r.platform]
        if isinstance(r.level, str) and r.level:
            part = part[part["level"] == r.level]
        # Exports without account ids (Meta, LinkedIn UI) record none: the new rows tell.
        account = r.account_id if isinstance(r.account_id, str) and r.account_id else (
            part["account_id"].iloc[0] if part["account_id"].nunique() == 1 else "")
        if account:
            part = part[part["account_id"] == account]
        accounts.append(account)
        parts.append(part.assign(rep=i))
    sr["account"] = accounts
    held = pd.concat(parts, ignore_index=True)
    window = ctx.period_days()
    in_period = held if window is None else held[(held["day"] >= window[0]) & (held["day"] <= window[1])]
    out = []
    for k, group in grouped(sr, ["ingest_id", "platform", "account"]):
        days = sorted({d for r in group.itertuples(index=False) for d in _days(_clip(r.date_min, r.date_max, ctx))})
        if not days:
            continue
        part = held[held["rep"].isin(group.index)]
        # The comparison covers the whole replaced slice (that is what was recorded); the size
        # of the finding is the part inside the audited period.
        old = float(group["spend"].sum()) if group["spend"].notna().all() else float("nan")
        now = float(part["spend"].sum())
        part = in_period[in_period["rep"].isin(group.index)]
        diff = now - old
        restated = not np.isnan(old) and abs(diff) > max(RESTATED_SHARE * abs(old), 0.01)
        change = "unchanged" if not restated else (f"restated by {diff:+,.2f} ({diff / old:+.1%})" if old else f"restated by {diff:+,.2f}")
        others = _restated(group, held[held["rep"].isin(group.index)])
        if others:
            change += "; " + ", ".join(others)
        ent = ctx.entity(k["platform"] if isinstance(k["platform"], str) else None, k["account"] or None)
        old_files = [files.get(x, x) for x in dict.fromkeys(group["replaced_ingest_id"])]
        new_file = files.get(k["ingest_id"], k["ingest_id"])
        out.append(c.finding(
            title=f"{new_file} replaced {len(days)} day(s) of earlier exports at ingest; spend {change} — {who(ent)}",
            detail=(
                f"{new_file} replaced {int(group['rows'].fillna(0).sum()):,} row(s) of {', '.join(old_files)} "
                f"(level {', '.join(sorted({str(v) for v in group['level'].dropna()})) or 'unknown'}). "
                f"Spend before: {old:,.2f}; now: {now:,.2f}"
                + (f"; also restated: {', '.join(others)}." if others else ".")
            ),
            key=(k["ingest_id"],), severity="warn" if restated else "info",
            days=days, spend=float(part["spend_basis"].sum()), impressions=int(part["impressions"].sum()),
            files=[*old_files, new_file], **ent,
        ))
    return out


def _days(ranges: list[DayRange]) -> list[date]:
    return [r.start + timedelta(days=i) for r in ranges for i in range(r.days)]


@check(
    "overlaps.superseded", severity="info", title="Export superseded by another level at ingest",
    hint="Figures use the newer export. When the two levels disagree, the finer one usually misses "
    "spend not attributed to ads (Performance Max, removed ads): prefer the campaign level.",
)
def superseded(ctx: AuditContext, c: Check) -> list[Finding]:
    """Rows kept for the audit but excluded from figures because an export of the same days at
    another level superseded them, with how much the two levels disagree (a warning above 1 %)."""
    t = ctx.stored()
    old = _slice_spend(ctx, t.filter(t.superseded_by.notnull()))
    if old.empty:
        raise Skipped("no export has been superseded by another level")
    f = ctx.figures()
    new = _slice_spend(ctx, f.filter(f.ingest_id.isin([str(x) for x in old["superseded_by"].unique()])))
    new_by_day = new.groupby(["ingest_id", "platform", "account_id", "day"], as_index=False).agg(
        new_spend=("spend", "sum"), new_basis=("spend_basis", "sum"), new_impressions=("impressions", "sum"),
        new_file=("file", "max"), new_level=("level", "max"))
    merged = old.merge(new_by_day.rename(columns={"ingest_id": "superseded_by"}),
                       on=["superseded_by", "platform", "account_id", "day"], how="left")
    out = []
    for k, sub in grouped(merged, ["platform", "account_id", "ingest_id", "superseded_by"]):
        before, after = float(sub["spend"].sum()), float(sub["new_spend"].fillna(0).sum())
        diff = after - before
        differs = abs(diff) > max(LEVELS_DIFFER * abs(before), 0.01)
        ent = ctx.entity(k["platform"], k["account_id"])
        old_file = str(sub["file"].iloc[0])
        new_file = _first(sub["new_file"], k["superseded_by"])
        levels = f"{sub['level'].iloc[0] or '?'} → {_first(sub['new_level'], '?')}"
        pct = f" ({diff / before:+.1%})" if before else ""
        out.append(c.finding(
            title=f"{old_file} superseded by {new_file} ({levels}); spend differs by {diff:+,.2f}{pct} — {who(ent)}",
            detail=(f"Over {sub['day'].nunique()} day(s) the superseded export held {before:,.2f} of spend "
                    f"and the export now counted holds {after:,.2f}."),
            key=(k["ingest_id"], k["superseded_by"]), severity="warn" if differs else "info",
            days=[as_date(x) for x in sub["day"].unique()], spend=float(sub["new_basis"].fillna(0).sum()),
            impressions=int(sub["new_impressions"].fillna(0).sum()), files=[old_file, new_file], **ent,
        ))
    return out


def _first(values: pd.Series, default: str) -> str:
    present = values.dropna()
    return str(present.iloc[0]) if not present.empty else default


@check(
    "overlaps.unreconciled_totals", severity="warn", title="Totals rows that did not reconcile",
    hint="The export's own totals differ from the rows kept: rows are missing (removed campaigns, "
    "Performance Max) or the file was filtered. Export again without filters, at campaign level.",
)
def unreconciled_totals(ctx: AuditContext, c: Check) -> list[Finding]:
    """Exports whose totals row (``Total: Account``…) contradicts the sum of its rows beyond
    rounding, as recorded at ingest (an error when off by 5 % or more). A one-sided total — one
    that covers removed, filtered or below-threshold items too — above its rows is a note: the
    view shows less than the account, which is what the label says; rows above it contradict it."""
    rec = ctx.engine.table("reconciliations")
    ing = ctx.engine.table("ingests")
    if ctx.count("reconciliations") == 0:
        raise Skipped("no ingested export carried totals rows")
    j = rec.filter(rec.reconciled == False).join(ing, "ingest_id")  # noqa: E712 (an Ibis expression)
    df = ctx.frame(j.select(
        "ingest_id", rec.source_relation, "total_label", "measure", "total_value", "rows_value", "difference",
        "one_sided", "scope", "platform", "account_ids", "date_min", "date_max",
    ))
    out = []
    for _, sub in grouped(df, ["ingest_id"]):
        first = sub.iloc[0]
        days = _clip(first["date_min"], first["date_max"], ctx) if pd.notna(first["date_min"]) else []
        if ctx.period is not None and not days:
            continue
        # account_ids is NULL for a file without an account column: never the text "nan".
        accounts = (blank_to_none(first["account_ids"]) or "").split(",")
        ent = ctx.entity(first["platform"] if isinstance(first["platform"], str) else None,
                         accounts[0] if len(accounts) == 1 and accounts[0] else None)
        # Workspaces from before one-sided totals hold NULL there: every total is two-sided.
        one_sided = sub["one_sided"].fillna(False).astype(bool).to_numpy()
        short = one_sided & (sub["difference"].to_numpy(dtype=float) > 0)
        for part, noted in ((sub[~short], False), (sub[short], True)):
            if part.empty:
                continue
            out.append(_unreconciled(c, part, first, days, ent, noted=noted))
    return out


def _unreconciled(c: Check, sub: pd.DataFrame, first: pd.Series, days: list[DayRange], ent: dict[str, object], *,
                  noted: bool) -> Finding:
    spend_rows = sub[sub["measure"] == "spend"]
    spend_gap = float(spend_rows["difference"].abs().max()) if not spend_rows.empty else 0.0
    rel = (sub["difference"].abs() / sub["total_value"].abs().replace(0, np.nan)).max()
    rel = 0.0 if pd.isna(rel) else float(rel)

    def label(r: object) -> str:
        name, scope = blank_to_none(getattr(r, "total_label", None)), blank_to_none(getattr(r, "scope", None))
        return (name or "total") + (f" ({scope})" if scope else "")

    parts = [f"{label(r)} {r.measure}: {r.total_value:,.2f} printed vs {r.rows_value:,.2f} in rows"
             for r in sub.itertuples(index=False)]
    file = str(first["source_relation"])
    if noted:
        return c.finding(
            title=f"Totals of {file} cover more than its rows (up to {rel:.1%} more): removed, filtered or "
                  "below-threshold items",
            detail="; ".join(parts) + ". The label says the total covers items the view does not list; "
                   "the rows do not exceed it.",
            key=(first["ingest_id"], "covers_more"), severity="info", days=days, spend=spend_gap, files=[file], **ent,
        )
    return c.finding(
        title=f"Totals of {file} do not match its rows (up to {rel:.1%} off)",
        detail="; ".join(parts) + ".", key=(first["ingest_id"],),
        severity="error" if rel >= UNRECONCILED_ERROR else "warn",
        days=days, spend=spend_gap, files=[file], **ent,
    )
