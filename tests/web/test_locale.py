"""Figures and dates in the workspace's locale (CLDR through Babel), and the chart locales.

Expected strings are what each country writes, typed by hand (CLDR 46): German puts the euro
after the amount with a non-breaking space, French groups with a narrow no-break space, India
groups by lakh and crore.
"""

from __future__ import annotations

from datetime import date

import pytest

from mille.errors import ConfigError
from mille.report.html_locale import Formats, formats, parse_locale

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(("tag", "currency", "value", "decimals", "want"), [
    ("en-US", "USD", 1234.5, 2, "$1,234.50"),
    ("en-US", "USD", 282756.04, None, "$282,756"),  # whole units from 10,000 up
    ("en-US", "USD", -3.2, 2, "−$3.20"),
    ("de-DE", "EUR", 1234.5, 2, f"1.234,50{NBSP}€"),
    ("fr-FR", "EUR", 1234567.891, 0, f"1{NNBSP}234{NNBSP}568{NBSP}€"),
    ("en-IN", "INR", 1234567, 0, "₹12,34,567"),
    ("en-GB", "USD", 12.346, 2, "US$12.35"),
])
def test_money(tag: str, currency: str, value: float, decimals: int | None, want: str) -> None:
    assert formats(tag, currency).money(value, decimals) == want


@pytest.mark.parametrize(("tag", "value", "decimals", "want"), [
    ("en-US", 11969938, 0, "11,969,938"), ("de-DE", 11969938, 0, "11.969.938"),
    ("de-DE", 0.6813, 2, "0,68"), ("en-US", -0.004, 2, "0.00"), ("en-US", -12.5, 1, "−12.5"),
])
def test_numbers(tag: str, value: float, decimals: int, want: str) -> None:
    assert formats(tag).number(value, decimals) == want


def test_percent_and_signed_changes() -> None:
    en, de = formats("en-US"), formats("de-DE")
    assert en.percent(0.68, 2) == "0.68%" and de.percent(0.68, 2) == f"0,68{NBSP}%"
    assert en.signed_percent(9.748) == "+9.7%" and en.signed_percent(-3.31) == "−3.3%"
    assert en.signed_percent(0.04) == "0.0%" and en.signed_percent(None) == "—"
    assert en.value(0.68, "percent", 2, suffix=" %") == "0.68 %"  # the metric's own suffix wins
    assert en.signed_value(-0.15, "currency", 2) == "−$0.15"


def test_dates_and_periods() -> None:
    en, de, ja = formats("en-US"), formats("de-DE"), formats("ja-JP")
    assert en.date(date(2026, 10, 31)) == "Oct 31, 2026" and de.date("2026-10-31") == "31.10.2026"
    assert en.period({"label": "2026-10", "start": "2026-10-01", "end": "2026-10-31"}) == "October 2026"
    assert de.period({"label": "2026-10", "start": "2026-10-01", "end": "2026-10-31"}) == "Oktober 2026"
    assert ja.month(date(2026, 10, 1)) == "2026年10月"
    assert en.day_range("2026-09-01", "2026-09-14").replace(NNBSP, " ").replace("\u2009", " ") == "Sep 1 – 14, 2026"


def test_chart_locales() -> None:
    de = formats("de-DE", "EUR")
    number = de.d3_number_locale()
    assert number["decimal"] == "," and number["thousands"] == "." and number["currency"] == ["", f"{NBSP}€"]
    assert formats("en-IN").d3_number_locale()["grouping"] == [3, 2]
    time = de.d3_time_locale()
    assert time["days"][0] == "Sonntag" and time["shortMonths"][2] == "März" and len(time["months"]) == 12
    assert formats("en-US").d3_date("MMMd") == "%b %-d" and de.d3_date("MMMd") == "%-d. %b"
    assert Formats.d3_pattern("d 'de' MMMM 'de' y") == "%-d de %B de %Y"


@pytest.mark.parametrize("tag", ["xx-NOWHERE", "", "en_US_POSIX_bad!"])
def test_an_unknown_locale_is_a_config_error(tag: str) -> None:
    with pytest.raises(ConfigError, match="locale"):
        parse_locale(tag)
