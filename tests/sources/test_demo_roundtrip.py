"""The demo's export files read back to the generator's truth: generate → write → ingest → equal.

The demo writer (mille.demo) and the readers (mille.sources) share the export contract; this test
holds both to it. Truth is the generator's Arrow table after the planted re-download (what the
exports say once the overlapping slice is replaced), summed with DuckDB independently of mille.
"""

from __future__ import annotations

import duckdb
import pytest

from mille.sources import ingest_paths
from mille.workspace import Workspace

MEASURES = ("spend", "spend_reporting", "impressions", "clicks", "leads", "conversions", "clicks_all")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    from mille.demo.build import demo_config
    from mille.demo.generate import generate
    from mille.demo.writers import write_exports

    root = tmp_path_factory.mktemp("demo")
    data = generate(0)
    with Workspace.init(root, demo_config()) as ws:
        files = write_exports(data, root / "exports")
        summary = ingest_paths(ws, files.ads)
        held = ws.engine.to_arrow(ws.ad_performance())
        log = ws.engine.to_arrow(ws.engine.table("slice_replacements"))
    return data, summary, held, log


def _by(table, keys: str) -> dict[tuple, tuple]:
    con = duckdb.connect()
    con.register("t", table)
    cols = ", ".join(f"round(sum({m}), 4)" for m in MEASURES)
    rows = con.execute(f"select {keys}, {cols} from t group by all order by all").fetchall()
    n = len(keys.split(","))
    return {tuple(r[:n]): tuple(r[n:]) for r in rows}


def test_totals_per_platform_and_month_equal_the_truth(demo) -> None:
    data, _, held, _ = demo
    keys = "platform, strftime(date_day, '%Y-%m') as month"
    assert _by(held, keys) == _by(data.ads, keys)


def test_totals_per_campaign_and_device_equal_the_truth(demo) -> None:
    data, _, held, _ = demo
    keys = "platform, campaign_name, coalesce(device, '-') as device"
    assert _by(held, keys) == _by(data.ads, keys)


def test_the_redownload_replaced_its_slice_and_said_so(demo) -> None:
    data, summary, _, log = demo
    story = data.story.redownload
    replaced = [c for c in summary.changes if c.action == "replaced"]
    assert replaced and {c.platform for c in replaced} == {"facebook_ads"}
    assert min(c.date_min for c in replaced) == story.start
    assert max(c.date_max for c in replaced) <= story.end
    assert log.num_rows == len(summary.changes)
    # The restated leads won: the held leads are the truth's, not the first export's.
    con = duckdb.connect()
    con.register("t", data.ads)
    restated, first = con.execute("select sum(leads), sum(leads_first_export) from t").fetchone()
    assert restated != first


def test_naming_convention_and_formats(demo) -> None:
    data, summary, held, _ = demo
    assert summary.naming is not None
    con = duckdb.connect()
    con.register("t", data.ads)
    misfits = {r[0] for r in con.execute("select distinct campaign_name from t where not follows_convention").fetchall()}
    assert set(summary.naming.unmatched) == misfits
    formats = {f.format for f in summary.files}
    assert formats == {"linkedin_ads_ui", "google_ads_ui", "microsoft_ads_report", "meta_ads_ui"}
    assert {f.encoding for f in summary.files} >= {"utf-16-le", "utf-8", "xlsx"}
    con.register("h", held)
    audiences = con.execute("select count(*) from h where audience is null and campaign_name in "
                            "(select campaign_name from t where follows_convention)").fetchone()[0]
    assert audiences == 0
