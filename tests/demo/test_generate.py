"""The generator's invariants: shapes, bounds, determinism and realistic levels."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mille.demo import generate
from mille.demo import media_plan as plan
from mille.platforms import PLATFORMS


@pytest.fixture(scope="module")
def ads(demo_data) -> pd.DataFrame:
    df = demo_data.ads.to_pandas()
    df["month"] = pd.to_datetime(df["date_day"]).dt.strftime("%Y-%m")
    return df


def _check_invariants(data) -> None:
    ads = data.ads
    imps = ads.column("impressions").to_numpy()
    clicks = ads.column("clicks").to_numpy()
    spend = ads.column("spend").to_numpy()
    assert (clicks <= imps).all(), "clicks exceed impressions on some row"
    assert (clicks >= 0).all() and (imps > 0).all(), "rows that delivered nothing are not exported"
    assert (spend >= 0).all()
    # Spend is what the exports print: whole cents.
    assert np.allclose(spend * 100, np.round(spend * 100), atol=1e-6)
    assert ads.schema.field("impressions").type == "int64" and ads.schema.field("clicks").type == "int64"
    days = ads.column("date_day").to_numpy()
    assert days.min() >= np.datetime64(plan.START) and days.max() <= np.datetime64(plan.END)
    meta = pc.equal(ads.column("platform"), "facebook_ads").to_numpy(zero_copy_only=False)
    reach = ads.column("reach").to_numpy(zero_copy_only=False)
    clicks_all = ads.column("clicks_all").to_numpy(zero_copy_only=False)
    assert (reach[meta] <= imps[meta]).all() and (reach[meta] >= 1).all()
    assert (clicks_all[meta] >= clicks[meta]).all()
    assert set(ads.column("platform").to_pylist()) <= set(PLATFORMS)


def test_invariants_hold_for_seed_0(demo_data) -> None:
    _check_invariants(demo_data)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=1, max_value=2**32 - 1))
def test_invariants_hold_for_any_seed(seed: int) -> None:
    _check_invariants(generate(seed))


def test_same_seed_same_data_and_different_seed_different_data(demo_data) -> None:
    again = generate(0)
    assert again.ads.equals(demo_data.ads)
    assert again.contacts.equals(demo_data.contacts) and again.deals.equals(demo_data.deals)
    assert again.fx_rates.equals(demo_data.fx_rates)
    other = generate(1)
    assert not other.ads.column("spend").equals(demo_data.ads.column("spend"))


def test_the_cast(ads: pd.DataFrame) -> None:
    campaigns = ads.groupby("channel")["campaign_name"].nunique().to_dict()
    assert campaigns == {"li": 12, "search": 10, "display": 6, "meta": 8, "microsoft": 4}
    assert ads.groupby("platform")["campaign_name"].nunique().sum() == 40
    # Microsoft's campaigns imported from Google Ads keep their names: 3 names on both.
    names = ads.groupby("platform")["campaign_name"].unique()
    assert len(set(names["microsoft_ads"]) & set(names["google_ads"])) == 3
    assert ads["campaign_name"].nunique() == 37
    assert set(ads["audience"].dropna()) == set(plan.AUDIENCES)
    assert ads["country"].dropna().nunique() == 10
    assert set(ads["device"].dropna()) == {"desktop", "mobile", "tablet"}
    meta_accounts = ads.loc[ads.platform == "facebook_ads", "account_name"].unique()
    assert sorted(meta_accounts) == ["Northwind Cloud EMEA", "Northwind Cloud NA"]
    assert set(ads.loc[ads.platform == "microsoft_ads", "currency"]) == {"EUR"}
    # LinkedIn exports have no device or country breakdown; only Google has user country.
    assert ads.loc[ads.platform == "linkedin_ads", ["device", "country"]].isna().all().all()
    assert set(ads.loc[ads.country.notna(), "platform"]) == {"google_ads"}


def _levels(df: pd.DataFrame) -> pd.DataFrame:
    g = df.groupby("channel")[["spend_reporting", "impressions", "clicks"]].sum()
    return pd.DataFrame({
        "cpm": 1000 * g.spend_reporting / g.impressions,
        "ctr": 100 * g.clicks / g.impressions,
        "cpc": g.spend_reporting / g.clicks,
    })


def test_levels_are_realistic_per_platform(ads: pd.DataFrame) -> None:
    # FORMATS.md §4: LinkedIn CPM $25–60, CTR 0.4–0.65 %, CPC $6–10; Google Search CPC $3–8,
    # CTR 3–7 %; Display CPM $2–5, CTR 0.3–0.5 %; Meta CPM $10–25, CTR 0.9–1.6 %;
    # Microsoft CPC ≈ 0.7× Google Search. Checked on the months before the story.
    lv = _levels(ads[ads.month <= "2026-09"])
    assert 25 <= lv.loc["li", "cpm"] <= 60 and 0.4 <= lv.loc["li", "ctr"] <= 0.65 and 6 <= lv.loc["li", "cpc"] <= 10
    assert 3 <= lv.loc["search", "cpc"] <= 8 and 3 <= lv.loc["search", "ctr"] <= 7
    assert 2 <= lv.loc["display", "cpm"] <= 5 and 0.3 <= lv.loc["display", "ctr"] <= 0.5
    assert 10 <= lv.loc["meta", "cpm"] <= 25 and 0.9 <= lv.loc["meta", "ctr"] <= 1.6
    assert 0.55 <= lv.loc["microsoft", "cpc"] / lv.loc["search", "cpc"] <= 0.85


def test_weekends_are_quiet_for_b2b(ads: pd.DataFrame) -> None:
    dow = pd.to_datetime(ads["date_day"]).dt.day_of_week
    for channel, most in (("li", 0.5), ("search", 0.55), ("microsoft", 0.6)):
        sel = ads.channel == channel
        per_day = ads[sel].groupby(dow[sel])["spend_reporting"].sum()
        weekend, weekday = per_day.loc[[5, 6]].mean(), per_day.loc[[0, 1, 2, 3, 4]].mean()
        assert weekend / weekday < most, channel


def test_campaigns_vary_around_their_platform(ads: pd.DataFrame) -> None:
    # Campaign-level variation: CPMs of LinkedIn campaigns on the same audience are not equal.
    li = ads[(ads.channel == "li") & (ads.month == "2026-06")]
    cpm = li.groupby("campaign_name").apply(lambda g: 1000 * g.spend.sum() / g.impressions.sum(), include_groups=False)
    assert cpm.std() / cpm.mean() > 0.05


def test_spend_in_reporting_currency_uses_the_nearest_earlier_rate(demo_data) -> None:
    ads = demo_data.ads.to_pandas()
    fx = demo_data.fx_rates.to_pandas()
    ms = ads[ads.currency == "EUR"]
    saturday = ms[ms.date_day == date(2026, 10, 3)]
    friday_rate = float(fx.loc[fx.date == date(2026, 10, 2), "rate"].iloc[0])
    assert not saturday.empty and date(2026, 10, 3) not in set(fx.date)
    assert np.allclose(saturday.spend_reporting, saturday.spend * friday_rate)
    usd = ads[ads.currency == "USD"]
    assert (usd.spend_reporting == usd.spend).all()
