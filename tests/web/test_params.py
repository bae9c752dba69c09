"""Reading a page's query string: kinds, lists, repeats, unknown names; and, over arbitrary
input, the dashboard answers with a page or a message — never a crash."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from mille.errors import QueryError
from mille.web.params import Param, query_string, read

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
PARAMS = (Param("period"), Param("top", "int"), Param("by", "list"), Param("benchmarks", "flag"))


def q(text: str) -> QueryParams:
    return QueryParams(text)


def test_absent_and_empty_values_are_none() -> None:
    assert read(q(""), PARAMS) == {"period": None, "top": None, "by": None, "benchmarks": False}
    assert read(q("period=&top=&by="), PARAMS) == {"period": None, "top": None, "by": None, "benchmarks": False}


def test_values_are_read_by_kind() -> None:
    got = read(q("period=2026-09&top=5&by=platform&by=audience&benchmarks=true&token=abc"), PARAMS)
    assert got == {"period": "2026-09", "top": 5, "by": "platform,audience", "benchmarks": True}
    assert read(q("by=platform,+network,,"), PARAMS)["by"] == "platform,network"


@pytest.mark.parametrize(("text", "needle"), [("top=5.5", "whole number"), ("benchmarks=maybe", "yes or no"),
                                              ("period=a&period=b", "2 times"), ("peroid=2026-09", "`period`"),
                                              ("period=" + "x" * 2001, "too long")])
def test_bad_values_are_query_errors(text: str, needle: str) -> None:
    with pytest.raises(QueryError, match=needle):
        read(q(text), PARAMS)


def test_query_string_round_trips() -> None:
    values = {"metric": "cpm", "before": "2026-09", "filter": "platform = 'google_ads' AND x IS NULL",
              "dims": None, "flag": True, "off": False}
    text = query_string(values)
    assert read(q(text), (Param("metric"), Param("before"), Param("filter"), Param("dims"), Param("flag", "flag"),
                          Param("off", "flag"))) == {**values, "dims": None}


NAMES = st.sampled_from(["metrics", "by", "grain", "period", "compare", "filter", "top", "rank_by", "benchmarks",
                         "metric", "before", "after", "dims", "max_depth", "severity", "check", "as_of", "bogus"])
VALUES = st.one_of(
    st.sampled_from(["cpm", "ctr,cpc", "platform", "none", "week", "2026-09", "2026-Q3", "last-30-days", "previous",
                     "year", "0", "-1", "3", "true", "warn", "gaps", "platform = 'google_ads'", "'; DROP TABLE x; --",
                     "2026-10-01:2026-09-01", "\u0000", "é", "<script>alert(1)</script>"]),
    st.text(max_size=30),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=st.sampled_from(["/breakdown", "/explain", "/audit", "/metrics/cpm", "/"]),
       pairs=st.lists(st.tuples(NAMES, VALUES), max_size=3))
def test_any_input_gives_a_page_or_a_message(app_client, page: str, pairs: list[tuple[str, str]]) -> None:
    r = app_client.get(page + "?" + urlencode(pairs))
    assert r.status_code in (200, 400), r.text[:500]
    if r.status_code == 400:
        assert 'role="alert"' in r.text
    assert "<script>alert(1)</script>" not in r.text  # everything echoed is escaped
