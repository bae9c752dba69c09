"""Printing a metric's value the way its definition says: decimals, prefix, suffix, unit.

Renderers call :func:`format_value`; they never decide on their own how many decimals a CPM
has. A value that does not exist (a ratio over a zero denominator) prints as ``—``.
"""

from __future__ import annotations

import math

from mille.metrics.model import Metric

NO_VALUE = "—"
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def format_value(metric: Metric, value: float | None, *, currency: str | None = None) -> str:
    """``value`` as the metric's display settings say (currency symbol or code for money)."""
    d = metric.display
    return format_number(value, metric.unit, d.decimals, prefix=d.prefix, suffix=d.suffix, currency=currency)


def format_number(
    value: float | None,
    unit: str,
    decimals: int,
    *,
    prefix: str = "",
    suffix: str = "",
    currency: str | None = None,
) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NO_VALUE
    sign = "−" if value < 0 else ""
    text = f"{abs(value):,.{decimals}f}"
    if prefix or suffix:
        return f"{sign}{prefix}{text}{suffix}"
    if unit == "currency" and currency:
        symbol = SYMBOLS.get(currency)
        return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"
    if unit == "percent":
        return f"{sign}{text} %"
    return f"{sign}{text}"
