"""The audit's public API, its JSON contract and the `mille audit` command."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from audit_rows import ad_row, days, insert, series
from audit_run import AS_OF, run_audit

from mille.analysis.audit import CHECKS, findings_overlapping
from mille.errors import QueryError
from mille.workspace import Workspace

SEP1, OCT31 = date(2026, 9, 1), date(2026, 10, 31)
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture()
def problems(tmp_ws) -> Path:
    """An account gap in October (error) and a campaign gap in September (warn)."""
    rows = series(SEP1, OCT31, skip=days(date(2026, 10, 13), date(2026, 10, 16)), campaign_id="a")
    rows += series(SEP1, OCT31, skip=days(date(2026, 9, 8), date(2026, 9, 9)),
                   account_id="act-2", account_name="Account Two", campaign_id="b")
    rows += series(SEP1, OCT31, account_id="act-2", account_name="Account Two", campaign_id="c", spend=300.0,
                   impressions=15000)
    insert(tmp_ws, "ad_performance", rows)
    return tmp_ws


def test_severity_filters_display_but_not_counts_or_score(problems) -> None:
    everything = run_audit(problems)
    errors = run_audit(problems, severity="error")
    assert everything.counts == errors.counts and everything.counts["error"] == 1 and everything.counts["warn"] >= 1
    assert {f.severity for f in errors.findings} == {"error"}
    assert errors.score == everything.score
    assert everything.fails("warn") and everything.fails("error")


def test_findings_are_sorted_worst_first(problems) -> None:
    r = run_audit(problems)
    ranks = [("info", "warn", "error").index(f.severity) for f in r.findings]
    assert ranks == sorted(ranks, reverse=True)
    assert len({f.id for f in r.findings}) == len(r.findings)


def test_checks_by_concept_or_id(problems) -> None:
    gaps = run_audit(problems, checks="gaps")
    assert {c.id for c in gaps.checks} == {c for c in CHECKS if c.startswith("gaps.")}
    one = run_audit(problems, checks=["values.negative", "gaps.account_days"])
    assert [c.id for c in one.checks] == ["gaps.account_days", "values.negative"]
    with pytest.raises(QueryError, match="did you mean `gaps`"):
        run_audit(problems, checks="gapz")


def test_bad_inputs_are_clear_errors(tmp_ws, problems) -> None:
    with pytest.raises(QueryError, match="no data in period"):
        run_audit(problems, period="2025-01")
    with pytest.raises(QueryError, match="unknown severity"):
        run_audit(problems, severity="fatal")
    with pytest.raises(QueryError, match="not a period"):
        run_audit(problems, period="last-fortnight")


def test_empty_workspace_is_a_clear_error(tmp_path) -> None:
    from mille.workspace import init_workspace

    init_workspace(tmp_path / "empty")
    with pytest.raises(QueryError, match="no ad data"):
        run_audit(tmp_path / "empty")


def test_findings_overlapping_two_periods_are_measurement_causes(problems) -> None:
    with Workspace.open(problems) as ws:
        causes = findings_overlapping(ws, "2026-09", "2026-10", as_of=AS_OF)
        assert {f.check for f in causes} >= {"gaps.account_days", "gaps.campaign_days"}
        assert all(f.severity in ("warn", "error") for f in causes)
        only_october = findings_overlapping(ws, "2026-10-01:2026-10-07", "2026-10-10:2026-10-20", as_of=AS_OF)
        assert [f.check for f in only_october] == ["gaps.account_days"]
        assert findings_overlapping(ws, "2026-10-20:2026-10-25", "2026-10-26:2026-10-31", as_of=AS_OF) == []


def test_json_contract(problems) -> None:
    data = json.loads(run_audit(problems).to_json())
    assert set(data) >= {"period", "as_of", "currency", "data_first_day", "data_last_day", "counts", "checks",
                         "findings", "score", "freshness"}
    f = data["findings"][0]
    assert set(f) >= {"id", "check", "severity", "title", "detail", "platform", "account_id", "account",
                      "campaign_id", "campaign", "days", "n_days", "spend", "impressions", "estimated",
                      "share_of_spend", "scope", "files", "hint"}
    assert f["days"] == [{"start": "2026-10-13", "end": "2026-10-16"}]
    assert set(data["score"]) >= {"overall", "base", "points_lost", "weights", "formula", "components", "sources"}
    assert data["score"]["weights"] == {"error": 1.0, "warn": 0.5, "info": 0.0}


def test_every_check_is_registered_with_its_parts_and_documented() -> None:
    doc = (REPO / "docs" / "audit.md").read_text()
    for c in CHECKS.values():
        assert c.severity in ("info", "warn", "error") and c.hint and c.description and c.title
        assert re.match(r"^[a-z]+\.[a-z_]+$", c.id)
        assert f"`{c.id}`" in doc, f"{c.id} is not described in docs/audit.md"


# -- the command ----------------------------------------------------------------------------------
def test_cli_formats(cli, problems) -> None:
    code, out, _ = cli("--workspace", str(problems), "audit", "--as-of", "2026-11-01")
    assert code == 0 and "Trust score" in out and "No rows for 4 day(s)" in out
    code, out, _ = cli("--workspace", str(problems), "audit", "--as-of", "2026-11-01", "--format", "json")
    assert code == 0 and json.loads(out)["counts"]["error"] == 1
    code, out, _ = cli("--workspace", str(problems), "audit", "--as-of", "2026-11-01", "-f", "csv",
                       "--severity", "error")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["check"] for r in rows] == ["gaps.account_days"]
    assert rows[0]["days"] == "2026-10-13..2026-10-16"


@pytest.mark.parametrize(("fail_on", "period", "expected"), [
    ("error", None, 1), ("warn", None, 1), ("error", "2026-09", 0), ("warn", "2026-09", 1),
])
def test_fail_on_gates_a_scheduled_job(cli, problems, fail_on: str, period: str | None, expected: int) -> None:
    args = ["--workspace", str(problems), "audit", "--as-of", "2026-11-01", "--fail-on", fail_on, "-f", "json"]
    code, _, _ = cli(*args, *(["--period", period] if period else []))
    assert code == expected  # September holds the campaign gap (warn) but not the account gap


def test_fail_on_passes_a_clean_workspace(cli, tmp_ws) -> None:
    insert(tmp_ws, "ad_performance", [*series(SEP1, OCT31), ad_row(date(2026, 11, 1))])
    code, _, _ = cli("--workspace", str(tmp_ws), "audit", "--as-of", "2026-11-02", "--fail-on", "warn")
    assert code == 0


@pytest.mark.parametrize("args", [("--period", "2031-01"), ("--check", "nope"), ("--as-of", "yesterday"),
                                  ("--severity", "fatal")])
def test_cli_bad_input_exits_2(cli, problems, args: tuple[str, ...]) -> None:
    code, _, err = cli("--workspace", str(problems), "audit", *args)
    assert code == 2 and "Traceback" not in err


def test_cli_missing_workspace_exits_2(cli, tmp_path) -> None:
    code, _, err = cli("--workspace", str(tmp_path / "nowhere"), "audit")
    assert code == 2 and "no workspace here" in err
