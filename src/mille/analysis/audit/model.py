"""What an audit returns: findings, the checks that ran, and the trust score.

``AuditResult.to_json()`` is the documented ``mille audit --format json`` contract (see
docs/audit.md); ``rows()`` is one flat record per finding (``--format csv``). A finding names the
slice of data it is about (platform, account, campaign, days), how much spend and delivery it
touches, and what to do about it, so the dashboard and ``explain`` can use it without re-running
the check.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from mille.results import Result

Severity = Literal["info", "warn", "error"]
SEVERITIES: tuple[Severity, ...] = ("info", "warn", "error")
RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}


def at_least(severity: str, floor: str | None) -> bool:
    return floor is None or RANK[severity] >= RANK[floor]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DayRange(_Model):
    """An inclusive run of days."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and start <= self.end

    def label(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


class Finding(_Model):
    """One problem in the data, sized by the spend and delivery it touches."""

    id: str
    check: str
    severity: Severity
    title: str
    detail: str = ""
    platform: str | None = None
    account_id: str | None = None
    account: str | None = None  # the account's name where known, else its id
    campaign_id: str | None = None
    campaign: str | None = None  # the campaign's name where known, else its id
    days: list[DayRange] = []
    n_days: int = 0
    spend: float = 0.0  # spend affected, in the reporting currency (see `estimated`)
    impressions: int = 0
    estimated: bool = False  # spend/impressions are an estimate of what is missing
    share_of_spend: float | None = None  # spend / spend of the finding's scope (source, platform, all)
    scope: Literal["source", "platform", "workspace"] = "source"
    files: list[str] = []
    hint: str = ""

    @property
    def source(self) -> str | None:
        """The score's unit: one export stream, ``platform / account``."""
        if self.platform is None or self.scope != "source":
            return None
        return source_key(self.platform, self.account_id)

    @property
    def first_day(self) -> date | None:
        return min((r.start for r in self.days), default=None)

    @property
    def last_day(self) -> date | None:
        return max((r.end for r in self.days), default=None)

    def overlaps(self, start: date, end: date) -> bool:
        return any(r.overlaps(start, end) for r in self.days)

    def days_label(self, limit: int = 4) -> str:
        labels = [r.label() for r in self.days]
        if len(labels) > limit:
            labels = [*labels[:limit], f"… +{len(labels) - limit} more"]
        return ", ".join(labels)

    def row(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "check": self.check,
            "platform": self.platform,
            "account": self.account,
            "campaign": self.campaign,
            "days": "; ".join(r.label() for r in self.days),
            "n_days": self.n_days,
            "spend": round(self.spend, 2),
            "impressions": self.impressions,
            "estimated": self.estimated,
            "share_of_spend": None if self.share_of_spend is None else round(self.share_of_spend, 6),
            "title": self.title,
            "hint": self.hint,
            "id": self.id,
        }


def source_key(platform: str, account: str | None) -> str:
    return f"{platform} / {account if account is not None else '(no account)'}"


def finding_id(check: str, *parts: object) -> str:
    """A stable id: the same problem in the same slice keeps its id from run to run."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in (check, *parts)).encode()).hexdigest()[:10]
    return f"{check}:{digest}"


def ranges_of(days: list[date] | set[date]) -> list[DayRange]:
    """Collapse days into inclusive runs (a handful of days per finding; not a hot path)."""
    out: list[DayRange] = []
    for day in sorted(set(days)):
        if out and day == out[-1].end + timedelta(days=1):
            out[-1] = DayRange(start=out[-1].start, end=day)
        else:
            out.append(DayRange(start=day, end=day))
    return out


def merged(ranges: list[DayRange]) -> list[DayRange]:
    """Ranges sorted, with overlapping or touching ones joined."""
    out: list[DayRange] = []
    for r in sorted(ranges, key=lambda r: (r.start, r.end)):
        if out and r.start <= out[-1].end + timedelta(days=1):
            if r.end > out[-1].end:
                out[-1] = DayRange(start=out[-1].start, end=r.end)
        else:
            out.append(r)
    return out


class CheckRun(_Model):
    """What one check did in this run."""

    id: str
    concept: str
    title: str
    severity: Severity  # the check's usual severity; single findings may differ
    status: Literal["passed", "found", "skipped"]
    findings: int = 0
    note: str | None = None
    seconds: float = 0.0


class ScoreComponent(_Model):
    finding_id: str
    check: str
    severity: Severity
    weight: float
    share: float  # affected spend / base spend of the scope, capped at 1
    points: float  # 100 × weight × share


class SourceScore(_Model):
    source: str
    platform: str
    account_id: str | None
    account: str | None
    spend: float  # spend held in the period, reporting currency
    estimated_missing: float  # spend estimated missing from gaps and late exports
    base: float  # spend + estimated_missing: what shares are shares of
    score: float
    points_lost: float
    clipped: bool  # the findings' points exceeded 100 and the score stopped at 0
    components: list[ScoreComponent] = []


class TrustScore(_Model):
    overall: float | None
    base: float
    points_lost: float
    clipped: bool
    weights: dict[str, float]
    formula: str
    components: list[ScoreComponent] = []
    sources: list[SourceScore] = []


class SourceFreshness(_Model):
    source: str
    platform: str
    account: str | None
    first_day: date
    last_day: date
    days_behind_newest: int
    days_behind_today: int


class AuditResult(Result):
    """The result of ``mille audit``."""

    period: dict[str, str] | None
    as_of: date
    currency: str  # the reporting currency spend figures are in
    data_first_day: date | None
    data_last_day: date | None
    severity_shown: Severity | None = None
    counts: dict[str, int]  # findings per severity, before the display filter
    checks: list[CheckRun]
    findings: list[Finding]
    score: TrustScore
    freshness: list[SourceFreshness]

    def rows(self) -> list[dict[str, Any]]:
        return [f.row() for f in self.findings]

    def fails(self, threshold: str) -> bool:
        """Are there findings at ``threshold`` or worse (counted before the display filter)?"""
        return any(n > 0 for sev, n in self.counts.items() if at_least(sev, threshold))
