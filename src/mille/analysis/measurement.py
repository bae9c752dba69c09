"""Measurement causes for ``explain``: audit findings that overlap the compared periods.

"Measurement changes are causes too": before anyone reads a CPM rise as audiences getting
dearer, explain says whether the data itself changed between the periods — days missing for an
account, the same spend held twice, a currency or unit error, a source that stopped early, a
definition edited. Findings that do not change a figure (a campaign name breaking the naming
convention, UTM spellings) are left to ``mille audit``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mille.analysis.audit import findings_overlapping
from mille.analysis.explanation import MeasurementNote
from mille.metrics.display import format_number
from mille.periods import Period

if TYPE_CHECKING:
    from mille.analysis.audit.model import Finding
    from mille.workspace import Workspace

# Checks whose findings change what a metric adds up to.
MEASUREMENT_CHECKS = (
    "gaps.account_days",
    "gaps.campaign_days",
    "gaps.drop_to_zero",
    "gaps.spend_without_impressions",
    "gaps.impressions_without_spend",
    "overlaps.double_counted",
    "overlaps.duplicate_rows",
    "overlaps.unreconciled_totals",
    "values.negative",
    "values.implausible_prices",
    "values.clicks_over_impressions",
    "currency.changed",
    "currency.missing_fx",
    "freshness.behind_others",
    "drift.metric_definition",
)


def measurement_notes(ws: Workspace, metric: str, before: Period, after: Period) -> list[MeasurementNote]:
    """Warnings and errors of the measurement checks overlapping either period, worst first."""
    findings = findings_overlapping(ws, before, after, severity="warn", checks=list(MEASUREMENT_CHECKS))
    return [_note(f) for f in findings if _concerns(f, metric)]


def _concerns(f: Finding, metric: str) -> bool:
    # A definition change matters only for the metric being explained.
    if f.check == "drift.metric_definition":
        return f.title.startswith(f"Definition of {metric} ")
    return True


def _note(f: Finding) -> MeasurementNote:
    return MeasurementNote(
        kind=f.check,
        description=f.title,
        severity=f.severity,
        platform=f.platform,
        account=f.account,
        campaign=f.campaign,
        days=[{"start": r.start.isoformat(), "end": r.end.isoformat()} for r in f.days],
        spend=f.spend,
        estimated=f.estimated,
        hint=f.hint,
    )


def measurement_sentence(notes: list[MeasurementNote], currency: str | None) -> str:
    """One sentence naming the measurement causes, to stand before the business causes."""
    if not notes:
        return ""
    shown = notes[:2]
    parts = []
    for n in shown:
        days = ", ".join(d["start"] if d["start"] == d["end"] else f"{d['start']}..{d['end']}" for d in n.days[:2])
        money = ("about " if n.estimated else "") + format_number(n.spend, "currency", 0, currency=currency)
        size = f", {money} {'missing' if n.estimated else 'affected'}" if n.spend else ""
        parts.append(f"{n.description} ({days}{size})" if days else n.description)
    more = f" and {len(notes) - len(shown)} more (see `mille audit`)" if len(notes) > len(shown) else ""
    return "Measurement first: " + "; ".join(parts) + more + "."
