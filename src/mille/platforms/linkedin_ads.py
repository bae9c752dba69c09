"""LinkedIn Ads (Campaign Manager): Sponsored Content, Sponsored Messaging, Lead Gen Forms."""

from mille.platforms.model import Platform, PriceRange

_SANITY = "FORMATS.md §4 B2B sanity ranges (ZenABM 2026, Recotap 2024, theb2bhouse 2021–22)"
_ZENABM = "Stackmatix blog citing ZenABM 2026 LinkedIn Benchmarks"

PLATFORM = Platform(
    id="linkedin_ads",
    label="LinkedIn Ads",
    short_label="LinkedIn",
    aliases=("linkedin", "li", "lnkd", "lnkd.in", "linkedin.com", "linkedin ads", "linkedin lead gen", "linkedin sponsored"),
    organic_too=("linkedin.com",),
    standalone=("li",),
    clicks="Chargeable clicks on the ad (landing page, company name and 'see more'); message ads count clicks against sends",
    conversions="conversion actions including view-through (post-click + post-view)",
    timezone="UTC",
    formats=("linkedin_ads_ui", "fivetran_linkedin_ad_analytics_by_campaign",
             "fivetran_linkedin_ad_analytics_by_creative",
             "fivetran_linkedin_monthly_ad_analytics_by_member_country",
             "fivetran_linkedin_ad_account_history", "fivetran_linkedin_ad_campaign_history",
             "fivetran_linkedin_ad_campaign_group_history", "fivetran_linkedin_creative_history",
             "fivetran_linkedin_geo"),
    source_fields={"spend": "Total Spent", "impressions": "Impressions", "clicks": "Clicks",
                   "conversions": "Conversions", "leads": "Leads"},
    messaging_words=("messag", "inmail", "conversation"),
    plausible=(
        PriceRange("cpm", 25.0, 120.0, _SANITY, 2026, note="B2B SaaS reaches $50–120"),
        PriceRange("cpc", 4.0, 20.0, _SANITY, 2026),
        PriceRange("ctr", 0.003, 0.007, _SANITY, 2026),
    ),
    benchmarks=(
        PriceRange("cpm", 25.0, 44.0, f"{_ZENABM}; Recotap", 2026,
                   note="Sponsored Content, B2B summary range; single-image average $72.94, B2B SaaS $50–120; "
                   "CPM rises 3–8 % a year."),
        PriceRange("cpc", 5.50, 9.25, f"{_ZENABM}; shno.co stats roundup", 2026,
                   note="Sponsored Content summary range; single-image average $16.34, global $5.58."),
        PriceRange("ctr", 0.0044, 0.0065, f"{_ZENABM}; theb2bhouse.com", 2026,
                   note="Sponsored Content; single image 0.48 % average, video 0.37 %."),
    ),
)
