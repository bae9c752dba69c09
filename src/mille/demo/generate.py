"""The demo's ground truth: every leaf row the platforms' exports will carry, as Arrow.

A leaf is day × campaign × ad group × device × country, down to whatever the platform's export
breaks out (LinkedIn: ad group only; Google: device × user country; Meta: ad set × impression
device; Microsoft: device). Volumes come from budgets (weekday and month seasonality, Gamma
noise per campaign-day and per leaf), prices and click rates from the media plan times
campaign-level variation, impressions are Poisson, clicks Binomial (so clicks ≤ impressions), and
spend is impressions × the leaf's CPM, rounded to the cent like the exports. The planted story is
applied on top (:mod:`mille.demo.story`). Everything is vectorised numpy over leaves × days from
one ``np.random.default_rng(seed)``, so a seed gives the same data on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.demo import media_plan as plan
from mille.demo.story import Story

DAYS = np.arange(np.datetime64(plan.START), np.datetime64(plan.END) + np.timedelta64(1, "D"))

AD_SCHEMA = pa.schema(
    [
        ("date_day", pa.date32()),
        ("platform", pa.string()),
        ("channel", pa.string()),
        ("network", pa.string()),
        ("account_key", pa.string()),
        ("account_id", pa.string()),
        ("account_name", pa.string()),
        ("currency", pa.string()),
        ("campaign_id", pa.string()),
        ("campaign_name", pa.string()),
        ("follows_convention", pa.bool_()),
        ("region", pa.string()),
        ("objective", pa.string()),
        ("audience", pa.string()),
        ("offer", pa.string()),
        ("ad_group_id", pa.string()),
        ("ad_group_name", pa.string()),
        ("ad_type", pa.string()),
        ("device", pa.string()),
        ("device_label", pa.string()),
        ("country", pa.string()),
        ("spend", pa.float64()),
        ("spend_reporting", pa.float64()),
        ("impressions", pa.int64()),
        ("clicks", pa.int64()),
        ("clicks_all", pa.int64()),
        ("conversions", pa.float64()),
        ("leads", pa.float64()),
        ("leads_first_export", pa.float64()),
        ("reach", pa.int64()),
    ]
)


@dataclass
class DemoData:
    """The truth behind the demo's export files.

    ``ads`` holds exactly what the exports say once the re-download has replaced its slice:
    ``leads`` are the restated leads, ``leads_first_export`` what the monthly files said.
    ``delivered`` is ``ads`` plus the rows the tracking gap hides (what the account really
    spent). ``spend`` is in the account's currency, ``spend_reporting`` in USD.
    """

    seed: int
    story: Story
    ads: pa.Table
    delivered: pa.Table
    fx_rates: pa.Table
    contacts: pa.Table = field(default_factory=lambda: pa.table({}))
    deals: pa.Table = field(default_factory=lambda: pa.table({}))


def generate(seed: int = 0, story: Story | None = None) -> DemoData:
    """Six months of Northwind Cloud's paid media, its FX rates and its CRM, for ``seed``."""
    from mille.demo.crm import generate_crm

    story = story or Story()
    rng = np.random.default_rng(seed)
    fx = _fx_rates(rng)
    parts = [_channel(rng, key, story) for key in plan.CHANNELS]
    delivered = pa.concat_tables(parts)
    delivered = _with_reporting_spend(delivered, fx)
    delivered = _restate_leads(rng, delivered, story)
    delivered = delivered.sort_by(
        [(c, "ascending") for c in ("platform", "account_key", "date_day", "campaign_name",
                                     "ad_group_name", "device_label", "country")]
    )
    ads = delivered.filter(pc.invert(_in_gap(delivered, story)))
    contacts, deals = generate_crm(rng, delivered, story)
    return DemoData(seed, story, ads, delivered, fx, contacts, deals)


# -- one channel -------------------------------------------------------------------------
def _channel(rng: np.random.Generator, key: str, story: Story) -> pa.Table:
    channel = plan.CHANNELS[key]
    campaigns = [c for c in plan.CAMPAIGNS if c.channel == key]
    leaves = _leaves(rng, key, campaigns)
    n_days = len(DAYS)
    c_idx = np.asarray(leaves["campaign"], dtype=np.int64)

    # Campaign-level variation: each campaign has its own price and click-through levels.
    # Campaign-level variation around the channel's level (normalised so the level holds).
    camp_cpm = rng.lognormal(0.0, 0.12, len(campaigns))
    camp_ctr = rng.lognormal(0.0, 0.15, len(campaigns))
    camp_cpm, camp_ctr = camp_cpm / camp_cpm.mean(), camp_ctr / camp_ctr.mean()
    for i, c in enumerate(campaigns):
        if c.offer == "brand":  # people searching the brand click far more, and cheaply
            camp_ctr[i] *= 1.9
            camp_cpm[i] *= 0.85

    budget = _budgets(rng, key, campaigns, story)  # campaigns × days
    share = np.asarray(leaves["share"])[:, None] * _unit_lognormal(rng, 0.15, (len(c_idx), n_days))
    expected_spend = budget[c_idx] * share

    cpm = (channel.cpm * camp_cpm[c_idx] * np.asarray(leaves["cpm"]))[:, None] * _unit_lognormal(
        rng, 0.05, (len(c_idx), n_days)
    )
    ctr = (channel.ctr * camp_ctr[c_idx] * np.asarray(leaves["ctr"]))[:, None] * _unit_lognormal(
        rng, 0.06, (len(c_idx), n_days)
    )
    after = (np.datetime64(story.cpm_rise.start) <= DAYS)[None, :]
    if key == story.cpm_rise.channel:
        aimed = np.array([campaigns[i].audience == story.cpm_rise.audience for i in c_idx])[:, None]
        cpm = np.where(aimed & after, cpm * story.cpm_rise.factor, cpm)
    if key == story.ctr_drop.channel:
        mobile = (np.asarray(leaves["device"]) == story.ctr_drop.device)[:, None]
        dropped = mobile & (np.datetime64(story.ctr_drop.start) <= DAYS)[None, :]
        ctr = np.where(dropped, ctr * story.ctr_drop.factor, ctr)

    impressions = rng.poisson(expected_spend / cpm * 1000.0)
    clicks = rng.binomial(impressions, np.clip(ctr, 0.0, 1.0))
    spend = np.round(impressions * cpm / 1000.0, 2)

    # Flatten leaves × days into rows and keep only rows that delivered (exports omit the rest).
    rows = {name: np.repeat(np.asarray(values, dtype=object), n_days) for name, values in leaves.items()
            if name not in ("share", "cpm", "ctr", "campaign")}
    camp_of_row = np.repeat(c_idx, n_days)
    day_of_row = np.tile(DAYS, len(c_idx))
    impressions, clicks, spend = impressions.ravel(), clicks.ravel(), spend.ravel()
    keep = impressions > 0
    n = int(keep.sum())
    camp_of_row, day_of_row = camp_of_row[keep], day_of_row[keep]
    impressions, clicks, spend = impressions[keep], clicks[keep], spend[keep]
    rows = {k: v[keep] for k, v in rows.items()}

    conv_rate = channel.conversion_rate * rng.lognormal(0.0, 0.2, len(campaigns))[camp_of_row]
    conversions = rng.binomial(clicks, np.clip(conv_rate, 0, 1)).astype(np.float64)
    if channel.platform == "google_ads":  # data-driven attribution hands out fractions
        conversions = np.round(conversions * rng.uniform(0.8, 1.2, n), 2)
    objective = np.array([c.objective for c in campaigns], dtype=object)[camp_of_row]
    lead_rate = np.where(objective == "leadgen", channel.lead_rate, channel.lead_rate * 0.15)
    leads = rng.binomial(clicks, lead_rate).astype(np.float64)

    account = plan.ACCOUNTS
    cols: dict[str, object] = {
        "date_day": day_of_row,
        "platform": np.full(n, channel.platform, dtype=object),
        "channel": np.full(n, key, dtype=object),
        "network": np.full(n, channel.network, dtype=object),
        "spend": spend,
        "impressions": impressions,
        "clicks": clicks,
        **rows,
    }
    per_campaign = {
        "account_key": [c.account for c in campaigns],
        "account_id": [account[c.account].account_id for c in campaigns],
        "account_name": [account[c.account].name for c in campaigns],
        "currency": [account[c.account].currency for c in campaigns],
        "campaign_name": [c.campaign_name for c in campaigns],
        "follows_convention": [c.follows_convention for c in campaigns],
        "region": [c.region for c in campaigns],
        "objective": [c.objective for c in campaigns],
        "audience": [c.audience for c in campaigns],
        "offer": [c.offer for c in campaigns],
        "campaign_id": _campaign_ids(rng, key, len(campaigns)),
    }
    for name, values in per_campaign.items():
        cols[name] = np.asarray(values, dtype=object)[camp_of_row]
    if channel.platform == "facebook_ads":
        cols["clicks_all"] = clicks + rng.binomial(impressions - clicks, 0.009)
        cols["reach"] = np.maximum(1, np.ceil(impressions / rng.uniform(1.05, 1.5, n))).astype(np.int64)
        cols["leads"] = leads
    else:
        cols["conversions"] = conversions
        if channel.platform == "linkedin_ads":
            cols["leads"] = leads
    return _table(n, cols)


def _leaves(rng: np.random.Generator, key: str, campaigns: list[plan.Campaign]) -> dict[str, list]:
    """The leaves under each campaign, with their share of its budget and price/CTR factors."""
    channel = plan.CHANNELS[key]
    out: dict[str, list] = {k: [] for k in (
        "campaign", "share", "cpm", "ctr", "ad_group_name", "ad_group_id", "ad_type", "device",
        "device_label", "country")}

    def add(ci: int, share: float, cpm: float, ctr: float, **labels: object) -> None:
        out["campaign"].append(ci)
        out["share"].append(share)
        out["cpm"].append(cpm)
        out["ctr"].append(ctr)
        for name in ("ad_group_name", "ad_group_id", "ad_type", "device", "device_label", "country"):
            out[name].append(labels.get(name))

    for ci, c in enumerate(campaigns):
        if key == "li":
            n_formats = int(rng.integers(2, 4))
            formats = plan.LINKEDIN_AD_FORMATS[:n_formats]
            weights = rng.dirichlet(np.full(n_formats, 4.0))
            audience = plan.LINKEDIN_AUDIENCE_CPM.get(c.audience or "", 1.0)
            for (label, ad_type, price), w in zip(formats, weights, strict=True):
                add(ci, float(w), audience * price, float(rng.lognormal(0, 0.1)),
                    ad_group_name=f"{c.campaign_name} - {label}",
                    ad_group_id=str(int(rng.integers(200_000_000, 299_999_999))), ad_type=ad_type)
        elif key == "meta":
            weights = rng.dirichlet(np.full(len(plan.META_AD_SETS), 5.0))
            for ad_set, w in zip(plan.META_AD_SETS, weights, strict=True):
                name = f"{c.region} | {plan.AUDIENCE_LABELS[c.audience or 'it-manager']} | {ad_set}"
                set_cpm, set_ctr = rng.lognormal(0, 0.08), rng.lognormal(0, 0.08)
                for device, label, d_share, d_cpm, d_ctr in channel.devices:
                    add(ci, float(w) * d_share, set_cpm * d_cpm, set_ctr * d_ctr, ad_group_name=name,
                        device=device, device_label=label)
        elif channel.platform == "google_ads":
            for device, label, d_share, d_cpm, d_ctr in channel.devices:
                for country, c_share, c_price in plan.COUNTRIES[c.region]:
                    add(ci, d_share * c_share, d_cpm * c_price, d_ctr, device=device,
                        device_label=label, country=country)
        else:  # Microsoft: devices only
            for device, label, d_share, d_cpm, d_ctr in channel.devices:
                add(ci, d_share, d_cpm, d_ctr, device=device, device_label=label)
    return out


def _budgets(rng: np.random.Generator, key: str, campaigns: list[plan.Campaign], story: Story) -> np.ndarray:
    """Expected spend per campaign and day: budget × weekday × month × story × Gamma noise."""
    week = _week_profile(key)
    dow = (DAYS.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday
    months = DAYS.astype("datetime64[M]").astype(int) % 12 + 1
    profile = week[dow] * np.array([plan.MONTH_FACTOR[m] for m in months])
    base = np.array([c.budget for c in campaigns])[:, None] * profile[None, :]
    active = np.array([[c.start <= d <= c.end for d in _DATES] for c in campaigns])
    base = base * active
    shift = story.budget_shift
    in_month = (DAYS.astype("datetime64[M]") == np.datetime64(f"{shift.month[0]}-{shift.month[1]:02d}"))
    if key == shift.source_channel:
        base = np.where(in_month[None, :], base * shift.keep, base)
    elif key == shift.target_channel:
        base = np.where(in_month[None, :], base * _shift_factor(story), base)
    return base * rng.gamma(30.0, 1.0 / 30.0, base.shape)


def _shift_factor(story: Story) -> float:
    """What LinkedIn's budgets are multiplied by so that they receive exactly (in expectation)
    the dollars Display gives up in the month of the shift."""
    shift = story.budget_shift
    month = np.datetime64(f"{shift.month[0]}-{shift.month[1]:02d}")
    in_month = DAYS.astype("datetime64[M]") == month

    def expected(key: str) -> float:
        week = _week_profile(key)
        dow = (DAYS.astype("int64") - 4) % 7
        factor = plan.MONTH_FACTOR[shift.month[1]]
        days = np.array(_DATES)
        total = 0.0
        for c in plan.CAMPAIGNS:
            if c.channel == key:
                live = in_month & np.array([c.start <= d <= c.end for d in days])
                total += c.budget * factor * float(week[dow][live].sum())
        return total

    moved = (1.0 - shift.keep) * expected(shift.source_channel)
    return 1.0 + moved / expected(shift.target_channel)


def _week_profile(key: str) -> np.ndarray:
    """Monday..Sunday delivery relative to the weekly average (mean 1)."""
    weekdays = np.array(plan.B2B_WEEKDAYS)
    weekend = plan.CHANNELS[key].weekend * weekdays.mean()
    week = np.concatenate([weekdays, [weekend, weekend]])
    return week / week.mean()


def _unit_lognormal(rng: np.random.Generator, sigma: float, shape: tuple[int, ...]) -> np.ndarray:
    """Multiplicative noise with mean 1."""
    return rng.lognormal(-0.5 * sigma * sigma, sigma, shape)


def _campaign_ids(rng: np.random.Generator, key: str, n: int) -> list[str | None]:
    # Only LinkedIn (campaign group id) and Microsoft (CampaignId) print ids in these exports.
    if key == "li":
        return [str(v) for v in rng.integers(600_000_000, 699_999_999, n)]
    if key == "microsoft":
        return [str(v) for v in rng.integers(400_000_000, 499_999_999, n)]
    return [None] * n


_DATES: list[date] = [d.item() for d in DAYS]


# -- money, restatements and the gap ---------------------------------------------------------
def _fx_rates(rng: np.random.Generator) -> pa.Table:
    """EUR → USD reference rates on weekdays (like the ECB's); weekends use Friday's rate."""
    days = np.arange(np.datetime64("2026-04-30"), np.datetime64("2026-10-31"))
    days = days[((days.astype("int64") - 4) % 7) < 5]
    steps = rng.normal(0.0, 0.0035, len(days))
    rates = np.round(1.1180 * np.exp(np.cumsum(steps) - steps[0]), 4)
    return pa.table({
        "date": pa.array(days, pa.date32()),
        "currency": pa.array(["EUR"] * len(days)),
        "rate": pa.array(rates, pa.float64()),
    })


def rate_for(fx: pa.Table, days: np.ndarray) -> np.ndarray:
    """The rate of the nearest earlier (or same) day for each of ``days``."""
    fx_days = fx.column("date").to_numpy().astype("datetime64[D]")
    idx = np.searchsorted(fx_days, days.astype("datetime64[D]"), side="right") - 1
    if (idx < 0).any():
        raise ValueError("a day precedes the first FX rate")
    return fx.column("rate").to_numpy()[idx]


def _with_reporting_spend(t: pa.Table, fx: pa.Table) -> pa.Table:
    days = t.column("date_day").to_numpy().astype("datetime64[D]")
    eur = pc.equal(t.column("currency"), "EUR").to_numpy(zero_copy_only=False)
    rate = np.where(eur, rate_for(fx, days), 1.0)
    spend = t.column("spend").to_numpy()
    i = t.schema.get_field_index("spend_reporting")
    return t.set_column(i, "spend_reporting", pa.array(spend * rate, pa.float64()))


def _restate_leads(rng: np.random.Generator, t: pa.Table, story: Story) -> pa.Table:
    """The re-download restates leads in its slice; the monthly files keep the first figures."""
    d = story.redownload
    leads = t.column("leads").to_numpy(zero_copy_only=False).astype(np.float64)
    first = leads.copy()
    in_slice = (
        pc.equal(t.column("account_key"), d.account).to_numpy(zero_copy_only=False)
        & _between(t, d.start, d.end)
        & ~np.isnan(leads)
    )
    base = np.where(in_slice, np.nan_to_num(leads), 0).astype(np.int64)
    clicks = np.where(in_slice, t.column("clicks").to_numpy(), 0)
    added = rng.binomial(clicks, d.late_leads_per_click)
    withdrawn = rng.binomial(base, d.withdrawn_leads)
    leads = np.where(in_slice, leads + added - withdrawn, leads)
    t = t.set_column(t.schema.get_field_index("leads"), "leads", pa.array(leads, pa.float64(), from_pandas=True))
    i = t.schema.get_field_index("leads_first_export")
    return t.set_column(i, "leads_first_export", pa.array(first, pa.float64(), from_pandas=True))


def _between(t: pa.Table, start: date, end: date) -> np.ndarray:
    days = t.column("date_day").to_numpy().astype("datetime64[D]")
    return (days >= np.datetime64(start)) & (days <= np.datetime64(end))


def _in_gap(t: pa.Table, story: Story) -> pa.Array:
    g = story.tracking_gap
    mask = pc.equal(t.column("account_key"), g.account).to_numpy(zero_copy_only=False) & _between(
        t, g.start, g.end
    )
    return pa.array(mask)


def _table(n: int, cols: dict[str, object]) -> pa.Table:
    arrays = []
    for f in AD_SCHEMA:
        if f.name in cols:
            values = cols[f.name]
            if f.type == pa.date32():
                arrays.append(pa.array(np.asarray(values).astype("datetime64[D]"), pa.date32()))
            else:
                arrays.append(pa.array(values, f.type, from_pandas=True))
        else:
            arrays.append(pa.nulls(n, f.type))
    return pa.Table.from_arrays(arrays, schema=AD_SCHEMA)
