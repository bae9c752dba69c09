"""The audit: find where reporting breaks quietly, and score how far the numbers can be trusted.

Public API::

    from mille.analysis.audit import audit, findings_overlapping, CHECKS

    result = audit(ws, period="2026-10", severity="warn")   # -> AuditResult
    result.score.overall, result.findings[0].days, result.fails("error")
    findings_overlapping(ws, "2026-09", "2026-10")          # measurement causes for explain

Checks live in one module per concept (gaps, values, overlaps, currency, definitions, drift,
freshness) and register themselves on import; docs/audit.md describes each one and the score.
"""

from __future__ import annotations

from mille.analysis.audit import (  # noqa: F401 (importing registers the checks)
    coverage,
    crm_sources,
    currency,
    definitions,
    drift,
    freshness,
    gaps,
    overlaps,
    values,
)
from mille.analysis.audit.model import (
    AuditResult,
    CheckRun,
    DayRange,
    Finding,
    ScoreComponent,
    Severity,
    SourceFreshness,
    SourceScore,
    TrustScore,
)
from mille.analysis.audit.registry import CHECKS, Check, Skipped, check
from mille.analysis.audit.run import audit, findings_overlapping
from mille.analysis.audit.score import FORMULA, WEIGHTS, trust_score

__all__ = [
    "CHECKS",
    "FORMULA",
    "WEIGHTS",
    "AuditResult",
    "Check",
    "CheckRun",
    "DayRange",
    "Finding",
    "ScoreComponent",
    "Severity",
    "Skipped",
    "SourceFreshness",
    "SourceScore",
    "TrustScore",
    "audit",
    "check",
    "findings_overlapping",
    "trust_score",
]
