"""Fivetran's Microsoft Advertising, TikTok, Reddit and X (Twitter) report tables.

Microsoft rows are per day × device × network × … and must be summed (they are stored as they
come, with device and network); conversions are ``conversions_qualified`` where present (dbt's
``coalesce``). TikTok reports hourly in UTC (the hour is dropped, rows stay). Reddit ``spend``
and X ``billed_charge_local_micro`` are micros. X rows are per placement.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from mille.sources.format import API, Dialect, Format, Join

_MS_DEVICES = {"computer": "desktop", "smartphone": "mobile", "tablet": "tablet", "unknown": "other"}
_MS_JOINS = (
    Join("microsoft_ads.campaign", "campaign_id", ("campaign_name", "account_id")),
    Join("microsoft_ads.account", "account_id", ("account_name", "currency", "report_timezone")),
)


class FivetranMicrosoftCampaignDaily(Format):
    name = "fivetran_microsoft_ads_campaign_performance_daily_report"
    label = "Fivetran microsoft_ads.campaign_performance_daily_report"
    platform = "microsoft_ads"
    source_type = "fivetran"
    dialects = (Dialect("api", {
        "date_day": ("date",), "account_id": ("account_id",), "campaign_id": ("campaign_id",),
        "currency": ("currency_code",), "device": ("device_type",), "network": ("network",),
        "spend": ("spend",), "impressions": ("impressions",), "clicks": ("clicks",),
        "conversions": ("conversions_qualified",), "conversions_fallback": ("conversions",),
        "conversions_value": ("revenue",),
    }, API, known=("device_os", "ad_distribution", "bid_match_type", "delivered_match_type", "top_vs_other",
                   "budget_association_status", "budget_name", "all_conversions_qualified", "all_conversions",
                   "all_revenue")),)
    required = ("date_day", "account_id", "campaign_id", "spend", "impressions")
    value_maps = MappingProxyType({"device": _MS_DEVICES,
                  "network": {"bing and yahoo! search": "search", "microsoft sites and select traffic": "search",
                              "syndicated search partners": "search_partners", "audience": "audience"}})
    joins = _MS_JOINS
    priority = 20

    @classmethod
    def finish(cls, columns: dict[str, Any], raw: pa.Table, layout: Any, meta: dict[str, Any],
               lookups: Any) -> list[str]:
        return _qualified_conversions(columns)


def _qualified_conversions(columns: dict[str, Any]) -> list[str]:
    """dbt's coalesce(conversions_qualified, conversions), row by row."""
    fallback = columns.pop("conversions_fallback", None)
    if fallback is not None:
        current = columns.get("conversions")
        columns["conversions"] = fallback if current is None else pc.coalesce(current, fallback)
    return []


class FivetranMicrosoftGeographicDaily(Format):
    name = "fivetran_microsoft_ads_geographic_performance_daily_report"
    label = "Fivetran microsoft_ads.geographic_performance_daily_report"
    platform = "microsoft_ads"
    source_type = "fivetran"
    dialects = (Dialect("api", {
        **FivetranMicrosoftCampaignDaily.dialects[0].columns, "ad_group_id": ("ad_group_id",),
        "country": ("country",), "region": ("state",),
    }, API, known=("city", "county", "metro_area", "postal_code", "location_type", "location_id", "goal",
                   "language", "device_os", "ad_distribution", "bid_match_type", "delivered_match_type",
                   "top_vs_other", "all_conversions", "all_conversions_qualified", "all_revenue")),)
    required = ("date_day", "account_id", "campaign_id", "country", "spend")
    level = "breakdown"
    value_maps = FivetranMicrosoftCampaignDaily.value_maps
    joins = _MS_JOINS
    priority = 21

    @classmethod
    def finish(cls, columns: dict[str, Any], raw: pa.Table, layout: Any, meta: dict[str, Any],
               lookups: Any) -> list[str]:
        return _qualified_conversions(columns)


class FivetranMicrosoftAccountHistory(Format):
    name = "fivetran_microsoft_ads_account_history"
    label = "Fivetran microsoft_ads.account_history (lookup)"
    platform = "microsoft_ads"
    source_type = "fivetran"
    role = "lookup"
    dialects = (Dialect("api", {"account_id": ("id",), "account_name": ("name",), "currency": ("currency_code",),
                                "report_timezone": ("time_zone",), "version": ("last_modified_time",)}, API),)
    required = ("account_id", "account_name", "currency", "version")
    lookup_kind = "microsoft_ads.account"
    lookup_key = "account_id"
    lookup_version = "version"
    priority = 20


class FivetranMicrosoftCampaignHistory(Format):
    name = "fivetran_microsoft_ads_campaign_history"
    label = "Fivetran microsoft_ads.campaign_history (lookup)"
    platform = "microsoft_ads"
    source_type = "fivetran"
    role = "lookup"
    dialects = (Dialect("api", {"campaign_id": ("id",), "campaign_name": ("name",), "account_id": ("account_id",),
                                "version": ("modified_time",)}, API, known=("type", "time_zone", "status")),)
    required = ("campaign_id", "campaign_name", "account_id", "version")
    lookup_kind = "microsoft_ads.campaign"
    lookup_key = "campaign_id"
    lookup_version = "version"
    priority = 20


class FivetranTikTokCampaignHourly(Format):
    name = "fivetran_tiktok_ads_campaign_report_hourly"
    label = "Fivetran tiktok_ads.campaign_report_hourly"
    platform = "tiktok_ads"
    source_type = "fivetran"
    timezone = "UTC"
    dialects = (Dialect("api", {
        "date_day": ("stat_time_hour", "stat_time_day"), "campaign_id": ("campaign_id",),
        "account_id": ("advertiser_id",), "spend": ("spend",), "impressions": ("impressions",),
        "clicks": ("clicks",), "conversions": ("conversion",), "reach": ("reach",),
        "conversions_value": ("total_purchase_value",),
    }, API, ratios={"ctr": ("ctr",), "cpc": ("cpc",), "cpm": ("cpm",)},
        known=("cost_per_conversion", "video_play_actions", "conversion_rate", "result", "comments", "shares",
               "likes", "follows", "profile_visits", "_fivetran_synced", "real_time_conversion",
               "total_sales_lead_value")),)
    required = ("date_day", "campaign_id", "spend", "impressions")
    priority = 20


class FivetranRedditCampaignReport(Format):
    name = "fivetran_reddit_ads_campaign_report"
    label = "Fivetran reddit_ads.campaign_report"
    platform = "reddit_ads"
    source_type = "fivetran"
    timezone = "UTC"
    dialects = (Dialect("api", {
        "date_day": ("date",), "account_id": ("account_id",), "campaign_id": ("campaign_id",),
        "spend_micros": ("spend",), "impressions": ("impressions",), "clicks": ("clicks",),
        "region": ("region",),
    }, API, known=("_fivetran_synced", "cpc", "ctr", "ecpm", "conversion_roas", "priority", "viewable_impressions",
                   "video_started", "comments_page_views", "legacy_click_conversions_attribution_window_week")),)
    required = ("date_day", "account_id", "campaign_id", "spend_micros")
    signature = ("ecpm", "conversion_roas", "legacy_click_conversions_attribution_window_day")
    priority = 20


class FivetranTwitterCampaignReport(Format):
    name = "fivetran_twitter_ads_campaign_report"
    label = "Fivetran twitter_ads.campaign_report"
    platform = "twitter_ads"
    source_type = "fivetran"
    dialects = (Dialect("api", {
        "date_day": ("date",), "account_id": ("account_id",), "campaign_id": ("campaign_id",),
        "placement": ("placement",), "spend_micros": ("billed_charge_local_micro",),
        "impressions": ("impressions",), "clicks": ("url_clicks", "clicks"), "clicks_all": ("clicks",),
    }, API, known=("_fivetran_synced", "app_clicks", "billed_engagements", "card_engagements", "engagements",
                   "follows", "likes", "retweets", "replies")),)
    required = ("date_day", "campaign_id", "placement", "spend_micros")
    value_maps = MappingProxyType({"placement": {"all_on_twitter": "x", "publisher_network": "publisher_network"}})
    joins = (Join("twitter_ads.campaign", "campaign_id", ("campaign_name", "currency", "account_id")),)
    priority = 20


class FivetranTwitterCampaignHistory(Format):
    name = "fivetran_twitter_ads_campaign_history"
    label = "Fivetran twitter_ads.campaign_history (lookup)"
    platform = "twitter_ads"
    source_type = "fivetran"
    role = "lookup"
    dialects = (Dialect("api", {"campaign_id": ("id",), "campaign_name": ("name",), "currency": ("currency",),
                                "account_id": ("account_id",), "version": ("updated_at",)}, API,
                        known=("daily_budget_amount_local_micro", "funding_instrument_id", "entity_status")),)
    required = ("campaign_id", "campaign_name", "currency", "version")
    lookup_kind = "twitter_ads.campaign"
    lookup_key = "campaign_id"
    lookup_version = "version"
    priority = 20
