"""TikTok Ads Manager custom-report exports.

Columns as public parsers and templates show them: ``By Day``, ``Campaign name``, ``Ad group
name``, ``Cost`` (or ``Cost (USD)``), ``Clicks (destination)``, ``CTR (destination)``… Clicks are
the destination clicks; ``Clicks (all)`` is kept as clicks_all. TikTok reports in UTC and writes
``-`` for missing values. The Korean spellings are those seen in a public parser; other languages
are not known yet.
"""

from __future__ import annotations

from mille.sources.format import EN_US, Dialect, Format, TotalsRule

_EN = {
    "date_day": ("By Day", "Date", "Day"),
    "account_id": ("Advertiser ID", "Account ID"),
    "account_name": ("Advertiser name", "Account name"),
    "campaign_id": ("Campaign ID",),
    "campaign_name": ("Campaign name",),
    "ad_group_id": ("Ad group ID",),
    "ad_group_name": ("Ad group name",),
    "ad_id": ("Ad ID",),
    "ad_name": ("Ad name",),
    "currency": ("Currency",),
    "spend": ("Cost ({currency})", "Cost", "Total cost", "Spend"),
    "impressions": ("Impressions", "Impression"),
    "clicks": ("Clicks (destination)", "Clicks"),
    "clicks_all": ("Clicks (all)",),
    "conversions": ("Conversions",),
    "conversions_value": ("Total complete payment value",),
    "leads": ("Form submissions",),
    "reach": ("Reach",),
}
_EN_RATIOS = {"ctr": ("CTR (destination)", "CTR"), "cpc": ("CPC (destination)", "CPC"), "cpm": ("CPM",),
              "cost_per_conversion": ("Cost per conversion",)}
_KO = {"date_day": ("일별",), "campaign_name": ("캠페인 이름",), "spend": ("비용",), "impressions": ("노출수",),
       "clicks": ("클릭수(목적지)",)}


class TikTokAdsUI(Format):
    name = "tiktok_ads_ui"
    label = "TikTok Ads Manager export"
    platform = "tiktok_ads"
    dialects = (
        Dialect("en", _EN, EN_US, _EN_RATIOS, ("Frequency", "Conversion rate (CVR)", "Result", "Cost per result",
                                               "Complete payment", "CTR (all)", "CPC (all)")),
        Dialect("ko", _KO, EN_US),
    )
    required = ("spend",)
    required_any = ("impressions", "clicks", "clicks_all", "conversions")
    signature = ("Clicks (destination)", "CTR (destination)", "CPC (destination)", "By Day", "Ad group name",
                 "Advertiser name", "클릭수(목적지)")
    timezone = "UTC"
    missing = ("", "-", "--")
    totals = TotalsRule(vocabulary=True)
    priority = 8
