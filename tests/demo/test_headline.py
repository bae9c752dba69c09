"""The headline against a pandas recomputation, on a workspace loaded straight from the truth.

Loading the truth directly (not through the export files) keeps these tests independent of the
ingest readers; test_demo_cli.py checks the same figures end to end through the real files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from mille.analysis.headline import ALL, headline
from mille.demo.build import demo_config
from mille.errors import QueryError
from mille.report.html import render_html
from mille.report.render import render
from mille.workspace import Workspace

from .demo_truth import load_truth

BEFORE, AFTER = "2026-09", "2026-10"


@pytest.fixture(scope="module")
def truth_ws(tmp_path_factory: pytest.TempPathFactory, demo_data):
    path = tmp_path_factory.mktemp("truth") / "ws"
    with Workspace.init(path, demo_config()) as ws:
        load_truth(ws, demo_data)
    ws = Workspace.open(path, read_only=True)
    yield ws
    ws.close()


def expected_figures(ads: pd.DataFrame) -> pd.DataFrame:
    """Sums and ratios per platform (and "all") and month, computed with pandas alone."""
    ads = ads.assign(month=pd.to_datetime(ads.date_day).dt.strftime("%Y-%m"))
    ads = ads[ads.month.isin([BEFORE, AFTER])]
    per = ads.groupby(["platform", "month"])[["spend_reporting", "impressions", "clicks"]].sum()
    blended = ads.groupby("month")[["spend_reporting", "impressions", "clicks"]].sum()
    blended.index = pd.MultiIndex.from_product([[ALL], blended.index], names=["platform", "month"])
    sums = pd.concat([blended, per]).rename(columns={"spend_reporting": "spend"})
    sums["cpm"] = 1000 * sums.spend / sums.impressions
    sums["cpc"] = sums.spend / sums.clicks
    sums["ctr"] = 100 * sums.clicks / sums.impressions
    return sums


def test_headline_equals_pandas_recomputation(truth_ws, demo_data) -> None:
    h = headline(truth_ws)
    assert h.after == {"label": AFTER, "start": "2026-10-01", "end": "2026-10-31"}
    assert h.before == {"label": BEFORE, "start": "2026-09-01", "end": "2026-09-30"}
    assert h.currency == "USD"
    want = expected_figures(demo_data.ads.to_pandas())
    platforms = sorted({p for p, _ in want.index} - {ALL}, key=lambda p: -want.loc[(p, AFTER), "spend"])
    assert h.platforms == [ALL, *platforms]
    bases = {"cpm": ("spend", "impressions"), "cpc": ("spend", "clicks"), "ctr": ("clicks", "impressions")}
    for platform in h.platforms:
        for metric in ("spend", "impressions", "clicks", "cpm", "cpc", "ctr"):
            f = h.figure(metric, platform)
            b, a = want.loc[(platform, BEFORE), metric], want.loc[(platform, AFTER), metric]
            assert f.before.value == pytest.approx(b, rel=1e-9)
            assert f.after.value == pytest.approx(a, rel=1e-9)
            assert f.change == pytest.approx(a - b, rel=1e-9, abs=1e-9)
            assert f.change_pct == pytest.approx(100 * (a - b) / b, rel=1e-9, abs=1e-9)
            if metric in bases:
                num, den = bases[metric]
                assert f.before.numerator == pytest.approx(want.loc[(platform, BEFORE), num], rel=1e-12)
                assert f.after.denominator == want.loc[(platform, AFTER), den]


def test_blended_cpm_rise_is_in_the_documented_range(truth_ws) -> None:
    cpm = headline(truth_ws).figure("cpm")
    assert 15 <= cpm.change_pct <= 30


def test_explicit_period_and_comparison(truth_ws, demo_data) -> None:
    h = headline(truth_ws, period="2026-08", compare="2026-06")
    assert h.after["label"] == "2026-08" and h.before["label"] == "2026-06"
    ads = demo_data.ads.to_pandas()
    ads["month"] = pd.to_datetime(ads.date_day).dt.strftime("%Y-%m")
    aug = ads[ads.month == "2026-08"]
    assert h.figure("impressions").after.value == aug.impressions.sum()


def test_empty_workspace_is_a_clear_error(tmp_ws: Path) -> None:
    with Workspace.open(tmp_ws) as ws, pytest.raises(QueryError, match="no ad data"):
        headline(ws)


def test_renderers_show_the_computed_figures(truth_ws) -> None:
    h = headline(truth_ws)
    table = render(h, "table", width=80)
    assert max(len(line) for line in table.splitlines()) <= 80, "fits an 80-column terminal"
    cpm = h.figure("cpm")
    header = table.split("─")[0]
    assert "All" in header and "platforms" in header and "Microsoft" in header and "Advertising" in header
    assert f"${cpm.after.value:,.2f}" in table and f"${cpm.before.value:,.2f}" in table
    assert f"{cpm.change_pct:+.1f} %".replace("-", "−") in table
    assert "−0.0 %" not in table
    assert f"{h.figure('impressions').after.value:,.0f}" in table
    data = json.loads(render(h, "json"))
    assert data["figures"][3]["metric"] == "cpm" and data["figures"][3]["after"]["value"] == pytest.approx(cpm.after.value)
    rows = render(h, "csv").strip().split("\n")
    assert len(rows) == 1 + len(h.platforms) * 6
    assert rows[0].startswith("platform,metric,before,after,change,change_pct")


def test_html_report_is_self_contained(truth_ws) -> None:
    h = headline(truth_ws)
    html = render_html(h)
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert "<script" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "nothing is fetched from a network"
    cpm = h.figure("cpm")
    assert f"${cpm.after.value:,.2f}" in html and "Price and response" in html
    assert html.count("<table>") == 2
