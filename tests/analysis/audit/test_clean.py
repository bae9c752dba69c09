"""No false alarms on clean data, and planted problems found in otherwise realistic data."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from audit_run import only, run_audit
from audit_synthetic import AS_OF, END

from mille.analysis.audit import DayRange
from mille.workspace import Workspace


def test_clean_workspace_has_no_errors_and_no_warnings(clean_workspace: Path) -> None:
    r = run_audit(clean_workspace, as_of=AS_OF)
    assert r.counts["error"] == 0, [f.title for f in r.findings if f.severity == "error"]
    assert r.counts["warn"] == 0, [f.title for f in r.findings if f.severity == "warn"]
    assert r.score.overall == 100.0 and all(s.score == 100.0 for s in r.score.sources)
    # Every check ran except the two about overlaps resolved at ingest (there were none).
    assert {c.id for c in r.checks if c.status == "skipped"} == {"overlaps.replaced", "overlaps.superseded"}
    # What is reported is true of this data: four platforms' conversions, four time zones.
    assert {f.check for f in r.findings} == {"definitions.conversion_meaning", "currency.mixed_timezones"}


@pytest.mark.parametrize("period", ["2026-06", "2026-07", "2026-08", "2026-09", "last-30-days"])
def test_clean_workspace_month_by_month(clean_workspace: Path, period: str) -> None:
    r = run_audit(clean_workspace, as_of=AS_OF, period=period)
    assert r.counts["error"] == 0 and r.counts["warn"] == 0


@pytest.fixture()
def copy(clean_workspace: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(clean_workspace, target)
    return target


def test_planted_account_gap_is_the_only_error(copy: Path) -> None:
    gap = (date(2026, 8, 10), date(2026, 8, 13))
    with Workspace.open(copy) as ws:
        removed = ws.engine.delete("ad_performance", {"account_id": "act-emea", "date_day": gap})
    assert removed > 0
    r = run_audit(copy, as_of=AS_OF)
    [f] = [f for f in r.findings if f.severity == "error"]
    assert f.check == "gaps.account_days" and (f.platform, f.account_id) == ("facebook_ads", "act-emea")
    assert f.days == [DayRange(start=gap[0], end=gap[1])]
    assert r.counts["warn"] == 0  # its campaigns' missing days are the account's, not reported twice


def test_planted_duplicate_export_is_found_with_the_spend_counted_twice(copy: Path) -> None:
    with Workspace.open(copy) as ws:
        t = ws.engine.table("ad_performance")
        sep = ws.engine.to_arrow(t.filter((t.platform == "google_ads") & (t.ingest_id == "google_ads-123-456-7890-9")))
        copies = pa.array([f"copy-{x}" for x in sep.column("ingest_id").to_pylist()])
        again = sep.set_column(sep.column_names.index("ingest_id"), "ingest_id", copies)
        ws.engine.insert("ad_performance", again)
    expected = float(sep.column("spend_reporting").to_pandas().sum())  # independent: the copied rows' spend
    r = run_audit(copy, as_of=AS_OF)
    [f] = only(r, "overlaps.double_counted")
    assert f.severity == "error" and f.account_id == "123-456-7890"
    assert f.spend == pytest.approx(expected)
    assert f.days == [DayRange(start=date(2026, 9, 1), end=END)]
