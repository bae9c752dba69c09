"""Meta Ads (Facebook, Instagram, Messenger, Audience Network); the dbt literal is facebook_ads."""

from mille.platforms.model import Platform, PriceRange

_SANITY = "FORMATS.md §4 B2B sanity ranges (WordStream/LocaliQ 2024–25, superads.ai 2025)"
_WORDSTREAM = "WordStream/LocaliQ Facebook benchmarks 2024–2025"

PLATFORM = Platform(
    id="facebook_ads",
    label="Meta Ads",
    short_label="Meta",
    aliases=("facebook", "fb", "meta", "ig", "instagram", "facebook.com", "m.facebook.com",
             "l.facebook.com", "instagram.com", "fb_ads", "meta ads", "an",
             "facebook ads", "instagram ads"),
    organic_too=("facebook.com",),
    standalone=("an",),
    clicks="Link clicks: clicks to the advertiser's destination (Clicks (all) adds likes, expansions and profile clicks)",
    conversions="the action type chosen as the result (leads, pixel events), 7-day click / 1-day view by default",
    timezone="account",
    formats=("meta_ads_ui", "fivetran_facebook_ads_basic_ad", "fivetran_facebook_ads_demographics_country",
             "fivetran_facebook_ads_basic_ad_actions", "fivetran_facebook_ads_basic_ad_action_values",
             "fivetran_facebook_ads_ad_history", "fivetran_facebook_ads_ad_set_history",
             "fivetran_facebook_ads_campaign_history", "fivetran_facebook_ads_account_history"),
    source_fields={"spend": "Amount spent (XXX)", "impressions": "Impressions", "clicks": "Link clicks",
                   "clicks_all": "Clicks (all)", "conversions": "Results (one result type only)",
                   "leads": "Leads"},
    plausible=(
        PriceRange("cpm", 8.0, 40.0, _SANITY, 2025),
        PriceRange("cpc", 0.5, 2.0, _SANITY, 2025),
        PriceRange("ctr", 0.009, 0.026, _SANITY, 2025),
    ),
    benchmarks=(
        PriceRange("cpm", 18.0, 25.0, f"{_WORDSTREAM}; superads.ai dataset", 2025,
                   note="Global average $19.8–20.4 (low in January, high in November); B2B SaaS $8–30."),
        PriceRange("cpc", 0.70, 1.92, _WORDSTREAM, 2025,
                   note="Traffic campaigns $0.70, lead-generation campaigns $1.88–1.92 (link clicks)."),
        PriceRange("ctr", 0.0157, 0.0259, _WORDSTREAM, 2025,
                   note="Traffic campaigns 1.57–1.71 %, lead-generation campaigns 2.59 % (link clicks)."),
    ),
)
