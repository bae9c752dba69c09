"""On the demo workspace every planted data problem is found, with the right days and accounts.

The demo (docs/demo.md) plants: a four-day tracking gap on the Meta EMEA account
(2026-10-13..16), campaign names that break ``{region}_{objective}_{audience}_{offer}``, and an
overlapping Meta EMEA re-download (2026-09-16..2026-10-15) replaced at ingest. The expected
values come from the demo's own story parameters, not from the audit.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from audit_run import only, run_audit

from mille.analysis.audit import DayRange, findings_overlapping
from mille.workspace import Workspace

AS_OF = date(2026, 11, 1)


@pytest.fixture(scope="module")
def demo(demo_workspace: Path) -> Path:
    """The seed-0 demo built through its export files and the real ingest (shared, read-only)."""
    return demo_workspace


@pytest.fixture(scope="module")
def story():
    from mille.demo.story import Story

    return Story()


@pytest.fixture(scope="module")
def result(demo: Path):
    return run_audit(demo, as_of=AS_OF, read_only=True)


def _emea_name() -> str:
    from mille.demo.media_plan import ACCOUNTS

    return ACCOUNTS["meta_emea"].name


def test_tracking_gap_found_with_its_days_and_account(result, story) -> None:
    gap = story.tracking_gap
    [f] = only(result, "gaps.account_days")
    assert f.severity == "error"
    assert (f.platform, f.account) == ("facebook_ads", _emea_name())
    assert f.days == [DayRange(start=gap.start, end=gap.end)]
    assert f.estimated and f.spend > 0


def test_naming_convention_breaks_found(result, story) -> None:
    found = only(result, "definitions.naming_convention")
    assert {f.campaign for f in found} == set(story.broken_names)
    assert all(f.severity == "warn" and f.spend > 0 for f in found)


def test_overlapping_redownload_found_with_its_days_and_account(result, story) -> None:
    d = story.redownload
    [f] = [f for f in only(result, "overlaps.replaced") if f.account == _emea_name()]
    assert f.platform == "facebook_ads"
    # The replaced days: the re-download's range, less the tracking gap it shares (no rows there).
    replaced = {day for r in f.days for day in (r.start + timedelta(days=i) for i in range(r.days))}
    expected = {d.start + timedelta(days=i) for i in range((d.end - d.start).days + 1)}
    expected -= {story.tracking_gap.start + timedelta(days=i) for i in range(4)}
    assert replaced == expected
    assert f.severity == "info"  # spend identical: only leads were restated
    assert any("Sep-16-2026-Oct-15-2026" in name for name in f.files)


def test_the_gap_is_the_only_error_and_the_planted_problems_cost_trust(result) -> None:
    assert result.counts["error"] == 1
    scores = {s.account: s.score for s in result.score.sources}
    assert scores[_emea_name()] < 100 and result.score.overall < 100


def test_explain_sees_the_gap_as_a_measurement_cause(demo: Path, story) -> None:
    with Workspace.open(demo, read_only=True) as ws:
        causes = findings_overlapping(ws, "2026-09", "2026-10", as_of=AS_OF)
    assert "gaps.account_days" in {f.check for f in causes}


def test_the_redownload_says_which_measures_it_restated(result, demo: Path) -> None:
    """The re-download restates platform leads only; the finding gives the difference, checked
    against the export files themselves (read with pandas, not with mille's readers)."""
    import pandas as pd

    exports = demo / "exports"

    def leads(name: str, start: str, end: str) -> float:
        frame = pd.read_csv(exports / name, encoding="utf-8-sig")
        days = frame["Day"].astype(str)
        return float(frame.loc[(days >= start) & (days <= end), "Leads"].fillna(0).sum())

    before = (leads("Northwind-Cloud-EMEA-Ad-sets-Sep-1-2026-Sep-30-2026.csv", "2026-09-16", "2026-09-30")
              + leads("Northwind-Cloud-EMEA-Ad-sets-Oct-1-2026-Oct-31-2026.csv", "2026-10-01", "2026-10-15"))
    after = leads("Northwind-Cloud-EMEA-Ad-sets-Sep-16-2026-Oct-15-2026.csv", "2026-09-16", "2026-10-15")
    assert after != before
    [f] = [f for f in only(result, "overlaps.replaced") if f.account == _emea_name()]
    assert f"leads {after - before:+,.0f} ({(after - before) / before:+.1%})" in f.title
    assert "spend unchanged" in f.title and "clicks" not in f.title  # clicks were re-sent as they were
