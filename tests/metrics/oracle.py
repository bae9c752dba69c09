"""An independent pandas computation of every built-in and fixture metric.

Written by hand from the definitions' plain-language formulas, not from mille's code: a row
counts in a period when its whole span lies inside it; a ratio is the ratio of the sums; a
ratio over a zero denominator has no value (NaN).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def _ratio(num: float, den: float, k: float = 1.0) -> float:
    return float("nan") if den == 0 else k * num / den


def _s(df: pd.DataFrame, col: str) -> float:
    return float(df[col].fillna(0).sum())


LEAD_PLATFORMS = ("linkedin_ads", "facebook_ads")

ORACLE: dict[str, Callable[[pd.DataFrame], float]] = {
    # built-ins
    "spend": lambda d: _s(d, "spend_reporting"),
    "impressions": lambda d: _s(d, "impressions"),
    "clicks": lambda d: _s(d, "clicks"),
    "conversions": lambda d: _s(d, "conversions"),
    "leads": lambda d: _s(d, "leads"),
    "cpm": lambda d: _ratio(_s(d, "spend_reporting"), _s(d, "impressions"), 1000),
    "cpc": lambda d: _ratio(_s(d, "spend_reporting"), _s(d, "clicks")),
    "ctr": lambda d: _ratio(_s(d, "clicks"), _s(d, "impressions"), 100),
    "conversion_rate": lambda d: _ratio(_s(d, "conversions"), _s(d, "clicks"), 100),
    "cost_per_conversion": lambda d: _ratio(_s(d, "spend_reporting"), _s(d, "conversions")),
    "cost_per_lead": lambda d: _ratio(
        _s(d[d.platform.isin(LEAD_PLATFORMS)], "spend_reporting"), _s(d, "leads")
    ),
    # fixture definitions (tests/metrics/fixtures/definitions.yaml)
    "linkedin_share_of_spend": lambda d: _ratio(
        _s(d[d.platform == "linkedin_ads"], "spend_reporting"), _s(d, "spend_reporting"), 100
    ),
    "desktop_click_share": lambda d: _ratio(_s(d[d.device == "desktop"], "clicks"), _s(d, "clicks"), 100),
    "us_cpm": lambda d: _ratio(
        _s(d[d.country == "US"], "spend_reporting"), _s(d[d.country == "US"], "impressions"), 1000
    ),
    "mid_size_ctr": lambda d: (
        lambda s: _ratio(_s(s, "clicks"), _s(s, "impressions"), 100)
    )(d[(d.impressions.between(1000, 8000) & (d.device == "desktop")) | d.country.isna()]),
    "clicks_per_campaign_day": lambda d: float((d.impressions > 0).sum()),
    "campaign_count": lambda d: float(d.campaign_id.nunique()),
    "biggest_row_spend": lambda d: float(d.spend_reporting.max()) if len(d) else float("nan"),
    "cpc_over_cpm": lambda d: _div(ORACLE["cpc"](d), ORACLE["cpm"](d)),
    "cost_gap": lambda d: (ORACLE["cpm"](d) - ORACLE["cpc"](d)) * 2,
}


def _div(a: float, b: float) -> float:
    return float("nan") if b == 0 or np.isnan(b) else a / b


def in_period(frame: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    return frame[(frame.date_day >= pd.Timestamp(start)) & (frame.period_end <= pd.Timestamp(end))]
