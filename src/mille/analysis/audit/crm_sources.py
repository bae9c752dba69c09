"""Loose definitions on the CRM side: touches whose source matches no ad platform or campaign.

A lead whose ``utm_source`` is ``linkedin_newsletter`` or whose ``utm_campaign`` names a campaign
no ad export holds is nobody's lead: attribution leaves it out, and cost per lead looks dearer
than it is. This check lists them with the same normalisation the attribution uses
(:mod:`mille.sources.crm_sources`), so fixing what it names is what makes them count.
"""

from __future__ import annotations

import pandas as pd

from mille.analysis.audit.context import AuditContext
from mille.analysis.audit.model import DayRange, Finding
from mille.analysis.audit.registry import Check, Skipped, check


@check(
    "definitions.unmatched_sources", severity="warn", title="CRM sources matched to no ad platform or campaign",
    hint="Add the spelling to `source_aliases` in mille.yaml (a platform), or fix the UTM template so "
    "utm_campaign carries the ad campaign's name or id; `mille pipeline` lists every unmatched value.",
)
def unmatched_sources(ctx: AuditContext, c: Check) -> list[Finding]:
    """Paid-looking CRM touches whose source names no platform mille knows, and touches naming a
    campaign that no ad export holds."""
    from mille.analysis.pipeline import unmatched_sources as listed

    if ctx.count("crm_leads") == 0 and ctx.count("crm_opportunities") == 0:
        raise Skipped("no CRM data (ingest CRM leads or opportunities to check their sources)")
    rows = listed(ctx.ws, ctx.period, limit=50)
    out = []
    for u in rows:
        what = " / ".join(f"{k}={v!r}" for k, v in (("utm_source", u.utm_source), ("utm_medium", u.utm_medium),
                                                      ("utm_campaign", u.utm_campaign), ("campaign", u.crm_campaign),
                                                      ("original source", u.original_source)) if v)
        if u.match == "platform":
            title = f"{u.touches:,} CRM touches name a campaign no ad export holds: {what}"
            detail = ("They are credited to the platform but to no campaign, so campaign-level cost per lead and "
                      "per opportunity miss them.")
        else:
            title = f"{u.touches:,} paid-looking CRM touches match no ad platform: {what}"
            detail = "Attribution leaves these records out: no campaign's spend is credited with them."
        out.append(c.finding(title=title, detail=detail, key=(u.utm_source, u.utm_medium, u.utm_campaign,
                                                                  u.crm_campaign, u.original_source),
                             days=[DayRange(start=pd.Timestamp(ctx.period.start).date(), end=pd.Timestamp(ctx.period.end).date())]
                             if ctx.period is not None else []))
    return out
