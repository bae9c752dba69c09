"""Benchmark: `mille serve` under load (issue 8) — 50 concurrent clients for 20 seconds.

Builds the seed-0 demo workspace in a temporary directory (or uses ``--workspace``), starts
the real ``mille serve`` on a free loopback port in a child process, and runs ``--clients``
asyncio clients (httpx) for ``--seconds`` over a mix of pages and their JSON twins: the five
pages with their default inputs, breakdowns over other metrics, dimensions, grains and months,
explanations of other metrics and months, audits by period and severity, glossary pages. Each
client walks the mix from its own starting point, so the server sees every URL concurrently.

    .venv/bin/python benchmarks/load.py                       # 50 clients × 20 s, result cache on
    .venv/bin/python benchmarks/load.py --cache 0             # every request computes its result
    .venv/bin/python benchmarks/load.py --clients 10 --seconds 5 --workspace mille-workspace

It prints requests per second, latency percentiles (p50, p95, p99, max), the error count (any
status other than 200, or a failed connection), the first (cold) request per URL, and the
slowest URLs. The client and the server share this machine's cores, so the figures are a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx
import numpy as np

PAGES = ["/", "/breakdown", "/explain", "/audit", "/metrics", "/metrics/cpm"]
VARIANTS = [
    "/breakdown?metrics=cpm,ctr&by=platform&by=audience&grain=month",
    "/breakdown?metrics=cpc&by=network&period=2026-09",
    "/breakdown?metrics=ctr&by=device&period=2026-08&compare=year",
    "/breakdown?by=country&grain=week&top=5",
    "/explain?metric=ctr&before=2026-08&after=2026-09",
    "/explain?metric=cpc&before=2026-07&after=2026-08&dims=platform,network,device",
    "/audit?period=2026-10&severity=warn",
    "/metrics/ctr?period=2026-09",
    "/metrics/cost_per_lead",
]


def json_twin(url: str) -> str:
    path, _, query = url.partition("?")
    path = "/overview" if path == "/" else path
    return f"{path}.json" + (f"?{query}" if query else "")


def url_mix() -> list[str]:
    urls = []
    for url in [*PAGES, *VARIANTS]:
        urls += [url, json_twin(url)]
    return urls


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(workspace: Path, cache: int, connections: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mille", "serve", "-w", str(workspace), "--port", str(port), "--log-level",
         "warning", "--cache", str(cache), "--connections", str(connections)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"mille serve exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(base + "/static/dashboard.css", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("mille serve did not start within 60 s")


async def cold_pass(base: str, urls: list[str]) -> dict[str, float]:
    """Each URL once, one at a time: what a first visitor waits for."""
    out = {}
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for url in urls:
            t = time.perf_counter()
            r = await client.get(url)
            out[url] = time.perf_counter() - t
            if r.status_code != 200:
                raise SystemExit(f"{url} answered {r.status_code}: {r.text[:300]}")
    return out


async def load(base: str, urls: list[str], clients: int, seconds: float) -> tuple[list[float], list[str], dict, float]:
    latencies: list[float] = []
    errors: list[str] = []
    per_url: dict[str, list[float]] = defaultdict(list)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        start = time.perf_counter()
        stop = start + seconds

        async def worker(k: int) -> None:
            i = k
            while time.perf_counter() < stop:
                url = urls[i % len(urls)]
                i += 1
                t = time.perf_counter()
                try:
                    r = await client.get(url)
                    ok = r.status_code == 200
                    if not ok:
                        errors.append(f"{url}: HTTP {r.status_code}")
                except httpx.HTTPError as exc:
                    ok = False
                    errors.append(f"{url}: {type(exc).__name__}")
                took = time.perf_counter() - t
                latencies.append(took)
                if ok:
                    per_url[url].append(took)

        await asyncio.gather(*(worker(k * 7) for k in range(clients)))
        elapsed = time.perf_counter() - start
    return latencies, errors, per_url, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--cache", type=int, default=256, help="mille serve --cache (0: compute every request)")
    parser.add_argument("--connections", type=int, default=2, help="mille serve --connections")
    parser.add_argument("--workspace", type=Path, default=None, help="serve this workspace instead of a fresh demo")
    args = parser.parse_args()

    tmp = None
    workspace = args.workspace
    if workspace is None:
        from mille.demo import build_demo

        tmp = Path(tempfile.mkdtemp(prefix="mille-load-"))
        workspace = tmp / "workspace"
        t = time.perf_counter()
        build_demo(workspace, seed=0)
        print(f"demo workspace built in {time.perf_counter() - t:.1f} s: {workspace}")
    proc, base = start(workspace, args.cache, args.connections)
    try:
        urls = url_mix()
        cold = asyncio.run(cold_pass(base, urls))
        latencies, errors, per_url, elapsed = asyncio.run(load(base, urls, args.clients, args.seconds))
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    ms = np.array(latencies) * 1000
    print(f"\nmille serve under load: {args.clients} clients for {elapsed:.1f} s over {len(urls)} URLs "
          f"({len(urls) // 2} pages and their JSON twins), --cache {args.cache}, --connections {args.connections}")
    print(f"requests: {len(ms):,}  ({len(ms) / elapsed:,.1f} per second)   errors: {len(errors)}")
    if len(ms):
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        print(f"latency ms: p50 {p50:,.1f}   p95 {p95:,.1f}   p99 {p99:,.1f}   max {ms.max():,.1f}")
    c = np.array(list(cold.values())) * 1000
    print(f"first request per URL (cold, one at a time), ms: median {np.median(c):,.0f}   max {c.max():,.0f}")
    slow = sorted(per_url.items(), key=lambda kv: -float(np.median(kv[1])))[:5]
    print("slowest URLs under load (median ms):")
    for url, values in slow:
        print(f"  {np.median(values) * 1000:8.1f}  {url}")
    for line in errors[:10]:
        print("  error:", line)
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
