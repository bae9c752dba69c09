"""Northwind Cloud's media plan: the accounts, campaigns and price levels the demo simulates.

Everything here is declarative. A campaign is one line: platform, account, the four parts of
the naming convention (``{region}_{objective}_{audience}_{offer}``), the daily budget it spends on
an average weekday, and its months. A handful of campaigns carry a ``name`` that breaks the
convention on purpose (the audit must find them). Price levels per platform follow the ranges in
FORMATS.md §4 (LinkedIn CPM $25–60, Google Search CPC $3–8, Display CPM $2–5, Meta CPM $10–25,
Microsoft CPC ≈ 0.7× Google).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

START = date(2026, 5, 1)
END = date(2026, 10, 31)
COMPANY = "Northwind Cloud"
NAMING_PATTERN = "{region}_{objective}_{audience}_{offer}"

AUDIENCES: tuple[str, ...] = (
    "csuite", "vp-it", "it-director", "it-manager", "security", "devops", "finance", "operations",
)
AUDIENCE_LABELS: dict[str, str] = {
    "csuite": "C-Suite", "vp-it": "VP IT", "it-director": "IT Directors", "it-manager": "IT Managers",
    "security": "Security Leaders", "devops": "DevOps Engineers", "finance": "Finance Leaders",
    "operations": "Operations Managers",
}

# Countries each region targets, with the share of delivery and a price factor.
COUNTRIES: dict[str, tuple[tuple[str, float, float], ...]] = {
    "NA": (("US", 0.85, 1.10), ("CA", 0.15, 0.92)),
    "EMEA": (("GB", 0.32, 1.00), ("DE", 0.28, 1.02), ("FR", 0.16, 0.90), ("NL", 0.14, 0.95), ("SE", 0.10, 0.88)),
    "APAC": (("AU", 0.45, 0.95), ("SG", 0.25, 0.86), ("JP", 0.30, 0.90)),
}
COUNTRY_NAMES: dict[str, str] = {
    "US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany", "FR": "France",
    "NL": "Netherlands", "SE": "Sweden", "AU": "Australia", "SG": "Singapore", "JP": "Japan",
}


@dataclass(frozen=True)
class Account:
    key: str
    platform: str
    name: str
    account_id: str | None  # None where the platform's export does not carry it
    currency: str


ACCOUNTS: dict[str, Account] = {
    a.key: a
    for a in (
        Account("li", "linkedin_ads", "Northwind Cloud", None, "USD"),
        Account("gads", "google_ads", "Northwind Cloud - Google Ads", None, "USD"),
        Account("meta_na", "facebook_ads", "Northwind Cloud NA", None, "USD"),
        Account("meta_emea", "facebook_ads", "Northwind Cloud EMEA", None, "USD"),
        Account("msads", "microsoft_ads", "Northwind Cloud EU", "149305521", "EUR"),
    )
}


@dataclass(frozen=True)
class Channel:
    """Price and response levels of one platform × network, before campaign-level variation."""

    platform: str
    network: str
    cpm: float  # in the account's currency
    ctr: float
    conversion_rate: float  # platform conversions per click
    lead_rate: float  # platform-reported leads per click (lead-gen forms); 0 where not exported
    weekend: float  # delivery on Saturday/Sunday relative to an average weekday
    devices: tuple[tuple[str, str, float, float, float], ...]  # (device, label, share, cpm×, ctr×)


# Search levels are set from CPC × CTR (CPM = 1000 × CPC × CTR): Google CPC ≈ $5.5 at 5 % CTR;
# Microsoft ≈ 0.7× Google's CPC, in EUR.
CHANNELS: dict[str, Channel] = {
    "li": Channel("linkedin_ads", "social", 36.0, 0.0052, 0.030, 0.080, 0.35, ()),
    "search": Channel(
        "google_ads", "search", 5.5 * 0.05 * 1000, 0.050, 0.060, 0.0, 0.40,
        (("desktop", "Computers", 0.56, 1.08, 1.00), ("mobile", "Mobile phones", 0.37, 0.88, 0.86),
         ("tablet", "Tablets", 0.07, 0.80, 0.92)),
    ),
    "display": Channel(
        "google_ads", "display", 3.4, 0.0042, 0.007, 0.0, 0.70,
        (("desktop", "Computers", 0.34, 1.15, 1.05), ("mobile", "Mobile phones", 0.56, 0.92, 0.97),
         ("tablet", "Tablets", 0.10, 0.85, 0.95)),
    ),
    "meta": Channel(
        "facebook_ads", "social", 16.0, 0.0120, 0.0, 0.020, 0.85,
        (("desktop", "Desktop", 0.22, 1.25, 1.08), ("mobile", "iPhone", 0.37, 0.96, 1.00),
         ("mobile", "Android Smartphone", 0.31, 0.88, 1.00), ("tablet", "iPad", 0.06, 1.00, 0.84),
         ("tablet", "Android Tablet", 0.04, 0.90, 0.84)),
    ),
    "microsoft": Channel(
        "microsoft_ads", "search", 0.7 * 5.5 / 1.12 * 0.042 * 1000, 0.042, 0.060, 0.0, 0.45,
        (("desktop", "Computer", 0.70, 1.05, 1.00), ("mobile", "Smartphone", 0.25, 0.88, 0.85),
         ("tablet", "Tablet", 0.05, 0.85, 0.90)),
    ),
}

# LinkedIn prices its audiences: senior titles cost more to reach.
LINKEDIN_AUDIENCE_CPM: dict[str, float] = {
    "csuite": 1.42, "vp-it": 1.22, "it-director": 1.05, "it-manager": 0.92, "security": 1.00,
    "devops": 0.90, "finance": 0.95, "operations": 0.88,
}
LINKEDIN_AD_FORMATS: tuple[tuple[str, str, float], ...] = (
    ("Single Image", "Sponsored Content", 1.00),
    ("Carousel", "Sponsored Content", 1.08),
    ("Video", "Sponsored Content", 0.90),
)
META_AD_SETS: tuple[str, ...] = ("Lookalike 1%", "Interests")


@dataclass(frozen=True)
class Campaign:
    account: str  # key of ACCOUNTS
    channel: str  # key of CHANNELS
    region: str
    objective: str
    audience: str | None
    offer: str
    budget: float  # spend on an average weekday, in the account's currency
    start: date = START
    end: date = END
    name: str | None = None  # set only where the name breaks the convention

    @property
    def campaign_name(self) -> str:
        return self.name or f"{self.region}_{self.objective}_{self.audience}_{self.offer}"

    @property
    def follows_convention(self) -> bool:
        return self.name is None


def _li(region: str, objective: str, audience: str, offer: str, budget: float, **kw: object) -> Campaign:
    return Campaign("li", "li", region, objective, audience, offer, budget, **kw)  # type: ignore[arg-type]


def _gs(region: str, audience: str | None, offer: str, budget: float, **kw: object) -> Campaign:
    return Campaign("gads", "search", region, "leadgen", audience, offer, budget, **kw)  # type: ignore[arg-type]


def _gd(region: str, objective: str, audience: str, offer: str, budget: float) -> Campaign:
    return Campaign("gads", "display", region, objective, audience, offer, budget)


def _fb(account: str, region: str, objective: str, audience: str, offer: str, budget: float, **kw: object) -> Campaign:
    return Campaign(account, "meta", region, objective, audience, offer, budget, **kw)  # type: ignore[arg-type]


def _ms(region: str, audience: str, offer: str, budget: float) -> Campaign:
    return Campaign("msads", "microsoft", region, "leadgen", audience, offer, budget)


CAMPAIGNS: tuple[Campaign, ...] = (
    # LinkedIn: 12 campaign groups; the C-suite ones carry the planted rate rise.
    _li("NA", "leadgen", "csuite", "demo", 760),
    _li("EMEA", "leadgen", "csuite", "report", 560),
    _li("NA", "awareness", "csuite", "report", 420),
    _li("NA", "leadgen", "vp-it", "demo", 420),
    _li("EMEA", "leadgen", "vp-it", "whitepaper", 300),
    _li("NA", "leadgen", "it-director", "ebook", 330),
    _li("NA", "awareness", "it-director", "ebook", 240),
    _li("EMEA", "leadgen", "security", "benchmark", 280),
    _li("APAC", "leadgen", "it-manager", "webinar", 190),
    _li("NA", "leadgen", "devops", "demo", 250),
    _li("NA", "leadgen", "finance", "report", 210),
    _li("NA", "leadgen", "it-director", "webinar", 380, start=date(2026, 7, 6), end=date(2026, 8, 28),
        name="Q3 webinar push - FINAL"),
    # Google Ads Search: 10 campaigns, one of them the brand campaign named outside the convention.
    _gs("NA", "it-manager", "trial", 330),
    _gs("NA", "devops", "trial", 300),
    _gs("NA", "security", "demo", 270),
    _gs("NA", None, "brand", 120, name="Brand | Northwind Cloud | Exact"),
    _gs("EMEA", "it-manager", "trial", 260),
    _gs("EMEA", "security", "whitepaper", 220),
    _gs("EMEA", "devops", "demo", 200),
    _gs("EMEA", "it-director", "demo", 180),
    _gs("APAC", "it-manager", "trial", 150),
    _gs("APAC", "devops", "ebook", 120),
    # Google Ads Display: 6 campaigns; their budget is what moves to LinkedIn in October.
    _gd("NA", "awareness", "it-manager", "report", 210),
    _gd("NA", "awareness", "devops", "ebook", 170),
    _gd("EMEA", "awareness", "it-manager", "report", 160),
    _gd("EMEA", "awareness", "security", "ebook", 130),
    _gd("EMEA", "retarget", "operations", "demo", 110),
    _gd("APAC", "awareness", "it-manager", "report", 90),
    # Meta: two ad accounts, four campaigns each.
    _fb("meta_na", "NA", "leadgen", "it-manager", "ebook", 260),
    _fb("meta_na", "NA", "leadgen", "operations", "webinar", 200),
    _fb("meta_na", "NA", "awareness", "finance", "report", 160),
    _fb("meta_na", "NA", "leadgen", "devops", "ebook", 180),
    _fb("meta_emea", "EMEA", "leadgen", "it-manager", "ebook", 200),
    _fb("meta_emea", "EMEA", "leadgen", "operations", "report", 160),
    _fb("meta_emea", "EMEA", "leadgen", "security", "whitepaper", 150, name="emea_leadgen_security"),
    _fb("meta_emea", "EMEA", "awareness", "finance", "report", 120),
    # Microsoft Advertising: one EUR account, four campaigns; three were imported from Google Ads
    # (Microsoft's import tool keeps the names), so a campaign name alone does not say the platform.
    _ms("EMEA", "it-manager", "trial", 140),
    _ms("EMEA", "security", "whitepaper", 110),
    _ms("EMEA", "devops", "demo", 100),
    _ms("EMEA", "finance", "report", 90),
)

# Delivery Monday..Friday relative to each other for a B2B audience (Tuesday–Thursday peak);
# Saturday and Sunday deliver `Channel.weekend` × an average weekday.
B2B_WEEKDAYS: tuple[float, ...] = (1.00, 1.07, 1.07, 1.02, 0.86)
# Month-level demand: the August lull every B2B team knows.
MONTH_FACTOR: dict[int, float] = {5: 1.00, 6: 1.02, 7: 0.94, 8: 0.84, 9: 1.03, 10: 1.04}
