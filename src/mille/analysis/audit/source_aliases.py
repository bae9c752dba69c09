"""UTM spellings that mean the same ad platform, and how UTM values are normalised for comparison.

CRM records carry ``utm_source`` / ``utm_medium`` / ``utm_campaign`` as typed by whoever built
the link: ``LinkedIn``, ``linkedin``, ``li``, ``lnkd.in`` all mean LinkedIn Ads. A report grouped
by the raw value splits one source's leads into several rows. This table is the built-in half;
``source_aliases`` in mille.yaml adds a team's own spellings per platform.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

SOURCE_ALIASES: dict[str, tuple[str, ...]] = {
    "linkedin_ads": ("linkedin", "li", "lnkd", "lnkd.in", "linkedin.com", "linked_in", "linkedinads",
                     "linkedin_ads", "linkedin ads"),
    "facebook_ads": ("facebook", "fb", "meta", "ig", "instagram", "facebook.com", "m.facebook.com",
                     "l.facebook.com", "instagram.com", "fb_ads", "facebook_ads", "meta ads", "an"),
    "google_ads": ("google", "adwords", "googleads", "google_ads", "google ads", "gads", "google.com",
                   "youtube", "gdn", "google-ads"),
    "microsoft_ads": ("bing", "microsoft", "msads", "microsoft_ads", "microsoft ads", "bing ads",
                      "bingads", "bing.com"),
    "twitter_ads": ("twitter", "x", "t.co", "twitter.com", "x.com", "twitter_ads"),
    "tiktok_ads": ("tiktok", "tt", "tiktok.com", "tiktok_ads"),
    "reddit_ads": ("reddit", "reddit.com", "reddit_ads"),
}

_SEPARATORS = re.compile(r"[\s_\-\.]+")


def folded(value: str) -> str:
    """Case, surrounding spaces and separators don't change what a UTM value means."""
    return _SEPARATORS.sub("", value.strip().lower())


def alias_table(extra: Mapping[str, list[str]] | None = None) -> dict[str, str]:
    """Folded spelling → platform, built-ins first, then the workspace's own spellings."""
    table: dict[str, str] = {}
    for platform, spellings in SOURCE_ALIASES.items():
        for s in spellings:
            table[folded(s)] = platform
    for platform, spellings in (extra or {}).items():
        for s in spellings:
            table[folded(s)] = platform
    return table


def canonical_source(value: str, table: Mapping[str, str]) -> str:
    """The platform a utm_source spelling means, else the folded spelling itself."""
    key = folded(value)
    if key in table:
        return table[key]
    host = key.removeprefix("www")
    return table.get(host, key)
