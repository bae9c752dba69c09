"""The check registry: each check is a small function registered with an id, a severity and a hint.

A check module declares its checks with :func:`check`::

    @check("gaps.account_days", severity="error", title="Days missing for an account",
           hint="Re-download the account's export for these days.")
    def account_days(ctx: AuditContext, c: Check) -> list[Finding]:
        ...
        return [c.finding(title=..., platform=..., days=..., spend=...)]

The id's first part is the check's concept (``gaps``, ``values``…), which is also what
``mille audit --check gaps`` selects. A check that cannot run on this workspace (no CRM data, no
naming convention) raises :class:`Skipped` with the reason, and the run reports it as skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from mille.analysis.audit.model import DayRange, Finding, Severity, finding_id, merged, ranges_of
from mille.errors import QueryError, suggestion

if TYPE_CHECKING:
    from mille.analysis.audit.context import AuditContext

CheckFn = Callable[["AuditContext", "Check"], Iterable[Finding]]


class Skipped(Exception):
    """Raised by a check that has nothing to look at in this workspace."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    severity: Severity
    hint: str
    fn: CheckFn
    description: str = ""

    @property
    def concept(self) -> str:
        return self.id.split(".", 1)[0]

    def run(self, ctx: AuditContext) -> list[Finding]:
        return list(self.fn(ctx, self))

    def finding(
        self,
        *,
        title: str,
        key: tuple[object, ...] = (),
        days: Iterable[date] | list[DayRange] = (),
        severity: Severity | None = None,
        hint: str | None = None,
        **fields: Any,
    ) -> Finding:
        """A finding of this check; ``key`` (with platform/account/campaign) makes its stable id."""
        days = list(days)
        ranges = merged(days) if days and isinstance(days[0], DayRange) else ranges_of(days)  # type: ignore[arg-type]
        ident = finding_id(
            self.id,
            fields.get("platform"),
            fields.get("account_id"),
            fields.get("campaign_id") or fields.get("campaign"),
            *key,
            ranges[0].start if ranges else "",
        )
        return Finding(
            id=ident,
            check=self.id,
            severity=severity or self.severity,
            title=title,
            days=ranges,
            n_days=sum(r.days for r in ranges),
            hint=self.hint if hint is None else hint,
            **fields,
        )


CHECKS: dict[str, Check] = {}
# The order checks run and print in: the data's completeness first, then its values, then
# what it means.
CONCEPTS: tuple[str, ...] = ("gaps", "values", "overlaps", "currency", "definitions", "drift", "freshness")


def _ordered(checks: list[Check]) -> list[Check]:
    rank = {c: i for i, c in enumerate(CONCEPTS)}
    return sorted(checks, key=lambda c: rank.get(c.concept, len(rank)))


def check(id: str, *, title: str, severity: Severity, hint: str) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        if id in CHECKS:
            raise RuntimeError(f"audit check {id} registered twice")
        CHECKS[id] = Check(
            id=id, title=title, severity=severity, hint=hint, fn=fn,
            description=" ".join((fn.__doc__ or "").split()),
        )
        return fn

    return register


def select(names: Iterable[str] | str | None) -> list[Check]:
    """Checks by id or concept (``gaps`` = every ``gaps.*`` check); ``None`` = all of them."""
    if names is None:
        return _ordered(list(CHECKS.values()))
    if isinstance(names, str):
        names = [n for n in names.split(",")]
    wanted = [n.strip() for n in names if n.strip()]
    chosen: dict[str, Check] = {}
    for name in wanted:
        matched = [c for c in CHECKS.values() if c.id == name or c.concept == name]
        if not matched:
            choices = [*CHECKS, *{c.concept for c in CHECKS.values()}]
            raise QueryError(f"unknown audit check `{name}`", hint=suggestion(name, choices))
        for c in matched:
            chosen.setdefault(c.id, c)
    return _ordered(list(chosen.values()))
