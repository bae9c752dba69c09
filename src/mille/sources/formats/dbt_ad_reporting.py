"""The unified outputs of Fivetran's dbt ``ad_reporting`` package (``ad_reporting__*_report``).

Already in mille's column names: one row per day × entity, every platform in one table (the
``platform`` column says which). The level follows the model (account, campaign, ad group, ad);
the monthly country/region reports are breakdowns. The outputs carry no currency: give it with
``--account-currency`` (or add a ``currency`` column).
"""

from __future__ import annotations

from typing import Any

from mille.sources.format import API, Dialect, Format

_COLUMNS = {
    "date_day": ("date_day",),
    "month_start": ("date_month",),
    "platform": ("platform",),
    "account_id": ("account_id",),
    "account_name": ("account_name",),
    "campaign_id": ("campaign_id",),
    "campaign_name": ("campaign_name",),
    "ad_group_id": ("ad_group_id",),
    "ad_group_name": ("ad_group_name",),
    "ad_id": ("ad_id",),
    "ad_name": ("ad_name",),
    "currency": ("currency",),
    "spend": ("spend",),
    "impressions": ("impressions",),
    "clicks": ("clicks",),
    "conversions": ("conversions",),
    "conversions_value": ("conversions_value",),
    "country": ("country_code",),
    "region": ("region",),
}


class DbtAdReporting(Format):
    name = "dbt_ad_reporting"
    label = "dbt ad_reporting output"
    platform = None
    source_type = "fivetran"
    dialects = (Dialect("api", _COLUMNS, API, known=("source_relation", "country", "global_region",
                                                      "keyword_id", "keyword_text", "keyword_match_type")),)
    required = ("platform", "spend", "impressions", "clicks")
    priority = 25

    @classmethod
    def level_of(cls, layout: Any) -> str | None:
        # The monthly country/region models break the campaign report down by geography.
        return "breakdown" if "month_start" in layout.fields else None
