"""`mille audit` on every engine: planted problems found with the figures pandas finds, and the
engines against each other.

The rows come from the audit tests' own builders (tests/analysis/audit/audit_rows.py): two
Meta accounts and a LinkedIn account over September–October 2026 with noisy delivery, and these
planted problems, each re-found by the pandas oracle from the rows themselves:

* account act-1 has no rows 13–16 October (a gap);
* three days with spend but no impressions, one row with more clicks than impressions, one row
  with negative spend;
* the LinkedIn campaign's 1–10 October arrived twice, once per campaign and once per ad (the
  same spend counted twice);
* one Meta row appears twice in its export (an identical row).
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from engine_corpus import ENGINES, close, differences, require, workspace

from mille.analysis.audit import audit
from mille.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis" / "audit"))
from audit_rows import ad_row, arrow, days

AS_OF = date(2026, 11, 2)
SEP1, OCT31 = date(2026, 9, 1), date(2026, 10, 31)
GAP = days(date(2026, 10, 13), date(2026, 10, 16))
NO_DELIVERY = [date(2026, 9, 5), date(2026, 9, 6), date(2026, 10, 20)]
CONVENTION = {"pattern": "{region}_{objective}_{audience}_{offer}"}
_RESULT: dict[str, dict] = {}


def records() -> list[dict]:
    rng = np.random.default_rng(11)
    rows: list[dict] = []
    for account, campaign, platform, price in (("act-1", "c-1", "facebook_ads", 20.0),
                                               ("act-2", "c-2", "facebook_ads", 24.0),
                                               ("li-1", "c-li", "linkedin_ads", 45.0)):
        for day in days(SEP1, OCT31, skip=GAP if account == "act-1" else ()):
            impressions = int(rng.poisson(6000))
            clicks = int(rng.binomial(impressions, 0.01))
            spend = round(impressions / 1000 * price * float(rng.gamma(40, 1 / 40)), 2)
            if account == "act-2" and day in NO_DELIVERY:
                impressions, clicks = 0, 0
            rows.append(ad_row(day, platform=platform, account_id=account, account_name=account.upper(),
                               campaign_id=campaign, campaign_name="NA_leadgen_csuite_demo",
                               spend=spend, impressions=impressions, clicks=clicks, conversions=0.0, leads=0.0,
                               source_relation=f"{account}.csv", ingest_id=f"ing-{account}"))
    by_key = {(r["account_id"], r["date_day"]): r for r in rows}
    by_key["act-2", date(2026, 9, 12)]["clicks"] = by_key["act-2", date(2026, 9, 12)]["impressions"] + 7
    by_key["act-1", date(2026, 10, 2)].update(spend=-35.0, spend_reporting=-35.0)
    rows.append(dict(by_key["act-2", date(2026, 10, 8)]))  # the identical row
    for day in days(date(2026, 10, 1), date(2026, 10, 10)):  # LinkedIn per ad, again
        campaign_row = by_key["li-1", day]
        for k, share in enumerate((0.6, 0.4)):
            rows.append(dict(campaign_row, level="ad", ad_id=f"ad-{k}", ingest_id="ing-li-ads",
                             source_relation="li-ads.csv", spend=round(campaign_row["spend"] * share, 2),
                             spend_reporting=round(campaign_row["spend"] * share, 2),
                             impressions=campaign_row["impressions"] // 2))
    for i, r in enumerate(rows, 1):
        r["row_number"] = i
        r["spend_reporting"] = r["spend"]
        r["date_day"] = r["period_end"] = r["date_day"]
    return rows


def rows_table() -> pa.Table:
    return arrow("ad_performance", records())


def frame() -> pd.DataFrame:
    return pd.DataFrame(records())


def run(engine: str, root: Path) -> dict:
    require(engine)
    if engine not in _RESULT:
        ws: Workspace = workspace(engine, "audit", rows_table, root, naming_convention=CONVENTION)
        _RESULT[engine] = json.loads(audit(ws, as_of=AS_OF).to_json())
    return _RESULT[engine]


def findings(r: dict, check: str) -> list[dict]:
    return [f for f in r["findings"] if f["check"] == check]


def day_list(ranges: list[dict]) -> list[date]:
    out: list[date] = []
    for d in ranges:
        start, end = date.fromisoformat(d["start"]), date.fromisoformat(d["end"])
        out += [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return out


# -- the tests ----------------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_account_gap_matches_pandas(engine: str, corpus_root: Path) -> None:
    r = run(engine, corpus_root)
    df = frame()
    held = df[df.account_id == "act-1"]["date_day"]
    every = pd.date_range(held.min(), held.max()).date
    missing = sorted(set(every) - set(held))
    [gap] = findings(r, "gaps.account_days")
    assert gap["account_id"] == "act-1" and gap["severity"] == "error"
    assert day_list(gap["days"]) == missing == GAP


@pytest.mark.parametrize("engine", ENGINES)
def test_row_level_problems_match_pandas(engine: str, corpus_root: Path) -> None:
    r = run(engine, corpus_root)
    df = frame()
    oracle = {
        "gaps.spend_without_impressions": df[(df.spend > 0) & (df.impressions == 0)],
        "values.clicks_over_impressions": df[df.clicks > df.impressions],
        "values.negative": df[df.spend < 0],
    }
    for check, rows in oracle.items():
        found = findings(r, check)
        assert found, check
        assert sorted(d for f in found for d in day_list(f["days"])) == sorted(rows["date_day"]), check
        assert {f["account_id"] for f in found} == set(rows["account_id"]), check
    [no_delivery] = findings(r, "gaps.spend_without_impressions")
    assert close(no_delivery["spend"], float(oracle["gaps.spend_without_impressions"]["spend"].sum()))


@pytest.mark.parametrize("engine", ENGINES)
def test_double_counts_match_pandas(engine: str, corpus_root: Path) -> None:
    r = run(engine, corpus_root)
    df = frame()
    [twice] = findings(r, "overlaps.double_counted")
    ads = df[df.ingest_id == "ing-li-ads"]
    campaign = df[(df.ingest_id == "ing-li-1") & df.date_day.isin(set(ads.date_day))]
    # per day both exports hold the day's spend: the smaller of the two levels is counted twice
    per_day = pd.concat([ads.groupby("date_day")["spend"].sum(), campaign.groupby("date_day")["spend"].sum()], axis=1)
    assert twice["account_id"] == "li-1"
    assert day_list(twice["days"]) == sorted(ads["date_day"].unique())
    assert close(twice["spend"], float(per_day.min(axis=1).sum()), rel=1e-6)
    [copy] = findings(r, "overlaps.duplicate_rows")
    dup = df[df.duplicated(subset=["account_id", "campaign_id", "date_day", "level", "ad_id", "spend"], keep="first")]
    assert day_list(copy["days"]) == list(dup["date_day"]) and close(copy["spend"], float(dup["spend"].sum()))


@pytest.mark.spark
@pytest.mark.slow
def test_spark_equals_duckdb(corpus_root: Path) -> None:
    """Every finding, score and source row; only the checks' timings differ."""
    assert differences(run("duckdb", corpus_root), run("spark", corpus_root)) == []
