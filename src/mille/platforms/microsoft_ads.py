"""Microsoft Advertising (formerly Bing Ads): Bing, Yahoo and AOL search, and the Audience Network."""

from mille.platforms.model import Platform, PriceRange

PLATFORM = Platform(
    id="microsoft_ads",
    label="Microsoft Advertising",
    short_label="Microsoft",
    aliases=("bing", "microsoft", "msads", "microsoft ads", "bing ads",
             "bing.com", "microsoft advertising"),
    organic_too=("bing", "bing.com", "microsoft"),
    clicks="Clicks on the ad (charged clicks)",
    conversions="conversion goals, counted by the account's goal settings",
    timezone="account",
    formats=("microsoft_ads_report", "microsoft_ads_grid",
             "fivetran_microsoft_ads_campaign_performance_daily_report",
             "fivetran_microsoft_ads_geographic_performance_daily_report",
             "fivetran_microsoft_ads_account_history", "fivetran_microsoft_ads_campaign_history"),
    source_fields={"spend": "Spend", "impressions": "Impressions", "clicks": "Clicks",
                   "conversions": "Conversions", "conversions_value": "Revenue"},
    plausible=(
        # CPC about 0.6–0.8 × Google Search's 3–8; CTR around the 2.9 % median.
        PriceRange("cpc", 1.8, 6.4, "FORMATS.md §4 B2B sanity ranges (0.6–0.8 × Google Search; AdStage Q3 2019)",
                   2019),
        PriceRange("ctr", 0.015, 0.06, "FORMATS.md §4 (AdStage Q3 2019 median 2.9 %)", 2019),
    ),
    benchmarks=(
        PriceRange("cpc", 1.54, 1.99, "AdStage Q3 2019 (median $1.99); Conquer the Internet via stape.io ($1.54)",
                   2019, note="Historical; typically 20–40 % below Google for the same search terms."),
        PriceRange("ctr", 0.029, 0.029, "AdStage Q3 2019", 2019, note="Median, historical."),
    ),
)
