"""What `mille demo` adds after the headline: the answers of report, explain and audit on the
same two months — the planted story as a user would meet it on the first run."""

from __future__ import annotations

import json


def test_the_demo_json_carries_one_line_answers(demo_build_result) -> None:
    f = json.loads(demo_build_result.to_json())["findings"]
    # mille report: the blended CPM rise is mostly mix.
    assert any(m.startswith("Blended CPM rose") and "mix" in m for m in f["mix_warnings"]), f["mix_warnings"]
    # mille explain: the data gap first, then the budget shift and LinkedIn × C-suite.
    cpm = f["explain"]["cpm"]
    assert cpm.startswith("Measurement first:") and "2026-10-13" in cpm
    assert "LinkedIn" in cpm and "(mix)" in cpm and "csuite" in cpm and "(rate)" in cpm
    assert "Meta Ads × mobile" in f["explain"]["ctr"]
    # mille audit: the tracking gap is the one error.
    assert len(f["audit_errors"]) == 1 and "Northwind Cloud EMEA" in f["audit_errors"][0]
    assert f["audit_counts"]["error"] == 1
    assert f["trust_score"] is not None and 0 < f["trust_score"] < 100


def test_the_demo_json_has_no_timings_and_no_full_results(demo_build_result) -> None:
    data = json.loads(demo_build_result.to_json())
    for excluded in ("seconds", "breakdown", "explanations", "audit"):
        assert excluded not in data


def test_report_html_holds_every_analysis_with_charts(demo_build_result) -> None:
    from pathlib import Path

    html = Path(demo_build_result.report_html).read_text(encoding="utf-8")
    for heading in ("<code>mille report</code>", "<code>mille explain cpm --before 2026-09 --after 2026-10</code>",
                    "<code>mille explain ctr", "<code>mille audit</code>"):
        assert heading in html
    assert html.count('class="chart"') >= 5
    # Self-contained: no script or stylesheet fetched from anywhere.
    assert "<script src=" not in html and "<link " not in html and "https://cdn" not in html
