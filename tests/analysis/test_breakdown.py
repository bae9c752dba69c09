"""`mille report` against an independent oracle: pandas and scipy over the same fixture CSV.

The oracle below does not import mille's analysis code. It re-derives, from the fixture rows and
the written rules of docs/report.md, every figure of a set of reports: base counts, days,
ratios, intervals (delta method, design-effect Wilson), small-base flags, changes and their
MOVER intervals, noise marks, the "other" tail, the total row, shrunk values and ranks, the
series over time with partial buckets, and which mix warnings fire.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pytest
from scipy import stats

from mille.analysis.breakdown import report
from mille.workspace import Workspace, init_workspace

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "ad_performance.csv"
CONF = 0.95
# name: (numerator, denominator, multiplier, interval, direction) — the built-in definitions,
# written out by hand from docs/metrics.md.
RATIOS = {
    "cpm": ("spend", "impressions", 1000.0, "delta", "lower"),
    "cpc": ("spend", "clicks", 1.0, "delta", "lower"),
    "ctr": ("clicks", "impressions", 100.0, "wilson", "higher"),
    # spend on the platforms that have lead forms, over their leads
    "cost_per_lead": ("lead_form_spend", "leads", 1.0, "delta", "lower"),
}
SIMPLE = {"spend": "spend", "leads": "leads", "impressions": "impressions", "clicks": "clicks"}
THRESHOLD = {"impressions": 1000, "clicks": 30, "leads": 10}  # mille.yaml defaults
HEADLINE = ["spend", "leads", "cpm", "cpc", "ctr", "cost_per_lead"]


# -- the workspace ------------------------------------------------------------------------------
def load_fixture(path: Path, csv: Path = FIXTURE) -> Path:
    """A workspace holding the fixture rows, written through the engine layer."""
    init_workspace(path)
    t = pcsv.read_csv(
        csv,
        convert_options=pcsv.ConvertOptions(
            column_types={"date_day": pa.date32(), "period_end": pa.date32(), "impressions": pa.int64(),
                          "clicks": pa.int64(), "country": pa.string(), "device": pa.string()},
            strings_can_be_null=True,
        ),
    )
    n = t.num_rows
    t = t.append_column("spend", t.column("spend_reporting"))
    for name, value in (("source_relation", "fixture.csv"), ("ingest_id", "fixture"), ("file_hash", "0" * 64)):
        t = t.append_column(name, pa.array([value] * n))
    t = t.append_column("row_number", pa.array(np.arange(1, n + 1), pa.int64()))
    with Workspace.open(path) as ws:
        ws.engine.insert("ad_performance", t)
    return path


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory):
    path = load_fixture(tmp_path_factory.mktemp("report") / "ws")
    with Workspace.open(path, read_only=True) as w:
        yield w


def fixture_frame() -> pd.DataFrame:
    df = pd.read_csv(FIXTURE, keep_default_na=False, na_values={"country": [""], "device": [""]})
    df["date_day"] = pd.to_datetime(df["date_day"]).dt.date
    df["period_end"] = pd.to_datetime(df["period_end"]).dt.date
    df["spend"] = df["spend_reporting"]
    df["lead_form_spend"] = df["spend"].where(df["platform"].isin(["linkedin_ads", "facebook_ads"]), 0.0)
    df["country"] = df["country"].astype(object).where(df["country"].notna(), None)
    df["device"] = df["device"].astype(object).where(df["device"].notna(), None)
    return df


# -- the oracle ---------------------------------------------------------------------------------
def t_q(df: float) -> float:
    return float(stats.t.ppf(0.5 + CONF / 2, df))


def estimate(days: pd.DataFrame, name: str) -> dict:
    """One metric over one cell from its per-day sums (one row per day)."""
    if name in SIMPLE:
        return {"value": float(days[SIMPLE[name]].sum()), "low": None, "high": None, "small": False}
    num_c, den_c, mult, method, _ = RATIOS[name]
    num, den = days[num_c].to_numpy(float), days[den_c].to_numpy(float)
    x, n = num.sum(), den.sum()
    out = {"value": None if n == 0 else float(mult * x / n), "low": None, "high": None,
           "small": bool(n < THRESHOLD[den_c]), "num": float(x), "den": float(n)}
    if n == 0:
        return out
    r = x / n
    active = (num != 0) | (den != 0)
    k = int(active.sum())
    var = k / (k - 1) * float(((num - r * den) ** 2).sum()) / n**2 if k >= 2 else math.nan
    if method == "wilson" and 0 <= r <= 1:
        phi = 1.0
        if k >= 2 and 0 < r < 1:
            phi = max(1.0, var / (r * (1 - r) / n))
        q = t_q(k - 1) if phi > 1 else float(stats.norm.ppf(0.5 + CONF / 2))
        ne = n / phi
        centre = (r + q * q / (2 * ne)) / (1 + q * q / ne)
        half = q / (1 + q * q / ne) * math.sqrt(r * (1 - r) / ne + q * q / (4 * ne * ne))
        out["low"], out["high"] = mult * max(centre - half, 0.0), mult * min(centre + half, 1.0)
    elif k >= 2:
        se = math.sqrt(var)
        q = t_q(k - 1)
        if r > 0:
            out["low"], out["high"] = mult * r / math.exp(q * se / r), mult * r * math.exp(q * se / r)
        else:
            out["low"], out["high"] = 0.0, mult * q * se
    return out


def change(cur: dict, prev: dict) -> dict | None:
    if cur["value"] is None or prev["value"] is None:
        return {"absolute": None}
    a = cur["value"] - prev["value"]
    out = {"absolute": a, "relative": a / abs(prev["value"]) if prev["value"] else None, "low": None, "high": None, "noise": None}
    if None not in (cur["low"], prev["low"]):
        out["low"] = a - math.sqrt((cur["value"] - cur["low"]) ** 2 + (prev["high"] - prev["value"]) ** 2)
        out["high"] = a + math.sqrt((cur["high"] - cur["value"]) ** 2 + (prev["value"] - prev["low"]) ** 2)
        out["noise"] = bool(out["low"] <= 0 <= out["high"])
    return out


def inside(df: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    return df[(df.date_day >= start) & (df.period_end <= end)]


def per_day(df: pd.DataFrame, measures: list[str]) -> pd.DataFrame:
    return df.groupby("date_day", as_index=False)[measures].sum()


def seg_key(df: pd.DataFrame, by: list[str]) -> pd.Series:
    if not by:
        return pd.Series([()] * len(df), index=df.index, dtype=object)
    return df[by].apply(lambda r: tuple(r[d] for d in by), axis=1) if len(df) else pd.Series([], dtype=object)


class Oracle:
    def __init__(self, df: pd.DataFrame, metrics: list[str], by: list[str], cur: tuple[date, date],
                 prev: tuple[date, date] | None, flt=None, top: int | None = None, rank_by: str | None = None):
        self.df = df if flt is None else df[flt(df)]
        self.metrics, self.by, self.top, self.rank_by = metrics, by, top, rank_by
        measures = {"spend", "impressions", "clicks"}
        for m in metrics:
            measures |= {SIMPLE[m]} if m in SIMPLE else {RATIOS[m][0], RATIOS[m][1]}
        self.measures = sorted(measures)
        self.cur = inside(self.df, *cur)
        self.prev = inside(self.df, *prev) if prev else None
        self.cur_key = seg_key(self.cur, by)
        self.prev_key = seg_key(self.prev, by) if prev else None

    def days_of(self, part: pd.DataFrame, keys: pd.Series, members: set) -> pd.DataFrame:
        return per_day(part[keys.isin(members)] if len(part) else part, self.measures)

    def cell(self, members: set) -> dict:
        d_cur = self.days_of(self.cur, self.cur_key, members)
        out = {"sums": {m: float(d_cur[m].sum()) for m in self.measures},
               "days": int((d_cur[self.measures] != 0).any(axis=1).sum()),
               "cur": {m: estimate(d_cur, m) for m in self.metrics}}
        if self.prev is not None:
            d_prev = self.days_of(self.prev, self.prev_key, members)
            out["prev_sums"] = {m: float(d_prev[m].sum()) for m in self.measures}
            out["prev"] = {m: estimate(d_prev, m) for m in self.metrics}
            out["change"] = {m: change(out["cur"][m], out["prev"][m]) for m in self.metrics}
        return out

    def segments(self) -> list[tuple]:
        keys = set(self.cur_key[(self.cur[self.measures] != 0).any(axis=1).to_numpy()])
        if self.prev is not None:
            keys |= set(self.prev_key[(self.prev[self.measures] != 0).any(axis=1).to_numpy()])
        spend_c = self.cur.groupby(self.cur_key)["spend"].sum() if len(self.cur) else pd.Series(dtype=float)
        spend_p = self.prev.groupby(self.prev_key)["spend"].sum() if self.prev is not None and len(self.prev) else pd.Series(dtype=float)
        label = lambda k: " × ".join("(not set)" if v is None else str(v) for v in k)  # noqa: E731
        keyed = [(-spend_c.get(k, 0.0), -spend_p.get(k, 0.0), label(k), k) for k in keys]
        order = [k for *_, k in sorted(keyed, key=lambda t: t[:3])]
        if self.rank_by:
            ranks = self.shrunk()[self.rank_by][1]
            order = sorted(order, key=lambda k: ranks.get(k) or 10**9)
        return order

    def shrunk(self) -> dict[str, tuple[dict, dict]]:
        """Per ratio: {segment: shrunk value}, {segment: rank} — DerSimonian–Laird by hand."""
        out = {}
        segs = sorted(set(self.cur_key), key=str)
        parent_of = {k: k[:-1] if len(self.by) >= 2 else () for k in segs}
        for name in self.metrics:
            if name not in RATIOS:
                continue
            num_c, den_c, mult, method, direction = RATIOS[name]
            per = {}
            for k in segs:
                d = per_day(self.cur[self.cur_key == k], self.measures)
                num, den = d[num_c].to_numpy(float), d[den_c].to_numpy(float)
                x, n = num.sum(), den.sum()
                kk = int(((num != 0) | (den != 0)).sum())
                sse = float(((num - (x / n if n else 0) * den) ** 2).sum())
                per[k] = (x, n, kk, sse, bool((d[self.measures] != 0).any(axis=1).any()))
            values, ranks = {}, {}
            for parent in set(parent_of.values()):
                kids = [k for k in segs if parent_of[k] == parent]
                X = sum(per[k][0] for k in kids)
                N = sum(per[k][1] for k in kids)
                R0 = X / N
                ok = [k for k in kids if per[k][2] >= 2 and per[k][1] > 0]
                top = sum(per[k][2] / (per[k][2] - 1) * per[k][3] for k in ok)
                bottom = sum(per[k][1] for k in ok)
                if method == "wilson":
                    binom = sum(per[k][1] * (per[k][0] / per[k][1]) * (1 - per[k][0] / per[k][1]) for k in ok)
                    sigma2 = R0 * (1 - R0) * max(1.0, top / binom if binom > 0 else 1.0)
                else:
                    sigma2 = top / bottom if bottom > 0 else math.nan
                with_den = [k for k in kids if per[k][1] > 0]
                tau2 = math.nan
                if len(with_den) >= 2 and sigma2 > 0:
                    w = {k: per[k][1] / sigma2 for k in with_den}
                    q = sum(w[k] * (per[k][0] / per[k][1] - R0) ** 2 for k in with_den)
                    c = sum(w.values()) - sum(v * v for v in w.values()) / sum(w.values())
                    tau2 = max(0.0, (q - (len(with_den) - 1)) / c)
                for k in kids:
                    x, n = per[k][0], per[k][1]
                    if len(with_den) < 2 or not sigma2 > 0:
                        values[k] = mult * x / n if n else math.nan
                    elif tau2 == 0:
                        values[k] = mult * R0
                    else:
                        kappa = sigma2 / tau2
                        values[k] = mult * (x + kappa * R0) / (n + kappa)
            active = [k for k in segs if per[k][4]]
            sign = -1 if direction == "higher" else 1
            for i, k in enumerate(sorted(active, key=lambda k: sign * values[k])):
                ranks[k] = i + 1
            out[name] = (values, ranks)
        return out


# -- comparing ----------------------------------------------------------------------------------
def close(a, b, what: str) -> None:
    if b is None or (isinstance(b, float) and math.isnan(b)):
        assert a is None, f"{what}: expected no value, got {a}"
    else:
        assert a is not None, f"{what}: expected {b}, got None"
        assert a == pytest.approx(b, rel=1e-9, abs=1e-9), what


def check_cell(result_cell, want: dict, metrics: list[str], where: str) -> None:
    for m, v in want["sums"].items():
        close(result_cell.current.sums[m], v, f"{where} {m}")
    assert result_cell.current.days == want["days"], where
    for name in metrics:
        got = result_cell.metrics[name]
        w = want["cur"][name]
        close(got.current.value, w["value"], f"{where} {name}")
        close(got.current.low, w["low"], f"{where} {name} low")
        close(got.current.high, w["high"], f"{where} {name} high")
        assert got.current.small_base == w["small"], f"{where} {name} small base"
        if "prev" in want:
            close(got.previous.value, want["prev"][name]["value"], f"{where} {name} previous")
            ch = want["change"][name]
            close(got.change.absolute, ch["absolute"], f"{where} {name} change")
            if ch["absolute"] is not None:
                close(got.change.relative, ch["relative"], f"{where} {name} relative change")
                close(got.change.low, ch["low"], f"{where} {name} change low")
                close(got.change.high, ch["high"], f"{where} {name} change high")
                assert got.change.noise == ch["noise"], f"{where} {name} noise"
    if "prev_sums" in want:
        for m, v in want["prev_sums"].items():
            close(result_cell.previous.sums[m], v, f"{where} {m} previous")


def check_report(result, oracle: Oracle) -> None:
    order = oracle.segments()
    shown = order if oracle.top is None else order[: oracle.top]
    tail = [] if oracle.top is None else order[oracle.top:]
    segments = [c for c in result.cells if c.kind == "segment"]
    assert [tuple(c.segment[d] for d in oracle.by) for c in segments] == shown
    for c, key in zip(segments, shown, strict=True):
        check_cell(c, oracle.cell({key}), oracle.metrics, f"cell {key}")
    others = [c for c in result.cells if c.kind == "other"]
    assert len(others) == (1 if tail else 0)
    if tail:
        assert others[0].members == len(tail)
        check_cell(others[0], oracle.cell(set(tail)), oracle.metrics, "other")
    check_cell(result.total, oracle.cell(set(order)), oracle.metrics, "total")
    shrunk = oracle.shrunk()
    for c, key in zip(segments, shown, strict=True):
        for name, (values, ranks) in shrunk.items():
            close(c.metrics[name].shrunk, values.get(key), f"shrunk {name} {key}")
            assert c.metrics[name].rank == ranks.get(key), f"rank {name} {key}"


# -- the reports --------------------------------------------------------------------------------
SEP = (date(2026, 9, 1), date(2026, 9, 30))
OCT = (date(2026, 10, 1), date(2026, 10, 31))


def test_default_report(ws) -> None:
    result = report(ws)
    assert [m.name for m in result.metrics] == HEADLINE
    assert result.by == ["platform"] and result.period.label == "2026-10" and result.compare.label == "2026-09"
    check_report(result, Oracle(fixture_frame(), HEADLINE, ["platform"], OCT, SEP))


def test_two_dimensions_with_top_and_other(ws) -> None:
    result = report(ws, "cpm,cpc,ctr", by="platform,country", top=4)
    check_report(result, Oracle(fixture_frame(), ["cpm", "cpc", "ctr"], ["platform", "country"], OCT, SEP, top=4))
    assert result.cells[-1].kind == "other" and result.cells[-1].label.startswith("other (")


def test_filter_and_explicit_periods(ws) -> None:
    result = report(ws, "cpm,ctr", by="country,device", period="2026-09-15:2026-10-14",
                    compare="2026-08-01:2026-08-31", filter="platform = 'google_ads'")
    oracle = Oracle(fixture_frame(), ["cpm", "ctr"], ["country", "device"],
                    (date(2026, 9, 15), date(2026, 10, 14)), (date(2026, 8, 1), date(2026, 8, 31)),
                    flt=lambda d: d.platform == "google_ads")
    check_report(result, oracle)
    assert any(c.segment["country"] is None and c.label.startswith("(not set)") for c in result.cells)


def test_ranked_by_shrunk_ctr(ws) -> None:
    result = report(ws, "ctr,cpc", by="platform,campaign_id", rank_by="ctr", top=3)
    oracle = Oracle(fixture_frame(), ["ctr", "cpc"], ["platform", "campaign_id"], OCT, SEP, top=3, rank_by="ctr")
    check_report(result, oracle)
    ranks = [c.metrics["ctr"].rank for c in result.cells if c.kind == "segment"]
    assert ranks == sorted(ranks)


def test_no_comparison(ws) -> None:
    result = report(ws, "cpc", compare="none")
    assert result.compare is None and all(c.metrics["cpc"].change is None for c in result.cells)
    check_report(result, Oracle(fixture_frame(), ["cpc"], ["platform"], OCT, None))


def test_weekly_rows_count_only_where_their_whole_week_lies(ws) -> None:
    # reddit_ads reports weekly; the week of 2026-09-28 spans September and October, so it counts
    # in neither month (the oracle's `inside` applies the same rule).
    result = report(ws, "cpm", by="platform")
    reddit = next(c for c in result.cells if c.segment["platform"] == "reddit_ads")
    df = fixture_frame()
    weeks = df[(df.platform == "reddit_ads") & (df.date_day >= date(2026, 10, 1)) & (df.period_end <= date(2026, 10, 31))]
    assert reddit.current.sums["impressions"] == weeks.impressions.sum()
    assert any("cover several days" in n for n in result.notes)


# -- series -------------------------------------------------------------------------------------
def truncate(d: date, grain: str) -> date:
    if grain == "week":
        return d - timedelta(days=d.weekday())
    if grain == "month":
        return d.replace(day=1)
    return d


def bucket_end(d: date, grain: str) -> date:
    if grain == "week":
        return d + timedelta(days=6)
    if grain == "month":
        nxt = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
        return nxt - timedelta(days=1)
    return d


@pytest.mark.parametrize(("grain", "period"), [("month", None), ("week", "2026-09-01:2026-10-31"), ("day", "2026-10-01:2026-10-07")])
def test_series_against_the_oracle(ws, grain: str, period: str | None) -> None:
    metrics, by = ["cpm", "ctr"], ["platform"]
    result = report(ws, ",".join(metrics), by=",".join(by), grain=grain, period=period, top=2)
    df = fixture_frame()
    if period:
        start, end = (date.fromisoformat(x) for x in period.split(":"))
    else:
        start, end = df.date_day.min(), OCT[1]
    span = inside(df, start, end).copy()
    span["bucket"] = span.date_day.map(lambda d: truncate(d, grain))
    order = Oracle(df, metrics, by, (result.period.start, result.period.end),
                   (result.compare.start, result.compare.end), top=2).segments()
    shown, tail = order[:2], order[2:]
    span["group"] = span.platform.map(lambda p: ("segment", (p,)) if (p,) in shown else ("other", ()))
    s = result.series
    assert s is not None and s.grain == grain
    first = span.date_day.min()
    got = {(s.period_start[i], s.kind[i], tuple(s.segment[d][i] for d in by) if s.kind[i] == "segment" else ()): i
           for i in range(len(s))}
    expected = 0
    measures = ["clicks", "impressions", "spend"]
    for bucket, rows in span.groupby("bucket"):
        for kind, members in [*(("segment", k) for k in shown), *([("other", ())] if tail else []), ("total", ())]:
            if kind == "total":
                part = rows
            elif kind == "other":
                part = rows[rows.group == ("other", ())]
            else:
                part = rows[rows.group == ("segment", members)]
            days = per_day(part, measures)
            if not (days[measures] != 0).any(axis=1).any():
                continue
            expected += 1
            i = got[(bucket, kind, members)]
            assert s.period_end[i] == bucket_end(bucket, grain)
            span_start = start if period else first
            assert s.partial[i] == (bucket < span_start or s.period_end[i] > end)
            for m in measures:
                close(s.base[m][i], float(days[m].sum()), f"{bucket} {kind} {m}")
            for name in metrics:
                want = estimate(days, name)
                close(s.metrics[name].value[i], want["value"], f"{bucket} {kind} {name}")
                close(s.metrics[name].low[i], want["low"], f"{bucket} {kind} {name} low")
                close(s.metrics[name].high[i], want["high"], f"{bucket} {kind} {name} high")
                prev_bucket = truncate(bucket - timedelta(days=1), grain)
                j = got.get((prev_bucket, kind, members))
                if j is None:
                    assert s.metrics[name].change[i] is None
                else:
                    close(s.metrics[name].previous[i], s.metrics[name].value[j], "previous bucket")
                    close(s.metrics[name].change[i], s.metrics[name].value[i] - s.metrics[name].value[j], "bucket change")
    assert len(s) == expected


# -- warnings, time zones, benchmarks -----------------------------------------------------------
def mix_finding(o_fine: Oracle, name: str, members: list[tuple], blended: dict) -> str | None:
    """The warning rule of docs/report.md over ``members`` (fine segments)."""
    num_c, den_c, mult, *_ = RATIOS[name]
    if blended["noise"] is True or blended["absolute"] in (None, 0) or len(members) < 2:
        return None
    rows = []
    for k in members:
        c = o_fine.cell({k})
        rows.append((c["prev_sums"][num_c], c["prev_sums"][den_c], c["sums"][num_c], c["sums"][den_c], c["change"][name]))
    D0, D1 = sum(r[1] for r in rows), sum(r[3] for r in rows)
    change = mult * (sum(r[2] for r in rows) / D1 - sum(r[0] for r in rows) / D0)
    mix = opposite = volume = 0.0
    for n0, d0, n1, d1, ch in rows:
        r0 = n0 / d0 if d0 else (n1 / d1 if d1 else 0.0)
        r1 = n1 / d1 if d1 else r0
        mix += mult * (d1 / D1 - d0 / D0) * (r0 + r1) / 2
        if d0 > 0 and d1 > 0:
            w = (d0 / D0 + d1 / D1) / 2
            volume += w
            if np.sign(r1 - r0) == -np.sign(change) and ch["noise"] is not True:
                opposite += w
    if volume and opposite / volume > 0.5:
        return "simpson"
    if mix / change > 0.5:
        return "mix"
    return None


def oracle_warnings(df: pd.DataFrame, metrics: list[str], by: list[str]) -> list[tuple]:
    """(metric, segment or None, kind) in report order: the blended total across the report's
    dimensions refined by network, then up to 3 shown cells per metric across network."""
    detail = [] if "network" in by else ["network"]
    o = Oracle(df, metrics, by, OCT, SEP)
    o_fine = Oracle(df, metrics, by + detail, OCT, SEP)
    fine = o_fine.segments()
    out = []
    for name in metrics:
        total = o.cell(set(o.segments()))
        kind = mix_finding(o_fine, name, fine, total["change"][name])
        if kind:
            out.append((name, None, kind))
        if not detail:
            continue
        found = 0
        for key in o.segments()[:12]:
            children = [f for f in fine if f[: len(by)] == key]
            kind = mix_finding(o_fine, name, children, o.cell({key})["change"][name]) if found < 3 else None
            if kind:
                found += 1
                out.append((name, dict(zip(by, key, strict=True)), kind))
    return out


@pytest.mark.parametrize("by", [["platform"], ["platform", "network"], ["country"]])
def test_mix_warnings_match_the_rules(ws, by: list[str]) -> None:
    metrics = ["cpm", "cpc", "ctr"]
    result = report(ws, ",".join(metrics), by=",".join(by))
    want = oracle_warnings(fixture_frame(), metrics, by)
    assert [(w.metric, w.segment, w.kind) for w in result.warnings] == want
    for w in result.warnings:
        dims = by + ([] if "network" in by else ["network"]) if w.segment is None else ["network"]
        assert w.dims == dims
        command = f"mille explain {w.metric} --before 2026-09 --after 2026-10 --dims {','.join(dims)}"
        if w.segment is not None:
            command += ' --filter "' + " AND ".join(
                f"{k} IS NULL" if v is None else f"{k} = '{v}'" for k, v in w.segment.items()
            ) + '"'
        assert w.command == command
        assert w.mix + w.rate == pytest.approx(w.change)
    # the fixture's planted story: budget moves from Google Display to LinkedIn → mix on the
    # blended CPM whichever way it is broken down; inside Google, display's CPM dipped while
    # Google's blended CPM rose by the search/display mix: Simpson's paradox.
    assert ("cpm", None, "mix") in want
    if by == ["platform"]:
        assert ("cpm", {"platform": "google_ads"}, "simpson") in want


def test_daily_grain_across_time_zones_says_so(ws) -> None:
    result = report(ws, "ctr", grain="day", period="2026-10-01:2026-10-07")
    # reddit_ads' weekly rows (weeks from 2026-09-28 and 2026-10-05) do not lie inside the week
    assert result.timezones == {
        "facebook_ads": ["Europe/Dublin"], "google_ads": ["America/New_York"], "linkedin_ads": ["UTC"],
    }
    assert any("own time zone" in n for n in result.notes)
    monthly = report(ws, "ctr")
    assert monthly.timezones is None and not any("time zone" in n for n in monthly.notes)
    one_zone = report(ws, "ctr", grain="day", period="2026-10-01:2026-10-07", filter="platform = 'linkedin_ads'")
    assert one_zone.timezones == {"linkedin_ads": ["UTC"]} and not any("time zone" in n for n in one_zone.notes)


def test_benchmarks_are_context_with_source_and_year(ws) -> None:
    result = report(ws, "cpm,ctr", by="platform,network", benchmarks=True)
    li = next(c for c in result.cells if c.segment == {"platform": "linkedin_ads", "network": "social"})
    (b,) = li.metrics["cpm"].benchmarks
    assert (b.low, b.high, b.year) == (25.0, 44.0, 2026) and "ZenABM" in b.source
    value = li.metrics["cpm"].current.value
    assert b.position == ("above" if value > 44 else "within" if value >= 25 else "below")
    search = next(c for c in result.cells if c.segment == {"platform": "google_ads", "network": "search"})
    assert search.metrics["cpm"].benchmarks == []  # no published search CPM, and never display's
    assert [x.network for x in search.metrics["ctr"].benchmarks] == ["search"]
    plain = report(ws, "cpm", by="country", benchmarks=True)
    assert any("--by platform" in n for n in plain.notes)


def test_anchor_is_the_workspaces(ws) -> None:
    from mille.periods import last_complete_month

    assert report(ws, "cpm").period.label == last_complete_month(ws.anchor_date()).label


def test_total_only(ws) -> None:
    result = report(ws, "cpm,ctr", by="none")
    assert result.by == [] and result.cells == [] and result.warnings == []
    oracle = Oracle(fixture_frame(), ["cpm", "ctr"], [], OCT, SEP)
    check_cell(result.total, oracle.cell({()}), ["cpm", "ctr"], "total")


def test_derived_metrics_are_reported_without_intervals(tmp_path: Path) -> None:
    path = load_fixture(tmp_path / "ws")
    (path / "metrics.yaml").write_text(
        "metrics:\n"
        "  - name: clicks_per_dollar\n    label: Clicks per dollar\n    description: Clicks bought per dollar.\n"
        "    type: derived\n    expression: 1 / cpc\n"
    )
    with Workspace.open(path, read_only=True) as w:
        result = report(w, "cpc,clicks_per_dollar")
    for c in [*result.cells, result.total]:
        d, cpc = c.metrics["clicks_per_dollar"], c.metrics["cpc"]
        assert d.current.value == pytest.approx(1 / cpc.current.value)
        assert d.current.low is None and d.change.noise is None
