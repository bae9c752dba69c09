"""Speed of `mille report` at scale, against a hand-written DuckDB query and pandas, in one run.

    python benchmarks/report.py --rows 10000000 [--repeat 3] [--workspace DIR] [--keep]

Builds a synthetic workspace (numpy → Arrow → the engine layer's ``insert``; rows arrive in day
order, as ingests of monthly files do; five platforms in their own time zones, ten countries,
Google split into search and display), then times, on the same data and in the same process:

* ``mille report cpm,cpc,ctr --by platform,country --grain month`` through the library
  (``report(ws, ...)``: every cell's sums, ratios, intervals, flags, the period comparison, the
  monthly series, the mix check);
* hand-written DuckDB SQL for the same numbers: the monthly cells and totals by platform ×
  country with what their intervals rest on (per-day sums of squares), plus the two compared
  months by platform × country × network per day (what the mix check reads);
* hand-written DuckDB SQL for the monthly ratios alone (the least an analyst could ask for);
* pandas doing that same ratios-only group-by on the rows already in memory (loading not timed).

Runs are interleaved; it prints the median of ``--repeat`` runs of each and the ratios; the
target is report ≤ 1.5 × the same-numbers SQL. Timings are noisy on a shared machine, so only
ratios measured in one run mean much.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from mille.workspace import Workspace

PLATFORMS = {
    # platform: (time zone, CPM in USD, CTR, share of rows)
    "google_ads": ("America/New_York", 6.0, 0.030, 0.34),
    "linkedin_ads": ("UTC", 45.0, 0.0055, 0.22),
    "facebook_ads": ("Europe/Dublin", 14.0, 0.012, 0.24),
    "microsoft_ads": ("America/Los_Angeles", 9.0, 0.025, 0.14),
    "reddit_ads": ("UTC", 4.0, 0.004, 0.06),
}
COUNTRIES = ["US", "GB", "DE", "FR", "NL", "CA", "AU", "ES", "IT", "SE"]
DEVICES = ["desktop", "mobile", "tablet"]
FIRST_DAY = date(2025, 1, 1)
DAYS = 669  # 2025-01-01 .. 2026-10-31


def synthetic_rows(n: int, seed: int = 0, chunk: int = 2_000_000) -> list[pa.Table]:
    """Arrow tables (chunks) of ``n`` ad_performance rows, in day order."""
    rng = np.random.default_rng(seed)
    names = list(PLATFORMS)
    tz = pa.array([PLATFORMS[p][0] for p in names])
    cpm = np.array([PLATFORMS[p][1] for p in names])
    ctr = np.array([PLATFORMS[p][2] for p in names])
    share = np.array([PLATFORMS[p][3] for p in names])
    out = []
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        # Rows spread evenly over the days, in order.
        day = (np.arange(start, start + m, dtype=np.int64) * DAYS) // n
        plat = rng.choice(len(names), size=m, p=share / share.sum()).astype(np.int32)
        country = rng.integers(0, len(COUNTRIES), size=m, dtype=np.int32)
        device = rng.integers(0, len(DEVICES), size=m, dtype=np.int32)
        campaign = rng.integers(0, 40, size=m, dtype=np.int32)
        # Networks as the platforms report them: Google splits search and display, Microsoft is
        # search, LinkedIn sponsored content; Meta and Reddit leave it empty.
        network = np.select(
            [plat == names.index("google_ads"), plat == names.index("microsoft_ads"), plat == names.index("linkedin_ads")],
            [rng.integers(0, 2, size=m), 0, 2], default=3,
        ).astype(np.int32)
        impressions = rng.gamma(1.2, 900.0, size=m).astype(np.int64)
        clicks = rng.binomial(impressions, ctr[plat])
        spend = np.round(impressions / 1000 * cpm[plat] * rng.gamma(8.0, 1 / 8.0, size=m), 2)
        days = np.datetime64(FIRST_DAY) + day.astype("timedelta64[D]")
        date_col = pa.array(days, type=pa.date32())
        plat_col = pa.DictionaryArray.from_arrays(pa.array(plat), pa.array(names))
        out.append(
            pa.table(
                {
                    "source_relation": pa.DictionaryArray.from_arrays(
                        pa.array(plat), pa.array([f"{p}_export.csv" for p in names])
                    ),
                    "source_type": pa.array(["ui_export"] * 1, pa.string()).take(np.zeros(m, np.int32)),
                    "ingest_id": pa.DictionaryArray.from_arrays(
                        pa.array(plat), pa.array([f"bench-{p}" for p in names])
                    ),
                    "file_hash": pa.DictionaryArray.from_arrays(pa.array(plat), pa.array(["0" * 64] * len(names))),
                    "row_number": pa.array(np.arange(start + 1, start + m + 1, dtype=np.int64)),
                    "level": pa.array(["ad"]).take(np.zeros(m, np.int32)),
                    "date_day": date_col,
                    "period_end": date_col,
                    "granularity": pa.array(["day"]).take(np.zeros(m, np.int32)),
                    "report_timezone": pa.DictionaryArray.from_arrays(pa.array(plat), tz),
                    "platform": plat_col,
                    "account_id": pa.DictionaryArray.from_arrays(pa.array(plat), pa.array([f"acc-{p}" for p in names])),
                    "campaign_id": pa.array(np.char.add("c", campaign.astype("U3"))),
                    "currency": pa.array(["USD"]).take(np.zeros(m, np.int32)),
                    "country": pa.DictionaryArray.from_arrays(pa.array(country), pa.array(COUNTRIES)),
                    "device": pa.DictionaryArray.from_arrays(pa.array(device), pa.array(DEVICES)),
                    "network": pa.DictionaryArray.from_arrays(
                        pa.array(network, mask=network == 3), pa.array(["search", "display", "sponsored_content", "none"])
                    ),
                    "spend": pa.array(spend),
                    "spend_reporting": pa.array(spend),
                    "impressions": pa.array(impressions),
                    "clicks": pa.array(clicks),
                }
            )
        )
    return out


def build_workspace(path: Path, rows: int, seed: int = 0) -> None:
    """A fresh workspace at ``path`` holding ``rows`` synthetic rows, written by the engine."""
    if path.exists():
        shutil.rmtree(path)
    with Workspace.init(path) as ws, ws.engine.transaction():
        ws.engine.raw().execute("SET enable_progress_bar = false")  # type: ignore[attr-defined]
        for part in synthetic_rows(rows, seed):
            ws.engine.insert("ad_performance", part)


# What an analyst would write for the figures alone: the monthly cells and their ratios.
HAND_SQL = """
SELECT date_trunc('month', date_day) AS month, platform, country,
       sum(spend_reporting) AS spend, sum(impressions) AS impressions, sum(clicks) AS clicks,
       1000 * sum(spend_reporting) / nullif(sum(impressions), 0) AS cpm,
       sum(spend_reporting) / nullif(sum(clicks), 0) AS cpc,
       100 * sum(clicks) / nullif(sum(impressions), 0) AS ctr
FROM ad_performance
WHERE superseded_by IS NULL AND date_day <= DATE '{end}'
GROUP BY ALL
ORDER BY month, platform, country
"""

# The same numbers as the report: the monthly cells and totals with what their intervals rest
# on (per-day sums, then per cell the sums of squares and cross-products of the days: delta
# method, design effect of CTR), and the two compared months by platform × country × network,
# per day, for the mix check. Two statements (one UNION of differently filtered aggregations
# can stall DuckDB 1.5).
SAME_NUMBERS_SQL = ("""
WITH daily AS (
    SELECT date_day AS d, platform, country, sum(spend_reporting) AS s,
           sum(impressions)::DOUBLE AS i, sum(clicks)::DOUBLE AS c
    FROM ad_performance
    WHERE superseded_by IS NULL AND date_day = period_end AND date_day <= DATE '{end}'
    GROUP BY ALL
), days AS (
    SELECT d, date_trunc('month', d) AS month, platform, country, s, i, c FROM daily
    UNION ALL
    SELECT d, date_trunc('month', d), NULL, NULL, sum(s), sum(i), sum(c) FROM daily GROUP BY d
)
SELECT month, platform, country, sum(s) AS spend, sum(i) AS impressions, sum(c) AS clicks,
       1000 * sum(s) / nullif(sum(i), 0) AS cpm, sum(s) / nullif(sum(c), 0) AS cpc,
       100 * sum(c) / nullif(sum(i), 0) AS ctr, count(*) AS days,
       sum(s * s) AS ss, sum(s * i) AS si, sum(i * i) AS ii, sum(s * c) AS sc, sum(c * c) AS cc
FROM days
GROUP BY ALL
ORDER BY month, platform, country
""", """
SELECT date_day, platform, country, network, sum(spend_reporting) AS spend,
       sum(impressions) AS impressions, sum(clicks) AS clicks
FROM ad_performance
WHERE superseded_by IS NULL AND date_day = period_end
  AND date_day BETWEEN DATE '{start}' AND DATE '{end}'
GROUP BY ALL
""")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workspace", type=Path, default=None, help="reuse or build here")
    parser.add_argument("--keep", action="store_true", help="keep the workspace afterwards")
    args = parser.parse_args(argv)

    from mille.analysis.breakdown import report

    tmp = None
    path = args.workspace
    if path is None:
        tmp = Path(tempfile.mkdtemp(prefix="mille-bench-report-"))
        path = tmp / "ws"
    try:
        if not (path / "mille.duckdb").exists():
            t0 = time.perf_counter()
            build_workspace(path, args.rows)
            print(f"built {args.rows:,} rows in {time.perf_counter() - t0:.1f} s at {path}")
        with Workspace.open(path, read_only=True) as ws:
            held = int(ws.engine.scalar(ws.ad_performance().count()))
            end = ws.anchor_date()
            raw = ws.engine.raw()  # type: ignore[attr-defined]
            raw.execute("SET enable_progress_bar = false")

            def run_report():
                return report(ws, "cpm,cpc,ctr", by="platform,country", grain="month")

            def run_sql():
                return raw.execute(HAND_SQL.format(end=end)).to_arrow_table()

            previous_start = result_periods(ws)

            def run_sql_same():
                series_sql, detail_sql = SAME_NUMBERS_SQL
                raw.execute(detail_sql.format(start=previous_start, end=end)).to_arrow_table()
                return raw.execute(series_sql.format(end=end)).to_arrow_table()

            frame = raw.execute(
                "SELECT date_day, platform, country, spend_reporting, impressions, clicks "
                "FROM ad_performance WHERE superseded_by IS NULL"
            ).df()

            def run_pandas():
                f = frame[frame.date_day <= np.datetime64(end)]
                g = f.groupby([f.date_day.dt.to_period("M"), "platform", "country"], observed=True)
                s = g[["spend_reporting", "impressions", "clicks"]].sum()
                s["cpm"] = 1000 * s.spend_reporting / s.impressions
                s["cpc"] = s.spend_reporting / s.clicks
                s["ctr"] = 100 * s.clicks / s.impressions
                return s

            runs = {"report": run_report, "sql": run_sql, "sql_same": run_sql_same, "pandas": run_pandas}
            for fn in runs.values():  # warm the file cache and the imports once
                fn()
            # Interleave the contenders so a burst of load elsewhere hits them alike.
            times: dict[str, list[float]] = {k: [] for k in runs}
            results: dict[str, object] = {}
            for _ in range(args.repeat):
                for name, fn in runs.items():
                    t0 = time.perf_counter()
                    results[name] = fn()
                    times[name].append(time.perf_counter() - t0)
            med = {k: statistics.median(v) for k, v in times.items()}
            result, table = results["report"], results["sql"]
        _check_same_numbers(result, table)
        print(f"rows held: {held:,}; series points: {len(result.series) if result.series else 0}; runs: {args.repeat}")
        print(f"report (library):               {med['report'] * 1000:7.0f} ms")
        print(f"hand-written SQL, same numbers: {med['sql_same'] * 1000:7.0f} ms  (ratios, interval inputs, network detail)")
        print(f"hand-written SQL, ratios only:  {med['sql'] * 1000:7.0f} ms  (the monthly figures alone)")
        print(f"pandas group-by, ratios only:   {med['pandas'] * 1000:7.0f} ms  (frame already in memory)")
        print(f"ratio report / SQL same numbers: {med['report'] / med['sql_same']:.2f}  (target ≤ 1.5)")
        print(f"ratio report / SQL ratios only:  {med['report'] / med['sql']:.2f}")
        print(f"ratio pandas / SQL ratios only:  {med['pandas'] / med['sql']:.2f}")
    finally:
        if tmp is not None and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def result_periods(ws: Workspace) -> str:
    """First day of the report's comparison period (the month before the last complete one)."""
    from mille.periods import comparison, last_complete_month

    previous = comparison(last_complete_month(ws.anchor_date()), "previous")
    return previous.start.isoformat()


def _check_same_numbers(result, table: pa.Table) -> None:
    """The report's monthly series must equal the SQL's figures (else the timing is moot)."""
    sql = {}
    for r in table.to_pylist():
        month = r["month"].date() if hasattr(r["month"], "date") else r["month"]
        sql[(month, r["platform"], r["country"])] = r
    s = result.series
    points = [i for i in range(len(s)) if s.kind[i] == "segment"]
    if len(points) != len(sql):
        raise SystemExit(f"series has {len(points)} cells, SQL {len(sql)}")
    for i in points:
        r = sql[(s.period_start[i], s.segment["platform"][i], s.segment["country"][i])]
        for name in ("cpm", "cpc", "ctr"):
            a, b = s.metrics[name].value[i], r[name]
            if not np.isclose(a, b, rtol=1e-9):
                raise SystemExit(f"{name} differs at {s.period_start[i]} {s.label[i]}: {a} vs {b}")


if __name__ == "__main__":
    sys.exit(main())
