"""Microsoft Advertising: report downloads (Reports tab / API) and Campaigns grid downloads.

A report download quotes every field, starts with metadata lines (``"Report Name: …"``,
``"Time Zone: (GMT-05:00) Eastern Time (US & Canada)"``, ``"Rows: N"``), a blank line and the
header (API PascalCase names, or the UI's friendly names), and ends with a blank line and a
copyright note (``"©2026 Microsoft Corporation. All rights reserved. "``). ``Rows: N`` lets a
truncated download be told from a complete one.

A grid download (Campaigns tab) has no dates: ids in brackets (``[436534626]``), ``… total``
summary rows, ``-`` for not applicable. It needs ``--period`` to be placed in time.
"""

from __future__ import annotations

from types import MappingProxyType

from mille.sources.format import EN_US, Dialect, Format, TotalsRule

_DEVICES = {
    "computer": "desktop", "smartphone": "mobile", "tablet": "tablet", "connectedtv": "connected_tv",
    "connected tv": "connected_tv", "unknown": "other", "other": "other",
}
_API = {
    "date_day": ("TimePeriod", "Date", "GregorianDate"),
    "account_id": ("AccountId",),
    "account_name": ("AccountName",),
    "campaign_id": ("CampaignId",),
    "campaign_name": ("CampaignName",),
    "ad_group_id": ("AdGroupId",),
    "ad_group_name": ("AdGroupName",),
    "ad_id": ("AdId",),
    "ad_name": ("AdTitle", "AdName"),
    "currency": ("CurrencyCode",),
    "spend": ("Spend",),
    "impressions": ("Impressions",),
    "clicks": ("Clicks",),
    "conversions": ("ConversionsQualified", "Conversions"),
    "conversions_value": ("Revenue",),
    "device": ("DeviceType",),
    "network": ("Network",),
    "campaign_type": ("CampaignType",),
    "country": ("Country",),
    "region": ("State",),
    "keyword": ("Keyword",),
    "match_type": ("BidMatchType", "DeliveredMatchType"),
    "search_term": ("SearchQuery",),
}
_API_RATIOS = {"ctr": ("Ctr",), "cpc": ("AverageCpc",), "cpm": ("AverageCpm",), "cost_per_conversion": ("CostPerConversion",)}
_API_KNOWN = ("AccountNumber", "AccountStatus", "CampaignStatus", "AdDistribution", "TopVsOther", "BidMatchType",
              "DeliveredMatchType", "AllConversions", "AllRevenue", "ConversionRate", "ImpressionSharePercent",
              "QualityScore", "ReturnOnAdSpend", "DeviceOS", "Assists")
_UI = {
    "date_day": ("Date", "Time period", "Day"),
    "account_id": ("Account ID",),
    "account_name": ("Account name", "Account"),
    "campaign_id": ("Campaign ID",),
    "campaign_name": ("Campaign name", "Campaign"),
    "ad_group_id": ("Ad group ID",),
    "ad_group_name": ("Ad group name", "Ad group"),
    "currency": ("Currency code", "Currency"),
    "spend": ("Spend",),
    "impressions": ("Impressions", "Impr."),
    "clicks": ("Clicks",),
    "conversions": ("Conversions", "Conv."),
    "conversions_value": ("Revenue",),
    "device": ("Device type",),
    "network": ("Network",),
    "campaign_type": ("Campaign type", "Campaign Type"),
    "keyword": ("Keyword",),
    "match_type": ("Match type", "Bid match type", "Delivered match type"),
    "search_term": ("Search term", "Search query"),
}
_UI_RATIOS = {"ctr": ("CTR",), "cpc": ("Avg. CPC",), "cpm": ("Avg. CPM",), "cost_per_conversion": ("Cost per conv.", "Cost/conv.")}
_UI_KNOWN = ("Status", "Budget", "Budget Type", "Delivery", "Bid Strategy Name", "Bid Strategy Type", "Labels",
             "Optimization Score", "Top impr. rate", "Abs. top impr. rate", "Conv. rate")
_CAMPAIGN_TYPES = {"search": "search", "audience": "audience", "performance max": "performance_max",
                   "shopping": "shopping", "dynamic search ads": "search"}


class MicrosoftAdsReport(Format):
    name = "microsoft_ads_report"
    label = "Microsoft Advertising report download"
    platform = "microsoft_ads"
    dialects = (Dialect("api", _API, EN_US, _API_RATIOS, _API_KNOWN), Dialect("en", _UI, EN_US, _UI_RATIOS, _UI_KNOWN))
    required = ("spend", "impressions", "date_day")
    timezone = "preamble"
    missing = ("", "-", "--")
    footer = r"^\"?\s*[©@(]\s*(c\)\s*)?\d{4}\s+Microsoft"
    totals = TotalsRule(vocabulary=True)
    value_maps = MappingProxyType({"device": _DEVICES, "campaign_type": _CAMPAIGN_TYPES,
                  "network": {"bing and yahoo! search": "search", "microsoft sites and select traffic": "search",
                              "syndicated search partners": "search_partners", "audience": "audience",
                              "audience network": "audience", "cross platform": "cross_network"}})
    priority = 10


class MicrosoftAdsGrid(Format):
    name = "microsoft_ads_grid"
    label = "Microsoft Advertising grid download"
    platform = "microsoft_ads"
    dialects = (Dialect("en", {**_UI, "date_day": ()}, EN_US, _UI_RATIOS, _UI_KNOWN),)
    required = ("spend", "impressions", "campaign_name")
    signature = ("Campaign ID", "Campaign Type", "Delivery")
    missing = ("", "-", "--")
    totals = TotalsRule(vocabulary=True, value_field="campaign_type")  # `Search total`
    value_maps = MappingProxyType({"device": _DEVICES, "campaign_type": _CAMPAIGN_TYPES})
    priority = 5
