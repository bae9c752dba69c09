"""The metric core: a catalogue loads, metrics compile to one grouped query, values are ratios of sums."""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pyarrow as pa
import pytest

from mille.errors import MetricError
from mille.metrics import MetricQuery, load_catalogue, load_text
from mille.periods import parse_period


def _table() -> ibis.Table:
    days = [dt.date(2026, 9, 1), dt.date(2026, 9, 2), dt.date(2026, 9, 3), dt.date(2026, 10, 1)]
    return ibis.memtable(
        pa.table(
            {
                "date_day": days,
                "period_end": days,
                "platform": ["a", "b", "a", "a"],
                "spend_reporting": [10.0, 20.0, 5.0, 30.0],
                "impressions": [1000, 4000, 1000, 0],
                "clicks": [5, 10, 1, 0],
                "leads": [1.0, 0.0, 0.0, 2.0],
            }
        )
    )


def test_ratio_is_ratio_of_sums_not_mean_of_ratios() -> None:
    cat = load_catalogue()
    q = MetricQuery(cat, cat.resolve("cpm,ctr"), by=["platform"], period=parse_period("2026-09"))
    sums = q.to_ibis(_table()).to_pyarrow()
    values = q.evaluate(sums)
    platforms = sums.column("platform").to_pylist()
    a = platforms.index("a")
    # Platform a in September: spend 10 + 5 over 1,000 + 1,000 impressions → CPM 7.5.
    assert values["cpm"][a] == pytest.approx(1000 * 15 / 2000)
    q_all = MetricQuery(cat, cat.resolve("cpm,ctr"), period=parse_period("2026-09"))
    total = q_all.evaluate(q_all.to_ibis(_table()).to_pyarrow())
    assert total["cpm"][0] == pytest.approx(1000 * 35 / 6000)
    assert total["ctr"][0] == pytest.approx(100 * 16 / 6000)
    mean_of_ratios = np.mean([1000 * 10 / 1000, 1000 * 20 / 4000, 1000 * 5 / 1000])
    assert total["cpm"][0] != pytest.approx(mean_of_ratios)


def test_zero_denominator_gives_no_value() -> None:
    cat = load_catalogue()
    q = MetricQuery(cat, cat.resolve("cpm"), period=parse_period("2026-10"))
    assert np.isnan(q.evaluate(q.to_ibis(_table()).to_pyarrow())["cpm"][0])


def test_unknown_metric_and_dimension_suggest_the_nearest() -> None:
    cat = load_catalogue()
    with pytest.raises(MetricError, match="did you mean `cpm`"):
        cat.get("cmp")
    from mille.errors import QueryError

    with pytest.raises(QueryError, match="did you mean `platform`"):
        MetricQuery(cat, cat.resolve("cpm"), by=["platfrom"])


def test_workspace_definitions_are_validated_with_lines() -> None:
    bad = "metrics:\n  - name: cost_per_reach\n    label: x\n    description: y\n    type: ratio\n    numerator: spend\n    denominator: impresions\n"
    with pytest.raises(MetricError) as err:
        load_text(bad)
    assert err.value.line == 7 and "did you mean `impressions`" in str(err.value)


def test_derived_cycle_is_an_error() -> None:
    text = (
        "metrics:\n"
        "  - {name: a1, label: A, description: d, type: derived, expression: b1 + 1}\n"
        "  - {name: b1, label: B, description: d, type: derived, expression: a1 * 2}\n"
    )
    with pytest.raises(MetricError, match="cycle"):
        load_text(text)


def test_filters_reject_anything_but_conditions_on_columns() -> None:
    cat = load_catalogue()
    for hostile in (
        "platform = 'x'; DROP TABLE ad_performance",
        "platform IN (SELECT platform FROM ad_performance)",
        "lower(platform) = 'x'",
        "colour = 'red'",
    ):
        with pytest.raises(MetricError):
            MetricQuery(cat, cat.resolve("cpm"), filter=hostile).to_ibis(_table())


def test_values_print_as_their_definition_says() -> None:
    from mille.metrics.display import format_value

    cat = load_catalogue()
    assert format_value(cat.get("cpm"), 12.345, currency="USD") == "$12.35"
    assert format_value(cat.get("cpm"), -3.5, currency="CHF") == "−3.50 CHF"
    assert format_value(cat.get("ctr"), 0.4567) == "0.46 %"
    assert format_value(cat.get("impressions"), 1234567.0) == "1,234,567"
    assert format_value(cat.get("conversions"), 12.25) == "12.2"
    assert format_value(cat.get("cpm"), float("nan"), currency="USD") == "—"
    assert format_value(cat.get("cpc"), None) == "—"


def test_a_query_names_the_versions_it_computes() -> None:
    cat = load_catalogue()
    q = MetricQuery(cat, cat.resolve("cpm,platform_cpl"))
    assert q.versions() == {"cpm": cat.version("cpm"), "cost_per_lead": cat.version("cost_per_lead")}
    assert len(set(q.versions().values())) == 2
