"""The planted story is in the generated numbers, at the sizes docs/demo.md states.

The main effects are checked on seed 0 (the documented one) and on two other seeds, so that the
story does not rest on a lucky draw. Decompositions are computed here with the symmetric
two-factor formula (independent of mille.analysis).
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from mille.config import NamingConvention
from mille.demo import generate
from mille.demo import media_plan as plan

BEFORE, AFTER = "2026-09", "2026-10"


@pytest.fixture(scope="module", params=[0, 1, 2], ids=lambda s: f"seed{s}")
def story_ads(request: pytest.FixtureRequest, demo_data) -> pd.DataFrame:
    data = demo_data if request.param == 0 else generate(request.param)
    return _frame(data.ads.to_pandas())


def _frame(df: pd.DataFrame) -> pd.DataFrame:
    df["month"] = pd.to_datetime(df["date_day"]).dt.strftime("%Y-%m")
    return df[df.month.isin([BEFORE, AFTER])]


def _cpm(df: pd.DataFrame) -> float:
    return 1000 * df.spend_reporting.sum() / df.impressions.sum()


def _mix_rate(df: pd.DataFrame, dim: str) -> tuple[float, float, float]:
    """(change, mix, rate) of CPM across ``dim``: mix = Σ Δshare × mean rate, rate = Σ Δrate ×
    mean share; shares are of impressions. The two add up to the change exactly."""
    g = df.groupby([dim, "month"])[["spend_reporting", "impressions"]].sum().unstack("month").fillna(0)
    s0, s1 = g.spend_reporting[BEFORE], g.spend_reporting[AFTER]
    i0, i1 = g.impressions[BEFORE], g.impressions[AFTER]
    w0, w1 = i0 / i0.sum(), i1 / i1.sum()
    r0, r1 = 1000 * s0 / i0, 1000 * s1 / i1
    mix = (w1 - w0) * (r0 + r1) / 2
    rate = (r1 - r0) * (w0 + w1) / 2
    change = 1000 * (s1.sum() / i1.sum() - s0.sum() / i0.sum())
    return change, mix, rate


def test_1_blended_cpm_rises_mostly_from_display_budget_moving_to_linkedin(story_ads: pd.DataFrame) -> None:
    before = _cpm(story_ads[story_ads.month == BEFORE])
    after = _cpm(story_ads[story_ads.month == AFTER])
    assert 0.15 <= after / before - 1 <= 0.30
    change, mix, rate = _mix_rate(story_ads, "channel")  # channel = platform × network
    assert mix.sum() + rate.sum() == pytest.approx(change, rel=1e-9)
    assert mix.sum() / change >= 0.65, "the rise is mostly mix"
    assert 0.1 <= rate.sum() / change <= 0.35, "the rate part is the second, smaller part"
    assert rate.idxmax() == "li", "the rate part comes from LinkedIn"
    spend = story_ads.groupby(["channel", "month"]).spend_reporting.sum().unstack()
    assert 0.6 <= spend.loc["display", AFTER] / spend.loc["display", BEFORE] <= 0.8
    share = spend.loc["li"] / spend.loc[["li", "display"]].sum()
    assert share[AFTER] - share[BEFORE] >= 0.04


def test_1_the_budget_is_moved_not_added(demo_data) -> None:
    """Against the same seed generated without the shift: what Display loses in October,
    LinkedIn gains (to within the noise of a month of spend)."""
    from dataclasses import replace

    from mille.demo.story import Story

    story = Story()
    without = generate(0, replace(story, budget_shift=replace(story.budget_shift, keep=1.0)))

    def october(data) -> pd.Series:
        df = _frame(data.delivered.to_pandas())
        return df[df.month == AFTER].groupby("channel").spend_reporting.sum()

    shifted, unshifted = october(demo_data), october(without)
    lost = unshifted["display"] - shifted["display"]
    gained = shifted["li"] - unshifted["li"]
    assert lost == pytest.approx((1 - story.budget_shift.keep) * unshifted["display"], rel=0.1)
    assert gained == pytest.approx(lost, rel=0.5)
    total = shifted[["li", "display"]].sum() / unshifted[["li", "display"]].sum()
    assert total == pytest.approx(1.0, abs=0.03)


def test_2_linkedin_csuite_cpm_rises_other_audiences_flat(story_ads: pd.DataFrame) -> None:
    li = story_ads[story_ads.channel == "li"]
    by = li.groupby(["audience", "month"])[["spend_reporting", "impressions"]].sum()
    cpm = (1000 * by.spend_reporting / by.impressions).unstack()
    ratio = cpm[AFTER] / cpm[BEFORE] - 1
    assert 0.25 <= ratio["csuite"] <= 0.35
    others = ratio.drop("csuite").dropna()
    assert (others.abs() <= 0.05).all(), others.to_dict()
    # Within LinkedIn, the C-suite audience carries the rate part.
    _, _, rate = _mix_rate(li, "audience")
    assert rate["csuite"] >= 0.8 * rate.sum()


def test_3_meta_mobile_ctr_falls_other_devices_flat(story_ads: pd.DataFrame) -> None:
    meta = story_ads[story_ads.channel == "meta"]
    by = meta.groupby(["device", "month"])[["clicks", "impressions"]].sum()
    ctr = (100 * by.clicks / by.impressions).unstack()
    assert 1.1 <= ctr.loc["mobile", BEFORE] <= 1.35
    assert 0.65 <= ctr.loc["mobile", AFTER] <= 0.85
    for device in ("desktop", "tablet"):  # flat within noise (tablets are a thin segment)
        assert abs(ctr.loc[device, AFTER] / ctr.loc[device, BEFORE] - 1) <= 0.10, device
    # Both Meta accounts show it: it is the placement, not an account.
    acc = meta[meta.device == "mobile"].groupby(["account_name", "month"])[["clicks", "impressions"]].sum()
    per_account = (acc.clicks / acc.impressions).unstack()
    assert (per_account[AFTER] / per_account[BEFORE] < 0.75).all()


def test_4_tracking_gap_on_meta_emea(demo_data) -> None:
    ads = demo_data.ads.to_pandas()
    delivered = demo_data.delivered.to_pandas()
    emea = ads[ads.account_name == "Northwind Cloud EMEA"]
    gap = [date(2026, 10, d) for d in (13, 14, 15, 16)]
    assert not emea.date_day.isin(gap).any()
    for edge in (date(2026, 10, 12), date(2026, 10, 17)):
        assert emea[emea.date_day == edge].spend.sum() > 100
    # The account did deliver on those days; only the export lost them.
    hidden = delivered[(delivered.account_name == "Northwind Cloud EMEA") & delivered.date_day.isin(gap)]
    assert hidden.date_day.nunique() == 4 and hidden.spend.sum() > 400
    na = ads[ads.account_name == "Northwind Cloud NA"]
    assert na.date_day.isin(gap).sum() > 0
    assert len(delivered) - len(ads) == len(hidden)


def test_5_three_campaign_names_break_the_convention(demo_data) -> None:
    regex = re.compile(NamingConvention(pattern=plan.NAMING_PATTERN).regex())
    ads = demo_data.ads.to_pandas()
    names = ads.groupby(["platform", "campaign_name"]).first().reset_index()
    broken = sorted(n for n in names.campaign_name if not regex.match(n))
    assert broken == sorted(demo_data.story.broken_names)
    assert len(broken) == 3
    for _, row in names[~names.campaign_name.isin(broken)].iterrows():
        parts = regex.match(row.campaign_name).groupdict()
        assert parts == {"region": row.region, "objective": row.objective, "audience": row.audience, "offer": row.offer}


def test_6_redownload_restates_leads_only_in_its_slice(demo_data) -> None:
    ads = demo_data.ads.to_pandas()
    d = demo_data.story.redownload
    differs = ads.leads.fillna(-1) != ads.leads_first_export.fillna(-1)
    in_slice = (ads.account_name == "Northwind Cloud EMEA") & ads.date_day.between(d.start, d.end)
    assert not (differs & ~in_slice).any()
    assert differs[in_slice].sum() >= 30
    restated, first = ads.leads[in_slice].sum(), ads.leads_first_export[in_slice].sum()
    assert 1.02 <= restated / first <= 1.15


def test_7_equal_cost_per_lead_different_cost_per_opportunity(demo_data) -> None:
    delivered = demo_data.delivered.to_pandas()
    contacts = demo_data.contacts.to_pandas()
    deals = demo_data.deals.to_pandas()
    spend = delivered.groupby("channel").spend_reporting.sum()
    leads = contacts.groupby("channel").size()
    cpl = spend / leads
    assert 0.88 <= cpl["li"] / cpl["meta"] <= 1.12
    # Opportunities per lead, on leads old enough for their opportunities to exist (May–Aug).
    mature = contacts[pd.to_datetime(contacts.create_date) < "2026-09-01"]
    opps = deals[pd.to_datetime(deals.lead_date) < "2026-09-01"]
    rate = opps.groupby("channel").size() / mature.groupby("channel").size()
    assert 3.8 <= rate["li"] / rate["meta"] <= 5.5
    cost_per_opp = spend / deals.groupby("channel").size()
    assert cost_per_opp["meta"] / cost_per_opp["li"] >= 3


def test_7_opportunities_lag_leads_by_two_to_eight_weeks(demo_data) -> None:
    deals = demo_data.deals.to_pandas()
    contacts = demo_data.contacts.to_pandas().set_index("record_id")
    lag = (pd.to_datetime(deals.create_date).dt.normalize() - pd.to_datetime(deals.lead_date)).dt.days
    assert lag.between(14, 56).all() and 20 <= lag.mean() <= 40
    assert (pd.to_datetime(deals.create_date) <= pd.Timestamp(plan.END) + pd.Timedelta(days=1)).all()
    linked = contacts.loc[deals.contact_id]
    assert (pd.to_datetime(linked.create_date).dt.normalize().to_numpy() == pd.to_datetime(deals.lead_date).to_numpy()).all()
    won = deals.deal_stage.eq("Closed Won").to_numpy()
    assert (linked.lifecycle_stage.eq("Customer").to_numpy() == won).all()
    assert linked.lifecycle_stage.isin(["Opportunity", "Customer"]).all()


def test_utm_sources_are_loosely_spelled_and_campaigns_named(demo_data) -> None:
    contacts = demo_data.contacts.to_pandas()
    li = set(contacts.loc[contacts.channel == "li", "utm_source"])
    assert {"li", "linkedin", "LinkedIn", "lnkd.in"} <= li
    assert {"fb", "facebook", "ig"} <= set(contacts.loc[contacts.channel == "meta", "utm_source"])
    paid = contacts[contacts.channel.notna()]
    assert (paid.utm_campaign == paid.campaign_name).all()
    organic = contacts[contacts.channel.isna()]
    assert len(organic) > 1000 and organic.utm_source.isna().all()
    assert np.isin(organic.original_source.unique(), ["Organic Search", "Direct Traffic", "Referrals", "Email Marketing", "Social Media"]).all()
