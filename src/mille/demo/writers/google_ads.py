"""Google Ads: a custom "Campaign report" per month, segmented by day, device and user country.

A title row, a date-range row, the header, the rows, then ``Total:`` rows whose label sits in
the first column. Counts carry thousands separators (``"12,345"``, quoted because of the comma),
money columns are plain, a ratio over zero is `` --``. June is the "Excel .csv" download instead:
UTF-16LE with BOM, TAB-separated, with the en-GB date range ``1 June 2026 - 30 June 2026``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.demo.media_plan import COUNTRY_NAMES
from mille.demo.writers import cells

HEADER = (
    "Day", "Campaign status", "Campaign", "Campaign type", "Device",
    "Country/Territory (User location)", "Currency code", "Impr.", "Clicks", "CTR", "Avg. CPC",
    "Cost", "Conversions", "Cost / conv.",
)
MISSING = " --"
EXCEL_MONTHS = frozenset({6})  # the month written as the UTF-16 "Excel .csv" variant
NETWORK_LABELS = {"search": "Search", "display": "Display"}


def _measures(imps: np.ndarray, clicks: np.ndarray, cost: np.ndarray, conv: np.ndarray) -> list[np.ndarray]:
    quote = lambda values: cells.quoted_if(values, ",")  # noqa: E731
    return [
        quote(cells.grouped(imps)),
        quote(cells.grouped(clicks)),
        cells.ratio(clicks, imps, scale=100, decimals=2, suffix="%", missing=MISSING),
        cells.ratio(cost, clicks, scale=1, decimals=2, missing=MISSING),
        cells.fixed(cost, 2),
        quote(cells.grouped(conv, 2)),
        cells.ratio(cost, conv, scale=1, decimals=2, missing=MISSING, grouped_thousands=True),
    ]


def _totals(rows: pa.Table) -> list[list[str]]:
    """``Total: Campaigns``, ``Total: Account`` and one ``Total: <type>`` per campaign type."""
    network = np.asarray(rows.column("network").to_pylist(), dtype=object)
    imps = rows.column("impressions").to_numpy()
    clicks = rows.column("clicks").to_numpy()
    cost = rows.column("spend").to_numpy()
    conv = rows.column("conversions").to_numpy()
    currency = rows.column("currency")[0].as_py()
    groups: list[tuple[str, np.ndarray, list[str]]] = [
        ("Total: Campaigns", np.ones(len(network), bool), [MISSING] * 5),
        ("Total: Account", np.ones(len(network), bool), [""] * 5),
    ]
    for net, label in NETWORK_LABELS.items():
        mask = network == net
        if mask.any():
            groups.append((f"Total: {label}", mask, ["", "", label, "", ""]))
    out = []
    for label, mask, dims in groups:
        sums = [np.array([float(v[mask].sum())]) for v in (imps, clicks, cost, conv)]
        sums[0], sums[1] = sums[0].astype(np.int64), sums[1].astype(np.int64)
        out.append([label, *dims, currency, *(col[0] for col in _measures(*sums))])
    return out


def render(rows: pa.Table, start: date, end: date, *, excel: bool) -> bytes:
    rows = rows.sort_by([("date_day", "ascending"), ("campaign_name", "ascending"),
                         ("device_label", "ascending"), ("country", "ascending")])
    sep = "\t" if excel else ","
    campaign = cells.text(rows.column("campaign_name").to_pylist())
    country = cells.lookup(rows.column("country").to_pylist(), COUNTRY_NAMES)
    columns = [
        cells.iso_days(cells.days_of(rows)),
        np.full(rows.num_rows, "Enabled"),
        campaign if excel else cells.quoted_if(campaign, ","),
        cells.lookup(rows.column("network").to_pylist(), NETWORK_LABELS),
        cells.text(rows.column("device_label").to_pylist()),
        cells.text(country),
        cells.text(rows.column("currency").to_pylist()),
        *_measures(
            rows.column("impressions").to_numpy(),
            rows.column("clicks").to_numpy(),
            rows.column("spend").to_numpy(),
            rows.column("conversions").to_numpy(),
        ),
    ]
    if excel:
        date_range = f"{cells.long_date_gb(start)} - {cells.long_date_gb(end)}"
    else:
        date_range = f'"{cells.long_date(start)} - {cells.long_date(end)}"'
    body = ["Campaign report", date_range, sep.join(HEADER), *cells.lines(columns, sep)]
    body += [sep.join(total) for total in _totals(rows)]
    text = "\n".join(body) + "\n"
    return cells.encode(text, "utf-16" if excel else "utf-8")


def write(ads: pa.Table, directory: Path, months: list[tuple[date, date]]) -> list[Path]:
    google = ads.filter(pc.equal(ads.column("platform"), "google_ads"))
    days = cells.days_of(google)
    paths = []
    for start, end in months:
        in_month = (days >= np.datetime64(start)) & (days <= np.datetime64(end))
        data = render(google.filter(pa.array(in_month)), start, end, excel=start.month in EXCEL_MONTHS)
        paths.append(cells.write(directory / f"google_ads_campaign_report_{start:%Y-%m}.csv", data))
    return paths
