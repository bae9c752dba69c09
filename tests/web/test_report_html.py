"""The self-contained HTML report and its charts, drawn from the demo's results.

Chart data are checked against the result they come from (the same figures, nothing
recomputed), waterfalls against the exact decomposition (the steps add up to the later value),
and pages against the rules of a file that is e-mailed: everything inline, nothing fetched.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from mille.report import charts
from mille.report.html import asset_text, json_script, render_html
from mille.report.html_locale import formats

SCRIPT = re.compile(r'<script type="application/json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def results(demo_workspace: Path) -> dict:
    from mille.analysis.audit import audit
    from mille.analysis.breakdown import report
    from mille.analysis.explain import explain
    from mille.analysis.glossary import glossary_page, metric_list
    from mille.workspace import Workspace

    with Workspace.open(demo_workspace, read_only=True) as ws:
        return {
            "breakdown": report(ws, by="platform"),
            "series": report(ws, "cpm,ctr", by="platform,audience", grain="month"),
            "overview": report(ws, by="none", grain="week"),
            "explain": explain(ws, "cpm", "2026-09", "2026-10"),
            "audit": audit(ws),
            "glossary": glossary_page(ws, "ctr", record=False),
            "list": metric_list(ws.path),
        }


def specs(html: str) -> list[dict]:
    return [json.loads(s) for s in SCRIPT.findall(html)]


@pytest.mark.parametrize("name", ["breakdown", "series", "overview", "explain", "audit", "glossary", "list"])
def test_the_page_is_self_contained(results: dict, name: str) -> None:
    html = render_html(results[name])
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "nothing is fetched from a network"
    assert not re.search(r"<script[^>]+src=", html) and '<link rel="stylesheet"' not in html
    figures = html.count('<figure class="chart"')
    if name == "list":
        assert figures == 0 and "<script" not in html  # no chart, no chart library
        return
    assert figures >= 1 and len(specs(html)) == figures
    # The three libraries and the glue are inline, whole, and cannot be cut short by a "</script".
    for lib in ("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js", "mille-charts.js"):
        body = asset_text(lib).split("\n//# sourceMappingURL=")[0]
        assert body[:2000] in html and body[-2000:] in html
    assert html.count("<script") == html.count("</script>")
    assert "sourceMappingURL" not in html


def test_bars_show_the_cells_values_and_intervals(results: dict) -> None:
    b = results["breakdown"]
    spec = charts.segment_bars(b, "cpm", formats())
    rows = spec["data"]["values"]
    cells = [*b.cells, b.total]
    assert len(rows) == len(cells)
    assert spec["usermeta"]["mille"]["marks"] == sum(c.metrics["cpm"].current.value is not None for c in cells)
    for row, cell in zip(rows, cells, strict=True):
        m = cell.metrics["cpm"]
        assert (row["value"], row["low"], row["high"]) == (m.current.value, m.current.low, m.current.high)
        assert row["previous"] == m.previous.value
        assert row["low"] <= row["value"] <= row["high"]
    assert rows[-1]["label"] == "Total" and rows[0]["label"] == "LinkedIn Ads"


def test_lines_follow_the_series(results: dict) -> None:
    b = results["series"]
    spec = charts.series_lines(b, "ctr", formats())
    points = spec["data"]["values"]
    labels = {p["label"] for p in points}
    assert "Total" in labels and len(labels) <= charts.MAX_LINES + 1
    s = b.series
    totals = [s.metrics["ctr"].value[i] for i in range(len(s)) if s.kind[i] == "total"]
    assert [p["value"] for p in points if p["total"]] == totals
    assert len(points) == spec["usermeta"]["mille"]["marks"]


def test_sparklines_leave_out_partial_buckets(results: dict) -> None:
    b = results["overview"]
    s = b.series
    spec = charts.sparkline(b, "spend")
    whole = [s.metrics["spend"].value[i] for i in range(len(s)) if s.kind[i] == "total" and not s.partial[i]]
    assert [p["value"] for p in spec["data"]["values"]] == whole
    assert any(s.partial)  # the demo starts mid-week: there is something to leave out


@pytest.mark.parametrize("chart", [charts.explain_split, charts.explain_causes])
def test_waterfalls_add_up_to_the_later_value(results: dict, chart) -> None:
    e = results["explain"]
    rows = chart(e, formats())["data"]["values"]
    assert rows[0]["end"] == pytest.approx(e.before.value) and rows[0]["start"] == 0
    assert rows[-1]["end"] == pytest.approx(e.after.value)
    level = rows[0]["end"]
    for step in rows[1:-1]:
        assert step["start"] == pytest.approx(level)
        level = step["end"]
    assert level == pytest.approx(e.after.value, rel=1e-9)  # the parts are the whole change


def test_the_split_is_mix_and_rate(results: dict) -> None:
    e = results["explain"]
    steps = {r["label"]: r["amount"] for r in charts.explain_split(e, formats())["data"]["values"]}
    assert steps["mix"] == e.decomposition.mix and steps["rate"] == e.decomposition.rate


def test_timeline_has_one_bar_per_affected_run_of_days(results: dict) -> None:
    a = results["audit"]
    rows = charts.audit_timeline(a, formats())["data"]["values"]
    runs = [(f.severity, r) for f in a.findings for r in f.days]
    assert len(rows) == len(runs) and rows
    got = sorted((row["severity"], row["start"], row["end"]) for row in rows)
    want = sorted((sev, r.start.isoformat(), (r.end + timedelta(days=1)).isoformat()) for sev, r in runs)
    assert got == want
    assert {row["severity"] for row in rows} <= set(charts.SEVERITY_COLOURS)


def test_every_chart_is_colour_blind_safe_and_described(results: dict) -> None:
    html = "".join(render_html(results[n]) for n in ("breakdown", "series", "explain", "audit", "glossary"))
    colours = set(re.findall(r"#[0-9A-Fa-f]{6}", "".join(SCRIPT.findall(html))))
    allowed = {c.upper() for c in [*charts.OKABE_ITO, charts.INK, charts.MUTED, "#e6e9ef"]}
    assert {c.upper() for c in colours} <= allowed
    for spec in specs(html):
        assert spec["description"] and spec["$schema"].endswith("v6.json")


def test_numbers_and_dates_follow_the_locale(results: dict) -> None:
    b = results["breakdown"]
    cpm = b.total.metrics["cpm"].current.value
    de = render_html(b, locale="de-DE")
    en = render_html(b)
    assert '<html lang="de-DE">' in de
    assert f"{cpm:.2f}".replace(".", ",") + "\xa0$" in de and f"${cpm:,.2f}" in en
    assert "Oktober 2026" in de and "October 2026" in en
    locale = json.loads(re.search(r'id="mille-locale">(.*?)</script>', de, re.S).group(1))
    assert locale["number"]["decimal"] == "," and locale["time"]["months"][9] == "Oktober"


def test_text_from_results_is_escaped(results: dict) -> None:
    hostile = "<img src=x onerror=alert(1)></script>"
    listing = results["list"].model_copy(deep=True)
    listing.metrics[0].label = hostile
    html = render_html(listing)
    assert hostile not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    e = results["explain"].model_copy(deep=True)
    e.label = hostile
    html = render_html(e)
    assert hostile not in html
    for spec in specs(html):  # the label reaches chart titles as JSON, still harmless
        assert isinstance(spec, dict)


def test_json_in_a_script_element_cannot_close_it() -> None:
    text = json_script({"a": "</script><!-- & -->"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & -->"}


def test_write_report_is_atomic_and_complete(results: dict, tmp_path: Path) -> None:
    from mille.report.html import write_report

    out = tmp_path / "report.html"
    text = write_report(results["breakdown"], out, locale="en-GB")
    assert out.read_text(encoding="utf-8") == text and not list(tmp_path.glob("*.tmp"))
    assert text.rstrip().endswith("</html>")


def test_mille_report_writes_the_html_file(cli, demo_workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "october.html"
    code, stdout, err = cli("--workspace", str(demo_workspace), "report", "cpm,ctr", "--by", "platform",
                            "--grain", "month", "--no-record", "--format", "html", "--output", str(out))
    assert code == 0 and f"wrote {out}" in err and stdout == ""
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-US">' in html
    assert html.count('<figure class="chart"') == 4  # lines and bars for each of the two metrics
    twin = json.loads(cli("--workspace", str(demo_workspace), "report", "cpm,ctr", "--by", "platform",
                          "--grain", "month", "--no-record", "--format", "json")[1])
    assert f"${twin['total']['metrics']['cpm']['current']['value']:,.2f}" in html


def test_mille_report_html_to_stdout_and_json_to_a_file(cli, demo_workspace: Path, tmp_path: Path) -> None:
    code, stdout, _ = cli("--workspace", str(demo_workspace), "report", "ctr", "--no-record", "--format", "html")
    assert code == 0 and stdout.startswith("<!DOCTYPE html>") and stdout.rstrip().endswith("</html>")
    out = tmp_path / "r.json"
    code, _, _ = cli("--workspace", str(demo_workspace), "report", "ctr", "--no-record", "--format", "json",
                     "--output", str(out))
    assert code == 0 and json.loads(out.read_text(encoding="utf-8"))["kind"] == "breakdown"
