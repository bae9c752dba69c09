"""What a workspace metrics.yaml may do, and how validation answers: overrides, replacements,
CRM metrics with attribution, warnings, and versions that follow the computation only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import pytest

from mille.errors import MetricError, QueryError
from mille.metrics import MetricQuery, load_catalogue, load_text
from mille.metrics.review import validate_file
from mille.schema import AD_PERFORMANCE

FIXTURES = Path(__file__).parent / "fixtures"
CRM = FIXTURES / "crm_definitions.yaml"


def _crm():
    return load_text(CRM.read_text(encoding="utf-8"), path=CRM)


def test_crm_metrics_are_expressible() -> None:
    cat = _crm()
    cpo = cat.get("cost_per_opportunity")
    assert cpo.attribution_window == "90d" and cpo.attribution_days == 90
    assert cat.tables_of(cpo) == {"ad_performance", "crm_opportunities"}
    assert cat.measures["won_revenue"].time_column == "close_date"
    assert cat.measures["opportunities"].time_column == "created_date"
    assert cat.formula(cat.get("pipeline_per_spend")) == "Σ pipeline ÷ Σ spend"
    # The attribution settings are part of the computation: changing them changes the version.
    longer = load_text(CRM.read_text(encoding="utf-8").replace("90 days", "30d"))
    assert longer.version("cost_per_opportunity") != cat.version("cost_per_opportunity")
    assert longer.version("pipeline_per_spend") == cat.version("pipeline_per_spend")
    # 90 days and 90d are the same window.
    same = load_text(CRM.read_text(encoding="utf-8").replace("90 days", "90d"))
    assert same.version("cost_per_opportunity") == cat.version("cost_per_opportunity")
    assert cat.normal_form("pipeline_per_spend")["attribution"] == {"days": 90, "model": "last_touch"}


def test_crm_metrics_need_the_attribution_join_to_compute() -> None:
    cat = _crm()
    t = ibis.table(AD_PERFORMANCE.ibis_schema(), name="ad_performance")
    for name in ("cost_per_opportunity", "roas_pipeline"):
        with pytest.raises(QueryError, match="attribution join"):
            MetricQuery(cat, [cat.get(name)]).to_ibis(t)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("    attribution_window: 90 days\n    attribution_model: last_touch\n", ""), "only meet through attribution"),
        (("    attribution_model: last_touch\n    related", "    related"), "go together"),
        (("    multiplier: 100\n    unit: percent\n", "    multiplier: 100\n    unit: percent\n"
          "    attribution_window: 30d\n    attribution_model: linear\n"), None),
        (("description: Leads in the CRM (no spend involved, so no attribution join).\n",
          "description: x\n    attribution_window: 30d\n    attribution_model: linear\n"), None),
    ],
)
def test_attribution_rules(edit: tuple[str, str], message: str | None) -> None:
    text = CRM.read_text(encoding="utf-8")
    assert edit[0] in text
    text = text.replace(edit[0], edit[1], 1)
    if message is None:
        load_text(text)  # attribution on CRM-only metrics is allowed
    else:
        with pytest.raises(MetricError, match=message):
            load_text(text)


def test_attribution_on_ad_only_metric_is_an_error() -> None:
    with pytest.raises(MetricError, match="reads ad rows only") as err:
        load_text("overrides:\n  - name: cpm\n    attribution_window: 7d\n    attribution_model: last_touch\n")
    assert err.value.line == 3 and err.value.key == "overrides.attribution_window"


def test_overrides_patch_keys_and_keep_the_rest() -> None:
    base = load_catalogue()
    cat = load_text("overrides:\n  - name: cpm\n    owner: RevOps\n    min_base: 5000\n    caveats: []\n")
    cpm = cat.get("cpm")
    assert (cpm.owner, cpm.min_base, cpm.caveats) == ("RevOps", 5000, [])
    assert cpm.description == base.get("cpm").description
    assert cat.version("cpm") == base.version("cpm")  # prose and thresholds are not computation
    assert cat.changes["cpm"] == "overridden"
    changed = load_text("overrides:\n  - name: cpm\n    filters: [\"network != 'search'\"]\n")
    assert changed.version("cpm") != base.version("cpm")


def test_aliases_resolve_and_overrides_reach_them() -> None:
    cat = load_catalogue()
    assert cat.get("PLATFORM_CPL").name == "cost_per_lead" and cat.get("CPL").name == "cost_per_crm_lead" and cat.get("cvr").name == "conversion_rate"
    with pytest.raises(MetricError, match="did you mean `cpl`"):
        cat.get("cpll")


def test_replacing_a_measure_checks_the_builtins_that_use_it() -> None:
    text = "measures:\n  - name: impressions\n    column: impressions\n    agg: max\n"
    with pytest.raises(MetricError) as err:
        load_text(text, path=Path("metrics.yaml"))
    assert "built-in metric `cpm` breaks: the denominator `impressions` is not additive" in err.value.message
    assert err.value.line == 2
    # A compatible replacement is fine and changes the versions of the metrics that use it.
    ok = load_text("measures:\n  - name: spend\n    column: spend\n")
    assert ok.version("cpm") != load_catalogue().version("cpm")
    assert ok.version("ctr") == load_catalogue().version("ctr")


def test_derived_inputs_must_share_filters() -> None:
    text = (
        "metrics:\n"
        "  - {name: us_cpm, label: A, description: d, type: ratio, numerator: spend, denominator: impressions,"
        " multiplier: 1000, filters: [\"country = 'US'\"]}\n"
        "  - {name: mix, label: B, description: d, type: derived, expression: us_cpm / cpm}\n"
    )
    with pytest.raises(MetricError, match="different filters") as err:
        load_text(text)
    assert err.value.line == 3


def test_cycles_name_the_whole_loop() -> None:
    text = (
        "metrics:\n"
        "  - {name: a1, label: A, description: d, type: derived, expression: b1 + 1}\n"
        "  - {name: b1, label: B, description: d, type: derived, expression: c1 * 2}\n"
        "  - {name: c1, label: C, description: d, type: derived, expression: a1 - cpm}\n"
    )
    with pytest.raises(MetricError, match="a1 → b1 → c1 → a1"):
        load_text(text)


def test_warnings_do_not_block(tmp_path: Path) -> None:
    path = tmp_path / "metrics.yaml"
    path.write_text(
        "metrics:\n"
        "  - name: share\n    label: S\n    description: d\n    type: ratio\n    numerator: clicks\n"
        "    denominator: impressions\n    unit: percent\n    last_reviewed: 2025-01-01\n"
        "    review_cadence: quarterly\n    min_base: 0\n",
        encoding="utf-8",
    )
    report = validate_file(path, today=date(2026, 1, 1))
    assert report.ok and report.errors == 0
    messages = [p.message for p in report.problems]
    assert any("multiplier is 1" in m for m in messages)
    assert any("review overdue since 2025-04-03" in m for m in messages)
    assert report.metrics == ["share"] and set(report.versions) == {"share"}
    load_text(path.read_text(encoding="utf-8"))  # warnings never stop a report


def test_validate_without_a_file_checks_the_builtins(tmp_path: Path) -> None:
    report = validate_file(tmp_path / "metrics.yaml")
    assert report.ok and not report.exists and report.catalogue_size == len(load_catalogue().metrics)
    with pytest.raises(MetricError, match="no such file"):
        validate_file(tmp_path / "other.yaml")


def test_workspace_file_is_loaded_with_the_builtins(tmp_path: Path) -> None:
    (tmp_path / "metrics.yaml").write_text(CRM.read_text(encoding="utf-8"), encoding="utf-8")
    cat = load_catalogue(tmp_path)
    assert "cost_per_opportunity" in cat.metrics and "cpm" in cat.metrics
    assert cat.origins["cost_per_opportunity"] == str(tmp_path / "metrics.yaml")
    (tmp_path / "metrics.yaml").write_text("metrics:\n  - name: x\n", encoding="utf-8")
    with pytest.raises(MetricError) as err:
        load_catalogue(tmp_path)
    assert err.value.file == str(tmp_path / "metrics.yaml") and "more problems" in (err.value.hint or "")


def test_every_builtin_reads_like_a_glossary_entry() -> None:
    cat = load_catalogue()
    for m in cat.metrics.values():
        assert len(m.description) > 60, m.name
        assert m.how_to_read and m.what_moves_it and m.related, m.name
        assert all(r in cat.metrics for r in m.related)
        assert cat.source_fields(m), m.name
