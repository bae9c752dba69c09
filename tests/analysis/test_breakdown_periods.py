"""Periods say what they mean: the as-of date, days the data does not hold, incomplete buckets,
and chart axes labelled for their grain."""

from __future__ import annotations

from datetime import date

import pytest

from mille.analysis.breakdown import report
from mille.errors import QueryError
from mille.report import charts
from mille.report.html_locale import formats
from mille.workspace import Workspace

try:
    from .entity_rows import FIRST, LAST, identity_rows, write_rows
except ImportError:  # run as a plain module
    from entity_rows import FIRST, LAST, identity_rows, write_rows  # type: ignore[no-redef]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory):
    path = write_rows(tmp_path_factory.mktemp("periods") / "ws", identity_rows())
    with Workspace.open(path, read_only=True) as w:
        yield w


def test_relative_periods_count_back_from_the_last_day_of_data_and_say_so(ws) -> None:
    r = report(ws, "spend", period="last-month")
    assert (r.as_of, r.as_of_from) == (LAST, "data")
    assert r.period.relative == "last-month"
    assert (r.period.start, r.period.end) == (date(2026, 10, 1), date(2026, 10, 31))
    assert (r.data_start, r.data_end) == (FIRST, LAST)
    assert not r.period.incomplete and not r.notes


def test_as_of_after_the_data_is_stated_with_the_days_that_exist(ws) -> None:
    r = report(ws, "spend", period="last-30-days", as_of="2026-11-10", compare="none")
    assert (r.as_of, r.as_of_from) == (date(2026, 11, 10), "option")
    assert (r.period.start, r.period.end) == (date(2026, 10, 12), date(2026, 11, 10))
    assert r.period.incomplete and r.period.data_end == LAST and r.period.days_held == 20
    text = " ".join(r.notes)
    assert "The data ends on 2026-10-31, 10 days before the as-of date 2026-11-10" in text
    assert "2026-10-12..2026-10-31 (20 of 30 days)" in text


def test_as_of_moves_the_default_period(ws) -> None:
    r = report(ws, "spend", as_of="2026-09-15")
    assert (r.period.start, r.period.end) == (date(2026, 8, 1), date(2026, 8, 31))


def test_a_comparison_before_the_data_is_stated(ws) -> None:
    partly = report(ws, "spend", period="2026-08-10:2026-09-10")  # previous: 2026-07-09..2026-08-09
    assert partly.compare is not None and partly.compare.before_data
    assert "starts before the first day of data (2026-08-01): only 2026-08-01..2026-08-09 (9 of 32 days)" in " ".join(partly.notes)
    none = report(ws, "spend", period="2026-08")
    assert any("No data in the comparison period 2026-07 = 2026-07-01..2026-07-31" in n
               and "2026-08-01..2026-10-31" in n for n in none.notes)


def test_a_period_wholly_outside_the_data_is_an_error(ws) -> None:
    with pytest.raises(QueryError, match="no data in"):
        report(ws, "spend", period="2026-12")
    with pytest.raises(QueryError, match="not a date"):
        report(ws, "spend", as_of="tomorrow")


def test_a_bucket_the_data_ends_inside_is_incomplete(ws) -> None:
    r = report(ws, "spend", by="none", grain="quarter", period="2026-07-01:2026-12-31", compare="none")
    s = r.series
    assert s is not None
    q4 = [i for i in range(len(s)) if s.period_start[i] == date(2026, 10, 1)]
    q3 = [i for i in range(len(s)) if s.period_start[i] == date(2026, 7, 1)]
    assert q4 and all(s.incomplete[i] and s.covered_to[i] == LAST for i in q4)
    assert q3 and not any(s.incomplete[i] for i in q3)
    spec = charts.series_lines(r, "spend", formats())
    notes = [p["partial"] for p in spec["data"]["values"] if p["incomplete"]]
    assert notes and all(n.startswith("to 31 Oct") for n in notes)
    spark = charts.sparkline(r, "spend")
    assert [p["start"] for p in spark["data"]["values"]] == ["2026-07-01"]


@pytest.mark.parametrize(
    ("grain", "period", "ticks", "fmt"),
    [
        ("month", "2026-08-01:2026-10-31", 3, "%b %Y"),
        ("quarter", "2026-07-01:2026-12-31", 2, None),
        ("week", "2026-09", 5, "%d %b"),
        ("day", "2026-10-01:2026-10-10", 10, "%d %b"),
    ],
)
def test_chart_axes_label_each_tick_for_the_grain(ws, grain: str, period: str, ticks: int, fmt: str | None) -> None:
    r = report(ws, "cpm", by="none", grain=grain, period=period, compare="none")
    spec = charts.series_lines(r, "cpm", formats())
    x = spec["layer"][-1]["encoding"]["x"]
    axis = x["axis"]
    assert x["timeUnit"] == charts.TIME_UNITS[grain]
    values = axis["values"]
    assert len(values) == ticks == axis["tickCount"]
    starts = sorted({p.isoformat() for p in r.series.period_start})
    assert [f"{v['year']:04d}-{v['month']:02d}-{v['date']:02d}" for v in values] == starts
    if fmt is None:
        assert "'Q' +" in axis["labelExpr"] and "utcyear" in axis["labelExpr"]
    else:
        # utcFormat in an expression: a custom formatType is dropped by Vega-Lite with a warning
        assert axis["labelExpr"] == f"utcFormat(datum.value, '{fmt}')" and "formatType" not in axis
    if grain == "week":
        assert all(date.fromisoformat(s).weekday() == 0 for s in starts)  # ticks on Mondays
