"""`mille metrics list|show|validate|schema|drift` through the real entry point."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from mille.metrics import load_catalogue

FIXTURES = Path(__file__).parent / "fixtures"


def test_list_shows_every_metric(cli, tmp_path: Path) -> None:
    code, out, _ = cli("-w", str(tmp_path / "none"), "metrics", "list", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [m["name"] for m in data["metrics"]] == list(load_catalogue().metrics)
    cpm = next(m for m in data["metrics"] if m["name"] == "cpm")
    assert cpm["formula"] == "1000 × Σ spend ÷ Σ impressions" and cpm["version"] == load_catalogue().version("cpm")
    code, out, _ = cli("-w", str(tmp_path / "none"), "metrics", "list")
    assert code == 0 and "cost_per_lead" in out and "(platform_cpl)" in out
    code, out, _ = cli("-w", str(tmp_path / "none"), "metrics", "list", "-f", "csv")
    assert out.splitlines()[0].startswith("name,label,type,formula")
    code, out, _ = cli("-w", str(tmp_path / "none"), "metrics", "list", "-f", "markdown")
    assert "| [cpm](#cpm) | CPM |" in out


def test_list_includes_workspace_metrics(cli, fixture_ws: Path) -> None:
    (fixture_ws / "metrics.yaml").write_text((FIXTURES / "crm_definitions.yaml").read_text(), encoding="utf-8")
    code, out, _ = cli("-w", str(fixture_ws), "metrics", "list", "-f", "json")
    assert code == 0
    rows = {m["name"]: m for m in json.loads(out)["metrics"]}
    assert rows["cost_per_opportunity"]["origin"] == "workspace" and rows["cpm"]["origin"] == "built-in"


def test_show_prints_the_glossary_page_with_live_figures(cli, fixture_ws: Path) -> None:
    code, out, err = cli("-w", str(fixture_ws), "metrics", "show", "cpm", "--period", "2026-09")
    assert code == 0, err
    for text in ("CPM", "Formula", "1000 × Σ spend ÷ Σ impressions", "How to read it", "What moves it",
                 "Read it beside", "Caveats", "Where the numbers come from", "Amount spent (XXX)",
                 "Live figures: 2026-09", "against 2026-08", "all platforms", "LinkedIn Ads",
                 "Marketing Ops · reviewed quarterly"):
        assert text in out, text
    code, out, _ = cli("-w", str(fixture_ws), "metrics", "show", "ctr", "--period", "2026-09", "-f", "json")
    data = json.loads(out)
    assert data["name"] == "ctr" and data["live"]["total"]["denominator"] > 0
    assert data["live"]["recorded_version"] is True
    code, out, _ = cli("-w", str(fixture_ws), "metrics", "show", "ctr", "--period", "2026-09", "-f", "csv")
    assert out.splitlines()[0].startswith("metric,version,scope,period,platform,value,numerator,denominator")
    assert len(out.splitlines()) == 1 + 1 + 4


def test_show_markdown_is_a_glossary_site_page(cli, fixture_ws: Path) -> None:
    code, out, _ = cli("-w", str(fixture_ws), "metrics", "show", "platform_cpl", "-p", "2026-09", "-f", "markdown")
    assert code == 0
    assert out.startswith('<a id="cost_per_lead"></a>\n\n## Cost per lead \\(platform\\)')
    for text in ("### How to read it", "### What moves it", "### Read it beside", "[Platform leads](#leads)",
                 "### Where the numbers come from", "| LinkedIn Ads | `Total Spent` | `Leads` |",
                 "### Live figures, 2026-09 against 2026-08", "**all platforms**"):
        assert text in out, text


def test_show_without_workspace_and_unknown_names(cli, tmp_path: Path) -> None:
    code, out, _ = cli("-w", str(tmp_path / "none"), "metrics", "show", "cpm")
    assert code == 0 and "Live figures: no workspace: definition only." in out
    code, _, err = cli("-w", str(tmp_path / "none"), "metrics", "show", "cmp")
    assert code == 2 and "unknown metric `cmp`" in err and "did you mean `cpm`" in err
    code, _, err = cli("-w", str(tmp_path / "none"), "metrics", "show", "cpm", "--period", "2026-13")
    assert code == 0  # no workspace: no live figures, so the period is not read


def test_show_no_record_leaves_the_workspace_untouched(cli, fixture_ws: Path) -> None:
    code, out, _ = cli("-w", str(fixture_ws), "metrics", "show", "cpm", "--no-record", "-f", "json")
    assert code == 0 and json.loads(out)["live"]["recorded_version"] is False
    code, out, _ = cli("-w", str(fixture_ws), "metrics", "drift", "-f", "json")
    assert "cpm" in json.loads(out)["never_seen"]


def test_validate_reports_all_problems_and_exits_2(cli, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "metrics.yaml").write_text(
        "metrics:\n  - name: x1\n    label: X\n    description: d\n    type: ratio\n"
        "    numerator: spend\n    denominator: impresions\n    unit: percentage\n", encoding="utf-8")
    code, out, _ = cli("-w", str(ws), "metrics", "validate")
    assert code == 2
    assert "did you mean `impressions`" in out and "did you mean `percent`" in out and "2 errors" in out
    code, out, _ = cli("-w", str(ws), "metrics", "validate", "-f", "json")
    data = json.loads(out)
    assert code == 2 and data["ok"] is False
    assert {(p["line"], p["key"]) for p in data["problems"]} == {(7, "metrics.denominator"), (8, "metrics.unit")}
    code, out, _ = cli("metrics", "validate", str(FIXTURES / "crm_definitions.yaml"))
    assert code == 0 and "valid" in out and "defines cost_per_opportunity" in out


def test_broken_metrics_file_stops_other_commands_with_one_line(cli, fixture_ws: Path) -> None:
    (fixture_ws / "metrics.yaml").write_text("metrics:\n  - name: x\n", encoding="utf-8")
    code, out, err = cli("-w", str(fixture_ws), "metrics", "show", "cpm")
    assert code == 2 and out == ""
    assert "metrics.yaml, line 2" in err and "run `mille metrics validate`" in err


def _as_json(data: object) -> object:
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


def test_schema_describes_the_files_editors_complete(cli, tmp_path: Path) -> None:
    code, out, _ = cli("metrics", "schema")
    schema = json.loads(out)
    assert code == 0 and schema["$schema"].endswith("2020-12/schema")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for name in ("definitions.yaml", "crm_definitions.yaml"):
        validator.validate(_as_json(yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))))
    from mille.metrics.catalogue import builtin_path

    validator.validate(_as_json(yaml.safe_load(builtin_path().read_text(encoding="utf-8"))))
    metric = schema["$defs"]["Metric"]
    assert metric["properties"]["unit"]["enum"] == ["currency", "count", "percent", "ratio", "number"]
    assert all(p.get("description") for p in metric["properties"].values())
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"metrics": [{"name": "x", "label": "X", "description": "d", "type": "ratio",
                                         "numerator": "spend", "denominator": "impressions", "fomula": 1}]})
    target = tmp_path / "schema.json"
    code, _, err = cli("metrics", "schema", "-o", str(target))
    assert code == 0 and json.loads(target.read_text()) == schema and "wrote" in err
