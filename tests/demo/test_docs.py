"""docs/demo.md quotes seed 0's figures; they must be the figures seed 0 produces."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "demo.md"
BEFORE, AFTER = "2026-09", "2026-10"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ads(demo_data) -> pd.DataFrame:
    df = demo_data.ads.to_pandas()
    df["month"] = pd.to_datetime(df.date_day).dt.strftime("%Y-%m")
    return df


def _cpm(df: pd.DataFrame) -> float:
    return 1000 * df.spend_reporting.sum() / df.impressions.sum()


def test_blended_cpm_figures(doc: str, ads: pd.DataFrame) -> None:
    b, a = _cpm(ads[ads.month == BEFORE]), _cpm(ads[ads.month == AFTER])
    assert f"${b:.2f} to ${a:.2f} (+{100 * (a / b - 1):.1f} %)" in doc
    spend = ads.groupby("month").spend_reporting.sum()
    assert f"${spend[BEFORE]:,.0f} → ${spend[AFTER]:,.0f}" in doc


def test_csuite_and_meta_mobile_figures(doc: str, ads: pd.DataFrame) -> None:
    li = ads[(ads.channel == "li") & (ads.audience == "csuite")]
    b, a = _cpm(li[li.month == BEFORE]), _cpm(li[li.month == AFTER])
    assert f"${b:.2f} → ${a:.2f} (+{100 * (a / b - 1):.1f} %)" in doc
    mobile = ads[(ads.channel == "meta") & (ads.device == "mobile")]
    ctr = mobile.groupby("month").clicks.sum() / mobile.groupby("month").impressions.sum() * 100
    assert f"{ctr[BEFORE]:.2f} % → {ctr[AFTER]:.2f} %" in doc


def test_gap_redownload_and_counts(doc: str, demo_data, ads: pd.DataFrame) -> None:
    delivered = demo_data.delivered.to_pandas()
    gap = delivered[(delivered.account_name == "Northwind Cloud EMEA")
                    & delivered.date_day.between(date(2026, 10, 13), date(2026, 10, 16))]
    assert f"{len(gap)} rows, ${gap.spend.sum():,.0f}, {gap.impressions.sum():,} impressions" in doc
    d = demo_data.story.redownload
    window = ads[(ads.account_name == "Northwind Cloud EMEA") & ads.date_day.between(d.start, d.end)]
    assert f"{window.leads_first_export.sum():.0f} → {window.leads.sum():.0f} leads" in doc
    assert f"{len(ads):,} ad rows for seed 0" in doc
    assert f"{demo_data.contacts.num_rows:,} contacts and {demo_data.deals.num_rows:,} deals" in doc
    for name in demo_data.story.broken_names:
        assert f"`{name}`" in doc


def test_pipeline_table(doc: str, demo_data) -> None:
    spend = demo_data.delivered.to_pandas().groupby("channel").spend_reporting.sum()
    leads = demo_data.contacts.to_pandas().groupby("channel").size()
    deals = demo_data.deals.to_pandas().groupby("channel").size()
    for channel in ("li", "meta"):
        assert f"**${spend[channel] / leads[channel]:,.2f}**" in doc
        assert f"**${spend[channel] / deals[channel]:,.0f}**" in doc
        assert f"| {leads[channel]:,} |" in doc and f"| {deals[channel]:,} |" in doc
