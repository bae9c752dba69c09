"""Invariants of definitions and values, checked on generated inputs (Hypothesis).

* load → dump → load gives back the same definitions (and dumping again gives the same text);
* a version depends on what a definition computes, not on how it is written;
* a ratio over a whole table is the ratio of the sums of its segments' numerators and
  denominators, for any split into segments.
"""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mille.metrics import Catalogue, Metric, MetricQuery, load_catalogue, load_text
from mille.metrics.catalogue import builtin_path
from mille.metrics.files import dump_definitions, read_file
from mille.schema import AD_PERFORMANCE

BASE = load_catalogue()
MEASURES = sorted(n for n, m in BASE.measures.items() if m.table == "ad_performance")  # CRM measures: tests/crm
STRING_DIMS = ["platform", "device", "country", "campaign_name", "audience", "network"]
NUMERIC = ["impressions", "clicks", "spend", "conversions"]

# Text people type into labels and descriptions, including what YAML likes to reinterpret.
tricky_words = st.sampled_from(
    ["yes", "no", "on", "off", "null", "~", "true", "1.5", "0x1F", "1e3", "2026-09-01", "- item",
     ": colon", "# hash", "'quoted'", '"double"', "& anchor", "* alias", "!tag", "%percent", "@at",
     "`tick`", "{brace}", "[bracket]", "a: b", "ünïcødé", "日本語", "emoji 📈", "tab\there", ""]
)
prose = st.one_of(
    tricky_words,
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=40),
).map(lambda s: s.strip() or "text")
names = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True).filter(lambda n: n not in BASE.metrics)
literal_text = st.text(st.sampled_from(list("abcXYZ _-%'0123456789éü")), min_size=0, max_size=12)


@st.composite
def filters(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["eq", "in", "like", "num", "null", "between"]))
        col = draw(st.sampled_from(STRING_DIMS))
        quoted = "'" + draw(literal_text).replace("'", "''") + "'"
        if kind == "eq":
            parts.append(f"{col} {draw(st.sampled_from(['=', '!=', '<>']))} {quoted}")
        elif kind == "in":
            values = ", ".join("'" + v.replace("'", "''") + "'" for v in draw(st.lists(literal_text, min_size=1, max_size=4)))
            parts.append(f"{col} {draw(st.sampled_from(['IN', 'NOT IN']))} ({values})")
        elif kind == "like":
            parts.append(f"{col} {draw(st.sampled_from(['LIKE', 'ILIKE', 'NOT LIKE']))} {quoted}")
        elif kind == "num":
            parts.append(f"{draw(st.sampled_from(NUMERIC))} {draw(st.sampled_from(['>', '>=', '<', '<=']))} {draw(st.integers(-5, 10**6))}")
        elif kind == "null":
            parts.append(f"{col} IS {draw(st.sampled_from(['', 'NOT ']))}NULL")
        else:
            lo = draw(st.integers(0, 1000))
            parts.append(f"{draw(st.sampled_from(NUMERIC))} BETWEEN {lo} AND {lo + draw(st.integers(0, 1000))}")
    joiner = draw(st.sampled_from([" AND ", " OR "]))
    text = joiner.join(parts)
    return f"NOT ({text})" if draw(st.booleans()) else text


@st.composite
def metrics(draw: st.DrawFn) -> Metric:
    kind = draw(st.sampled_from(["simple", "ratio", "derived"]))
    data: dict = {
        "name": draw(names),
        "label": draw(prose),
        "description": draw(prose),
        "type": kind,
        "unit": draw(st.sampled_from(["currency", "count", "percent", "ratio", "number"])),
        "direction": draw(st.sampled_from(["higher_is_better", "lower_is_better", "neutral"])),
        "owner": draw(prose),
        "review_cadence": draw(st.sampled_from(["weekly", "monthly", "quarterly", "half-yearly", "yearly"])),
        "caveats": draw(st.lists(prose, max_size=3)),
        "what_moves_it": draw(st.lists(prose, max_size=3)),
        "how_to_read": draw(prose),
        "related": draw(st.lists(st.sampled_from(sorted(BASE.metrics)), max_size=3, unique=True)),
        "headline": draw(st.booleans()),
        "display": {"decimals": draw(st.integers(0, 6)), "suffix": draw(st.sampled_from(["", " %", " pts"]))},
    }
    if draw(st.booleans()):
        data["last_reviewed"] = draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
    if kind == "simple":
        data["measure"] = draw(st.sampled_from(MEASURES))
    elif kind == "ratio":
        data["numerator"] = draw(st.sampled_from(MEASURES))
        data["denominator"] = draw(st.sampled_from(MEASURES))
        data["multiplier"] = draw(st.sampled_from([1.0, 100.0, 1000.0, 0.5, 1e6]))
        data["min_base"] = draw(st.integers(0, 10_000))
        data["interval"] = draw(st.sampled_from(["wilson", "delta", "none"]))
    else:
        a, b = draw(st.lists(st.sampled_from(["cpm", "cpc", "ctr", "spend"]), min_size=2, max_size=2))
        data["expression"] = draw(st.sampled_from([f"{a} / {b}", f"({a} - {b}) * 2", f"-{a} + 1.5 * {b}"]))
    if kind != "derived" and draw(st.booleans()):
        data["filters"] = draw(st.lists(filters(), min_size=1, max_size=2))
    return Metric.model_validate(data)


def _versions(cat: Catalogue, names: list[str]) -> dict[str, str]:
    return {n: cat.version(n) for n in names}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(metrics(), min_size=1, max_size=4, unique_by=lambda m: m.name))
def test_yaml_round_trip(defs: list[Metric]) -> None:
    text = dump_definitions(metrics=defs)
    cat = load_text(text)
    for m in defs:
        assert cat.metrics[m.name] == m
    again = dump_definitions(metrics=[cat.metrics[m.name] for m in defs])
    assert again == text
    assert _versions(load_text(again), [m.name for m in defs]) == _versions(cat, [m.name for m in defs])


def test_builtin_catalogue_round_trips() -> None:
    cat = load_catalogue()
    text = dump_definitions(cat.measures.values(), cat.metrics.values())
    empty = Catalogue()
    again = load_text(text, base=empty)
    assert again.measures == cat.measures and again.metrics == cat.metrics
    assert _versions(again, list(cat.metrics)) == _versions(cat, list(cat.metrics))
    assert read_file(builtin_path()).data["metrics"][0]["name"] == "spend"


@settings(max_examples=60, deadline=None)
@given(filters(), st.randoms(use_true_random=False))
def test_version_ignores_how_a_filter_is_written(text: str, rnd) -> None:
    # Re-space the filter and change keyword case: same computation, same version.
    respaced = " ".join(text.split(" ")).replace(" = ", "=").replace(" AND ", "  and  ").replace(" OR ", " or ")
    if "'" in text:  # never touch text inside quotes
        respaced = text.replace(" AND ", "\tAND\n").replace(" OR ", "\n OR ")
    base = {"name": "x1", "label": "X", "description": "d", "type": "ratio", "numerator": "spend",
            "denominator": "impressions", "multiplier": 1000}
    a = load_text(_yaml([base | {"filters": [text]}]))
    b = load_text(_yaml([base | {"filters": [respaced], "label": "Another label", "owner": "RevOps",
                                 "multiplier": 1000.0}]))
    assert a.version("x1") == b.version("x1")
    c = load_text(_yaml([base | {"filters": [text], "multiplier": 100}]))
    assert c.version("x1") != a.version("x1")


def _yaml(metrics_data: list[dict]) -> str:
    return dump_definitions(metrics=[Metric.model_validate(m) for m in metrics_data])


# -- ratio of sums over segments ---------------------------------------------------------------

row = st.fixed_dictionaries({
    "platform": st.sampled_from(["linkedin_ads", "google_ads", "facebook_ads"]),
    "device": st.sampled_from(["desktop", "mobile", None]),
    "day": st.integers(0, 40),
    "spend": st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 2)),
    "impressions": st.integers(0, 200_000),
    "ctr": st.floats(0, 0.2),
    "cvr": st.floats(0, 0.3),
    "leads": st.one_of(st.none(), st.integers(0, 50)),
})


def _table(rows: list[dict]) -> pa.Table:
    n = len(rows)
    days = [dt.date(2026, 9, 1) + dt.timedelta(days=r["day"]) for r in rows]
    impressions = np.array([r["impressions"] for r in rows], dtype="int64")
    clicks = np.floor(impressions * np.array([r["ctr"] for r in rows])).astype("int64")
    data = {
        "date_day": days, "period_end": days, "platform": [r["platform"] for r in rows],
        "device": [r["device"] for r in rows], "spend_reporting": [r["spend"] for r in rows],
        "impressions": impressions, "clicks": clicks,
        "conversions": np.round(clicks * np.array([r["cvr"] for r in rows]), 2),
        "leads": pa.array([r["leads"] for r in rows], type=pa.float64()),
    }
    schema = AD_PERFORMANCE.ibis_schema().to_pyarrow()
    cols = [pa.array(data[f.name], type=f.type) if f.name in data else pa.nulls(n, f.type) for f in schema]
    return pa.Table.from_arrays(cols, schema=pa.schema([f.with_nullable(True) for f in schema]))


RATIOS = ["cpm", "cpc", "ctr", "conversion_rate", "cost_per_conversion", "cost_per_lead"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=60), st.sampled_from([["platform"], ["device"], ["platform", "device"]]))
def test_whole_equals_ratio_of_segment_sums(rows: list[dict], by: list[str]) -> None:
    cat = BASE
    t = ibis.memtable(_table(rows))
    metrics_ = cat.resolve(RATIOS)
    whole_q = MetricQuery(cat, metrics_)
    whole_sums = whole_q.to_ibis(t).to_pyarrow()
    whole = whole_q.evaluate(whole_sums)
    seg_q = MetricQuery(cat, metrics_, by=by, grain="week")
    segs = seg_q.to_ibis(t).to_pyarrow()
    for m in metrics_:
        num = np.asarray(segs.column(m.numerator).to_numpy(zero_copy_only=False), dtype=float).sum()
        den = np.asarray(segs.column(m.denominator).to_numpy(zero_copy_only=False), dtype=float).sum()
        assert num == pytest.approx(whole_sums.column(m.numerator)[0].as_py(), rel=1e-12, abs=1e-9)
        assert den == pytest.approx(whole_sums.column(m.denominator)[0].as_py(), rel=1e-12, abs=1e-9)
        expected = float("nan") if den == 0 else m.multiplier * num / den
        if np.isnan(expected):
            assert np.isnan(whole[m.name][0])
        else:
            assert whole[m.name][0] == pytest.approx(expected, rel=1e-12)
