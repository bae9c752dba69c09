"""`mille explain` on every engine: the split of a change against a pandas oracle, and the engines
against each other.

The fixture (tests/analysis/fixtures/explain/small.csv) has a planted story: from October,
LinkedIn × csuite costs 1.5 × more per impression; nothing was planted on clicks. The oracle
recomputes the figures from the CSV with the formulas of docs/explain.md ("The formulas"):
mixᵢ = (w₁ᵢ − w₀ᵢ)(r̄ᵢ − R̄), rateᵢ = w̄ᵢ(r₁ᵢ − r₀ᵢ), with shares w of the denominator.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from engine_corpus import (
    ENGINES,
    close,
    differences,
    explain_frame,
    explain_rows,
    require,
    workspace,
)

from mille.analysis.explain import explain
from mille.workspace import Workspace

CASES = {
    "cpm": dict(metric="cpm", before="2026-09", after="2026-10"),
    "ctr_two_dims": dict(metric="ctr", before="2026-09", after="2026-10", dims=["platform", "device"]),
}
RATIOS = {"cpm": ("spend", "impressions", 1000.0), "ctr": ("clicks", "impressions", 100.0)}
_RESULTS: dict[tuple[str, str], dict] = {}


def ws_for(engine: str, root: Path) -> Workspace:
    require(engine)
    return workspace(engine, "explain", explain_rows, root)


def run(engine: str, case: str, root: Path) -> dict:
    if (engine, case) not in _RESULTS:
        kwargs = dict(CASES[case])
        _RESULTS[engine, case] = json.loads(explain(ws_for(engine, root), kwargs.pop("metric"),
                                                    kwargs.pop("before"), kwargs.pop("after"), **kwargs).to_json())
    return _RESULTS[engine, case]


def split(df: pd.DataFrame, metric: str, dim: str) -> pd.DataFrame:
    """Per value of ``dim``: mix and rate of the change from September to October (the oracle)."""
    num, den, mult = RATIOS[metric]
    sums = df.groupby(["month", dim])[[num, den]].sum().unstack("month")
    n0, n1 = sums[(num, "2026-09")], sums[(num, "2026-10")]
    d0, d1 = sums[(den, "2026-09")], sums[(den, "2026-10")]
    big_r0, big_r1 = mult * n0.sum() / d0.sum(), mult * n1.sum() / d1.sum()
    w0, w1 = d0 / d0.sum(), d1 / d1.sum()
    r0, r1 = mult * n0 / d0, mult * n1 / d1
    return pd.DataFrame({
        "mix": (w1 - w0) * ((r0 + r1) / 2 - (big_r0 + big_r1) / 2),
        "rate": (w0 + w1) / 2 * (r1 - r0),
        "before": r0, "after": r1,
    })


@pytest.mark.parametrize("engine", ENGINES)
def test_headline_and_split_match_pandas(engine: str, corpus_root: Path) -> None:
    r = run(engine, "cpm", corpus_root)
    df = explain_frame()
    months = df.groupby("month")[["spend", "impressions"]].sum()
    for side, month in (("before", "2026-09"), ("after", "2026-10")):
        assert close(r[side]["numerator"], months.loc[month, "spend"])
        assert close(r[side]["denominator"], months.loc[month, "impressions"])
        assert close(r[side]["value"], 1000 * months.loc[month, "spend"] / months.loc[month, "impressions"])
    assert close(r["change"], r["after"]["value"] - r["before"]["value"])
    d = r["decomposition"]
    assert close(d["mix"] + d["rate"] + d["no_base"], r["change"])
    assert close(d["numerator"] + d["denominator"], r["change"])
    assert {p["dimension"] for p in d["by_dimension"]} == {"platform", "device", "audience"}
    for part in d["by_dimension"]:
        want = split(df, "cpm", part["dimension"])
        assert close(part["mix"], float(want["mix"].sum())), part["dimension"]
        assert close(part["rate"], float(want["rate"].sum())), part["dimension"]
        for seg in part["segments"]:
            row = want.loc[seg["value"]]
            assert close(seg["mix"], float(row["mix"])), (part["dimension"], seg["value"])
            assert close(seg["rate"], float(row["rate"])), (part["dimension"], seg["value"])
            assert close(seg["after"]["value"], float(row["after"])), (part["dimension"], seg["value"])


@pytest.mark.parametrize("engine", ENGINES)
def test_the_planted_cause_and_only_it(engine: str, corpus_root: Path) -> None:
    r = run(engine, "cpm", corpus_root)
    df = explain_frame()
    assert [(c["segment"], c["effect"]) for c in r["causes"]] == [({"platform": "linkedin_ads", "audience": "csuite"}, "rate")]
    cause = r["causes"][0]
    seg = df[(df.platform == "linkedin_ads") & (df.audience == "csuite")].groupby("month")[["spend", "impressions"]].sum()
    for side, month in (("before", "2026-09"), ("after", "2026-10")):
        assert close(cause[side]["value"], 1000 * seg.loc[month, "spend"] / seg.loc[month, "impressions"])
    assert close(cause["share_of_change"], cause["contribution"] / r["change"])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_rate_that_did_not_move_moves_only_by_mix(engine: str, corpus_root: Path) -> None:
    """Nothing was planted on clicks: CTR moves only because LinkedIn, dearer, bought fewer
    impressions (a smaller share of the denominator) — a mix cause, never a rate cause."""
    r = run(engine, "ctr_two_dims", corpus_root)
    df = explain_frame()
    months = df.groupby("month")[["clicks", "impressions"]].sum()
    ctr = 100 * months["clicks"] / months["impressions"]
    assert close(r["change"], float(ctr["2026-10"] - ctr["2026-09"]))
    assert [(c["segment"], c["effect"]) for c in r["causes"]] == [({"platform": "linkedin_ads"}, "mix")]
    want = split(df, "ctr", "platform")
    assert want.loc["linkedin_ads", "mix"] * r["causes"][0]["contribution"] > 0  # same direction
    for part in r["decomposition"]["by_dimension"]:
        want = split(df, "ctr", part["dimension"])
        assert close(part["mix"], float(want["mix"].sum())), part["dimension"]
        assert close(part["rate"], float(want["rate"].sum())), part["dimension"]


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_spark_equals_duckdb(case: str, corpus_root: Path) -> None:
    """The whole explanation: figures, intervals, causes, narrative."""
    duck = run("duckdb", case, corpus_root)
    spark = run("spark", case, corpus_root)
    assert differences(duck, spark) == []
