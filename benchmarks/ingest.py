"""Ingest speed: a 5-million-row Google Ads-style CSV, mille against DuckDB's own read_csv.

Generates (once, cached in the output folder) a Google Ads campaign report with the real
layout — title row, quoted date-range row, header, ``"12,345"`` counts, `` --`` ratios, ``Total:``
rows at the end — then, in one run and on the same file:

* ``read``: mille's :func:`mille.sources.read_export` (detect, parse, clean, unify to Arrow)
  against DuckDB ``read_csv`` (types auto-detected, thousands separator given) fetched as Arrow;
* ``read_text``: the same against DuckDB reading every cell as text (no number parsing at all —
  the strictest comparison);
* ``ingest``: mille's :func:`mille.sources.ingest_paths` into a fresh workspace (hash, read,
  FX, overlap checks, insert, ingest log — one transaction) against DuckDB ``CREATE TABLE … AS
  SELECT * FROM read_csv(…)`` into a fresh database file. Creating the empty workspace or
  database is not timed.

Each is timed ``--repeat`` times (best kept; timings are noisy on a shared machine) and the
ratio DuckDB time / mille time is printed: 1.0 = as fast as DuckDB, the target is ≥ 0.5.

    python benchmarks/ingest.py [--rows 5000000] [--repeat 3] [--out /tmp/mille-bench-ingest]
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

HEADER = ("Day,Campaign status,Campaign,Campaign type,Device,Country/Territory (User location),Currency code,"
          "Impr.,Clicks,CTR,Avg. CPC,Cost,Conversions,Cost / conv.")


def generate(path: Path, rows: int) -> None:
    """Write the report with DuckDB (fast, deterministic): ~130 bytes a row."""
    body = path.with_suffix(".body")
    con = duckdb.connect()
    con.execute(f"""
        copy (
          with r as (
            select i,
                   date '2026-05-01' + cast(i % 184 as integer) as day,
                   -- one row per day × campaign × device × country (up to 5.5M rows), as in a real
                   -- report: a key repeated with other figures would be refused as a duplicate
                   (i // 5520) % 1000 as campaign,
                   (i // 184) % 3 as device,
                   (i // 552) % 10 as country,
                   cast(50 + (hash(i) % 50000) as bigint) as impressions
            from range({rows}) t(i)
          ), m as (
            select *, cast(impressions * (0.002 + (hash(i * 7) % 60) / 1000.0) as bigint) as clicks,
                      round(impressions * (2.0 + (hash(i * 13) % 900) / 100.0) / 1000.0, 2) as cost,
                      round((hash(i * 17) % 500) / 100.0, 2) as conversions
            from r
          )
          select strftime(day, '%Y-%m-%d') as "Day",
                 'Enabled' as "Campaign status",
                 ['NA', 'EMEA', 'APAC'][campaign % 3 + 1] || '_leadgen_audience' || campaign || '_demo' as "Campaign",
                 case when campaign % 4 = 0 then 'Display' else 'Search' end as "Campaign type",
                 ['Computers', 'Mobile phones', 'Tablets'][device + 1] as "Device",
                 ['United States', 'Germany', 'United Kingdom', 'France', 'Canada', 'Netherlands', 'Spain',
                  'Italy', 'Sweden', 'Australia'][country + 1] as "Country/Territory (User location)",
                 'USD' as "Currency code",
                 format('{{:,}}', impressions) as "Impr.",
                 format('{{:,}}', clicks) as "Clicks",
                 case when impressions = 0 then ' --' else format('{{:.2f}}%', 100.0 * clicks / impressions) end as "CTR",
                 case when clicks = 0 then ' --' else format('{{:.2f}}', cost / clicks) end as "Avg. CPC",
                 format('{{:.2f}}', cost) as "Cost",
                 format('{{:.2f}}', conversions) as "Conversions",
                 case when conversions = 0 then ' --' else format('{{:.2f}}', cost / conversions) end as "Cost / conv."
          from m order by i
        ) to '{body}' (header false, quote '"', delimiter ',')
    """)
    total = con.execute(f"""
        select sum(cast(replace("Impr.", ',', '') as bigint)), sum(cast(replace("Clicks", ',', '') as bigint)),
               sum(cast("Cost" as double)), sum(cast("Conversions" as double))
        from read_csv('{body}', header=false, all_varchar=true,
                      names=['Day','Status','Campaign','Type','Device','Country','Currency','Impr.','Clicks','CTR',
                             'CPC','Cost','Conversions','CPA'])
    """).fetchone()
    con.close()
    with path.open("wb") as out:
        out.write(b'Campaign report\n"May 1, 2026 - October 31, 2026"\n' + HEADER.encode() + b"\n")
        with body.open("rb") as src:
            shutil.copyfileobj(src, out, 1 << 24)
        impr, clicks, cost, conv = total
        out.write(f'Total: Account,,,,,,USD,"{impr:,}","{clicks:,}", --, --,{cost:.2f},{conv:.2f}, --\n'.encode())
        out.write(f'Total: Campaigns,,,,,,USD,"{impr:,}","{clicks:,}", --, --,{cost:.2f},{conv:.2f}, --\n'.encode())
    body.unlink()


def best(fn: Callable[[object], object], repeat: int, setup: Callable[[], object] = lambda: None
         ) -> tuple[float, object]:
    """Best of ``repeat`` timings of ``fn(setup())``; the setup is not timed."""
    times, result = [], None
    for _ in range(repeat):
        prepared = setup()
        start = time.perf_counter()
        result = fn(prepared)
        times.append(time.perf_counter() - start)
        close = getattr(prepared, "close", None)
        if close is not None:
            close()
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/mille-bench-ingest"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"google_ads_campaign_report_{args.rows}.csv"
    if not path.exists():
        start = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {path} ({path.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - start:.1f} s")

    from mille.config import Config
    from mille.sources import ingest_paths, read_export
    from mille.workspace import Workspace

    # DuckDB gets the two hints the file needs: the thousands separator, and Day as text (the
    # `Total:` rows at the end put labels in it, which DuckDB's date detection cannot skip).
    duck_read_sql = (f"select * from read_csv('{path}', skip=2, header=true, thousands=',', "
                     "types={'Day': 'VARCHAR'})")
    duck_text_sql = f"select * from read_csv('{path}', skip=2, header=true, all_varchar=true)"

    def duck_read(_: object = None, sql: str = duck_read_sql) -> int:
        con = duckdb.connect()
        table = con.sql(sql).arrow().read_all()
        con.close()
        return table.num_rows

    def mille_read(_: object = None) -> int:
        return read_export(path).rows

    def fresh_database() -> duckdb.DuckDBPyConnection:
        db = args.out / "duckdb_baseline.duckdb"
        db.unlink(missing_ok=True)
        return duckdb.connect(str(db))

    def duck_ingest(con: duckdb.DuckDBPyConnection) -> int:
        con.execute(f"create table t as {duck_read_sql}")
        return con.execute("select count(*) from t").fetchone()[0]

    def fresh_workspace() -> Workspace:
        ws_dir = args.out / "mille_workspace"
        shutil.rmtree(ws_dir, ignore_errors=True)
        return Workspace.init(ws_dir, Config())

    def mille_ingest(ws: Workspace) -> int:
        return ingest_paths(ws, [path]).rows_written

    # Warm up: imports and first-call setup (formats registry, Arrow kernels) are not ingest speed.
    head = args.out / "warmup.csv"
    with path.open("rb") as src:
        head.write_bytes(b"".join(src.readline() for _ in range(2000)))
    read_export(head)
    duck_read(sql=duck_read_sql.replace(str(path), str(head)))

    results = {}
    runs = (("read", duck_read, mille_read, None, None),
            ("read_text", lambda _: duck_read(sql=duck_text_sql), mille_read, None, None),
            ("ingest", duck_ingest, mille_ingest, fresh_database, fresh_workspace))
    for name, duck, mine, duck_setup, mine_setup in runs:
        t_duck, n_duck = best(duck, args.repeat, duck_setup or (lambda: None))
        t_mine, n_mine = best(mine, args.repeat, mine_setup or (lambda: None))
        ratio = t_duck / t_mine
        results[name] = {"duckdb_s": round(t_duck, 3), "mille_s": round(t_mine, 3), "duckdb_rows": n_duck,
                         "mille_rows": n_mine, "ratio_duckdb_over_mille": round(ratio, 3)}
        print(f"{name:9s} duckdb {t_duck:7.2f} s ({n_duck:,} rows)   mille {t_mine:7.2f} s ({n_mine:,} rows)   "
              f"ratio {ratio:.2f} {'(target ≥ 0.5 met)' if ratio >= 0.5 else '(below the 0.5 target)'}")
    print(json.dumps({"rows": args.rows, "file_mb": round(path.stat().st_size / 1e6, 1), **results}))


if __name__ == "__main__":
    main()
