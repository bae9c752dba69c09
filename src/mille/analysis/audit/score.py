"""The reporting-trust score: 0–100 per source and overall, from the share of spend each finding
touches, weighted by its severity.

For a scope with base spend B (spend held in the period plus the spend estimated missing by gap
and freshness findings)::

    share(f)  = min(1, spend(f) / B)              spend(f): the spend finding f touches
    points(f) = 100 × weight(severity(f)) × share(f)
    score     = max(0, 100 − Σ points(f))

with weights error = 1, warn = 0.5, info = 0. A *source* is one platform account. A finding about
one account counts in that source; a finding about a whole platform (a UTM spelling) counts in
each of the platform's sources with its share of the platform's spend; a finding about the whole
workspace (mixed time zones, a metric definition change) counts only in the overall score. The
overall score uses the same formula over every finding with B = all spend; before clipping at 0
it is exactly the spend-weighted mean of the source scores when no workspace-wide finding
applies, so a small account with many problems moves it little and a big one a lot.

Points add up: for every scope, 100 − score = Σ points unless the score was clipped at 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from mille.analysis.audit.model import Finding, ScoreComponent, SourceScore, TrustScore, source_key

WEIGHTS: dict[str, float] = {"error": 1.0, "warn": 0.5, "info": 0.0}
FORMULA = (
    "score = max(0, 100 − Σ 100 × weight(severity) × min(1, affected spend / base spend)); "
    "weights error 1, warn 0.5, info 0; base = spend held in the period + spend estimated missing"
)


@dataclass
class _Scope:
    platform: str
    account_id: str | None
    account: str | None
    spend: float = 0.0
    impressions: float = 0.0
    missing: float = 0.0
    components: list[ScoreComponent] = field(default_factory=list)

    @property
    def base(self) -> float:
        return self.spend + self.missing


def _share(spend: float, impressions: float, base: float, base_impressions: float) -> float:
    if base > 0:
        return min(1.0, max(spend, 0.0) / base)
    if base_impressions > 0:  # a source without spend (impressions only): share of delivery
        return min(1.0, max(impressions, 0.0) / base_impressions)
    return 1.0 if (spend > 0 or impressions > 0) else 0.0


def _component(f: Finding, share: float) -> ScoreComponent:
    w = WEIGHTS[f.severity]
    return ScoreComponent(finding_id=f.id, check=f.check, severity=f.severity, weight=w,
                          share=share, points=100.0 * w * share)


def _score(components: list[ScoreComponent]) -> tuple[float, float, bool]:
    lost = sum(c.points for c in components)
    return max(0.0, 100.0 - lost), lost, lost > 100.0


def trust_score(findings: Iterable[Finding], source_spend: pd.DataFrame) -> TrustScore:
    """Score every source in ``source_spend`` (platform, account_id, account_name, spend,
    impressions) and the workspace; fills each finding's ``share_of_spend``."""
    findings = list(findings)
    scopes: dict[str, _Scope] = {}
    for r in source_spend.itertuples(index=False):  # one per source
        acc = r.account_id or None
        scopes[source_key(r.platform, acc)] = _Scope(
            r.platform, acc, r.account_name if isinstance(r.account_name, str) else acc,
            float(r.spend), float(r.impressions))
    for f in findings:
        key = f.source
        if key is not None and key not in scopes:
            scopes[key] = _Scope(f.platform or "", f.account_id, f.account)
        if key is not None and f.estimated:
            scopes[key].missing += max(f.spend, 0.0)

    platforms: dict[str, tuple[float, float]] = {}
    for s in scopes.values():
        b, i = platforms.get(s.platform, (0.0, 0.0))
        platforms[s.platform] = (b + s.base, i + s.impressions)
    total = sum(s.base for s in scopes.values())
    total_impr = sum(s.impressions for s in scopes.values())

    overall: list[ScoreComponent] = []
    for f in findings:
        if f.source is not None:
            s = scopes[f.source]
            share = _share(f.spend, f.impressions, s.base, s.impressions)
            s.components.append(_component(f, share))
        elif f.scope == "platform" and f.platform is not None:
            pb, pi = platforms.get(f.platform, (0.0, 0.0))
            share = _share(f.spend, f.impressions, pb, pi)
            for s in scopes.values():
                if s.platform == f.platform:
                    s.components.append(_component(f, share))
        else:
            share = _share(f.spend, f.impressions, total, total_impr)
        f.share_of_spend = share
        overall.append(_component(f, _share(f.spend, f.impressions, total, total_impr)))

    sources = []
    for key, s in sorted(scopes.items(), key=lambda kv: (-kv[1].base, kv[0])):
        score, lost, clipped = _score(s.components)
        sources.append(SourceScore(
            source=key, platform=s.platform, account_id=s.account_id, account=s.account, spend=s.spend,
            estimated_missing=s.missing, base=s.base, score=score, points_lost=lost, clipped=clipped,
            components=sorted(s.components, key=lambda c: -c.points),
        ))
    score, lost, clipped = _score(overall)
    return TrustScore(
        overall=score if scopes else None, base=total, points_lost=lost, clipped=clipped,
        weights=dict(WEIGHTS), formula=FORMULA,
        components=sorted(overall, key=lambda c: -c.points), sources=sources,
    )
