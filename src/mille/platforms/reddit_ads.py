"""Reddit Ads."""

from mille.platforms.model import Platform

PLATFORM = Platform(
    id="reddit_ads",
    label="Reddit Ads",
    short_label="Reddit",
    aliases=("reddit", "reddit.com", "reddit ads"),
    clicks="Clicks on the ad",
    conversions="conversion events, click and view attributed",
    timezone="UTC",
    formats=("fivetran_reddit_ads_campaign_report",),
    source_fields={"spend": "spend (micros ÷ 1,000,000)", "impressions": "impressions", "clicks": "clicks"},
)
