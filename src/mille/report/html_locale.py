"""Numbers, money and dates as the workspace's locale writes them, for HTML pages and charts.

``mille.yaml`` names a locale (``locale: de-DE``); HTML output follows it: ``1.234,56 €`` and
``31. Okt. 2026`` for a German team, ``$1,234.56`` and ``Oct 31, 2026`` by default. The rules
come from the Unicode CLDR through Babel, so nothing here hard-codes a country's conventions.

Charts get the same conventions: :meth:`Formats.d3_number_locale` and
:meth:`Formats.d3_time_locale` are the locale objects Vega takes, and :meth:`Formats.d3_date`
turns a CLDR date skeleton (``MMMd``) into the strftime-style format its axes use. Nothing here
computes a figure; it only writes one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError, dates, numbers

from mille.errors import ConfigError

NO_VALUE = "—"
MINUS = "−"
_FRACTION = re.compile(r"\.[0#]+")
# CLDR date-pattern letters → d3-time-format directives (the subset date skeletons produce).
_D3_FIELDS = {
    "yyyy": "%Y", "yy": "%y", "y": "%Y", "MMMM": "%B", "MMM": "%b", "MM": "%m", "M": "%-m",
    "LLLL": "%B", "LLL": "%b", "LL": "%m", "L": "%-m", "dd": "%d", "d": "%-d",
    "EEEE": "%A", "EEE": "%a", "E": "%a", "cccc": "%A", "ccc": "%a",
}
_CLDR_TOKEN = re.compile(r"'[^']*'|([A-Za-z])\1*")


def parse_locale(tag: str) -> Locale:
    """``en-US`` / ``de_DE`` / ``fr`` → a Babel locale, or a ConfigError naming mille.yaml."""
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ConfigError(
            f"`{tag}` is not a locale mille knows", file="mille.yaml", key="locale",
            expected="a language tag such as en-US, en-GB, de-DE, fr-FR",
            hint="set `locale:` in mille.yaml to your team's language and country",
        ) from None


@dataclass(frozen=True)
class Formats:
    """How one locale writes figures; ``currency`` is the reporting currency (ISO code)."""

    tag: str = "en-US"
    currency: str = "USD"
    locale: Locale = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "locale", parse_locale(self.tag))

    # -- numbers -----------------------------------------------------------------------------
    def _pattern(self, kind: str, decimals: int) -> str:
        base = (self.locale.currency_formats["standard"] if kind == "currency"
                else self.locale.decimal_formats[None]).pattern.split(";")[0]
        fraction = "." + "0" * decimals if decimals > 0 else ""
        return _FRACTION.sub(fraction, base, count=1) if _FRACTION.search(base) else base + fraction

    def number(self, value: float | None, decimals: int = 0) -> str:
        if value is None or value != value:
            return NO_VALUE
        text = numbers.format_decimal(abs(value), format=self._pattern("decimal", decimals),
                                      locale=self.locale, decimal_quantization=True)
        return (MINUS if value < 0 and round(abs(value), decimals) != 0 else "") + text

    def money(self, value: float | None, decimals: int | None = None, currency: str | None = None) -> str:
        """Money in the locale's currency pattern; whole units from 10,000 up unless told."""
        if value is None or value != value:
            return NO_VALUE
        if decimals is None:
            decimals = 0 if abs(value) >= 10_000 else 2
        text = numbers.format_currency(abs(value), currency or self.currency,
                                       format=self._pattern("currency", decimals),
                                       locale=self.locale, currency_digits=False)
        return (MINUS if value < 0 else "") + text

    def percent(self, value: float | None, decimals: int = 1) -> str:
        """``value`` already in percent (12.3 → "12.3 %" in the locale's percent style)."""
        if value is None or value != value:
            return NO_VALUE
        pattern = self.locale.percent_formats[None].pattern.split(";")[0]
        pattern = pattern.replace("0", "0." + "0" * decimals, 1) if decimals and "." not in pattern else pattern
        text = numbers.format_percent(abs(value) / 100, format=pattern, locale=self.locale)
        return (MINUS if value < 0 else "") + text

    def signed_percent(self, value: float | None, decimals: int = 1) -> str:
        """A relative change in percent with its sign: ``+9.7 %``, ``−3.3 %``, ``0.0 %``."""
        if value is None or value != value:
            return NO_VALUE
        if round(value, decimals) == 0:
            return self.percent(0.0, decimals)
        return ("+" if value > 0 else "") + self.percent(value, decimals)

    def value(self, value: float | None, unit: str, decimals: int, *, prefix: str = "", suffix: str = "",
              currency: str | None = None) -> str:
        """A metric's value as its definition says (decimals, prefix, suffix, unit)."""
        if value is None or value != value:
            return NO_VALUE
        if prefix or suffix:
            sign = MINUS if value < 0 else ""
            return f"{sign}{prefix}{self.number(abs(value), decimals)}{suffix}"
        if unit == "currency":
            return self.money(value, decimals, currency)
        if unit == "percent":
            return self.percent(value, decimals)
        return self.number(value, decimals)

    def signed_value(self, value: float | None, unit: str, decimals: int, **kw: Any) -> str:
        if value is None or value != value:
            return NO_VALUE
        return ("+" if value >= 0 else MINUS) + self.value(abs(value), unit, decimals, **kw)

    # -- dates -------------------------------------------------------------------------------
    def date(self, day: date | str | None) -> str:
        if day is None:
            return NO_VALUE
        return dates.format_date(_day(day), format="medium", locale=self.locale)

    def day_range(self, start: date | str, end: date | str) -> str:
        a, b = _day(start), _day(end)
        if a == b:
            return self.date(a)
        return dates.format_interval(a, b, "yMMMd", locale=self.locale)

    def month(self, day: date | str) -> str:
        return dates.format_skeleton("yMMMM", _day(day), locale=self.locale)

    def period(self, info: Any) -> str:
        """A period as people say it: "October 2026", else its days ("Sep 1 – 14, 2026").
        ``info`` is a period's dict (``label``, ``start``, ``end``) or an object with them."""
        if not info:
            return NO_VALUE
        get = info.get if isinstance(info, dict) else lambda k, default=None: getattr(info, k, default)
        start, end = _day(get("start")), _day(get("end"))
        if re.fullmatch(r"\d{4}-\d{2}", str(get("label", ""))):
            return self.month(start)
        return self.day_range(start, end)

    # -- charts ------------------------------------------------------------------------------
    def d3_number_locale(self) -> dict[str, Any]:
        symbols = self.locale.number_symbols["latn"]
        grouping = self.locale.decimal_formats[None].grouping
        money = numbers.format_currency(0, self.currency, format=self._pattern("currency", 0),
                                        locale=self.locale, currency_digits=False)
        prefix, _, suffix = money.partition("0")
        return {"decimal": symbols["decimal"], "thousands": symbols["group"],
                "grouping": [grouping[0], grouping[1]] if grouping[1] != grouping[0] else [grouping[0]],
                "currency": [prefix, suffix], "minus": MINUS, "percent": symbols["percentSign"]}

    def d3_time_locale(self) -> dict[str, Any]:
        loc = self.locale

        def names(kind: str, width: str) -> list[str]:
            getter = dates.get_day_names if kind == "days" else dates.get_month_names
            got = getter(width, locale=loc)
            # d3 wants Sunday first; CLDR numbers Monday 0 … Sunday 6, months 1 … 12.
            return [got[6], *[got[i] for i in range(6)]] if kind == "days" else [got[i] for i in range(1, 13)]

        return {
            "dateTime": f"{self.d3_pattern(loc.date_formats['medium'].pattern)} %H:%M:%S",
            "date": self.d3_pattern(loc.date_formats["short"].pattern),
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": names("days", "wide"), "shortDays": names("days", "abbreviated"),
            "months": names("months", "wide"), "shortMonths": names("months", "abbreviated"),
        }

    def d3_date(self, skeleton: str) -> str:
        """The d3 time format for a CLDR skeleton: ``MMMd`` → ``%b %-d`` (en), ``%-d. %b`` (de)."""
        pattern = self.locale.datetime_skeletons.get(skeleton)
        text = pattern.pattern if pattern is not None else dates.match_skeleton(skeleton, self.locale.datetime_skeletons)
        if pattern is None and text is not None:
            text = self.locale.datetime_skeletons[text].pattern
        return self.d3_pattern(text or "yyyy-MM-dd")

    @staticmethod
    def d3_pattern(cldr: str) -> str:
        def swap(m: re.Match[str]) -> str:
            token = m.group(0)
            if token.startswith("'"):
                return token[1:-1].replace("%", "%%") or "'"
            return _D3_FIELDS.get(token, _D3_FIELDS.get(token[:4], token))

        return _CLDR_TOKEN.sub(swap, cldr)

    def chart_locale(self) -> dict[str, Any]:
        """What the page hands to the chart script: Vega's number and time locales, and the
        d3 formats of the date axes (day, month)."""
        return {"number": self.d3_number_locale(), "time": self.d3_time_locale(),
                "day": self.d3_date("MMMd"), "month": self.d3_date("yMMM"), "tag": self.tag}


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@lru_cache(maxsize=32)
def formats(tag: str = "en-US", currency: str = "USD") -> Formats:
    return Formats(tag, currency)
