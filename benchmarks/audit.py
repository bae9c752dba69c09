"""Benchmark: `audit()` over a 10-million-row workspace (issue 7: under 30 s here).

Generates a year of daily delivery for ~2,000 campaigns (7 ad groups × 2 devices each) across
five platforms and twenty accounts with numpy, writes it through the engine layer
(``ws.engine.insert`` of Arrow batches), plants known problems (an account gap, a duplicated
monthly export, campaign names breaking the convention, a file in micros), then times the full
audit and, in the same run, one plain DuckDB ``GROUP BY`` scan of the same table as a yardstick.

    .venv/bin/python benchmarks/audit.py                 # 10,000,000 rows in a temporary workspace
    .venv/bin/python benchmarks/audit.py --rows 2000000 --keep /tmp/audit-bench

It prints the seconds per phase, the audit/scan ratio, the slowest checks, and whether each
planted problem was found.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import yaml

from mille.analysis.audit import audit
from mille.workspace import Workspace, init_workspace

START = date(2025, 11, 1)
DAYS = 365
K = 14  # rows per campaign-day: 7 ad groups × 2 devices
PLATFORMS = ("google_ads", "linkedin_ads", "facebook_ads", "microsoft_ads", "tiktok_ads")
TIMEZONES = ("America/New_York", "UTC", "America/Chicago", "America/New_York", "UTC")
CPM = np.array([150.0, 45.0, 18.0, 120.0, 8.0])
CTR = np.array([0.05, 0.0055, 0.012, 0.04, 0.01])
ACCOUNTS = 20
GAP_ACCOUNT, GAP_DAYS = 7, (200, 203)
DUP_ACCOUNT, DUP_MONTH = 3, 6
MICROS_ACCOUNT = 12
BROKEN = 5  # campaigns with names outside the convention
REGIONS = ("NA", "EMEA", "APAC")
AUDIENCES = ("csuite", "vp-it", "it-director", "it-manager", "security", "devops", "finance", "operations")


def _dict(indices: np.ndarray, values: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), pa.array(values))


def _chunk(day0: int, n_days: int, campaigns: int, rng: np.random.Generator, names: list[str]) -> pa.Table:
    rows_per_day = campaigns * K
    n = n_days * rows_per_day
    idx = np.arange(n, dtype=np.int64)
    day = day0 + idx // rows_per_day
    campaign = (idx % rows_per_day) // K
    sub = idx % K
    account = campaign % ACCOUNTS
    platform = account % len(PLATFORMS)
    weekday = (np.datetime64(START) + day).astype("datetime64[D]").view("int64") % 7  # 0 = Thursday
    weekend = np.isin(weekday, (2, 3))  # Saturday, Sunday
    budget = (20 + (campaign % 37)) * np.where(weekend, 0.45, 1.0) * rng.gamma(20, 1 / 20, n)
    impressions = rng.poisson(budget / CPM[platform] * 1000 / K * 3)
    spend = np.round(impressions * CPM[platform] / 1000 * rng.gamma(40, 1 / 40, n), 2)
    clicks = rng.binomial(impressions, CTR[platform])
    conversions = rng.binomial(clicks, 0.04).astype(np.float64)
    month = (np.datetime64(START) + day).astype("datetime64[M]").view("int64") % 12
    ingest = account * 12 + month
    spend_native = np.where(account == MICROS_ACCOUNT, spend * 1e6, spend)
    dates = pa.array((np.datetime64(START) + day).astype("datetime64[D]"))
    ingests = [f"ing-{a}-{m}" for a in range(ACCOUNTS) for m in range(12)]
    return pa.table({
        "source_relation": _dict(ingest, [f"{i}.csv" for i in ingests]),
        "source_type": _dict(np.zeros(n), ["ui_export"]),
        "source_format": _dict(platform, [f"{p}_ui" for p in PLATFORMS]),
        "ingest_id": _dict(ingest, ingests),
        "file_hash": _dict(ingest, [f"h-{i}" for i in ingests]),
        "row_number": pa.array(idx + 1),
        "level": _dict(np.zeros(n), ["ad_group"]),
        "date_day": dates,
        "period_end": dates,
        "granularity": _dict(np.zeros(n), ["day"]),
        "report_timezone": _dict(platform, list(TIMEZONES)),
        "platform": _dict(platform, list(PLATFORMS)),
        "account_id": _dict(account, [f"acct-{a}" for a in range(ACCOUNTS)]),
        "account_name": _dict(account, [f"Account {a}" for a in range(ACCOUNTS)]),
        "campaign_id": _dict(campaign, [f"cmp-{c}" for c in range(campaigns)]),
        "campaign_name": _dict(campaign, names),
        "ad_group_id": _dict(campaign * 7 + sub // 2, [f"ag-{g}" for g in range(campaigns * 7)]),
        "device": _dict(sub % 2, ["desktop", "mobile"]),
        "currency": _dict(np.zeros(n), ["USD"]),
        "spend": pa.array(spend_native),
        "spend_reporting": pa.array(spend_native),
        "impressions": pa.array(impressions),
        "clicks": pa.array(clicks),
        "conversions": pa.array(conversions),
    })


def build(path: Path, rows: int, seed: int = 0) -> tuple[int, int]:
    init_workspace(path)
    cfg = path / "mille.yaml"
    doc = yaml.safe_load(cfg.read_text())
    doc["naming_convention"] = {"pattern": "{region}_{objective}_{audience}_{offer}"}
    cfg.write_text(yaml.safe_dump(doc, sort_keys=False))
    campaigns = max(rows // (DAYS * K), ACCOUNTS)
    names = [f"{REGIONS[c % 3]}_leadgen_{AUDIENCES[c % 8]}_offer{c}" for c in range(campaigns)]
    for c in range(BROKEN):
        names[c * 11 + 1] = f"Campaign {c} - FINAL v2"
    rng = np.random.default_rng(seed)
    written = 0
    with Workspace.open(path) as ws:
        step = max(1, 1_000_000 // (campaigns * K))
        for day0 in range(0, DAYS, step):
            chunk = _chunk(day0, min(step, DAYS - day0), campaigns, rng, names)
            ws.engine.insert("ad_performance", chunk)
            written += chunk.num_rows
        t = ws.engine.table("ad_performance")
        gap = (START + timedelta(days=GAP_DAYS[0]), START + timedelta(days=GAP_DAYS[1]))
        removed = ws.engine.delete("ad_performance", {"account_id": f"acct-{GAP_ACCOUNT}", "date_day": gap})
        dup = ws.engine.to_arrow(t.filter(t.ingest_id == f"ing-{DUP_ACCOUNT}-{DUP_MONTH}"))
        dup = dup.set_column(dup.column_names.index("ingest_id"), "ingest_id",
                             pa.array([f"copy-{DUP_ACCOUNT}"] * dup.num_rows))
        ws.engine.insert("ad_performance", dup)
    return written - removed + dup.num_rows, campaigns


def scan_baseline(ws: Workspace) -> float:
    """One plain DuckDB GROUP BY over the table: the cost of reading it once."""
    raw = ws.engine.raw()
    started = time.perf_counter()
    raw.execute(
        "SELECT platform, account_id, campaign_id, date_day, sum(spend), sum(impressions), sum(clicks) "
        "FROM ad_performance GROUP BY ALL"
    ).to_arrow_table()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="build the workspace here and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="mille-audit-bench-")) / "ws"
    if root.exists():
        shutil.rmtree(root)
    started = time.perf_counter()
    rows, campaigns = build(root, args.rows)
    print(f"workspace: {rows:,} rows, {campaigns:,} campaigns, {ACCOUNTS} accounts, {DAYS} days "
          f"({time.perf_counter() - started:.1f} s to generate and insert)")
    with Workspace.open(root, read_only=True) as ws:
        scan = scan_baseline(ws)
        started = time.perf_counter()
        result = audit(ws, as_of=START + timedelta(days=DAYS))
        seconds = time.perf_counter() - started
    print(f"audit: {seconds:.1f} s for {len(result.checks)} checks (target < 30 s: "
          f"{'met' if seconds < 30 else 'MISSED'}); one DuckDB GROUP BY scan: {scan:.2f} s; "
          f"audit / scan = {seconds / scan:.1f}×")
    print("slowest checks: " + ", ".join(
        f"{c.id} {c.seconds:.2f} s" for c in sorted(result.checks, key=lambda c: -c.seconds)[:5]))
    scores = sorted(x.score for x in result.score.sources)
    print(f"findings: {result.counts}; trust score {result.score.overall:.1f} overall (the account in "
          f"micros holds nearly all the spend), median source {scores[len(scores) // 2]:.1f}, "
          f"lowest {scores[0]:.1f}")
    checks = {f.check for f in result.findings}
    gap = [f for f in result.findings if f.check == "gaps.account_days" and f.account_id == f"acct-{GAP_ACCOUNT}"]
    planted = {
        "account gap": bool(gap) and gap[0].n_days == GAP_DAYS[1] - GAP_DAYS[0] + 1,
        "duplicated export": any(f.check == "overlaps.double_counted" and f.account_id == f"acct-{DUP_ACCOUNT}"
                                 for f in result.findings),
        "naming breaks": sum(f.check == "definitions.naming_convention" for f in result.findings) == BROKEN,
        "file in micros": any(f.check == "values.implausible_prices" and f.account_id == f"acct-{MICROS_ACCOUNT}"
                              for f in result.findings),
    }
    print("planted problems found: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in planted.items()))
    print(f"checks with findings: {', '.join(sorted(checks))}")
    if args.keep is None:
        shutil.rmtree(root.parent)


if __name__ == "__main__":
    main()
