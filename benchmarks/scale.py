"""Scale: ingest, report, explain and audit on 10M rows against DuckDB SQL and pandas; Spark parity.

    .venv/bin/python benchmarks/scale.py                      # 10,000,000 rows, Spark on 1,000,000
    .venv/bin/python benchmarks/scale.py --rows 2000000 --spark-rows 200000 --repeat 3
    .venv/bin/python benchmarks/scale.py --no-spark --out /tmp/scale   # keep the files there

The data: the audit benchmark's generator (benchmarks/audit.py: a year of daily delivery for
~2,000 campaigns across five platforms and twenty accounts, campaign names in the convention
``{region}_{objective}_{audience}_{offer}``), one row per ad and day (14 ads a campaign, each
shown in one of six countries), written as the CSV a dbt ``ad_reporting__ad_report`` export
would be. Dimensions: platform, account, campaign, ad group, ad, country, and region, objective,
audience and offer from the names.

Each phase runs in a child process of its own, so its peak memory (``ru_maxrss``) is its own:

* ``ingest``: ``mille ingest`` of the CSV into a fresh workspace; ``monthly``: the same rows as
  twelve monthly files, one ``mille ingest`` each;
* ``mille``: on the ingested workspace, ``report cpm,cpc,ctr --by
  platform,country --grain month``, ``explain cpm`` over 5 dimensions and ``audit``, each
  interleaved ``--repeat`` times with the hand-written DuckDB SQL that yields the same numbers
  (benchmarks/report.py's queries for the report; the leaves of both periods for explain; one
  GROUP BY scan for the audit, as benchmarks/audit.py);
* ``duckdb``: DuckDB's own ``CREATE TABLE AS SELECT * FROM read_csv`` of the same CSV;
* ``pandas``: ``read_csv`` of the CSV, then the same numbers with group-bys on a frame read
  from the Parquet copy of the data (reading timed apart);
* ``spark``: a ``--spark-rows`` CSV ingested into a DuckDB and a Spark workspace, the same
  report, explain and audit on both, and every figure compared (1e-9 relative).

It prints the medians, the ratios against the targets of issue 9, each phase's peak memory, and
the workspace file against the Parquet size of the same data. Timings on a shared machine are
noisy: trust ratios measured in the same run more than seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import audit as audit_bench  # noqa: E402  (the audit benchmark's generator)

COUNTRIES = ("US", "GB", "DE", "FR", "CA", "AU")
EXPLAIN_DIMS = ["platform", "account_id", "country", "region", "audience"]
CONVENTION = {"pattern": "{region}_{objective}_{audience}_{offer}"}
CSV_COLUMNS = ["date_day", "platform", "account_id", "account_name", "campaign_id", "campaign_name",
               "ad_group_id", "ad_id", "country_code", "currency", "spend", "impressions", "clicks", "conversions"]
GIB = 1024**3


# -- the data -----------------------------------------------------------------------------------
def chunks(rows: int, seed: int = 0):
    """Arrow tables of about ``rows`` rows: the audit benchmark's delivery, one row per ad and day."""
    audit_bench.MICROS_ACCOUNT = -1  # clean data: no account reporting in micros here
    k = audit_bench.K
    campaigns = max(rows // (audit_bench.DAYS * k), audit_bench.ACCOUNTS)
    names = [f"{audit_bench.REGIONS[c % 3]}_leadgen_{audit_bench.AUDIENCES[c % 8]}_offer{c}" for c in range(campaigns)]
    rng = np.random.default_rng(seed)
    step = max(1, 1_000_000 // (campaigns * k))
    for day0 in range(0, audit_bench.DAYS, step):
        t = audit_bench._chunk(day0, min(step, audit_bench.DAYS - day0), campaigns, rng, names)
        idx = t.column("row_number").to_numpy() - 1
        ad = t.column("campaign_id").combine_chunks().indices.to_numpy().astype(np.int64) * k + idx % k
        t = t.drop_columns(["device"])
        t = t.append_column("ad_id", pa.array(np.char.add("ad-", ad.astype("U7"))))
        t = t.append_column("country_code", pa.DictionaryArray.from_arrays(
            pa.array((ad % len(COUNTRIES)).astype(np.int32)), pa.array(COUNTRIES)))
        yield t.select(CSV_COLUMNS)


def write_data(rows: int, csv: Path, parquet: Path) -> int:
    """The CSV export and the Parquet copy of the same rows; returns the row count."""
    n = 0
    with pq.ParquetWriter(parquet, _plain_schema()) as pw, csv.open("wb") as f:
        writer = None
        for t in chunks(rows):
            t = _plain(t)
            if writer is None:
                writer = pcsv.CSVWriter(f, t.schema)
            writer.write_table(t)
            pw.write_table(t)
            n += t.num_rows
        assert writer is not None
        writer.close()
    return n


def _plain(t: pa.Table) -> pa.Table:
    return pa.table([c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in t.columns],
                    names=t.column_names)


def _plain_schema() -> pa.Schema:
    return _plain(next(chunks(audit_bench.DAYS * audit_bench.K * audit_bench.ACCOUNTS))).schema


def init(path: Path, engine: str = "duckdb") -> None:
    import yaml

    from mille.workspace import init_workspace

    init_workspace(path, engine=engine)
    cfg = path / "mille.yaml"
    doc = yaml.safe_load(cfg.read_text())
    doc["naming_convention"] = CONVENTION
    cfg.write_text(yaml.safe_dump(doc, sort_keys=False))


# -- timing helpers -----------------------------------------------------------------------------
def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB  # Linux: kilobytes


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def interleave(runs: dict[str, Callable[[], Any]], repeat: int) -> tuple[dict[str, float], dict[str, Any]]:
    """Median seconds of each contender, run in turns so a burst of load hits them alike."""
    times: dict[str, list[float]] = {k: [] for k in runs}
    results: dict[str, Any] = {}
    for _ in range(repeat):
        for name, fn in runs.items():
            seconds, results[name] = timed(fn)
            times[name].append(seconds)
    return {k: statistics.median(v) for k, v in times.items()}, results


def compared_months(ws: Any) -> tuple[Any, Any]:
    """explain's periods: the month before the last complete one, and that one (as report's)."""
    from mille.periods import comparison, last_complete_month

    after = last_complete_month(ws.anchor_date())
    return comparison(after, "previous"), after


# -- phase: mille and the DuckDB SQL yardsticks (one process) ------------------------------------
EXPLAIN_SQL = """
SELECT platform, account_id, country, region, audience,
       sum(spend_reporting) FILTER (WHERE date_day <= DATE '{b1}') AS n0,
       sum(impressions) FILTER (WHERE date_day <= DATE '{b1}') AS d0,
       sum(spend_reporting) FILTER (WHERE date_day >= DATE '{a0}') AS n1,
       sum(impressions) FILTER (WHERE date_day >= DATE '{a0}') AS d1
FROM ad_performance
WHERE superseded_by IS NULL AND date_day = period_end AND date_day BETWEEN DATE '{b0}' AND DATE '{a1}'
GROUP BY ALL
"""
AUDIT_SCAN_SQL = ("SELECT platform, account_id, campaign_id, date_day, sum(spend), sum(impressions), sum(clicks) "
                  "FROM ad_performance GROUP BY ALL")


def phase_ingest(args: argparse.Namespace) -> dict[str, Any]:
    """``mille ingest`` of the CSV into a fresh workspace (creating the empty workspace untimed)."""
    from mille.sources.ingest import ingest_paths
    from mille.workspace import Workspace

    shutil.rmtree(args.ws, ignore_errors=True)
    init(args.ws)
    with Workspace.open(args.ws) as ws:
        seconds, summary = timed(lambda: ingest_paths(ws, [str(args.csv)], account_currency="USD"))
    return {"ingest": seconds, "rows": summary.rows_written, "peak": peak_gib(),
            "workspace_bytes": (args.ws / "mille.duckdb").stat().st_size}


def phase_monthly(args: argparse.Namespace) -> dict[str, Any]:
    """The same rows as twelve monthly exports, one ``mille ingest`` each (as platforms export
    them): a call holds one file's rows in memory, not the year's."""
    import duckdb

    from mille.sources.ingest import ingest_paths
    from mille.workspace import Workspace

    parts = args.ws.parent / "monthly"
    shutil.rmtree(parts, ignore_errors=True)
    con = duckdb.connect()
    con.execute(f"COPY (SELECT *, strftime(date_day, '%Y-%m') AS month FROM read_csv('{args.csv}')) TO '{parts}' "
                "(FORMAT csv, PARTITION_BY (month), WRITE_PARTITION_COLUMNS false)")
    con.close()
    split_peak = peak_gib()  # writing the monthly files (DuckDB), before any ingest
    files = sorted(parts.glob("*/*.csv"))
    ws_path = args.ws.parent / "ws-monthly"
    shutil.rmtree(ws_path, ignore_errors=True)
    init(ws_path)
    seconds = 0.0
    with Workspace.open(ws_path) as ws:
        for f in files:
            took, _ = timed(lambda f=f, ws=ws: ingest_paths(ws, [str(f)], account_currency="USD"))
            seconds += took
        rows = int(ws.engine.scalar(ws.ad_performance().count()))
    shutil.rmtree(parts)
    shutil.rmtree(ws_path)
    return {"ingest": seconds, "files": len(files), "rows": rows, "peak": peak_gib(), "split_peak": split_peak}


def phase_mille(args: argparse.Namespace) -> dict[str, Any]:
    """report, explain and audit on the ingested workspace, each against its DuckDB SQL."""
    import report as report_bench
    from mille.analysis.audit import audit
    from mille.analysis.breakdown import report
    from mille.analysis.explain import explain
    from mille.workspace import Workspace

    out: dict[str, Any] = {}
    with Workspace.open(args.ws, read_only=True) as ws:
        raw = ws.engine.raw()
        raw.execute("SET enable_progress_bar = false")
        end = ws.anchor_date()
        before, after = compared_months(ws)
        prev_start = report_bench.result_periods(ws)
        series_sql, detail_sql = report_bench.SAME_NUMBERS_SQL

        def sql_same():
            raw.execute(detail_sql.format(start=prev_start, end=end)).to_arrow_table()
            return raw.execute(series_sql.format(end=end)).to_arrow_table()

        runs = {
            "report": lambda: report(ws, "cpm,cpc,ctr", by="platform,country", grain="month"),
            "report_sql": sql_same,
            "report_sql_ratios": lambda: raw.execute(report_bench.HAND_SQL.format(end=end)).to_arrow_table(),
            "explain": lambda: explain(ws, "cpm", before, after, dims=EXPLAIN_DIMS),
            "explain_sql": lambda: raw.execute(EXPLAIN_SQL.format(
                b0=before.start, b1=before.end, a0=after.start, a1=after.end)).to_arrow_table(),
        }
        for fn in runs.values():  # warm the file cache and the imports once
            fn()
        med, res = interleave(runs, args.repeat)
        report_bench._check_same_numbers(res["report"], res["report_sql_ratios"])
        leaves = res["explain_sql"]
        e = res["explain"]
        n0, d1 = (float(np.nansum(leaves.column(c).to_numpy(zero_copy_only=False))) for c in ("n0", "d1"))
        assert math.isclose(e.before.numerator, n0, rel_tol=1e-9), (e.before.numerator, n0)
        assert math.isclose(e.after.denominator, d1, rel_tol=1e-9), (e.after.denominator, d1)
        audit_med, audit_res = interleave({
            "audit": lambda: audit(ws, as_of=end + timedelta(days=1)),
            "audit_scan": lambda: raw.execute(AUDIT_SCAN_SQL).to_arrow_table(),
        }, args.audit_repeat)
        med.update(audit_med)
    out.update(med)
    out["explain_causes"] = [c.segment for c in e.causes][:3]
    out["explain_change"] = e.change
    out["audit_findings"] = dict(audit_res["audit"].counts)
    out["peak"] = peak_gib()
    # the table as the workspace stores it (lineage and naming-convention columns included),
    # written as Parquet by DuckDB (snappy): the like-for-like size comparison
    stored = args.ws.parent / "workspace_table.parquet"
    with Workspace.open(args.ws, read_only=True) as ws:
        ws.engine.raw().execute(f"COPY ad_performance TO '{stored}' (FORMAT parquet)")
    out["stored_parquet_bytes"] = stored.stat().st_size
    out["used_bytes"] = _used_bytes(args.ws / "mille.duckdb")
    stored.unlink()
    return out


def _used_bytes(db: Path) -> int:
    """Bytes of the database file in use; the rest are free blocks DuckDB will reuse (it never
    shrinks a file)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        size = con.execute("SELECT block_size, used_blocks FROM pragma_database_size()").fetchone()
    finally:
        con.close()
    return int(size[0]) * int(size[1])


# -- phase: DuckDB's own CSV load --------------------------------------------------------------
def phase_duckdb(args: argparse.Namespace) -> dict[str, Any]:
    import duckdb

    db = args.ws.parent / "plain.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    seconds, _ = timed(lambda: con.execute(f"CREATE TABLE ad AS SELECT * FROM read_csv('{args.csv}')"))
    # The same export as Parquet written by DuckDB (its default row groups and compression), a
    # second yardstick for the workspace file besides pyarrow's Parquet.
    copy = args.ws.parent / "duckdb-copy.parquet"
    con.execute(f"COPY ad TO '{copy}' (FORMAT parquet)")
    con.close()
    size = db.stat().st_size
    db.unlink()
    copy_bytes = copy.stat().st_size
    copy.unlink()
    return {"ingest": seconds, "db_bytes": size, "duckdb_parquet_bytes": copy_bytes, "peak": peak_gib()}


# -- phase: pandas -----------------------------------------------------------------------------
def phase_pandas(args: argparse.Namespace) -> dict[str, Any]:
    import pandas as pd

    out: dict[str, Any] = {}
    out["ingest"], frame = timed(lambda: pd.read_csv(args.csv, parse_dates=["date_day"]))
    out["rows"] = len(frame)
    del frame
    cols = ["date_day", "platform", "account_id", "campaign_id", "country_code", "campaign_name", "spend",
            "impressions", "clicks"]
    out["read_parquet"], df = timed(lambda: pd.read_parquet(args.parquet, columns=cols))
    df["date_day"] = pd.to_datetime(df["date_day"])
    # what the naming convention gives mille: region and audience from the campaign name
    parts = df["campaign_name"].str.split("_", expand=True)
    df["region"], df["audience"] = parts[0].str.lower(), parts[2]
    df = df.rename(columns={"country_code": "country"})
    end = df["date_day"].max()
    last = (end + pd.Timedelta(days=1)).to_period("M") - 1 if (end + pd.Timedelta(days=1)).day != 1 else end.to_period("M")
    b, a = last - 1, last

    def report_same():
        f = df[df.date_day <= end]
        daily = f.groupby(["date_day", "platform", "country"], observed=True)[["spend", "impressions", "clicks"]].sum()
        daily = daily.reset_index()
        total = daily.groupby("date_day")[["spend", "impressions", "clicks"]].sum().reset_index()
        total["platform"], total["country"] = None, None
        days = pd.concat([daily, total])
        days["month"] = days.date_day.dt.to_period("M")
        for x, y in (("spend", "spend"), ("spend", "impressions"), ("impressions", "impressions"),
                     ("spend", "clicks"), ("clicks", "clicks")):
            days[f"{x}_{y}"] = days[x] * days[y]
        cells = days.groupby(["month", "platform", "country"], dropna=False).sum(numeric_only=True)
        cells["cpm"] = 1000 * cells.spend / cells.impressions
        cells["cpc"] = cells.spend / cells.clicks
        cells["ctr"] = 100 * cells.clicks / cells.impressions
        detail = f[f.date_day.dt.to_period("M").isin([b, a])]
        detail.groupby(["date_day", "platform", "country"], observed=True)[["spend", "impressions", "clicks"]].sum()
        return cells

    def explain_same():
        month = df.date_day.dt.to_period("M")
        f = df[month.isin([b, a])].assign(after=month[month.isin([b, a])] == a)
        return f.groupby([*EXPLAIN_DIMS, "after"], observed=True)[["spend", "impressions"]].sum().unstack("after")

    def audit_scan():
        return df.groupby(["platform", "account_id", "campaign_id", "date_day"], observed=True)[
            ["spend", "impressions", "clicks"]].sum()

    med, _ = interleave({"report": report_same, "explain": explain_same, "audit_scan": audit_scan}, args.repeat)
    out.update(med)
    out["peak"] = peak_gib()
    return out


# -- phase: Spark against DuckDB ----------------------------------------------------------------
def phase_spark(args: argparse.Namespace) -> dict[str, Any]:
    from mille.analysis.audit import audit
    from mille.analysis.breakdown import report
    from mille.analysis.explain import explain
    from mille.sources.ingest import ingest_paths
    from mille.workspace import Workspace

    out: dict[str, Any] = {}
    results: dict[str, dict[str, Any]] = {}
    for engine in ("duckdb", "spark"):
        path = args.ws.parent / f"parity-{engine}"
        shutil.rmtree(path, ignore_errors=True)
        out[f"{engine}_start"], _ = timed(lambda path=path, engine=engine: init(path, engine))
        with Workspace.open(path) as ws:
            out[f"{engine}_ingest"], _ = timed(lambda ws=ws: ingest_paths(ws, [str(args.csv)], account_currency="USD"))
            before, after = compared_months(ws)
            end = ws.anchor_date()
            calls = {
                "report": (report, ("cpm,cpc,ctr",), {"by": "platform,country", "grain": "month"}),
                "explain": (explain, ("cpm", before, after), {"dims": EXPLAIN_DIMS}),
                "audit": (audit, (), {"as_of": end + timedelta(days=1)}),
            }
            for name, (fn, fargs, kwargs) in calls.items():
                out[f"{engine}_{name}"], result = timed(lambda fn=fn, fargs=fargs, kwargs=kwargs, ws=ws: fn(ws, *fargs, **kwargs))
                results.setdefault(name, {})[engine] = json.loads(result.to_json())
    worst = 0.0
    for name, pair in results.items():
        diffs: list[float] = []
        mismatches = _compare(pair["duckdb"], pair["spark"], diffs)
        out[f"parity_{name}_mismatches"] = mismatches
        out[f"parity_{name}_figures"] = len(diffs)
        worst = max([worst, *diffs])
    out["parity_worst_relative"] = worst
    out["peak"] = peak_gib()
    return out


def _compare(a: Any, b: Any, diffs: list[float], key: str = "") -> list[str]:
    """Paths where two results differ (numbers beyond 1e-9 relative; timings and paths skipped);
    every compared number's relative difference goes to ``diffs``."""
    if key in ("seconds", "source", "workspace"):
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        return [m for k in sorted(set(a) | set(b)) for m in _compare(a.get(k), b.get(k), diffs, k)]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{key}: {len(a)} vs {len(b)} items"]
        return [m for x, y in zip(a, b, strict=True) for m in _compare(x, y, diffs, key)]
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        rel = abs(a - b) / max(abs(a), abs(b)) if a != b else 0.0
        diffs.append(rel)
        return [f"{key}: {a} vs {b}"] if rel > 1e-9 and abs(a - b) > 1e-12 else []
    return [] if a == b else [f"{key}: {str(a)[:40]} vs {str(b)[:40]}"]


PHASES = {"ingest": phase_ingest, "monthly": phase_monthly, "mille": phase_mille, "duckdb": phase_duckdb, "pandas": phase_pandas, "spark": phase_spark}


# -- the run ------------------------------------------------------------------------------------
def child(phase: str, csv: Path, parquet: Path, ws: Path, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--phase", phase, "--csv", str(csv), "--parquet", str(parquet),
           "--ws", str(ws), "--repeat", str(args.repeat), "--audit-repeat", str(args.audit_repeat)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False,
                          env={**os.environ, "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1")})
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"phase {phase} failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--spark-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--audit-repeat", type=int, default=1)
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="keep the data and workspaces here")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--parquet", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ws", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(PHASES[args.phase](args), default=str))
        return 0

    root = args.out or Path(tempfile.mkdtemp(prefix="mille-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        csv, parquet = root / "ad_report.csv", root / "ad_report.parquet"
        seconds, rows = timed(lambda: write_data(args.rows, csv, parquet))
        print(f"data: {rows:,} rows, CSV {csv.stat().st_size / 1e9:.2f} GB, Parquet {parquet.stat().st_size / 1e6:.0f} MB "
              f"({seconds:.0f} s to generate)", flush=True)
        i = child("ingest", csv, parquet, root / "ws", args)
        print(f"mille ingest done: {i['ingest']:.1f} s", flush=True)
        m = {**child("mille", csv, parquet, root / "ws", args), "ingest": i["ingest"],
             "peak_ingest": i["peak"], "workspace_bytes": i["workspace_bytes"]}
        mo = child("monthly", csv, parquet, root / "ws", args)
        m.update(ingest_monthly=mo["ingest"], peak_monthly=mo["peak"], monthly_files=mo["files"])
        d = child("duckdb", csv, parquet, root / "ws", args)
        p = child("pandas", csv, parquet, root / "ws", args)
        _print_scale(rows, m, d, p, parquet.stat().st_size, args)
        if not args.no_spark:
            small_csv, small_parquet = root / "spark.csv", root / "spark.parquet"
            n_small = write_data(args.spark_rows, small_csv, small_parquet)
            s = child("spark", small_csv, small_parquet, root / "ws", args)
            _print_spark(n_small, s)
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×"


def _print_scale(rows: int, m: dict, d: dict, p: dict, parquet_bytes: int, args: argparse.Namespace) -> None:
    def ok(flag: bool) -> str:
        return "met" if flag else "MISSED"

    print(f"\n== {rows:,} rows; medians of {args.repeat} interleaved runs (audit: {args.audit_repeat}) ==")
    print(f"ingest   mille {m['ingest']:7.1f} s | DuckDB read_csv {d['ingest']:6.1f} s ({_ratio(m['ingest'], d['ingest'])}) "
          f"| pandas read_csv {p['ingest']:6.1f} s ({_ratio(m['ingest'], p['ingest'])})")
    print(f"         mille, the same rows as {m['monthly_files']} monthly files, one ingest each: "
          f"{m['ingest_monthly']:.1f} s ({_ratio(m['ingest_monthly'], d['ingest'])} DuckDB)")
    print(f"report   mille {m['report']:7.2f} s | DuckDB SQL same numbers {m['report_sql']:6.2f} s "
          f"({_ratio(m['report'], m['report_sql'])}, target ≤ 1.5×: {ok(m['report'] <= 1.5 * m['report_sql'])}) "
          f"| SQL ratios only {m['report_sql_ratios']:.2f} s")
    print(f"         pandas same numbers {p['report']:6.2f} s on a frame in memory (+ {p['read_parquet']:.1f} s to "
          f"read the Parquet): pandas / mille = {p['report'] / m['report']:.2f}× "
          f"(target ≥ 3×: {ok(p['report'] >= 3 * m['report'])}), with reading {(p['report'] + p['read_parquet']) / m['report']:.1f}×")
    print(f"explain  mille {m['explain']:7.2f} s over {len(EXPLAIN_DIMS)} dims (target < 10 s: {ok(m['explain'] < 10)}) "
          f"| DuckDB SQL leaves {m['explain_sql']:.2f} s ({_ratio(m['explain'], m['explain_sql'])}) "
          f"| pandas leaves {p['explain']:.2f} s ({_ratio(m['explain'], p['explain'])})")
    print(f"audit    mille {m['audit']:7.1f} s (target < 30 s: {ok(m['audit'] < 30)}) | one DuckDB GROUP BY scan "
          f"{m['audit_scan']:.2f} s ({_ratio(m['audit'], m['audit_scan'])}) | pandas group-by {p['audit_scan']:.2f} s")
    print(f"memory   peak RSS (target < 4 GiB): mille ingest of the one file {m['peak_ingest']:.2f} GiB "
          f"({ok(m['peak_ingest'] < 4)}), of the monthly files {m['peak_monthly']:.2f} GiB ({ok(m['peak_monthly'] < 4)}), "
          f"report + explain + audit {m['peak']:.2f} GiB ({ok(m['peak'] < 4)}); DuckDB read_csv {d['peak']:.2f} GiB; "
          f"pandas {p['peak']:.2f} GiB")
    ws_bytes = m["workspace_bytes"]
    print(f"size     workspace file {ws_bytes / 1e6:.0f} MB vs Parquet {parquet_bytes / 1e6:.0f} MB = "
          f"{ws_bytes / parquet_bytes:.2f}× (target ≤ 2×: {ok(ws_bytes <= 2 * parquet_bytes)}); the stored table "
          f"(with lineage) as Parquet {m['stored_parquet_bytes'] / 1e6:.0f} MB = {ws_bytes / m['stored_parquet_bytes']:.2f}×; "
          f"blocks in use {m['used_bytes'] / 1e6:.0f} MB = {m['used_bytes'] / parquet_bytes:.2f}× the Parquet; "
          f"DuckDB's own table of the CSV {d['db_bytes'] / 1e6:.0f} MB; the CSV as Parquet written by DuckDB "
          f"{d['duckdb_parquet_bytes'] / 1e6:.0f} MB = {ws_bytes / d['duckdb_parquet_bytes']:.2f}×")
    print(f"answers  explain change {m['explain_change']:+.4f}, causes {m['explain_causes']}; audit {m['audit_findings']}")


def _print_spark(rows: int, s: dict) -> None:
    print(f"\n== Spark (local[2]) against DuckDB on {rows:,} rows ==")
    print(f"start    DuckDB {s['duckdb_start']:.1f} s | Spark session + workspace {s['spark_start']:.1f} s")
    for step in ("ingest", "report", "explain", "audit"):
        print(f"{step:8} DuckDB {s[f'duckdb_{step}']:6.2f} s | Spark {s[f'spark_{step}']:6.2f} s "
              f"({_ratio(s[f'spark_{step}'], s[f'duckdb_{step}'])})")
    for name in ("report", "explain", "audit"):
        bad = s[f"parity_{name}_mismatches"]
        print(f"parity   {name}: {s[f'parity_{name}_figures']:,} figures compared, {len(bad)} differ beyond 1e-9"
              + (f": {bad[:3]}" if bad else ""))
    print(f"         largest relative difference {s['parity_worst_relative']:.1e} (target ≤ 1e-9: "
          f"{'met' if all(not s[f'parity_{n}_mismatches'] for n in ('report', 'explain', 'audit')) else 'MISSED'}); "
          f"peak RSS {s['peak']:.2f} GiB (the Spark JVM not included)")


if __name__ == "__main__":
    sys.exit(main())
