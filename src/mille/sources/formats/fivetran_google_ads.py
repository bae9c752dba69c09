"""Fivetran's Google Ads tables (the sources of dbt ``google_ads``): stats and history.

``campaign_stats`` / ``account_stats`` rows are per day × device × network, cost in micros
(``cost_micros`` / 1e6); names, currency and time zone come from ``campaign_history`` and
``account_history`` when ingested together.
"""

from __future__ import annotations

from types import MappingProxyType

from mille.sources.format import API, Dialect, Format, Join

_STATS = {
    "date_day": ("date", "segments_date"),
    "account_id": ("customer_id",),
    "spend_micros": ("cost_micros", "metrics_cost_micros"),
    "impressions": ("impressions", "metrics_impressions"),
    "clicks": ("clicks", "metrics_clicks"),
    "clicks_all": ("interactions",),
    "conversions": ("conversions", "metrics_conversions"),
    "conversions_value": ("conversions_value", "metrics_conversions_value"),
    "device": ("device", "segments_device"),
    "network": ("ad_network_type", "segments_ad_network_type"),
}
_KNOWN = ("_fivetran_id", "_fivetran_synced", "active_view_impressions", "active_view_measurability",
          "active_view_measurable_cost_micros", "active_view_measurable_impressions",
          "active_view_viewability", "interaction_event_types", "view_through_conversions", "base_campaign")
_DEVICES = {"mobile": "mobile", "desktop": "desktop", "tablet": "tablet", "connected_tv": "connected_tv",
            "other": "other", "unknown": "other", "unspecified": "other"}
_NETWORKS = {"search": "search", "search_partners": "search_partners", "content": "display",
             "youtube_search": "video", "youtube_watch": "video", "youtube": "video", "mixed": "cross_network",
             "unknown": "other", "unspecified": "other"}
_JOINS = (
    Join("google_ads.campaign", "campaign_id", ("campaign_name", "campaign_type")),
    Join("google_ads.account", "account_id", ("account_name", "currency", "report_timezone")),
)


class FivetranGoogleAdsCampaignStats(Format):
    name = "fivetran_google_ads_campaign_stats"
    label = "Fivetran google_ads.campaign_stats"
    platform = "google_ads"
    source_type = "fivetran"
    dialects = (Dialect("api", {**_STATS, "campaign_id": ("id", "campaign_id")}, API, known=_KNOWN),)
    required = ("date_day", "account_id", "campaign_id", "spend_micros")
    value_maps = MappingProxyType({"device": _DEVICES, "network": _NETWORKS,
                  "campaign_type": {"search": "search", "display": "display", "video": "video",
                                    "performance_max": "performance_max", "shopping": "shopping"}})
    joins = _JOINS
    priority = 20


class FivetranGoogleAdsAccountStats(Format):
    name = "fivetran_google_ads_account_stats"
    label = "Fivetran google_ads.account_stats"
    platform = "google_ads"
    source_type = "fivetran"
    dialects = (Dialect("api", _STATS, API, known=_KNOWN),)
    required = ("date_day", "account_id", "spend_micros")
    value_maps = MappingProxyType({"device": _DEVICES, "network": _NETWORKS})
    joins = _JOINS[1:]
    priority = 15


class FivetranGoogleAdsCampaignHistory(Format):
    name = "fivetran_google_ads_campaign_history"
    label = "Fivetran google_ads.campaign_history (lookup)"
    platform = "google_ads"
    source_type = "fivetran"
    role = "lookup"
    dialects = (Dialect("api", {
        "campaign_id": ("id",), "campaign_name": ("name",), "account_id": ("customer_id",),
        "campaign_type": ("advertising_channel_type",), "version": ("updated_at",),
    }, API, known=("advertising_channel_subtype", "start_date", "end_date", "serving_status", "status",
                   "tracking_url_template")),)
    required = ("campaign_id", "campaign_name", "account_id", "campaign_type")
    lookup_kind = "google_ads.campaign"
    lookup_key = "campaign_id"
    lookup_version = "version"
    priority = 20


class FivetranGoogleAdsAccountHistory(Format):
    name = "fivetran_google_ads_account_history"
    label = "Fivetran google_ads.account_history (lookup)"
    platform = "google_ads"
    source_type = "fivetran"
    role = "lookup"
    dialects = (Dialect("api", {
        "account_id": ("id",), "account_name": ("descriptive_name",), "currency": ("currency_code",),
        "report_timezone": ("time_zone",), "version": ("updated_at",),
    }, API, known=("_fivetran_synced", "auto_tagging_enabled", "final_url_suffix", "hidden", "manager",
                   "manager_customer_id", "optimization_score", "test_account", "tracking_url_template")),)
    required = ("account_id", "currency", "report_timezone")
    lookup_kind = "google_ads.account"
    lookup_key = "account_id"
    lookup_version = "version"
    priority = 20
