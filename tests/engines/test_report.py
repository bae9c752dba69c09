"""`mille report` on every engine: figures against a pandas oracle, and the engines against each other.

The oracle reads the fixture CSV with pandas and applies the written rules of docs/report.md:
a ratio is multiplier × Σ numerator / Σ denominator over the rows of the cell, a row spanning
several days counts in a period only when its whole span lies inside it, "days" are the days with
any activity, the tail beyond ``top`` is summed into "other".
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from engine_corpus import ENGINES, close, differences, report_frame, report_rows, require, workspace

from mille.analysis.breakdown import report
from mille.workspace import Workspace

# name → (numerator column, denominator column, multiplier), written out from docs/metrics.md
RATIOS = {"cpm": ("spend", "impressions", 1000.0), "cpc": ("spend", "clicks", 1.0),
          "ctr": ("clicks", "impressions", 100.0), "cost_per_lead": ("lead_form_spend", "leads", 1.0)}
LEAD_FORM_PLATFORMS = ("linkedin_ads", "facebook_ads")
OCT, SEP, AUG = (date(2026, 10, 1), date(2026, 10, 31)), (date(2026, 9, 1), date(2026, 9, 30)), (date(2026, 8, 1), date(2026, 8, 31))

CASES = {
    # the default: headline metrics, last complete month against the one before, a weekly series
    "platform_country": dict(by="platform,country", grain="week"),
    # the best device by CTR kept, the rest as "other", against August
    "device_top": dict(metrics="cpm,ctr,cpc,cost_per_lead", by="device", period="2026-10",
                       compare="2026-08", top=1, rank_by="ctr"),
    # a user filter, one dimension beneath it
    "google_network": dict(metrics="cpm,ctr,spend", by="network", filter="platform = 'google_ads'"),
}
_RESULTS: dict[tuple[str, str], dict] = {}


def ws_for(engine: str, root: Path) -> Workspace:
    require(engine)
    return workspace(engine, "report", report_rows, root)


def run(engine: str, case: str, root: Path) -> dict:
    if (engine, case) not in _RESULTS:
        kwargs = dict(CASES[case])
        metrics = kwargs.pop("metrics", None)
        _RESULTS[engine, case] = json.loads(report(ws_for(engine, root), metrics, **kwargs).to_json())
    return _RESULTS[engine, case]


# -- the oracle ---------------------------------------------------------------------------------
def frame() -> pd.DataFrame:
    df = report_frame()
    df["lead_form_spend"] = df["spend"].where(df["platform"].isin(LEAD_FORM_PLATFORMS), 0.0)
    return df


def within(df: pd.DataFrame, period: tuple[date, date]) -> pd.DataFrame:
    start, end = (pd.Timestamp(d) for d in period)
    return df[(df["date_day"] >= start) & (df["period_end"] <= end)]


def expected(rows: pd.DataFrame) -> dict:
    sums = {c: float(rows[c].sum()) for c in ("spend", "impressions", "clicks", "leads", "lead_form_spend")}
    per_day = rows.groupby("date_day")[["spend", "impressions", "clicks", "leads", "conversions"]].sum()
    out = {"sums": sums, "days": int((per_day != 0).any(axis=1).sum()), "ratios": {}}
    for name, (num, den, mult) in RATIOS.items():
        out["ratios"][name] = (sums[num], sums[den], mult * sums[num] / sums[den] if sums[den] else None)
    return out


def check_cell(cell: dict, rows: pd.DataFrame, metrics: list[str], *, days: bool = True) -> None:
    want = expected(rows)
    base = cell["current"]
    for measure in ("spend", "impressions", "clicks"):
        assert close(base["sums"][measure], want["sums"][measure]), (cell["label"], measure)
    if days:
        assert base["days"] == want["days"], cell["label"]
    for name in metrics:
        got = cell["metrics"][name]["current"]
        if name in RATIOS:
            num, den, value = want["ratios"][name]
            assert close(got["numerator"], num) and close(got["denominator"], den), (cell["label"], name)
            assert (got["value"] is None) if value is None else close(got["value"], value), (cell["label"], name)
        else:
            assert close(got["value"], want["sums"][name]), (cell["label"], name)


def segment_rows(df: pd.DataFrame, segment: dict) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    for dim, value in segment.items():
        mask &= df[dim].isna() if value is None else (df[dim] == value)
    return df[mask]


# -- the tests ----------------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_segments_and_total_match_pandas(engine: str, corpus_root: Path) -> None:
    r = run(engine, "platform_country", corpus_root)
    df = frame()
    oct_rows, sep_rows = within(df, OCT), within(df, SEP)
    assert r["period"]["start"] == "2026-10-01" and r["compare"]["start"] == "2026-09-01"
    segments = {tuple(sorted(c["segment"].items(), key=str)) for c in r["cells"]}
    # every (platform, country) with rows in October or September, country None included
    both = pd.concat([oct_rows, sep_rows])
    want_segments = {tuple(sorted({"platform": p, "country": None if pd.isna(c) else c}.items(), key=str))
                     for p, c in both[["platform", "country"]].drop_duplicates().itertuples(index=False)}
    assert segments == want_segments
    metrics = [m["name"] for m in r["metrics"]]
    assert {"cpm", "ctr", "cpc", "spend"} <= set(metrics)
    for cell in r["cells"]:
        check_cell(cell, segment_rows(oct_rows, cell["segment"]), metrics)
        prev = segment_rows(sep_rows, cell["segment"])
        assert close(cell["previous"]["sums"]["spend"], float(prev["spend"].sum()))
    check_cell(r["total"], oct_rows, metrics)
    # the change of the total CPM, from the two months' sums
    cpm_now = 1000 * oct_rows["spend"].sum() / oct_rows["impressions"].sum()
    cpm_before = 1000 * sep_rows["spend"].sum() / sep_rows["impressions"].sum()
    change = r["total"]["metrics"]["cpm"]["change"]
    assert close(change["absolute"], cpm_now - cpm_before)
    assert close(change["relative"], cpm_now / cpm_before - 1)


@pytest.mark.parametrize("engine", ENGINES)
def test_weekly_series_matches_pandas(engine: str, corpus_root: Path) -> None:
    r = run(engine, "platform_country", corpus_root)
    df = frame()
    series = r["series"]
    assert series["grain"] == "week"
    span = tuple(date.fromisoformat(r["series_span"][key]) for key in ("start", "end"))
    checked = 0
    for k, kind in enumerate(series["kind"]):
        if kind != "total":
            continue
        start, end = (date.fromisoformat(series[key][k]) for key in ("period_start", "period_end"))
        # a partial bucket holds only what lies inside the series' span
        rows = within(df, (max(start, span[0]), min(end, span[1])))
        cpm = series["metrics"]["cpm"]
        assert close(series["base"]["spend"][k], float(rows["spend"].sum())), start
        assert close(cpm["numerator"][k], float(rows["spend"].sum())), start
        assert close(cpm["denominator"][k], float(rows["impressions"].sum())), start
        assert close(cpm["value"][k], 1000 * rows["spend"].sum() / rows["impressions"].sum()), start
        checked += 1
    assert checked >= 12  # August to October, week by week


@pytest.mark.parametrize("engine", ENGINES)
def test_top_and_other_match_pandas(engine: str, corpus_root: Path) -> None:
    r = run(engine, "device_top", corpus_root)
    df = frame()
    oct_rows = within(df, OCT)
    kinds = [c["kind"] for c in r["cells"]]
    assert kinds == ["segment", "other"]
    best = r["cells"][0]
    # the kept device is the one with the best (highest) CTR; shrinkage cannot reorder two
    # devices this far apart
    ctr = oct_rows.groupby("device", dropna=False).apply(lambda g: g["clicks"].sum() / g["impressions"].sum())
    assert best["segment"] == {"device": ctr.idxmax()}
    check_cell(best, segment_rows(oct_rows, best["segment"]), ["cpm", "ctr", "cpc", "cost_per_lead"])
    rest = oct_rows[~oct_rows.index.isin(segment_rows(oct_rows, best["segment"]).index)]
    check_cell(r["cells"][1], rest, ["cpm", "ctr", "cpc", "cost_per_lead"], days=False)
    assert r["cells"][1]["members"] == oct_rows["device"].nunique(dropna=False) - 1
    aug = within(df, AUG)
    assert close(r["total"]["previous"]["sums"]["impressions"], float(aug["impressions"].sum()))


@pytest.mark.parametrize("engine", ENGINES)
def test_filter_matches_pandas(engine: str, corpus_root: Path) -> None:
    r = run(engine, "google_network", corpus_root)
    df = frame()
    google = within(df[df["platform"] == "google_ads"], OCT)
    assert {c["segment"]["network"] for c in r["cells"]} == {"search", "display"}
    for cell in r["cells"]:
        check_cell(cell, segment_rows(google, cell["segment"]), ["cpm", "ctr", "spend"])
    check_cell(r["total"], google, ["cpm", "ctr", "spend"])


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_spark_equals_duckdb(case: str, corpus_root: Path) -> None:
    """Every figure of the result, intervals, ranks, warnings and series included."""
    duck = run("duckdb", case, corpus_root)
    spark = run("spark", case, corpus_root)
    assert differences(duck, spark) == []


# -- the headline (mille demo, the dashboard) and the glossary's live figures --------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_headline_and_glossary_figures_match_pandas(engine: str, corpus_root: Path) -> None:
    from mille.analysis.glossary import glossary_page
    from mille.analysis.headline import headline

    ws = ws_for(engine, corpus_root)
    df = frame()
    octo, sept = within(df, OCT), within(df, SEP)
    head = json.loads(headline(ws).to_json())
    page = json.loads(glossary_page(ws, "cpm", record=False).to_json())
    _RESULTS[engine, "headline"], _RESULTS[engine, "glossary"] = head, page
    text = json.dumps(head)
    for value in (1000 * octo.spend.sum() / octo.impressions.sum(), 1000 * sept.spend.sum() / sept.impressions.sum()):
        assert _mentions(head, value), (engine, value, text[:300])
    live = page["live"]
    assert close(live["total"]["value"], 1000 * octo.spend.sum() / octo.impressions.sum())
    for cell in live["platforms"]:
        rows = octo[octo.platform == cell["platform"]]
        assert close(cell["value"], 1000 * rows.spend.sum() / rows.impressions.sum()), cell["platform"]


def _mentions(doc: object, value: float) -> bool:
    """Whether any number in a JSON document equals ``value`` (to 1e-9 relative)."""
    if isinstance(doc, dict):
        return any(_mentions(v, value) for v in doc.values())
    if isinstance(doc, list):
        return any(_mentions(v, value) for v in doc)
    return isinstance(doc, float) and close(doc, value)


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("case", ["headline", "glossary"])
def test_spark_headline_and_glossary_equal_duckdb(case: str, corpus_root: Path) -> None:
    for engine in ("duckdb", "spark"):
        if (engine, case) not in _RESULTS:
            test_headline_and_glossary_figures_match_pandas(engine, corpus_root)
    assert differences(_RESULTS["duckdb", case], _RESULTS["spark", case]) == []
