"""The dashboard and the HTML report in a real browser (Debian's Chromium through Playwright).

Every page loads against ``mille serve`` over the demo workspace with no console error or
warning, every chart renders as SVG with as many marks as its data has rows, changing a control
changes the figures (to the ones the JSON twin gives), and the self-contained report opened from
disk with every network request refused still draws its charts. Screenshots go to
test-artifacts/web/.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "overview": "/",
    "breakdown": "/breakdown",
    "breakdown-series": "/breakdown?metrics=cpm&by=platform&by=audience&grain=month",
    "explain": "/explain",
    "audit": "/audit",
    "metrics": "/metrics",
    "metric-cpm": "/metrics/cpm",
}
CHARTS = """() => Array.from(document.querySelectorAll('figure.chart')).map(f => ({
  kind: f.dataset.kind, marks: Number(f.dataset.marks), rendered: f.dataset.rendered === 'true',
  error: f.dataset.chartError || null, svg: f.querySelectorAll('svg').length,
  rects: f.querySelectorAll('g.mark-rect.layer_0_marks > path, g.mark-rect.marks > path').length,
  symbols: f.querySelectorAll('g.mark-symbol > path').length,
  lines: Array.from(f.querySelectorAll('g.mark-line > path')).map(p => p.getAttribute('d') || ''),
}))"""


def watch(page) -> list[str]:
    """Console errors and warnings, and uncaught exceptions, as they happen."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"exception: {e}"))
    return problems


def wait_for_charts(page) -> list[dict]:
    if page.locator("figure.chart").count():
        page.wait_for_function("document.body.dataset.charts !== undefined", timeout=20_000)
    return page.evaluate(CHARTS)


def assert_drawn(charts: list[dict]) -> None:
    for c in charts:
        assert c["rendered"] and c["error"] is None and c["svg"] == 1, c
        if c["kind"] in ("bars", "waterfall", "timeline"):
            assert c["rects"] == c["marks"] > 0, c
        elif c["kind"] == "lines":
            assert c["symbols"] == c["marks"] > 0 and c["lines"], c
        elif c["kind"] == "sparkline":
            # One line through every point: a move-to and one curve segment per later point.
            assert len(c["lines"]) == 1 and c["lines"][0].count("C") == c["marks"] - 1 and c["symbols"] == 1, c
        else:
            raise AssertionError(f"unexpected chart kind {c['kind']}")


@pytest.fixture(scope="module")
def context(chromium):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="America/Los_Angeles")
    yield ctx
    ctx.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_its_charts(context, server: str, artifacts: Path, name: str) -> None:
    page = context.new_page()
    problems = watch(page)
    response = page.goto(server + PAGES[name])
    assert response is not None and response.status == 200
    charts = wait_for_charts(page)
    assert len(charts) == page.locator("figure.chart").count()
    if name != "metrics":
        assert charts, "the page has charts"
    assert_drawn(charts)
    assert page.evaluate("document.body.dataset.charts") == str(len(charts))
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    assert problems == []
    page.close()


def cpm_total(page) -> str:
    return page.locator('table.breakdown[data-metric="cpm"] tr.total td.value').inner_text().strip()


def test_changing_the_period_changes_the_figures(context, server: str, artifacts: Path) -> None:
    page = context.new_page()
    problems = watch(page)
    page.goto(server + "/breakdown?metrics=cpm")
    wait_for_charts(page)
    october = cpm_total(page)
    page.get_by_label("Period").fill("2026-09")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert "period=2026-09" in page.url
    charts = wait_for_charts(page)
    assert_drawn(charts)
    september = cpm_total(page)
    twin = httpx.get(server + "/breakdown.json", params={"metrics": "cpm", "period": "2026-09"}).json()
    want = twin["total"]["metrics"]["cpm"]["current"]["value"]
    assert september != october and september == f"${want:,.2f}"
    page.screenshot(path=str(artifacts / "breakdown-september.png"), full_page=False)
    assert problems == []
    page.close()


def test_picking_a_metric_reloads_the_page(context, server: str) -> None:
    """Selects submit their form on change (the button stays for use without scripts)."""
    page = context.new_page()
    problems = watch(page)
    page.goto(server + "/explain")
    wait_for_charts(page)
    before = page.locator("#summary").inner_text()
    assert before.startswith("Measurement first") or before.startswith("CPM")
    with page.expect_navigation():
        page.get_by_label("Metric").select_option("ctr")
    assert "metric=ctr" in urlparse(page.url).query
    assert_drawn(wait_for_charts(page))
    after = page.locator("#summary").inner_text()
    assert after != before and "CTR" in after
    assert problems == []
    page.close()


def test_bad_input_shows_the_message_and_keeps_the_form(context, server: str) -> None:
    page = context.new_page()
    response = page.goto(server + "/breakdown?by=nonsense")
    assert response is not None and response.status == 400
    alert = page.get_by_role("alert")
    assert "cannot break down by `nonsense`" in alert.inner_text()
    assert page.get_by_label("Period").is_visible()
    page.close()


def test_the_html_report_draws_its_charts_offline(chromium, demo_workspace: Path, tmp_path: Path,
                                                  artifacts: Path) -> None:
    from mille.analysis.breakdown import report
    from mille.analysis.explain import explain
    from mille.report.html import write_report
    from mille.workspace import Workspace

    with Workspace.open(demo_workspace, read_only=True) as ws:
        results = {"report": report(ws, "cpm,ctr", by="platform", grain="week"),
                   "explain": explain(ws, "cpm", "2026-09", "2026-10")}
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    attempted: list[str] = []

    def refuse(route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    ctx.route("**/*", refuse)
    for name, result in results.items():
        path = tmp_path / f"{name}.html"
        write_report(result, path)
        page = ctx.new_page()
        problems = watch(page)
        page.goto(path.as_uri())
        charts = wait_for_charts(page)
        assert len(charts) >= 2
        assert_drawn(charts)
        page.screenshot(path=str(artifacts / f"report-{name}.png"), full_page=True)
        assert problems == []
        page.close()
    assert attempted == [], "the report asked the network for something"
    ctx.close()


def test_a_token_in_the_address_opens_every_page(chromium, demo_workspace: Path) -> None:
    """With --token, the address mille serve prints works, and the links between pages work
    after it (a cookie carries the token); without it the browser gets the explanation."""
    from tests.web.conftest import start_server, stop_server

    token = "browser-test-token-0123456789abcdef"
    proc, base = start_server(demo_workspace, "--token", token)
    ctx = chromium.new_context()
    try:
        page = ctx.new_page()
        problems = watch(page)
        response = page.goto(f"{base}/metrics?token={token}")
        assert response is not None and response.status == 200
        with page.expect_navigation():
            page.get_by_role("link", name="CTR").first.click()
        assert page.url.endswith("/metrics/ctr")
        assert_drawn(wait_for_charts(page))
        assert problems == []
        stranger = chromium.new_context().new_page()
        refused = stranger.goto(f"{base}/metrics/ctr")
        assert refused is not None and refused.status == 401
        assert "token" in stranger.get_by_role("alert").inner_text()
        stranger.context.close()
    finally:
        ctx.close()
        stop_server(proc)
