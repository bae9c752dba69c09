"""Plausible prices: the platform modules' sanity ranges, dollars to compare them with, and the
unit error a far-off value most likely comes from.

The ranges are each platform's ``plausible`` ranges (:mod:`mille.platforms`; the wide "B2B
takeaway" of FORMATS.md §4), in US dollars, CTR a fraction. They are *context, not truth*: a
campaign outside them is not wrong, and a value within ten times of them is no finding at all.
A value an **order of magnitude** outside (below low ÷ 10 or above high × 10) is a warning,
because in practice it is a unit or locale error — cost in micros not divided (× 1,000,000),
``1.234`` read as 1.234 instead of 1,234 (× 1,000), a percentage read as a count (× 100) — but
an unusual real account can still land there.

Money is compared in dollars only. Spend already in USD is used as is; other spend is taken in
the reporting currency (``spend_reporting``) and turned into dollars with the workspace's own
rate for USD (``fx`` in mille.yaml). Without such a rate the money checks are skipped for that
currency and the audit says so: an INR or IDR CPM is never compared with a dollar range.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from mille.platforms import PriceRange, find
from mille.sources.currency import Rates

FACTOR = 10.0
USD = "USD"
_EPOCH = np.datetime64("1970-01-01", "D")


def ranges_for(platform: str, network: str | None) -> dict[str, PriceRange]:
    """Per metric (cpm, cpc, ctr), the sanity range for a platform and network value."""
    found = find(platform)
    return found.plausible_for(network) if found is not None else {}


def outside(value: float, r: PriceRange) -> float | None:
    """value ÷ the nearest bound when the value is an order of magnitude outside ``r``, else None.

    A zero is a count (no clicks, no spend), not a unit error, and has no factor."""
    if not np.isfinite(value) or value <= 0 or r.low / FACTOR <= value <= r.high * FACTOR:
        return None
    return value / r.high if value > r.high else value / r.low


def likely_cause(factor: float) -> str:
    """The unit or locale error a factor (value ÷ nearest bound, > 0) most likely comes from."""
    size = factor if factor >= 1 else 1 / factor
    side = "too high" if factor >= 1 else "too low"
    for scale, cause in (
        (1e6, "amounts in micros not divided by 1,000,000"),
        (1e3, "a thousands separator read as a decimal point (1.234 read as 1.234, not 1,234)"),
        (1e2, "a percentage or cents read as a whole number"),
    ):
        if size >= scale / 3:
            return f"{side} by about ×{size:,.0f}: probably {cause}"
    return f"{side} by about ×{size:,.0f}: check the file's number format and currency"


class Dollars:
    """Dollars per unit of the reporting currency, from the workspace's rates."""

    def __init__(self, rates: Rates) -> None:
        self.reporting = rates.reporting
        self.series = rates.series.get(USD)
        self.fixed = rates.fixed.get(USD)

    @property
    def known(self) -> bool:
        return self.reporting == USD or self.series is not None or self.fixed is not None

    def per_reporting_unit(self, days: list[date]) -> np.ndarray:
        """USD per unit of the reporting currency on each day (NaN where no rate applies yet)."""
        n = len(days)
        if self.reporting == USD:
            return np.ones(n)
        if self.series is not None:
            rate_days, values = self.series
            numbers = (np.array(days, dtype="datetime64[D]") - _EPOCH).astype(np.int64)
            pos = np.searchsorted(rate_days, numbers, side="right") - 1
            usd = np.full(n, np.nan)
            ok = pos >= 0
            usd[ok] = 1.0 / values[pos[ok]]  # the rates file holds positive rates only
            return usd
        if self.fixed is not None:
            return np.full(n, 1.0 / self.fixed)
        return np.full(n, np.nan)


def spend_in_usd(currency: np.ndarray, spend: np.ndarray, spend_reporting: np.ndarray, converted: np.ndarray,
                 dollars: Dollars, days: list[date]) -> np.ndarray:
    """Each segment's spend in dollars, NaN where no rate to USD is known.

    ``converted`` is True where every row of the segment has its reporting-currency spend."""
    via_reporting = np.where(converted, spend_reporting * dollars.per_reporting_unit(days), np.nan)
    return np.where(currency == USD, spend, via_reporting)
