"""The trust score: the documented formula by hand, and its invariants (Hypothesis)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mille.analysis.audit import Finding, trust_score
from mille.analysis.audit.model import finding_id


def _spend(*sources: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"platform": p, "account_id": a, "account_name": a.upper(), "spend": s, "impressions": s * 50}
         for p, a, s in sources]
    )


def _f(severity: str, spend: float, platform: str | None = "facebook_ads", account: str | None = "a",
       *, estimated: bool = False, scope: str = "source", n: int = 0) -> Finding:
    return Finding(id=finding_id("test", severity, spend, platform, account, n), check="test.check",
                   severity=severity, title="t", platform=platform, account_id=account, spend=spend,
                   estimated=estimated, scope=scope)  # type: ignore[arg-type]


def test_formula_by_hand() -> None:
    spend = _spend(("facebook_ads", "a", 1000.0), ("linkedin_ads", "b", 3000.0))
    findings = [_f("error", 100.0), _f("warn", 200.0, n=1), _f("info", 1000.0, n=2)]
    s = trust_score(findings, spend)
    by = {x.source: x for x in s.sources}
    # Source a: 100 × 1 × 100/1000 + 100 × 0.5 × 200/1000 + 0 = 10 + 10 → 80.
    assert by["facebook_ads / a"].score == pytest.approx(80.0)
    assert by["linkedin_ads / b"].score == pytest.approx(100.0)
    # Overall: base 4000 → 100 × 100/4000 + 50 × 200/4000 = 2.5 + 2.5 → 95, the spend-weighted mean.
    assert s.overall == pytest.approx(95.0) == pytest.approx((1000 * 80 + 3000 * 100) / 4000)
    assert [f.share_of_spend for f in findings] == pytest.approx([0.1, 0.2, 1.0])


def test_the_worked_example_of_docs_audit_md() -> None:
    spend = _spend(("facebook_ads", "a", 97_500.0), ("google_ads", "b", 300_000.0))
    findings = [_f("error", 2_500.0, estimated=True), _f("warn", 20_000.0, n=1),
                _f("info", 50_000.0, None, None, scope="workspace", n=2)]
    s = trust_score(findings, spend)
    assert {x.source: x.score for x in s.sources} == pytest.approx({"facebook_ads / a": 87.5, "google_ads / b": 100.0})
    assert s.overall == pytest.approx(96.875)


def test_estimated_missing_spend_joins_the_base() -> None:
    s = trust_score([_f("error", 100.0, estimated=True)], _spend(("facebook_ads", "a", 900.0)))
    [src] = s.sources
    assert src.estimated_missing == 100.0 and src.base == 1000.0 and src.score == pytest.approx(90.0)


def test_platform_finding_counts_in_each_of_its_sources() -> None:
    spend = _spend(("linkedin_ads", "x", 600.0), ("linkedin_ads", "y", 400.0), ("google_ads", "g", 1000.0))
    s = trust_score([_f("warn", 500.0, "linkedin_ads", None, scope="platform")], spend)
    by = {x.source: x.score for x in s.sources}
    # Half of LinkedIn's 1,000 touched, at warn weight: 25 points in each LinkedIn source.
    assert by["linkedin_ads / x"] == pytest.approx(75.0) == by["linkedin_ads / y"]
    assert by["google_ads / g"] == 100.0
    assert s.overall == pytest.approx(100 - 50 * 500 / 2000)


def test_workspace_finding_counts_only_overall() -> None:
    s = trust_score([_f("error", 500.0, None, None, scope="workspace")], _spend(("facebook_ads", "a", 1000.0)))
    assert s.sources[0].score == 100.0 and s.overall == pytest.approx(50.0)


def test_clipped_at_zero() -> None:
    s = trust_score([_f("error", 900.0), _f("error", 800.0, n=1)], _spend(("facebook_ads", "a", 1000.0)))
    src = s.sources[0]
    assert src.score == 0.0 and src.clipped and src.points_lost == pytest.approx(170.0)


def test_finding_for_a_source_without_spend_in_the_period() -> None:
    s = trust_score([_f("error", 300.0, "tiktok_ads", "t", estimated=True)], _spend(("facebook_ads", "a", 1000.0)))
    by = {x.source: x for x in s.sources}
    assert by["tiktok_ads / t"].score == 0.0 and by["tiktok_ads / t"].base == 300.0


_sources = st.lists(
    st.tuples(st.sampled_from(["google_ads", "linkedin_ads", "facebook_ads"]), st.sampled_from("abcd"),
              st.floats(1.0, 1e6)),
    min_size=1, max_size=6, unique_by=lambda t: (t[0], t[1]),
)


@st.composite
def _case(draw):
    sources = draw(_sources)
    findings = []
    for i in range(draw(st.integers(0, 8))):
        p, a, s = draw(st.sampled_from(sources))
        findings.append(_f(draw(st.sampled_from(["info", "warn", "error"])), draw(st.floats(0, 1.0)) * s * 0.1,
                           p, a, n=i))
    return sources, findings


@settings(max_examples=150, deadline=None)
@given(_case())
def test_overall_is_the_spend_weighted_mean_of_sources_and_points_add_up(case) -> None:
    sources, findings = case
    s = trust_score(findings, _spend(*sources))
    assert 0.0 <= s.overall <= 100.0
    for src in s.sources:
        assert 0.0 <= src.score <= 100.0
        assert 100.0 - src.score == pytest.approx(sum(c.points for c in src.components), abs=1e-9)
    weighted = sum(src.base * src.score for src in s.sources) / sum(src.base for src in s.sources)
    assert s.overall == pytest.approx(weighted, abs=1e-6)
    assert 100.0 - s.overall == pytest.approx(sum(c.points for c in s.components), abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(_case(), st.sampled_from(["info", "warn", "error"]), st.floats(0, 1e5))
def test_another_finding_never_raises_a_score(case, severity: str, spend: float) -> None:
    sources, findings = case
    before = trust_score(findings, _spend(*sources))
    p, a, _ = sources[0]
    after = trust_score([*findings, _f(severity, spend, p, a, n=99)], _spend(*sources))
    assert after.overall <= before.overall + 1e-9
    assert {x.source: x.score for x in after.sources}[f"{p} / {a}"] <= {
        x.source: x.score for x in before.sources}[f"{p} / {a}"] + 1e-9
