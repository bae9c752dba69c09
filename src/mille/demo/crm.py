"""The CRM side of the demo: HubSpot contacts and deals tied to campaigns by UTM.

CRM leads arrive in proportion to what each campaign really spent (the delivered rows, so a
tracking gap in an ad export does not stop leads arriving), at the story's cost per lead per
channel; a share of them become deals 2–8 weeks later. Contacts that came through an ad carry
``utm_campaign`` = the ad campaign's name and a loosely spelled ``utm_source`` (``li``,
``LinkedIn``, ``lnkd.in``, ``fb``, ``ig``, ``adwords``…), as real CRMs do; organic contacts carry
no UTM at all. Deals created after the last day of ad data are not exported yet.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from mille.demo import media_plan as plan
from mille.demo.story import Story

# utm_source / utm_medium spellings seen in real CRMs, with how often each appears.
UTM_SOURCES: dict[str, tuple[tuple[str, float], ...]] = {
    "li": (("linkedin", 0.5), ("LinkedIn", 0.2), ("li", 0.2), ("lnkd.in", 0.1)),
    "meta": (("facebook", 0.45), ("fb", 0.3), ("ig", 0.15), ("Facebook", 0.1)),
    "search": (("google", 0.7), ("adwords", 0.2), ("Google", 0.1)),
    "display": (("google", 0.75), ("gdn", 0.15), ("adwords", 0.1)),
    "microsoft": (("bing", 0.75), ("Bing", 0.15), ("microsoft", 0.1)),
}
UTM_MEDIUMS: dict[str, tuple[tuple[str, float], ...]] = {
    "li": (("paid_social", 0.6), ("paidsocial", 0.25), ("cpc", 0.15)),
    "meta": (("paid_social", 0.55), ("cpc", 0.3), ("paid", 0.15)),
    "search": (("cpc", 0.8), ("ppc", 0.2)),
    "display": (("display", 0.7), ("cpm", 0.3)),
    "microsoft": (("cpc", 0.7), ("ppc", 0.3)),
}
ORIGINAL_SOURCE: dict[str, tuple[str, str]] = {
    "li": ("Paid Social", "LinkedIn"),
    "meta": ("Paid Social", "Facebook"),
    "search": ("Paid Search", "Google"),
    "display": ("Other Campaigns", "Google Display"),
    "microsoft": ("Paid Search", "Bing"),
}
UNPAID_SOURCES: tuple[tuple[str, float], ...] = (
    ("Organic Search", 0.45), ("Direct Traffic", 0.25), ("Referrals", 0.15),
    ("Email Marketing", 0.10), ("Social Media", 0.05),
)
OPEN_STAGES: tuple[str, ...] = (
    "Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled",
    "Decision Maker Bought-In", "Contract Sent",
)
FIRST_NAMES = np.array([
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sofia", "Mateo",
    "Amelia", "Leo", "Hannah", "Jonas", "Chloe", "Lars", "Freya", "Hugo", "Ingrid", "Felix",
    "Aisha", "Omar", "Priya", "Arjun", "Mei", "Kenji", "Yuki", "Hiro", "Grace", "Daniel",
    "Sarah", "David", "Laura", "Marco", "Elena", "Tom", "Nora", "Jack", "Isla", "Ben",
])
LAST_NAMES = np.array([
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Martin", "Anderson", "Thomas", "Moore",
    "Jackson", "White", "Harris", "Clark", "Lewis", "Walker", "Young", "King", "Wright",
    "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts",
    "Carter", "Phillips", "Evans", "Turner", "Torres", "Parker", "Collins", "Edwards",
    "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Müller", "Schmidt", "Dubois", "Jansen",
    "Lindqvist", "Tanaka", "Sato", "Nguyen", "Chen", "Kumar",
])
COMPANY_A = np.array([
    "Acme", "Blue", "Bright", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iron",
    "Juniper", "Kestrel", "Lumen", "Maple", "Nimbus", "Orbit", "Pioneer", "Quartz", "Ridge",
    "Summit", "Tidal", "Union", "Vertex", "Willow",
])
COMPANY_B = np.array([
    "Logistics", "Systems", "Health", "Bank", "Retail", "Energy", "Labs", "Foods", "Insurance",
    "Media",
])


def _choice(rng: np.random.Generator, table: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    values = np.array([v for v, _ in table], dtype=object)
    p = np.array([w for _, w in table])
    return values[rng.choice(len(values), n, p=p / p.sum())]


def generate_crm(rng: np.random.Generator, delivered: pa.Table, story: Story) -> tuple[pa.Table, pa.Table]:
    """(contacts, deals) for the demo's CRM exports."""
    funnel = story.funnel
    # Spend per channel × campaign × day, in USD, from the delivered rows.
    spend = delivered.group_by(["channel", "campaign_name", "region", "date_day"]).aggregate(
        [("spend_reporting", "sum")]
    ).sort_by([("channel", "ascending"), ("campaign_name", "ascending"), ("date_day", "ascending")])
    channel = np.asarray(spend.column("channel").to_pylist(), dtype=object)
    cpl = _lookup(channel, funnel.cost_per_lead).astype(np.float64)
    counts = rng.poisson(spend.column("spend_reporting_sum").to_numpy() / cpl)
    paid = {
        "channel": np.repeat(channel, counts),
        "campaign_name": np.repeat(np.asarray(spend.column("campaign_name").to_pylist(), dtype=object), counts),
        "region": np.repeat(np.asarray(spend.column("region").to_pylist(), dtype=object), counts),
        "day": np.repeat(spend.column("date_day").to_numpy().astype("datetime64[D]"), counts),
    }
    # Organic contacts: no UTM, a B2B week.
    days = np.arange(np.datetime64(plan.START), np.datetime64(plan.END) + np.timedelta64(1, "D"))
    weekday = ((days.astype("int64") - 4) % 7) < 5
    unpaid_counts = rng.poisson(funnel.unpaid_leads_per_day * np.where(weekday, 1.25, 0.4))
    n_unpaid = int(unpaid_counts.sum())
    unpaid = {
        "channel": np.full(n_unpaid, None, dtype=object),
        "campaign_name": np.full(n_unpaid, None, dtype=object),
        "region": np.array(["NA", "EMEA", "APAC"], dtype=object)[rng.choice(3, n_unpaid, p=[0.55, 0.35, 0.10])],
        "day": np.repeat(days, unpaid_counts),
    }
    lead = {k: np.concatenate([paid[k], unpaid[k]]) for k in paid}
    n = len(lead["day"])
    seconds = np.clip(rng.normal(14 * 3600, 3 * 3600, n), 0, 86_399).astype("int64")
    created = lead["day"].astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    order = np.argsort(created, kind="stable")
    lead = {k: v[order] for k, v in lead.items()}
    created = created[order]
    is_paid = lead["channel"] != None  # noqa: E711 — elementwise on an object array

    contacts = _people(rng, n)
    contacts["record_id"] = 80_000_001 + np.cumsum(rng.integers(1, 40, n))
    contacts["create_date"] = created
    contacts.update(_sources(rng, lead["channel"], lead["campaign_name"], is_paid))
    country = _countries(rng, lead["region"])
    contacts["country"] = country
    contacts["country_name"] = _lookup(country, plan.COUNTRY_NAMES)

    # Opportunities: a channel-specific share of leads, opened 2–8 weeks later.
    rate = _lookup(lead["channel"], funnel.opportunity_rate, funnel.unpaid_opportunity_rate).astype(np.float64)
    has_opp = rng.random(n) < rate
    lo, hi = funnel.lag_days
    lag = np.clip(np.round(rng.gamma(4.0, 7.5, n)), lo, hi).astype("int64")
    opp_day = lead["day"] + lag.astype("timedelta64[D]")
    exported = has_opp & (opp_day <= np.datetime64(plan.END))
    idx = np.flatnonzero(exported)
    m = len(idx)
    opp_created = opp_day[idx].astype("datetime64[s]") + np.clip(
        rng.normal(15 * 3600, 2.5 * 3600, m), 0, 86_399).astype("timedelta64[s]")
    close = opp_day[idx] + np.clip(np.round(rng.gamma(3.0, 15.0, m)), 10, 150).astype("timedelta64[D]")
    closed = close <= np.datetime64(plan.END)
    won = closed & (rng.random(m) < funnel.win_rate)
    age = (np.datetime64(plan.END) - opp_day[idx]).astype("int64")
    open_stage = np.array(OPEN_STAGES, dtype=object)[np.clip(age // 14, 0, len(OPEN_STAGES) - 1)]
    stage = np.where(won, "Closed Won", np.where(closed, "Closed Lost", open_stage))
    amount = np.round(rng.lognormal(np.log(24_000), 0.55, m), -2)
    company = contacts["company"][idx]

    lifecycle = np.array(["Lead", "Marketing Qualified Lead", "Sales Qualified Lead"], dtype=object)[
        rng.choice(3, n, p=[0.6, 0.28, 0.12])
    ]
    lifecycle[idx] = np.where(won, "Customer", "Opportunity")
    contacts["lifecycle_stage"] = lifecycle
    contacts["platform"] = _platform(lead["channel"])
    contacts["channel"] = lead["channel"]
    contacts["campaign_name"] = lead["campaign_name"]

    deals = {
        "record_id": 20_000_001 + np.cumsum(rng.integers(1, 25, m)),
        "deal_name": np.char.add(company.astype(str), " - Northwind Cloud").astype(object),
        "create_date": opp_created,
        "close_date": close.astype("datetime64[s]") + np.timedelta64(17 * 3600, "s"),
        "deal_stage": stage.astype(object),
        "amount": amount,
        "pipeline": np.full(m, "Sales Pipeline", dtype=object),
        "contact_id": contacts["record_id"][idx],
        "lead_date": lead["day"][idx],
        "platform": contacts["platform"][idx],
        "channel": lead["channel"][idx],
        "campaign_name": lead["campaign_name"][idx],
    }
    order = np.argsort(deals["create_date"], kind="stable")
    deals = {k: v[order] for k, v in deals.items()}
    deals["record_id"] = np.sort(deals["record_id"])
    return _arrow(contacts), _arrow(deals)


def _people(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    first = FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), n)]
    last = LAST_NAMES[rng.integers(0, len(LAST_NAMES), n)]
    a = COMPANY_A[rng.integers(0, len(COMPANY_A), n)]
    b = COMPANY_B[rng.integers(0, len(COMPANY_B), n)]
    company = np.char.add(np.char.add(a, " "), b)
    domain = np.char.add(np.char.lower(np.char.add(a, b)), ".example")
    local = np.char.add(np.char.add(np.char.lower(first), "."), np.char.lower(last))
    email = np.char.add(np.char.add(local, "@"), domain)
    return {
        "first_name": first.astype(object),
        "last_name": last.astype(object),
        "email": email.astype(object),
        "company": company.astype(object),
    }


def _sources(rng: np.random.Generator, channel: np.ndarray, campaign: np.ndarray, is_paid: np.ndarray) -> dict[str, np.ndarray]:
    n = len(channel)
    out = {k: np.full(n, None, dtype=object) for k in (
        "original_source", "drill_down_1", "drill_down_2", "utm_source", "utm_medium", "utm_campaign")}
    for key in UTM_SOURCES:
        rows = np.flatnonzero(channel == key)
        out["utm_source"][rows] = _choice(rng, UTM_SOURCES[key], len(rows))
        out["utm_medium"][rows] = _choice(rng, UTM_MEDIUMS[key], len(rows))
        out["original_source"][rows] = ORIGINAL_SOURCE[key][0]
        out["drill_down_1"][rows] = ORIGINAL_SOURCE[key][1]
    out["utm_campaign"][is_paid] = campaign[is_paid]
    out["drill_down_2"][is_paid] = campaign[is_paid]
    unpaid = np.flatnonzero(~is_paid)
    out["original_source"][unpaid] = _choice(rng, UNPAID_SOURCES, len(unpaid))
    return out


def _countries(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    out = np.empty(len(region), dtype=object)
    for name, countries in plan.COUNTRIES.items():
        rows = np.flatnonzero(region == name)
        codes = np.array([c for c, _, _ in countries], dtype=object)
        p = np.array([s for _, s, _ in countries])
        out[rows] = codes[rng.choice(len(codes), len(rows), p=p / p.sum())]
    return out


def _platform(channel: np.ndarray) -> np.ndarray:
    return _lookup(channel, {k: c.platform for k, c in plan.CHANNELS.items()})


def _lookup(values: np.ndarray, mapping: dict[str, object], default: object = None) -> np.ndarray:
    """``mapping[value]`` for every value (``default`` for None or unknown), one dict lookup per
    distinct value rather than per row."""
    keys, inverse = np.unique(np.asarray(values).astype(str), return_inverse=True)
    return np.array([mapping.get(k, default) for k in keys], dtype=object)[inverse]


def _arrow(columns: dict[str, np.ndarray]) -> pa.Table:
    out = {}
    for name, values in columns.items():
        if values.dtype.kind == "M":
            unit = np.datetime_data(values.dtype)[0]
            out[name] = pa.array(values, pa.date32() if unit == "D" else pa.timestamp("s"))
        else:
            out[name] = pa.array(values, from_pandas=True)
    return pa.table(out)
