"""Entities are platform + account + id: a rename is one cell, a shared name on two platforms two."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mille.analysis.breakdown import report
from mille.errors import QueryError
from mille.workspace import Workspace

try:
    from .entity_rows import RENAMED_ON, identity_rows, write_rows
except ImportError:  # run as a plain module
    from entity_rows import RENAMED_ON, identity_rows, write_rows  # type: ignore[no-redef]

OCTOBER = "2026-10"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory):
    path = write_rows(tmp_path_factory.mktemp("identity") / "ws", identity_rows())
    with Workspace.open(path, read_only=True) as w:
        yield w


def _cells(r) -> dict[str, float]:
    return {c.label: c.current.sums["spend"] for c in r.cells}


def test_a_renamed_campaign_is_one_cell_labelled_by_its_newest_name(ws) -> None:
    r = report(ws, "spend", by="campaign", period=OCTOBER, compare="none")
    cells = _cells(r)
    renamed_days = (date(2026, 10, 31) - RENAMED_ON).days + 1
    assert cells["LinkedIn Ads · New"] == pytest.approx(31 * 10.0)  # both names' spend
    assert not any("Old" in label for label in cells)
    assert renamed_days < 31  # the rename is inside the period
    cell = next(c for c in r.cells if c.label == "LinkedIn Ads · New")
    assert cell.segment == {"platform": "linkedin_ads", "account_id": "a1", "campaign_id": "c1"}
    assert r.keys == ["platform", "account_id", "campaign_id"] and r.by == ["campaign"]


def test_the_same_name_on_two_platforms_is_two_campaigns(ws) -> None:
    cells = _cells(report(ws, "spend", by="campaign", period=OCTOBER, compare="none"))
    assert cells["Google Ads · Q4 ABM"] == pytest.approx(31 * 7.0)
    assert cells["LinkedIn Ads · Q4 ABM"] == pytest.approx(31 * 5.0)


def test_a_campaign_without_an_id_is_keyed_by_its_name(ws) -> None:
    r = report(ws, "spend", by="campaign", period=OCTOBER, compare="none")
    cell = next(c for c in r.cells if c.label.endswith("· NoId"))
    assert cell.segment["campaign_id"] == "name:NoId"
    assert cell.current.sums["spend"] == pytest.approx(31 * 3.0)


def test_campaign_name_groups_within_a_platform_unless_asked(ws) -> None:
    within = report(ws, "spend", by="campaign_name", period=OCTOBER, compare="none")
    assert within.keys == ["platform", "campaign_name"]
    assert sum("Q4 ABM" in c.label for c in within.cells) == 2
    merged = report(ws, "spend", by="campaign_name", period=OCTOBER, compare="none", across_platforms=True)
    q4 = [c for c in merged.cells if c.label == "Q4 ABM"]
    assert len(q4) == 1 and q4[0].current.sums["spend"] == pytest.approx(31 * 12.0)
    # by name, the rename stays two rows: that is what --by campaign is for
    assert {"LinkedIn Ads · Old", "LinkedIn Ads · New"} <= set(_cells(within))


def test_csv_rows_carry_the_key_columns(ws) -> None:
    rows = report(ws, "spend", by="campaign", period=OCTOBER, compare="none").rows()
    assert {"platform", "account_id", "campaign_id", "label"} <= set(rows[0])


def test_demo_campaign_name_is_one_cell_per_platform_and_name(demo_workspace: Path) -> None:
    with Workspace.open(demo_workspace, read_only=True) as w:
        r = report(w, "spend", by="campaign_name", period=OCTOBER, compare="none")
    con = duckdb.connect(str(demo_workspace / "mille.duckdb"), read_only=True)
    try:
        pairs, spend = con.execute(
            "SELECT count(DISTINCT (platform, campaign_name)), sum(coalesce(spend_reporting, spend)) "
            "FROM ad_performance WHERE date_day BETWEEN DATE '2026-10-01' AND DATE '2026-10-31' "
            "AND date_day = period_end"
        ).fetchone()
        merged = con.execute(
            "SELECT count(DISTINCT campaign_name) FROM ad_performance "
            "WHERE date_day BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'"
        ).fetchone()[0]
    finally:
        con.close()
    assert len(r.cells) == pairs
    assert pairs > merged  # the demo has names shared by platforms: merging by name would lose cells
    assert r.total.current.sums["spend"] == pytest.approx(spend)
    assert len({c.label for c in r.cells}) == len(r.cells)


ROWS = st.lists(
    st.fixed_dictionaries({
        "day": st.integers(0, 40),
        "platform": st.sampled_from(["linkedin_ads", "google_ads"]),
        "campaign_id": st.sampled_from(["a", "b", None]),
        "campaign_name": st.sampled_from(["x", "y"]),
        "spend": st.integers(0, 500).map(lambda c: c / 4),
    }),
    min_size=1, max_size=25,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_campaign_cells_add_up_to_the_total(tmp_path_factory: pytest.TempPathFactory, rows: list[dict]) -> None:
    start = date(2026, 9, 20)
    data = [{"date_day": date.fromordinal(start.toordinal() + r["day"]), "account_id": "acc", **r} for r in rows]
    path = write_rows(tmp_path_factory.mktemp("prop") / "ws", data)
    with Workspace.open(path, read_only=True) as w:
        try:
            r = report(w, "spend", by="campaign", period=OCTOBER, compare="none", record=False)
        except QueryError as e:  # no row inside October: an error, never an empty table
            assert not any(d["date_day"].month == 10 for d in data), e
            return
    inside = [d for d in data if d["date_day"].month == 10]
    keys = {(d["platform"], d["campaign_id"] or "name:" + d["campaign_name"]) for d in inside}
    assert len(r.cells) == len(keys)
    assert sum(c.current.sums["spend"] for c in r.cells) == pytest.approx(r.total.current.sums["spend"])
    assert r.total.current.sums["spend"] == pytest.approx(sum(d["spend"] for d in inside))
