"""Google Ads (formerly AdWords): search, display, YouTube and Performance Max."""

from mille.platforms.model import Platform, PriceRange

_SANITY = "FORMATS.md §4 B2B sanity ranges (WordStream/LocaliQ 2024–26, AdStage 2018)"

PLATFORM = Platform(
    id="google_ads",
    label="Google Ads",
    short_label="Google",
    aliases=("google", "adwords", "google ads", "gads", "google.com",
             "youtube", "gdn", "google adwords", "google display", "google search",
             "dv360", "youtube.com"),
    organic_too=("google", "google.com", "youtube", "youtube.com"),
    clicks="Clicks on the ad (Interactions, which add video views and engagements, are clicks_all)",
    conversions="primary conversion actions, fractional under data-driven attribution",
    timezone="account",
    formats=("google_ads_ui", "fivetran_google_ads_campaign_stats", "fivetran_google_ads_account_stats",
             "fivetran_google_ads_campaign_history", "fivetran_google_ads_account_history"),
    source_fields={"spend": "Cost", "impressions": "Impr.", "clicks": "Clicks",
                   "clicks_all": "Interactions", "conversions": "Conversions",
                   "conversions_value": "Conv. value"},
    # Display words first: "YouTube search" is priced like video, not like search ads. The
    # words cover the API names (SEARCH_PARTNERS, CONTENT) and the UI languages seen.
    networks={
        "display": ("display", "youtube", "video", "vídeo", "content", "discover", "demand gen",
                    "demand_gen", "gmail", "audience"),
        "search": ("search", "such", "recherche", "búsqueda", "busqueda", "pesquisa", "ricerca",
                   "zoek"),
    },
    plausible=(
        PriceRange("cpc", 3.0, 8.0, _SANITY, 2026, network="search", note="B2B tech often higher"),
        PriceRange("ctr", 0.03, 0.07, _SANITY, 2026, network="search"),
        PriceRange("cpm", 2.0, 5.0, _SANITY, 2026, network="display"),
        PriceRange("ctr", 0.003, 0.005, _SANITY, 2026, network="display"),
        # Network unknown (Performance Max, shopping, a report without a network column): the
        # union of search and display.
        PriceRange("cpc", 0.58, 8.0, _SANITY, 2026, note="union of Search and Display"),
        PriceRange("ctr", 0.003, 0.07, _SANITY, 2026, note="union of Search and Display"),
    ),
    benchmarks=(
        PriceRange("cpc", 4.66, 5.42, "WordStream/LocaliQ Search Advertising Benchmarks, 2024 and 2026 editions",
                   2026, network="search",
                   note="All industries, Google and Microsoft campaigns, US; Business Services $4.90 (2021 edition)."),
        PriceRange("ctr", 0.0664, 0.0666, "WordStream/LocaliQ Search Advertising Benchmarks, 2025 and 2026 editions",
                   2026, network="search", note="All industries average; B2B technology terms usually click less (3–7 %)."),
        PriceRange("cpm", 2.80, 3.00, "AdStage Q1 2018 paid media benchmarks", 2018, network="display",
                   note="Open display network; historical figure."),
        PriceRange("cpc", 0.58, 0.75, "WordStream display benchmarks 2018–19 (via theadspend.com)", 2019,
                   network="display", note="Historical figure."),
        PriceRange("ctr", 0.0035, 0.0046, "WordStream display benchmarks (restated by thomasmarsden.com.au, 2023)",
                   2023, network="display", note="B2B 0.46 %, Technology 0.39 %."),
    ),
)
