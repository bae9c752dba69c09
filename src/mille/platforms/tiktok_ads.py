"""TikTok Ads Manager."""

from mille.platforms.model import Platform

PLATFORM = Platform(
    id="tiktok_ads",
    label="TikTok Ads",
    short_label="TikTok",
    aliases=("tiktok", "tt", "tiktok.com", "tiktok ads"),
    standalone=("tt",),
    clicks="Destination clicks (Clicks (destination)); Clicks (all) adds profile and engagement clicks",
    conversions="the optimisation event, click and view attributed",
    timezone="UTC",
    formats=("tiktok_ads_ui", "fivetran_tiktok_ads_campaign_report_hourly"),
    source_fields={"spend": "Cost", "impressions": "Impressions", "clicks": "Clicks (destination)",
                   "clicks_all": "Clicks (all)", "conversions": "Conversions"},
)
