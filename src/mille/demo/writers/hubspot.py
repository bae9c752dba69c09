"""HubSpot's "export all contacts" and "export all deals" CSVs, and the FX rates file.

HubSpot writes UTF-8 CSV with minimal quoting and ``YYYY-MM-DD HH:MM`` timestamps; empty cells
for unknown properties (no UTM on an organic contact). The FX file is the workspace's own
``date,currency,rate`` table (rate = USD per 1 EUR), named in the demo's ``mille.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from mille.demo.writers import cells

CONTACT_HEADER = (
    "Record ID", "First Name", "Last Name", "Email", "Create Date", "Lifecycle Stage",
    "Original Source", "Original Source Drill-Down 1", "Original Source Drill-Down 2",
    "UTM Source", "UTM Medium", "UTM Campaign", "Country/Region",
)
DEAL_HEADER = (
    "Record ID", "Deal Name", "Create Date", "Close Date", "Deal Stage", "Amount", "Pipeline",
    "Associated Contact IDs",
)
CONTACTS_FILE = "hubspot-crm-exports-all-contacts-2026-11-01.csv"
DEALS_FILE = "hubspot-crm-exports-all-deals-2026-11-01.csv"
FX_FILE = "fx_rates.csv"


def _stamp(t: pa.Table, column: str) -> np.ndarray:
    values = t.column(column).to_numpy().astype("datetime64[m]")
    return np.char.replace(np.datetime_as_string(values, unit="m"), "T", " ")


def _csv_text(t: pa.Table, column: str) -> np.ndarray:
    return cells.quoted_if(cells.text(t.column(column).to_pylist()), ",")


def render_contacts(contacts: pa.Table) -> bytes:
    columns = [
        cells.integers(contacts.column("record_id").to_numpy()),
        *(_csv_text(contacts, c) for c in ("first_name", "last_name", "email")),
        _stamp(contacts, "create_date"),
        *(_csv_text(contacts, c) for c in (
            "lifecycle_stage", "original_source", "drill_down_1", "drill_down_2", "utm_source",
            "utm_medium", "utm_campaign", "country_name")),
    ]
    return cells.encode("\n".join([",".join(CONTACT_HEADER), *cells.lines(columns, ",")]) + "\n", "utf-8")


def render_deals(deals: pa.Table) -> bytes:
    columns = [
        cells.integers(deals.column("record_id").to_numpy()),
        _csv_text(deals, "deal_name"),
        _stamp(deals, "create_date"),
        _stamp(deals, "close_date"),
        _csv_text(deals, "deal_stage"),
        cells.trimmed(deals.column("amount").to_numpy(), 2),
        _csv_text(deals, "pipeline"),
        cells.integers(deals.column("contact_id").to_numpy()),
    ]
    return cells.encode("\n".join([",".join(DEAL_HEADER), *cells.lines(columns, ",")]) + "\n", "utf-8")


def render_fx(fx: pa.Table) -> bytes:
    columns = [
        cells.iso_days(cells.days_of(fx, "date")),
        cells.text(fx.column("currency").to_pylist()),
        cells.fixed(fx.column("rate").to_numpy(), 4),
    ]
    return cells.encode("\n".join(["date,currency,rate", *cells.lines(columns, ",")]) + "\n", "utf-8")


def write(contacts: pa.Table, deals: pa.Table, directory: Path) -> list[Path]:
    return [
        cells.write(directory / CONTACTS_FILE, render_contacts(contacts)),
        cells.write(directory / DEALS_FILE, render_deals(deals)),
    ]


def write_fx(fx: pa.Table, directory: Path) -> Path:
    return cells.write(directory / FX_FILE, render_fx(fx))
