"""LinkedIn Campaign Manager: the classic campaign performance export, one file per month.

UTF-16LE with BOM, TAB-separated, ``.csv`` extension; four preamble lines and a blank line before
the English headers; dates ``M/D/YYYY``; en numbers; empty cells for undefined ratios. The
campaign group is the unified campaign, LinkedIn's "campaign" the unified ad group. There is no
device or country breakdown in this export.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.demo.writers import cells

HEADER = (
    "Start Date (in UTC)", "Account Name", "Currency", "Campaign Group ID", "Campaign Group Name",
    "Campaign ID", "Campaign Name", "Campaign Type", "Total Spent", "Impressions", "Clicks",
    "Click Through Rate", "Average CPM", "Average CPC", "Leads", "Conversions",
)


def render(rows: pa.Table, start: date, end: date, account: str) -> bytes:
    """One month's export for one account."""
    rows = rows.sort_by([("date_day", "ascending"), ("campaign_name", "ascending"), ("ad_group_name", "ascending")])
    spend = rows.column("spend").to_numpy()
    imps = rows.column("impressions").to_numpy()
    clicks = rows.column("clicks").to_numpy()
    columns = [
        cells.us_days(cells.days_of(rows)),
        cells.text(rows.column("account_name").to_pylist()),
        cells.text(rows.column("currency").to_pylist()),
        cells.text(rows.column("campaign_id").to_pylist()),
        cells.text(rows.column("campaign_name").to_pylist()),
        cells.text(rows.column("ad_group_id").to_pylist()),
        cells.text(rows.column("ad_group_name").to_pylist()),
        cells.text(rows.column("ad_type").to_pylist()),
        cells.fixed(spend, 2),
        cells.integers(imps),
        cells.integers(clicks),
        cells.ratio(clicks, imps, scale=100, decimals=3, suffix="%"),
        cells.ratio(spend, imps, scale=1000, decimals=2),
        cells.ratio(spend, clicks, scale=1, decimals=2),
        cells.integers(np.nan_to_num(rows.column("leads").to_numpy(zero_copy_only=False))),
        cells.integers(np.nan_to_num(rows.column("conversions").to_numpy(zero_copy_only=False))),
    ]
    preamble = [
        "Campaign Performance Report (in UTC)",
        f"Report Start: {cells.long_date(start)}, 12:00 AM",
        f"Report End: {cells.long_date(end)}, 11:59 PM",
        f"Account: {account}",
        "",
    ]
    body = [*preamble, "\t".join(HEADER), *cells.lines(columns, "\t")]
    return cells.encode("\n".join(body) + "\n", "utf-16")


def write(ads: pa.Table, directory: Path, months: list[tuple[date, date]]) -> list[Path]:
    li = ads.filter(pc.equal(ads.column("platform"), "linkedin_ads"))
    account = li.column("account_name")[0].as_py()
    paths = []
    for start, end in months:
        days = cells.days_of(li)
        in_month = (days >= np.datetime64(start)) & (days <= np.datetime64(end))
        data = render(li.filter(pa.array(in_month)), start, end, account)
        paths.append(cells.write(directory / f"linkedin_campaign_performance_{start:%Y-%m}.csv", data))
    return paths
