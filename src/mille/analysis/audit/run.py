"""Running an audit: choose the checks, run them over the period, score, filter for display."""

from __future__ import annotations

import time
from datetime import date

from mille.analysis.audit.context import AuditContext
from mille.analysis.audit.freshness import source_freshness
from mille.analysis.audit.model import RANK, SEVERITIES, AuditResult, CheckRun, Finding, at_least
from mille.analysis.audit.registry import Skipped, select
from mille.analysis.audit.score import trust_score
from mille.errors import QueryError
from mille.periods import Period, parse_period
from mille.workspace import Workspace


def _period(ws: Workspace, period: str | Period | None) -> Period | None:
    if period is None or isinstance(period, Period):
        return period
    return parse_period(period, anchor=ws.anchor_date())


def _data_range(ws: Workspace) -> tuple[date | None, date | None]:
    t = ws.ad_performance()
    row = ws.engine.to_arrow(t.aggregate(first=t.date_day.min(), last=t.period_end.max())).to_pylist()[0]
    return row["first"], row["last"]


def audit(
    ws: Workspace,
    *,
    period: str | Period | None = None,
    severity: str | None = None,
    checks: list[str] | str | None = None,
    as_of: date | None = None,
) -> AuditResult:
    """Run the audit checks over ``period`` (default: all data) and score the sources.

    ``severity`` only filters the findings shown (``warn`` shows warnings and errors); counts,
    the score and ``AuditResult.fails`` always cover every finding. ``checks`` picks checks by
    id or concept (``gaps``, ``values.negative``). ``as_of`` is "today" for freshness.
    """
    if severity is not None and severity not in SEVERITIES:
        raise QueryError(f"unknown severity `{severity}`", expected=", ".join(SEVERITIES))
    chosen = select(checks)
    first, last = _data_range(ws)
    if first is None or last is None:
        raise QueryError("the workspace holds no ad data to audit",
                         hint="ingest exports first (`mille ingest FILES`) or build the demo (`mille demo`)")
    resolved = _period(ws, period)
    if resolved is not None and (resolved.end < first or resolved.start > last):
        raise QueryError(
            f"no data in period `{resolved.label}` ({resolved.start}..{resolved.end})",
            hint=f"the workspace holds {first}..{last}",
        )
    ctx = AuditContext(ws, resolved, as_of or date.today(), data_last_day=last)

    runs: list[CheckRun] = []
    findings: list[Finding] = []
    for c in chosen:
        started = time.perf_counter()
        try:
            found = c.run(ctx)
        except Skipped as skip:
            runs.append(CheckRun(id=c.id, concept=c.concept, title=c.title, severity=c.severity,
                                 status="skipped", note=skip.reason, seconds=time.perf_counter() - started))
            continue
        runs.append(CheckRun(id=c.id, concept=c.concept, title=c.title, severity=c.severity,
                             status="found" if found else "passed", findings=len(found),
                             seconds=time.perf_counter() - started))
        findings.extend(found)

    findings = _unique(findings)
    score = trust_score(findings, ctx.source_spend())
    findings.sort(key=lambda f: (-RANK[f.severity], -f.spend, f.check, f.first_day or date.min, f.id))
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    return AuditResult(
        period=resolved.to_dict() if resolved else None,
        as_of=ctx.as_of,
        currency=ws.config.reporting_currency,
        data_first_day=first,
        data_last_day=last,
        severity_shown=severity,  # type: ignore[arg-type]
        counts=counts,
        checks=runs,
        findings=[f for f in findings if at_least(f.severity, severity)],
        score=score,
        freshness=source_freshness(ctx),
    )


def _unique(findings: list[Finding]) -> list[Finding]:
    """Ids are stable hashes of check + slice; two findings of one slice get a suffix."""
    seen: dict[str, int] = {}
    for f in findings:
        n = seen.get(f.id, 0)
        seen[f.id] = n + 1
        if n:
            f.id = f"{f.id}-{n + 1}"
    return findings


def findings_overlapping(
    ws: Workspace,
    period_a: str | Period,
    period_b: str | Period,
    *,
    severity: str = "warn",
    checks: list[str] | str | None = None,
    as_of: date | None = None,
) -> list[Finding]:
    """Findings whose days overlap either period — measurement causes for ``explain``.

    The audit runs once over the span covering both periods; a gap, a double count, a currency
    or definition change inside either period is returned (``severity`` and worse, default
    warnings and errors), worst first.
    """
    a = period_a if isinstance(period_a, Period) else parse_period(period_a, anchor=ws.anchor_date())
    b = period_b if isinstance(period_b, Period) else parse_period(period_b, anchor=ws.anchor_date())
    span = Period(min(a.start, b.start), max(a.end, b.end), f"{a.label} + {b.label}")
    result = audit(ws, period=span, severity=severity, checks=checks, as_of=as_of)
    return [f for f in result.findings if f.overlaps(a.start, a.end) or f.overlaps(b.start, b.end)]
