"""Measures an export never had: a file without a clicks or impressions column loads them empty.

Empty is not zero: a Meta export saved without its Impressions column has delivery, only not in
the file. mille stores such cells as NULL, so sums stay honest, but every ratio built on them (CPM
and CTR on impressions, CPC and CTR on clicks) is blank for that source. The check names the
measure, the source and the spend whose ratios cannot be computed, so a blank cell is never
silent. One engine query: per source file, how many rows carry each measure.
"""

from __future__ import annotations

from mille.analysis.audit.context import AuditContext, account_key, spend_basis, who
from mille.analysis.audit.model import DayRange, Finding
from mille.analysis.audit.registry import Check, check
from mille.sources.unified import RATIO_BASES as BASES  # the ratios each measure is the base of


@check(
    "coverage.absent_measures", severity="warn", title="Measures missing from an export",
    hint="Re-export the report with the missing column (Ads Manager: Columns → Customise; Google Ads: "
    "Columns → Modify columns) and ingest it again: the new file replaces the old one's days.",
)
def absent_measures(ctx: AuditContext, c: Check) -> list[Finding]:
    """Sources whose rows have spend but no value at all for impressions or clicks: the export had
    no such column, so the ratios on it cannot be computed there."""
    t = ctx.figures()
    expr = t.group_by(platform=t.platform, account_id=account_key(t), source_relation=t.source_relation).aggregate(
        rows=t.count(), spend=spend_basis(t).sum(), first=t.date_day.min(), last=t.period_end.max(),
        **{f"has_{m}": t[m].count() for m in BASES},
    )
    df = ctx.frame(expr)
    out: list[Finding] = []
    for measure, ratios in BASES.items():
        lacking = df[(df[f"has_{measure}"] == 0) & (df["rows"] > 0)]
        for (platform, account), sub in lacking.groupby(["platform", "account_id"], dropna=False, sort=True):
            ent = ctx.entity(platform, account)
            files = sorted(sub["source_relation"].astype(str))
            spend = float(sub["spend"].fillna(0.0).sum())
            out.append(c.finding(
                title=f"No {measure} in {len(files)} export(s) — {who(ent)}",
                detail=(f"{', '.join(files[:3])}{' …' if len(files) > 3 else ''} "
                        f"{'has' if len(files) == 1 else 'have'} no {measure} column: {measure} are empty "
                        f"(not zero) on {int(sub['rows'].sum()):,} rows, so {' and '.join(ratios)} cannot be "
                        f"computed for {spend:,.2f} of spend."),
                key=(measure,), days=[DayRange(start=sub["first"].min().date(), end=sub["last"].max().date())],
                spend=spend, files=files, **ent,
            ))
    return out

