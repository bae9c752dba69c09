"""Microsoft Advertising: the Reports tab's "Campaign Performance" download, daily, per month.

Every field is quoted: nine metadata lines (report name, time, time zone, ``Rows: N``…), a blank
line, the API-style PascalCase header, the rows, a blank line and the copyright footer. UTF-8
with BOM and Windows line ends. The account is billed in EUR.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.demo.writers import cells

HEADER = (
    "TimePeriod", "AccountName", "AccountId", "CampaignName", "CampaignId", "DeviceType",
    "CurrencyCode", "Impressions", "Clicks", "Ctr", "AverageCpc", "Spend", "Conversions",
)
FOOTER = "©2026 Microsoft Corporation. All rights reserved. "


def render(rows: pa.Table, start: date, end: date) -> bytes:
    rows = rows.sort_by([("date_day", "ascending"), ("campaign_name", "ascending"), ("device_label", "ascending")])
    imps = rows.column("impressions").to_numpy()
    clicks = rows.column("clicks").to_numpy()
    spend = rows.column("spend").to_numpy()
    columns = [
        cells.iso_days(cells.days_of(rows)),
        cells.text(rows.column("account_name").to_pylist()),
        cells.text(rows.column("account_id").to_pylist()),
        cells.text(rows.column("campaign_name").to_pylist()),
        cells.text(rows.column("campaign_id").to_pylist()),
        cells.text(rows.column("device_label").to_pylist()),
        cells.text(rows.column("currency").to_pylist()),
        cells.integers(imps),
        cells.integers(clicks),
        cells.ratio(clicks, imps, scale=100, decimals=2, suffix="%", missing="0.00%"),
        cells.ratio(spend, clicks, scale=1, decimals=2, missing="0.00"),
        cells.fixed(spend, 2),
        cells.integers(rows.column("conversions").to_numpy()),
    ]
    run = end + timedelta(days=1)
    meta = [
        "Report Name: Campaign Performance",
        f"Report Time: {cells.us_date(run)}",
        "Time Zone: (GMT-05:00) Eastern Time (US & Canada)",
        f"Last Completed Available Day: {cells.us_date(run)} 10:15:00 AM (GMT)",
        "Report Aggregation: Daily",
        "Report Filter: ",
        "Potential Incomplete Data: false",
        f"Rows: {rows.num_rows}",
    ]
    body = [f'"{line}"' for line in meta]
    body += ["", ",".join(cells.quoted(np.array(HEADER)))]
    body += cells.lines([cells.quoted(c) for c in columns], ",")
    body += ["", f'"{FOOTER}"']
    return cells.encode("\r\n".join(body) + "\r\n", "utf-8-sig")


def write(ads: pa.Table, directory: Path, months: list[tuple[date, date]]) -> list[Path]:
    ms = ads.filter(pc.equal(ads.column("platform"), "microsoft_ads"))
    days = cells.days_of(ms)
    paths = []
    for start, end in months:
        in_month = (days >= np.datetime64(start)) & (days <= np.datetime64(end))
        data = render(ms.filter(pa.array(in_month)), start, end)
        paths.append(cells.write(directory / f"microsoft_ads_campaign_performance_{start:%Y-%m}.csv", data))
    return paths
