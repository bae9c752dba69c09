"""Tables that sit beside exports but are not facts: recognised, reported, not stored.

The exchange-rate table (``date,currency,rate``) is read through ``mille.yaml``'s
``fx.rates_file``; ingesting a folder that holds it must not fail on it.
"""

from __future__ import annotations

from mille.sources.format import API, Dialect, Format


class FxRatesTable(Format):
    name = "fx_rates"
    label = "exchange-rate table (used through mille.yaml fx.rates_file)"
    role = "reference"
    dialects = (Dialect("api", {"date_day": ("date",), "currency": ("currency",), "rate": ("rate",)}, API),)
    required = ("date_day", "currency", "rate")
    priority = 30
