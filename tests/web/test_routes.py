"""The dashboard's routes over the demo workspace: every page as HTML and as its JSON twin, the
twin equal to the CLI's ``--format json`` for the same inputs, and bad input as a message."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

PAGES = ["/", "/overview", "/breakdown", "/explain", "/audit", "/metrics", "/metrics/cpm"]
# (dashboard URL, the same request as a mille command). The demo holds May–October 2026.
TWINS = [
    ("/breakdown.json", ["report", "--no-record"]),
    ("/breakdown.json?metrics=cpm,ctr&by=platform&by=audience&grain=month",
     ["report", "cpm,ctr", "--by", "platform,audience", "--grain", "month", "--no-record"]),
    ("/breakdown.json?metrics=cpc&by=network&period=2026-09&compare=none&filter=platform+%3D+%27google_ads%27&top=2",
     ["report", "cpc", "--by", "network", "--period", "2026-09", "--compare", "none",
      "--filter", "platform = 'google_ads'", "--top", "2", "--no-record"]),
    ("/explain.json", ["explain", "cpm", "--before", "2026-09", "--after", "2026-10"]),
    ("/explain.json?metric=ctr&before=2026-08&after=2026-09&dims=platform,device&max_depth=2",
     ["explain", "ctr", "--before", "2026-08", "--after", "2026-09", "--dims", "platform,device",
      "--max-depth", "2"]),
    ("/audit.json", ["audit"]),
    ("/audit.json?period=2026-10&severity=warn&check=gaps", ["audit", "--period", "2026-10", "--severity", "warn",
                                                          "--check", "gaps"]),
    ("/metrics.json", ["metrics", "list"]),
    ("/metrics/cpm.json", ["metrics", "show", "cpm", "--no-record"]),
    ("/metrics/ctr.json?period=2026-09&compare=year", ["metrics", "show", "ctr", "--period", "2026-09",
                                                      "--compare", "year", "--no-record"]),
]


def untimed(value: Any) -> Any:
    """The result without the audit's per-check run times (they differ from run to run)."""
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [untimed(v) for v in value]
    return value


def assert_same(got: Any, want: Any, where: str = "") -> None:
    """Equal JSON: same keys, lists, strings and flags; numbers equal to 1e-9 relative, because
    DuckDB sums in parallel and the order of additions (so the last bits) varies between runs."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), where
        for k in want:
            assert_same(got[k], want[k], f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(want, bool):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12), where
    else:
        assert got == want, where


def cli_json(cli, workspace: Path, args: list[str]) -> Any:
    code, out, err = cli("--workspace", str(workspace), *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_html_with_its_charts(app_client, path: str) -> None:
    r = app_client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert html.startswith("<!DOCTYPE html>")
    assert 'aria-current="page"' in html  # the navigation says where we are
    assert "/assets/vendor/vega.min.js" in html and "cdn" not in html.lower()
    if path != "/metrics":
        assert html.count('<figure class="chart"') >= 1
    # Every control is labelled.
    ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html)
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    assert set(ids) <= labels
    assert ids or path == "/metrics"  # the catalogue has no options


@pytest.mark.parametrize(("url", "args"), TWINS, ids=[t[0] for t in TWINS])
def test_json_twin_equals_the_cli(app_client, cli, demo_workspace: Path, url: str, args: list[str]) -> None:
    r = app_client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert_same(untimed(r.json()), untimed(cli_json(cli, demo_workspace, args)))


def test_overview_twin_is_the_report_the_audit_and_the_pipeline(app_client, cli, demo_workspace: Path) -> None:
    got = app_client.get("/overview.json").json()
    assert set(got) == {"report", "audit", "pipeline"}
    period = got["report"]["period"]
    assert_same(got["pipeline"], cli_json(cli, demo_workspace, ["pipeline", "--by", "platform", "--period",
                                                                f"{period['start']}:{period['end']}"]))
    assert_same(got["report"], cli_json(cli, demo_workspace, ["report", "--by", "none", "--grain", "week", "--no-record"]))
    assert_same(untimed(got["audit"]), untimed(cli_json(cli, demo_workspace, ["audit"])))


@pytest.mark.parametrize("path", ["/breakdown?metrics=ctr", "/metrics/cpm", "/", "/audit?severity=error"])
def test_accept_header_gives_the_same_json_as_the_suffix(app_client, path: str) -> None:
    base, _, query = path.partition("?")
    twin = (base.rstrip("/") or "/overview") + ".json" + (f"?{query}" if query else "")
    by_header = app_client.get(path, headers={"Accept": "application/json"})
    assert by_header.headers["content-type"] == "application/json"
    assert by_header.content == app_client.get(twin).content  # one cached result, one text


def test_html_shows_the_figures_of_the_json(app_client) -> None:
    """The page prints the result's own figures: the CPM total and its base counts."""
    data = app_client.get("/breakdown.json?metrics=cpm").json()
    html = app_client.get("/breakdown?metrics=cpm").text
    cpm = data["total"]["metrics"]["cpm"]["current"]
    assert f"${cpm['value']:,.2f}" in html
    assert f"{cpm['denominator']:,.0f}" in html  # impressions beside the ratio
    for cell in data["cells"]:
        assert f"${cell['metrics']['cpm']['current']['value']:,.2f}" in html


@pytest.mark.parametrize(("url", "needle"), [
    ("/breakdown?metrics=cpx", "unknown metric `cpx`"),
    ("/breakdown?by=nonsense", "nonsense"),
    ("/breakdown?filter=spend+%3E+%27a%27+OR+1%3D1%3B+DROP+TABLE+x", "filter"),
    ("/breakdown?period=2026-13", "2026-13"),
    ("/breakdown?top=three", "whole number"),
    ("/breakdown?grain=fortnight", "fortnight"),
    ("/explain?metric=cpm&before=2026-09&after=yesterday-ish", "yesterday-ish"),
    ("/explain?dims=favourite_colour", "favourite_colour"),
    ("/audit?severity=panic", "panic"),
    ("/audit?as_of=someday", "as_of"),
    ("/metrics/cpm?period=never", "never"),
    ("/breakdown?metric=cpm", "unknown parameter `metric`"),
])
def test_bad_input_is_a_400_with_the_cli_message(app_client, url: str, needle: str) -> None:
    r = app_client.get(url)
    assert r.status_code == 400
    assert 'role="alert"' in r.text and needle.lower() in r.text.lower()
    assert "Traceback" not in r.text and 'File "' not in r.text
    twin = app_client.get(url, headers={"Accept": "application/json"})
    assert twin.status_code == 400
    body = twin.json()
    assert set(body) >= {"error", "message"} and needle.lower() in body["message"].lower()


def test_bad_input_message_is_the_cli_message(app_client, cli, demo_workspace: Path) -> None:
    body = app_client.get("/breakdown.json?by=nonsense").json()
    code, _, err = cli("--workspace", str(demo_workspace), "report", "--by", "nonsense", "--no-record")
    assert code == 2
    assert body["message"] in err


@pytest.mark.parametrize("url", ["/nowhere", "/metrics/no_such_metric", "/metrics/no_such_metric.json",
                                 "/breakdown/extra", "/assets/vendor/missing.js"])
def test_unknown_pages_are_404(app_client, url: str) -> None:
    r = app_client.get(url)
    assert r.status_code == 404
    if url.startswith("/metrics/"):
        assert "no_such_metric" in r.text


def test_unknown_metric_page_suggests_the_nearest(app_client) -> None:
    r = app_client.get("/metrics/cmp.json")
    assert r.status_code == 404 and "did you mean `cpm`" in r.json()["message"]


def test_a_bug_is_a_500_without_a_traceback(demo_workspace: Path, monkeypatch) -> None:
    from starlette.testclient import TestClient

    from mille.web import pages
    from mille.web.app import create_app

    def broken(ws, args):
        raise RuntimeError("secret internal detail")

    monkeypatch.setitem(pages.PAGES, "audit", pages.Page("audit", "Audit", (), broken, "form_none.html.j2"))
    with TestClient(create_app(demo_workspace), raise_server_exceptions=False,
                    base_url="http://127.0.0.1") as client:
        for url in ("/audit", "/audit.json"):
            r = client.get(url)
            assert r.status_code == 500
            assert "secret internal detail" not in r.text and "Traceback" not in r.text
            assert "internal error" in r.text


def test_the_dashboard_never_writes(app_client, demo_workspace: Path) -> None:
    """Every connection is read-only, and computing pages records no definition versions."""
    board = app_client.app.state.dashboard
    with board.pool.workspace() as ws:
        before = ws.engine.scalar(ws.table("metric_versions").count())
        with pytest.raises(Exception, match=r"(?i)read.only"):
            ws.engine.delete("metric_versions", {"metric": "cpm"})
    for path in ("/metrics/ctr?period=2026-08", "/breakdown?metrics=cpc&period=2026-07"):
        assert app_client.get(path).status_code == 200
    with board.pool.workspace() as ws:
        assert ws.engine.scalar(ws.table("metric_versions").count()) == before


def test_results_are_cached_and_identical(app_client) -> None:
    board = app_client.app.state.dashboard
    first = app_client.get("/breakdown.json?metrics=ctr&by=device").content
    hits = board.cache.hits
    second = app_client.get("/breakdown.json?by=device&metrics=ctr").content  # same inputs, other order
    assert first == second and board.cache.hits > hits


def test_static_assets_are_served_with_validators(app_client) -> None:
    r = app_client.get("/assets/vendor/vega-lite.min.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert "etag" in r.headers
    again = app_client.get("/assets/vendor/vega-lite.min.js", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_every_offered_choice_gives_a_page(app_client) -> None:
    """Each metric and dimension the controls offer works on the pages that offer it."""
    choices = app_client.app.state.dashboard.view.choices()
    assert ("cpm", "CPM") in choices.metrics and ("platform", "platform") in choices.dims
    assert choices.months[0] == "2026-10" and choices.months[-1] == "2026-05"
    for name, _ in choices.metrics:
        assert app_client.get(f"/metrics/{name}").status_code == 200, name
        assert app_client.get(f"/breakdown?metrics={name}&by=device").status_code == 200, name
    for dim, _ in choices.dims:
        assert app_client.get(f"/breakdown?metrics=ctr&by={dim}").status_code == 200, dim


def test_an_empty_workspace_explains_itself(tmp_ws: Path) -> None:
    """Before any ingest, pages that need data say so (400 with the hint); the catalogue works."""
    from starlette.testclient import TestClient

    from mille.web.app import create_app

    with TestClient(create_app(tmp_ws), base_url="http://127.0.0.1") as client:
        for path in ("/", "/breakdown", "/explain", "/audit"):
            r = client.get(path)
            assert r.status_code == 400 and "no ad data" in r.text and "mille ingest" in r.text, path
        assert client.get("/metrics").status_code == 200
        page = client.get("/metrics/cpm.json").json()
        assert page["live"] is None and "no ad data" in page["live_note"]
