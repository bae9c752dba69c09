"""Who may read the dashboard: the token on every request, the Host check on loopback, the
headers that keep the browser from loading anything else; and `mille serve`'s refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from mille.web.guard import COOKIE, is_loopback

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
TOKEN = "s3cret-token-for-tests-0123456789"


@pytest.fixture(scope="module")
def guarded(demo_workspace: Path):
    from starlette.testclient import TestClient

    from mille.web.app import create_app

    with TestClient(create_app(demo_workspace, token=TOKEN), base_url="http://dashboard.example:8765") as client:
        yield client


@pytest.mark.parametrize("path", ["/", "/metrics.json", "/assets/vendor/vega.min.js", "/static/dashboard.css",
                                  "/nowhere"])
def test_every_request_needs_the_token(guarded, path: str) -> None:
    guarded.cookies.clear()
    r = guarded.get(path)
    assert r.status_code == 401
    assert "token" in r.text and TOKEN not in r.text


@pytest.mark.parametrize("headers", [{"Authorization": "Bearer nope"}, {"X-Mille-Token": TOKEN[:-1]},
                                     {"X-Mille-Token": TOKEN + "x"}, {"Authorization": "Basic " + TOKEN}])
def test_a_wrong_token_is_refused(guarded, headers: dict[str, str]) -> None:
    guarded.cookies.clear()
    assert guarded.get("/metrics.json", headers=headers).status_code == 401


@pytest.mark.parametrize("headers", [{"Authorization": f"Bearer {TOKEN}"}, {"X-Mille-Token": TOKEN}])
def test_the_token_in_a_header_is_accepted(guarded, headers: dict[str, str]) -> None:
    guarded.cookies.clear()
    r = guarded.get("/metrics.json", headers=headers)
    assert r.status_code == 200 and r.json()["metrics"]
    assert "set-cookie" not in r.headers


def test_the_token_in_the_address_sets_a_cookie_for_the_next_pages(guarded) -> None:
    guarded.cookies.clear()
    r = guarded.get(f"/metrics?token={TOKEN}")
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert guarded.get("/metrics/cpm").status_code == 200  # the cookie alone now
    guarded.cookies.clear()
    assert guarded.get("/metrics/cpm").status_code == 401


def test_wrong_token_in_the_address_json(guarded) -> None:
    guarded.cookies.clear()
    r = guarded.get("/metrics.json?token=guess", headers={"Accept": "application/json"})
    assert r.status_code == 401 and r.json()["error"] == "Unauthorized"


@pytest.fixture(scope="module")
def open_loopback(demo_workspace: Path):
    from starlette.testclient import TestClient

    from mille.web.app import create_app

    with TestClient(create_app(demo_workspace)) as client:
        yield client


@pytest.mark.parametrize(("host", "status"), [("127.0.0.1:8765", 200), ("localhost:8765", 200), ("[::1]:8765", 200),
                                              ("localhost", 200), ("evil.example", 403),
                                              ("127.0.0.1.evil.example:8765", 403), ("", 403)])
def test_without_a_token_only_loopback_hosts_are_served(open_loopback, host: str, status: int) -> None:
    """A page elsewhere cannot rebind its DNS name to 127.0.0.1 and read the figures."""
    r = open_loopback.get("/metrics.json", headers={"Host": host})
    assert r.status_code == status


def test_pages_forbid_anything_from_elsewhere(open_loopback) -> None:
    r = open_loopback.get("/metrics", headers={"Host": "127.0.0.1:8765"})
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True),
                                                ("[::1]", True), ("localhost", True), ("LOCALHOST", True),
                                                ("0.0.0.0", False), ("::", False), ("192.168.1.10", False),
                                                ("example.com", False), ("", False)])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("args", [["--host", "0.0.0.0"], ["--host", "192.168.1.10", "--port", "0"],
                                  ["--host", "::"]])
def test_serve_refuses_a_public_address_without_a_token(cli, demo_workspace: Path, args: list[str]) -> None:
    code, _, err = cli("serve", "-w", str(demo_workspace), *args)
    assert code == 2
    assert "--token" in err


def test_serve_refuses_a_short_token(cli, demo_workspace: Path) -> None:
    code, _, err = cli("serve", "-w", str(demo_workspace), "--token", "short")
    assert code == 2 and "16 characters" in err


def test_serve_reports_a_missing_workspace(cli, tmp_path: Path) -> None:
    code, _, err = cli("serve", "-w", str(tmp_path / "nothing-here"))
    assert code == 2 and "no workspace here" in err


def test_serve_reports_a_bad_locale(cli, tmp_path: Path) -> None:
    from mille.workspace import init_workspace

    ws = tmp_path / "ws"
    init_workspace(ws)
    config = ws / "mille.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("locale: en-US", "locale: xx-NOWHERE"), encoding="utf-8")
    code, _, err = cli("serve", "-w", str(ws))
    assert code == 2 and "xx-NOWHERE" in err and "locale" in err
