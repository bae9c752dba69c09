"""Fixtures for the dashboard and HTML report tests.

``app_client`` serves the seed-0 demo workspace in-process (Starlette's TestClient); ``server``
runs the real ``mille serve`` on a free loopback port for the browser tests, and ``chromium``
drives Debian's Chromium through Playwright. Browser tests fail — never skip — when
/usr/bin/chromium is missing: `make test` installs it with apt-get (scripts/system-deps).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


@pytest.fixture(scope="module")
def app_client(demo_workspace: Path) -> Iterator:
    """The dashboard over the demo workspace, in-process; closed (connections released) after
    the module so that other tests may open the workspace for writing."""
    from starlette.testclient import TestClient

    from mille.web.app import create_app

    with TestClient(create_app(demo_workspace), base_url="http://127.0.0.1") as client:
        yield client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workspace: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """``mille serve`` in a child process; returns it with its base URL once it answers."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("MILLE_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mille", "serve", "-w", str(workspace), "--port", str(port),
         "--log-level", "warning", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"mille serve exited with {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(base + "/static/dashboard.css", timeout=2).status_code in (200, 401):
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    stop_server(proc)
    raise AssertionError("mille serve did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def server(demo_workspace: Path) -> Iterator[str]:
    proc, base = start_server(demo_workspace)
    try:
        yield base
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
                    "(`apt-get install chromium`; `make test` installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
