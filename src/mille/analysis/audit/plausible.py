"""Plausible price and response ranges per platform, for catching unit and locale errors.

The ranges are the B2B benchmark ranges of ``FORMATS.md`` §4 (vendor and aggregator studies,
2018–2026), in US dollars; CTR is a fraction. They are *context, not truth*: a campaign outside
them is not wrong. What the audit flags is a value an **order of magnitude** outside them
(below low ÷ 10 or above high × 10), which in practice means a unit or locale error — cost in
micros not divided (× 1,000,000), ``1.234`` read as 1.234 instead of 1,234 (× 1,000), a
percentage read as a count (× 100).

The check compares money in currencies of the dollar's magnitude only (``NEAR_USD``: within a
factor of two of the dollar, far inside the factor of ten); other currencies are judged after
conversion to the reporting currency when that currency is itself near the dollar, else skipped.
"""

from __future__ import annotations

FACTOR = 10.0

Range = tuple[float, float]

# (platform, network family or None for "any") → metric → (low, high)
RANGES: dict[tuple[str, str | None], dict[str, Range]] = {
    ("linkedin_ads", None): {"cpm": (25.0, 120.0), "cpc": (4.0, 20.0), "ctr": (0.003, 0.007)},
    ("google_ads", "search"): {"cpc": (3.0, 8.0), "ctr": (0.03, 0.07)},
    ("google_ads", "display"): {"cpm": (2.0, 5.0), "cpc": (0.58, 0.75), "ctr": (0.0035, 0.005)},
    # Network unknown (Performance Max, shopping…): the union of search and display.
    ("google_ads", None): {"cpc": (0.58, 8.0), "ctr": (0.0035, 0.07)},
    ("facebook_ads", None): {"cpm": (8.0, 40.0), "cpc": (0.5, 2.0), "ctr": (0.009, 0.026)},
    # Microsoft: CPC about 0.6–0.8 × Google search's; CTR near 2.9 % (AdStage 2019 median).
    ("microsoft_ads", None): {"cpc": (1.8, 6.4), "ctr": (0.015, 0.06)},
}

NETWORK_FAMILY: dict[str, str] = {
    "search": "search",
    "search_partners": "search",
    "search network": "search",
    "display": "display",
    "display network": "display",
    "video": "display",
    "youtube": "display",
    "audience": "display",
    "discovery": "display",
    "demand_gen": "display",
}

NEAR_USD: frozenset[str] = frozenset({"USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "SGD"})

# Words that mark LinkedIn message ads, where clicks above sends/impressions are legitimate
# (FORMATS.md §1.3: Sponsored Messaging rows have clicks > impressions).
MESSAGING_WORDS: tuple[str, ...] = ("messag", "inmail", "conversation")

LABELS: dict[str, str] = {"cpm": "CPM", "cpc": "CPC", "ctr": "CTR"}


def ranges_for(platform: str, network: str | None) -> dict[str, Range]:
    family = NETWORK_FAMILY.get((network or "").strip().lower())
    return RANGES.get((platform, family)) or RANGES.get((platform, None)) or {}


def likely_cause(factor: float) -> str:
    """The unit or locale error a factor (value ÷ nearest bound) most likely comes from."""
    size = factor if factor >= 1 else 1 / factor
    side = "too high" if factor >= 1 else "too low"
    for scale, cause in (
        (1e6, "amounts in micros not divided by 1,000,000"),
        (1e3, "a thousands separator read as a decimal point (1.234 read as 1.234, not 1,234)"),
        (1e2, "a percentage or cents read as a whole number"),
    ):
        if size >= scale / 3:
            return f"{side} by about ×{size:,.0f}: probably {cause}"
    return f"{side} by about ×{size:,.0f}: check the file's number format and currency"
