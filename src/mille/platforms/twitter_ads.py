"""X Ads (formerly Twitter Ads); the dbt literal is twitter_ads."""

from mille.platforms.model import Platform

PLATFORM = Platform(
    id="twitter_ads",
    label="X Ads",
    short_label="X",
    aliases=("twitter", "x", "t.co", "twitter.com", "x.com", "twitter ads"),
    organic_too=("x", "twitter", "twitter.com"),
    standalone=("x",),
    clicks="URL clicks: clicks to the advertiser's site (engagements count every interaction)",
    conversions="website conversions, click and view attributed",
    timezone="account",
    formats=("fivetran_twitter_ads_campaign_report", "fivetran_twitter_ads_campaign_history"),
    source_fields={"spend": "Spend", "impressions": "Impressions", "clicks": "url_clicks"},
)
