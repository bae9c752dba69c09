"""`mille explain --data FILE` end to end on a small hand-made fixture: the JSON contract (golden),
figures checked against pandas, formats, invariances and the errors a user can cause."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pandas as pd
import pytest

from mille.analysis.explain import explain
from mille.errors import InputError, MetricError, QueryError

FIXTURES = Path(__file__).parent / "fixtures" / "explain"
SMALL = FIXTURES / "small.csv"  # 3 platforms × 2 devices × 3 audiences, 8 days of Sep and Oct 2026
GOLDEN = FIXTURES / "golden_cpm.json"
# The planted story of small.csv: from October, LinkedIn × csuite costs 1.5 × more per impression.


def _rounded(value):
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items() if k != "source"}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def test_golden_json(cli):
    code, out, err = cli("explain", "cpm", "--before", "2026-09", "--after", "2026-10",
                         "--data", str(SMALL), "--format", "json")
    assert code == 0, err
    got = _rounded(json.loads(out))
    if os.environ.get("MILLE_REGEN_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_contract_fields_and_figures_match_pandas():
    r = json.loads(explain(SMALL, "cpm", "2026-09", "2026-10").to_json())
    for key in ("metric", "before", "after", "change", "decomposition", "causes"):
        assert key in r
    for key in ("value", "numerator", "denominator"):
        assert key in r["before"] and key in r["after"]
    assert {"mix", "rate"} <= set(r["decomposition"])
    assert r["measurement"] == []  # the hook the audit will fill (docs/explain.md)
    # Oracle: CPM = 1000 × Σ spend / Σ impressions per month, from pandas.
    df = pd.read_csv(SMALL)
    month = df["date_day"].str[:7]
    sums = df.groupby(month)[["spend", "impressions"]].sum()
    cpm = 1000 * sums["spend"] / sums["impressions"]
    assert math.isclose(r["before"]["value"], cpm["2026-09"], rel_tol=1e-12)
    assert math.isclose(r["after"]["value"], cpm["2026-10"], rel_tol=1e-12)
    assert math.isclose(r["before"]["numerator"], sums.loc["2026-09", "spend"], rel_tol=1e-12)
    assert r["after"]["denominator"] == sums.loc["2026-10", "impressions"]
    d = r["decomposition"]
    assert math.isclose(d["mix"] + d["rate"] + d["no_base"], r["change"], rel_tol=1e-9)
    assert math.isclose(d["numerator"] + d["denominator"], r["change"], rel_tol=1e-9)
    # The planted cause, and only it.
    assert [(c["segment"], c["effect"]) for c in r["causes"]] == [
        ({"platform": "linkedin_ads", "audience": "csuite"}, "rate")
    ]
    cause = r["causes"][0]
    seg = df[(df.platform == "linkedin_ads") & (df.audience == "csuite")]
    seg_sums = seg.groupby(seg["date_day"].str[:7])[["spend", "impressions"]].sum()
    assert math.isclose(cause["after"]["value"],
                        1000 * seg_sums.loc["2026-10", "spend"] / seg_sums.loc["2026-10", "impressions"],
                        rel_tol=1e-12)
    assert math.isclose(cause["share_of_change"], cause["contribution"] / r["change"], rel_tol=1e-12)
    lo, hi = cause["interval"]
    assert lo < cause["contribution"] < hi


def test_filter_keeps_only_matching_rows():
    r = explain(SMALL, "cpm", "2026-09", "2026-10", filter="platform = 'linkedin_ads'")
    df = pd.read_csv(SMALL)
    li = df[df.platform == "linkedin_ads"]
    sums = li.groupby(li["date_day"].str[:7])[["spend", "impressions"]].sum()
    assert math.isclose(r.after.value, 1000 * sums.loc["2026-10", "spend"] / sums.loc["2026-10", "impressions"],
                        rel_tol=1e-12)
    assert r.filter == "platform = 'linkedin_ads'"
    assert [c.segment for c in r.causes] == [{"audience": "csuite"}]  # within LinkedIn


def test_within_noise_metric_has_no_causes_and_says_so():
    r = explain(SMALL, "ctr", "2026-09", "2026-10")  # nothing was planted on clicks
    assert r.causes == [] and r.within_noise
    assert "within noise" in r.summary


def test_table_and_csv_formats(cli):
    code, out, _ = cli("explain", "cpm", "--before", "2026-09", "--after", "2026-10", "--data", str(SMALL))
    assert code == 0
    first = out.strip().splitlines()[0]
    assert first.startswith("CPM rose 4 %") and "LinkedIn Ads × csuite getting dearer (rate)" in out
    assert "Causes" in out and "Exact split" in out
    code, out, _ = cli("explain", "cpm", "--before", "2026-09", "--after", "2026-10", "--data", str(SMALL),
                       "--format", "csv")
    assert code == 0
    header, row = out.splitlines()[:2]
    assert header.startswith("kind,segment,effect,contribution")
    assert row.startswith("cause,platform=linkedin_ads & audience=csuite,rate,")


def test_row_order_and_value_names_do_not_change_the_answer(tmp_path):
    base = explain(SMALL, "cpm", "2026-09", "2026-10")
    df = pd.read_csv(SMALL).sample(frac=1.0, random_state=3)
    shuffled = tmp_path / "shuffled.parquet"
    df.to_parquet(shuffled)
    again = explain(shuffled, "cpm", "2026-09", "2026-10")
    assert [c.segment for c in again.causes] == [c.segment for c in base.causes]
    assert math.isclose(again.change, base.change, rel_tol=1e-12)
    renamed = df.assign(audience=df["audience"].map({"csuite": "zz-exec", "it": "aa-it", "finance": "mm-fin"}),
                        device=df["device"].str.upper())
    path = tmp_path / "renamed.csv"
    renamed.to_csv(path, index=False)
    third = explain(path, "cpm", "2026-09", "2026-10")
    assert [c.segment for c in third.causes] == [{"platform": "linkedin_ads", "audience": "zz-exec"}]
    assert math.isclose(third.causes[0].contribution, base.causes[0].contribution, rel_tol=1e-9)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cpmm", "--before", "2026-09", "--after", "2026-10"], "unknown metric `cpmm`"),
        (["cpm", "--before", "2026-09", "--after", "2026-10", "--dims", "platfrom"], "cannot segment by `platfrom`"),
        (["cpm", "--before", "2026-09", "--after", "2026-09-15:2026-10-15"], "the periods overlap"),
        (["cpm", "--before", "2026-13", "--after", "2026-10"], "has no month 13"),
    ],
)
def test_user_errors_exit_2_with_one_clear_message(cli, args, message):
    code, out, err = cli("explain", *args, "--data", str(SMALL))
    assert code == 2
    assert message in err and out == ""


def test_a_file_without_date_day_names_the_file_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("day,platform,spend,impressions\n2026-09-01,x,1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        explain(bad, "cpm", "2026-09", "2026-10")
    assert info.value.file == str(bad) and info.value.column == "date_day"


def test_missing_measure_column_and_empty_period_are_clear(tmp_path):
    no_impr = tmp_path / "no_impr.csv"
    pd.read_csv(SMALL).drop(columns=["impressions"]).to_csv(no_impr, index=False)
    with pytest.raises(InputError, match="no column for the measure `impressions`"):
        explain(no_impr, "cpm", "2026-09", "2026-10")
    with pytest.raises(QueryError, match="no rows in the before period"):
        explain(SMALL, "cpm", "2025-01", "2026-10")


def test_a_derived_metric_is_refused():
    from mille.analysis.comparison import measures_of
    from mille.metrics import Metric, load_catalogue

    derived = Metric(name="cpc_per_cpm", label="CPC/CPM", description="test", type="derived",
                     expression="cpc / cpm")
    with pytest.raises(MetricError, match="derived"):
        measures_of(load_catalogue(None), derived)
