"""Spend to pipeline on the dashboard's overview and as an HTML section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mille.analysis.pipeline import pipeline
from mille.report.html import render_html
from mille.workspace import Workspace


@pytest.fixture()
def client(app_client):
    return app_client


def test_overview_json_carries_the_pipeline_of_the_same_period(client, demo_workspace: Path) -> None:
    data = client.get("/overview.json").json()
    assert data["pipeline"] is not None
    p = data["pipeline"]
    assert p["period"]["start"] == data["report"]["period"]["start"]
    assert p["period"]["end"] == data["report"]["period"]["end"]
    # The same figures as `mille pipeline --by platform --period <the overview's period>`.
    with Workspace.open(demo_workspace, read_only=True) as ws:
        cli = json.loads(pipeline(ws, by="platform", period=f"{p['period']['start']}:{p['period']['end']}").to_json())
    assert p == cli


def test_overview_page_shows_cost_per_lead_beside_cost_per_opportunity(client) -> None:
    html = client.get("/").text
    assert "Spend to pipeline" in html
    assert "Cost per lead" in html and "Cost per opportunity" in html
    assert "Recent cohort incomplete" in html  # October's opportunities have not all arrived


def test_pipeline_renders_as_a_self_contained_html_section(demo_workspace: Path) -> None:
    with Workspace.open(demo_workspace, read_only=True) as ws:
        p = pipeline(ws, by="platform", period="2026-05-01:2026-08-31")
    html = render_html(p)
    linkedin = next(s for s in p.segments if s.segment.get("platform") == "linkedin_ads")
    assert f"${linkedin.figures['cost_per_opportunity']:,.0f}" in html
    assert "LinkedIn Ads" in html and "<script src=" not in html
