"""Property tests: the number, date and locale parsers and the header detection, fuzzed."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mille.errors import IngestError
from mille.sources.dates import parse_date_range, parse_dates, parse_loose_date
from mille.sources.format import API, DECIMAL_COMMA, EN_GB, EN_US, SPACE_GROUPED, Locale
from mille.sources.layout import detect_text
from mille.sources.numbers import parse_numbers

LOCALES = {"en": EN_US, "decimal_comma": DECIMAL_COMMA, "space": SPACE_GROUPED}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def write_number(value: float, locale: Locale, *, decimals: int, group: bool) -> str:
    """Format like a UI would, independently of the parser: Python's own formatting."""
    text = f"{abs(value):,.{decimals}f}" if group else f"{abs(value):.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", locale.decimal).replace("\x00", locale.thousands if group else "")
    return ("-" if value < 0 else "") + text


@SETTINGS
@given(
    values=st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=1, max_size=30),
    locale_name=st.sampled_from(sorted(LOCALES)),
    decimals=st.integers(0, 4),
    group=st.booleans(),
)
def test_numbers_round_trip_in_every_locale(values, locale_name, decimals, group) -> None:
    locale = LOCALES[locale_name]
    cells = [write_number(v, locale, decimals=decimals, group=group) for v in values]
    parsed = parse_numbers(pa.array(cells), locale).values.to_pylist()
    expected = [round(abs(v), decimals) * (-1 if v < 0 else 1) for v in values]
    assert parsed == pytest.approx(expected, abs=10 ** -(decimals + 1), rel=1e-12)


@SETTINGS
@given(values=st.lists(st.integers(0, 10**9), min_size=1, max_size=20), missing=st.sampled_from(["", " --", "-", "—"]))
def test_missing_markers_and_percentages(values, missing) -> None:
    cells = [f"{v / 100:,.2f}%" for v in values] + [missing, "< 10%", "> 90%"]
    parsed = parse_numbers(pa.array(cells), EN_US, missing=("", "--", "-", "—"))
    out = parsed.values.to_pylist()
    assert out[-3:] == [None, None, None] and parsed.censored == 2
    assert out[:-3] == pytest.approx([v / 10000 for v in values], rel=1e-12, abs=1e-12)


@SETTINGS
@given(value=st.integers(1000, 10**7))
def test_a_grouped_number_never_reads_as_decimals_in_the_wrong_locale(value) -> None:
    # "1,234" in a pt-BR file is 1.234; "1,234" cannot be an English decimal either way: the
    # parser follows the file's locale, and a value impossible in it is an error, never a guess.
    english = f"{value:,}"
    assert parse_numbers(pa.array([english]), EN_US).values[0].as_py() == value
    with pytest.raises(IngestError):
        parse_numbers(pa.array([english + ".5"]), DECIMAL_COMMA)


@SETTINGS
@given(text=st.text(min_size=1, max_size=12).filter(lambda s: any(c.isalpha() for c in s)))
def test_text_in_a_number_column_is_an_error_naming_row_and_value(text) -> None:
    cells = ["1", "2", text]
    try:
        parse_numbers(pa.array(cells), EN_US, missing=(), name="Cost", file="f.csv",
                      row_numbers=__import__("numpy").array([4, 5, 6]))
    except IngestError as exc:
        assert exc.row == 6 and exc.column == "Cost" and exc.file == "f.csv"
    else:  # only texts that are numbers once blanks and currency signs are dropped may pass
        cleaned = "".join(c for c in text if not c.isspace() and c not in "$€£¥₹")
        float(cleaned.replace(",", ""))


DATE_FORMATS = {"%Y-%m-%d": API, "%m/%d/%Y": EN_US, "%d/%m/%Y": EN_GB, "%d.%m.%Y": DECIMAL_COMMA}


@SETTINGS
@given(days=st.lists(st.dates(date(2000, 1, 1), date(2099, 12, 31)), min_size=1, max_size=40),
       fmt=st.sampled_from(sorted(DATE_FORMATS)), pad=st.booleans())
def test_dates_round_trip_with_the_locale_order(days, fmt, pad) -> None:
    locale = DATE_FORMATS[fmt]
    cells = [d.strftime(fmt) for d in days]
    if not pad:  # UIs write 9/1/2026 as often as 09/01/2026
        cells = [c.replace("/0", "/").lstrip("0") if "/" in c else c for c in cells]
    parsed, used = parse_dates(pa.array(cells), locale.date_formats)
    assert parsed.to_pylist() == days
    assert used is not None


@SETTINGS
@given(day=st.dates(date(2000, 1, 1), date(2099, 12, 31)), style=st.integers(0, 4))
def test_preamble_dates(day, style) -> None:
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
    text = [
        f"{months[day.month - 1]} {day.day}, {day.year}",
        f"{months[day.month - 1]} {day.day}, {day.year}, 12:00 AM",
        f"{day.day} {months[day.month - 1]} {day.year}",
        f"{day.month}/{day.day}/{day.year}",
        day.isoformat(),
    ][style]
    assert parse_loose_date(text, month_first=True) == day


@SETTINGS
@given(start=st.dates(date(2001, 1, 1), date(2098, 1, 1)), length=st.integers(0, 400), gb=st.booleans())
def test_google_date_range_rows(start, length, gb) -> None:
    from datetime import timedelta

    end = start + timedelta(days=length)
    if gb:
        text = f"{start.day} {start:%B %Y} - {end.day} {end:%B %Y}"
    else:
        text = f'"{start:%B} {start.day}, {start.year} - {end:%B} {end.day}, {end.year}"'
    assert parse_date_range(text) == (start, end)


GOOGLE_COLUMNS = ["Day", "Campaign", "Campaign type", "Currency code", "Impr.", "Clicks", "Cost", "CTR", "Avg. CPC",
                  "Conversions", "Budget", "Status"]
PREAMBLE = st.lists(st.sampled_from(["Campaign report", '"May 1, 2026 - May 31, 2026"', "All time",
                                     "Report Start: May 1, 2026, 12:00 AM", "", "Account: Acme"]), max_size=6)


@SETTINGS
@given(columns=st.permutations(GOOGLE_COLUMNS).map(lambda c: c[: max(4, len(c) // 2 + 2)]), preamble=PREAMBLE,
       delimiter=st.sampled_from([",", "\t", ";"]))
def test_header_found_below_any_preamble_in_any_column_order(columns, preamble, delimiter) -> None:
    if not {"Cost", "Impr."} <= set(columns):
        columns = [*columns, "Cost", "Impr."]
    header_index = len(preamble)
    lines = [*preamble, delimiter.join(columns), delimiter.join("1" for _ in columns)]
    layout = detect_text("\n".join(lines) + "\n")
    assert layout.format.name == "google_ads_ui"
    assert layout.header_index == header_index
    assert layout.delimiter == delimiter
    assert layout.fields["spend"] == "Cost" and layout.fields["impressions"] == "Impr."


LINKEDIN = {
    "en": ["Start Date (in UTC)", "Account Name", "Currency", "Campaign Group Name", "Campaign Name", "Total Spent",
           "Impressions", "Clicks", "Leads"],
    "pt-BR": ["Data de início (em UTC)", "Nome da conta", "Moeda", "Nome do grupo de campanhas", "Nome da campanha",
              "Total investido", "Impressões", "Cliques", "Leads"],
    "nl": ["Begindatum (in UTC)", "Accountnaam", "Valuta", "Campagnenaam", "Naam van advertentieset",
           "Totaal besteed", "Weergaven", "Klikken", "Leads"],
}


@SETTINGS
@given(language=st.sampled_from(sorted(LINKEDIN)), order=st.randoms(use_true_random=False))
def test_linkedin_ui_language_decides_the_locale(language, order) -> None:
    columns = list(LINKEDIN[language])
    order.shuffle(columns)
    layout = detect_text("\t".join(columns) + "\n")
    assert layout.format.name == "linkedin_ads_ui" and layout.dialect.language == language
    assert layout.dialect.locale.decimal == ("." if language == "en" else ",")
