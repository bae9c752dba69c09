"""A clean generated workspace with realistic noise, for "no false alarms" tests.

Four platforms, five accounts in three currencies and three reporting time zones, campaigns
that start and stop mid-period, weekday-only ad schedules, device breakdowns, Gamma-noised
budgets, lognormal prices inside each platform's plausible range, binomial clicks and
conversions, a tiny campaign whose zero-impression days are simply absent (as real exports omit
them), monthly files with totals rows that reconcile, consistent UTM spellings in CRM leads and
one recorded version per metric. Nothing in it is wrong, so an honest audit finds no errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import yaml
from audit_rows import arrow

from mille.workspace import Workspace, init_workspace

START = date(2026, 6, 1)
END = date(2026, 9, 30)
AS_OF = END + timedelta(days=1)
EUR_USD = 1.10


@dataclass(frozen=True)
class Plan:
    platform: str
    account: str
    currency: str
    timezone: str
    cpm: float  # USD
    ctr: float
    campaigns: tuple[tuple[str, float, date, date, bool], ...]  # name, budget/day, start, end, weekdays only
    devices: tuple[str, ...] = ()


def _c(name: str, budget: float, start: date = START, end: date = END, weekdays: bool = False):
    return (name, budget, start, end, weekdays)


PLANS: tuple[Plan, ...] = (
    Plan("linkedin_ads", "li-1", "USD", "UTC", 45.0, 0.0055, (
        _c("NA_leadgen_csuite_demo", 600), _c("EMEA_leadgen_vp-it_report", 350),
        _c("NA_awareness_devops_ebook", 250, START, date(2026, 8, 15)),
        _c("APAC_leadgen_security_trial", 120, date(2026, 7, 1), END),
    )),
    Plan("google_ads", "123-456-7890", "USD", "America/New_York", 160.0, 0.05, (
        _c("NA_leadgen_it-manager_trial", 400), _c("EMEA_leadgen_devops_demo", 220, weekdays=True),
        _c("APAC_leadgen_security_ebook", 90), _c("NA_leadgen_finance_tiny", 0.6),
    ), ("desktop", "mobile", "tablet")),
    Plan("facebook_ads", "act-na", "USD", "America/Chicago", 18.0, 0.012, (
        _c("NA_leadgen_it-manager_ebook", 220), _c("NA_awareness_finance_report", 150),
    ), ("desktop", "mobile")),
    Plan("facebook_ads", "act-emea", "EUR", "Europe/Berlin", 16.0, 0.011, (
        _c("EMEA_leadgen_operations_report", 160), _c("EMEA_leadgen_security_whitepaper", 140),
    ), ("desktop", "mobile")),
    Plan("microsoft_ads", "ms-1", "EUR", "America/New_York", 120.0, 0.04, (
        _c("NA_leadgen_devops_demo", 140, weekdays=True), _c("EMEA_leadgen_it-manager_trial", 110),
    ), ("desktop", "mobile")),
)

NAMING = {"pattern": "{region}_{objective}_{audience}_{offer}", "applies_to": "campaign_name"}


def build(path: Path, seed: int = 0) -> Path:
    """Write the clean workspace at ``path`` and return it."""
    init_workspace(path)
    cfg = path / "mille.yaml"
    doc = yaml.safe_load(cfg.read_text())
    doc["naming_convention"] = NAMING
    doc["fx"] = {"fixed": {"EUR": EUR_USD}}
    cfg.write_text(yaml.safe_dump(doc, sort_keys=False))
    rng = np.random.default_rng(seed)
    records: list[dict] = []
    ingests: list[dict] = []
    recons: list[dict] = []
    for plan in PLANS:
        records += _plan_rows(plan, rng, ingests, recons)
    leads = _crm(rng)
    versions = [
        {"metric": m, "version": f"v-{m}", "first_seen": datetime(2026, 6, 2, 8), "definition": '{"type": "ratio"}'}
        for m in ("cpm", "cpc", "ctr")
    ]
    with Workspace.open(path) as ws:
        ws.engine.insert("ad_performance", arrow("ad_performance", records))
        ws.engine.insert("ingests", arrow("ingests", ingests))
        ws.engine.insert("reconciliations", arrow("reconciliations", recons))
        ws.engine.insert("crm_leads", arrow("crm_leads", leads))
        ws.engine.insert("metric_versions", arrow("metric_versions", versions))
    return path


def _plan_rows(plan: Plan, rng: np.random.Generator, ingests: list, recons: list) -> list[dict]:
    out: list[dict] = []
    n_days = (END - START).days + 1
    all_days = np.array([START + timedelta(days=i) for i in range(n_days)])
    weekday = np.array([d.weekday() for d in all_days])
    fx = EUR_USD if plan.currency == "EUR" else 1.0
    devices = plan.devices or (None,)
    for name, budget, start, end, weekdays in plan.campaigns:
        cpm = plan.cpm * float(rng.lognormal(0, 0.15))
        ctr = plan.ctr * float(rng.lognormal(0, 0.15))
        live = (all_days >= start) & (all_days <= end)
        if weekdays:
            live &= weekday < 5
        level = np.where(weekday >= 5, 0.45, 1.0) * rng.gamma(25, 1 / 25, n_days)
        share = rng.dirichlet(np.full(len(devices), 8.0))
        for di, device in enumerate(devices):
            spend_usd = budget * level * share[di]
            impressions = rng.poisson(spend_usd / cpm * 1000)
            spend_usd = impressions * cpm / 1000 * rng.gamma(50, 1 / 50, n_days)
            clicks = rng.binomial(impressions, min(ctr, 0.5))
            conversions = rng.binomial(clicks, 0.04)
            keep = live & (impressions > 0)  # exports leave out days without delivery
            for i in np.flatnonzero(keep):
                month = all_days[i].month
                ingest = f"{plan.platform}-{plan.account}-{month}"
                spend_native = round(float(spend_usd[i]) / fx, 2)
                out.append({
                    "source_relation": f"{ingest}.csv", "source_type": "ui_export", "source_format": "synthetic",
                    "ingest_id": ingest, "file_hash": f"h-{ingest}", "row_number": len(out) + 1,
                    "level": "campaign", "date_day": all_days[i], "period_end": all_days[i], "granularity": "day",
                    "report_timezone": plan.timezone, "platform": plan.platform, "account_id": plan.account,
                    "account_name": f"Account {plan.account}", "campaign_id": f"{plan.account}:{name}",
                    "campaign_name": name, "currency": plan.currency, "device": device,
                    "spend": spend_native, "spend_reporting": round(spend_native * fx, 6),
                    "impressions": int(impressions[i]), "clicks": int(clicks[i]),
                    "conversions": float(conversions[i]), "leads": float(rng.binomial(conversions[i], 0.5)),
                })
    for month in range(START.month, END.month + 1):
        ingest = f"{plan.platform}-{plan.account}-{month}"
        rows = [r for r in out if r["ingest_id"] == ingest]
        first = date(2026, month, 1)
        ingests.append({
            "ingest_id": ingest, "started_at": datetime(2026, month, 28, 9), "source_relation": f"{ingest}.csv",
            "file_hash": f"h-{ingest}", "source_format": "synthetic", "target_table": "ad_performance",
            "platform": plan.platform, "account_ids": plan.account, "level": "campaign",
            "date_min": first, "date_max": (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1),
            "rows": len(rows), "spend": sum(r["spend"] for r in rows), "status": "ingested",
        })
        if plan.platform == "google_ads":
            total = round(sum(r["spend"] for r in rows), 2)
            recons.append({"ingest_id": ingest, "source_relation": f"{ingest}.csv", "total_label": "Total: Account",
                           "measure": "spend", "total_value": total, "rows_value": total, "difference": 0.0,
                           "reconciled": True})
    return out


def _crm(rng: np.random.Generator) -> list[dict]:
    sources = ("linkedin", "google", "facebook", "bing")
    out = []
    for i in range(400):
        day = START + timedelta(days=int(rng.integers(0, (END - START).days + 1)))
        out.append({"source_relation": "contacts.csv", "ingest_id": "crm-1", "file_hash": "h-crm", "row_number": i + 1,
                    "source_system": "hubspot", "lead_id": f"L{i}", "created_date": day,
                    "utm_source": sources[i % 4], "utm_medium": "paid_social" if i % 4 in (0, 2) else "cpc",
                    "utm_campaign": "NA_leadgen_csuite_demo" if i % 4 == 0 else None})
    return out
