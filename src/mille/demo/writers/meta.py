"""Meta Ads Manager: ad-set level, by day and impression device, one export per month and account.

CSV: UTF-8 with BOM, one header row, text cells quoted, numbers printed short (``69.8``), empty
cells where Meta has nothing to count (no link clicks, no leads). File names follow Ads
Manager's ``<Account>-Ad-sets-<Mon>-<D>-<YYYY>-<Mon>-<D>-<YYYY>.csv``. One month of one account is
the XLSX download instead: the header, then the account-summary row with empty names, then the
rows. The story's re-download is the same export over a window that straddles two months.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.demo.writers import cells

HEADER = (
    "Reporting starts", "Reporting ends", "Day", "Account name", "Campaign name", "Ad set name",
    "Impression device", "Amount spent (USD)", "Impressions", "Reach", "Link clicks",
    "Clicks (all)", "Leads", "CPM (cost per 1,000 impressions)", "CTR (link click-through rate)",
)
XLSX_MONTHS: dict[str, frozenset[int]] = {"meta_emea": frozenset({7})}
_FIXED_TIME = datetime(2026, 11, 1, 9, 0, 0)  # XLSX metadata, so a seed gives identical bytes


def file_name(account: str, start: date, end: date, ext: str) -> str:
    def part(d: date) -> str:
        return f"{d:%b}-{d.day}-{d.year}"

    return f"{account.replace(' ', '-')}-Ad-sets-{part(start)}-{part(end)}.{ext}"


def _sorted(rows: pa.Table) -> pa.Table:
    return rows.sort_by([("date_day", "ascending"), ("campaign_name", "ascending"),
                         ("ad_group_name", "ascending"), ("device_label", "ascending")])


def render_csv(rows: pa.Table, leads_column: str) -> bytes:
    rows = _sorted(rows)
    day = cells.iso_days(cells.days_of(rows))
    spend = rows.column("spend").to_numpy()
    imps = rows.column("impressions").to_numpy()
    clicks = rows.column("clicks").to_numpy()
    leads = np.nan_to_num(rows.column(leads_column).to_numpy(zero_copy_only=False))
    columns = [
        day, day, day,
        cells.quoted(cells.text(rows.column("account_name").to_pylist())),
        cells.quoted(cells.text(rows.column("campaign_name").to_pylist())),
        cells.quoted(cells.text(rows.column("ad_group_name").to_pylist())),
        cells.quoted(cells.text(rows.column("device_label").to_pylist())),
        cells.trimmed(spend, 2),
        cells.integers(imps),
        cells.integers(rows.column("reach").to_numpy()),
        np.where(clicks > 0, cells.integers(clicks), ""),
        cells.integers(rows.column("clicks_all").to_numpy()),
        np.where(leads > 0, cells.integers(leads), ""),
        cells.trimmed(np.where(imps > 0, 1000 * spend / np.maximum(imps, 1), 0), 6),
        np.where(clicks > 0, cells.trimmed(100 * clicks / np.maximum(imps, 1), 6), ""),
    ]
    header = ",".join(cells.quoted_if(np.array(HEADER), " ,"))
    return cells.encode("\n".join([header, *cells.lines(columns, ",")]) + "\n", "utf-8-sig")


def render_xlsx(rows: pa.Table, start: date, end: date, leads_column: str) -> bytes:
    from openpyxl import Workbook

    rows = _sorted(rows)
    wb = Workbook()
    ws = wb.active
    ws.title = "Raw Data Report"
    ws.append(list(HEADER))
    spend = rows.column("spend").to_numpy()
    imps = rows.column("impressions").to_numpy()
    clicks = rows.column("clicks").to_numpy()
    leads = np.nan_to_num(rows.column(leads_column).to_numpy(zero_copy_only=False))
    reach = rows.column("reach").to_numpy()
    clicks_all = rows.column("clicks_all").to_numpy()
    total_spend, total_imps, total_clicks = round(float(spend.sum()), 2), int(imps.sum()), int(clicks.sum())
    # The account-summary row: names empty, reach deduplicated (so not the sum of the rows).
    ws.append([
        start.isoformat(), end.isoformat(), "", "", "", "", "", total_spend, total_imps,
        int(reach.sum() * 0.62), total_clicks, int(clicks_all.sum()), int(leads.sum()),
        round(1000 * total_spend / total_imps, 6), round(100 * total_clicks / total_imps, 6),
    ])
    day = cells.iso_days(cells.days_of(rows)).tolist()
    names = [rows.column(c).to_pylist() for c in ("account_name", "campaign_name", "ad_group_name", "device_label")]
    # openpyxl appends row by row; an XLSX month is ~1,300 rows, written once per demo build.
    for i in range(rows.num_rows):
        ws.append([
            day[i], day[i], day[i], names[0][i], names[1][i], names[2][i], names[3][i],
            float(spend[i]), int(imps[i]), int(reach[i]), int(clicks[i]) or None,
            int(clicks_all[i]), int(leads[i]) or None, round(1000 * float(spend[i]) / int(imps[i]), 6),
            round(100 * int(clicks[i]) / int(imps[i]), 6) if clicks[i] else None,
        ])
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    raw = io.BytesIO()
    wb.save(raw)
    return _fixed_zip_times(raw.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the XLSX container with fixed member timestamps and metadata dates."""
    out = io.BytesIO()
    stamp = _FIXED_TIME.timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _pin_core_dates(body)
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, body)
    return out.getvalue()


def _pin_core_dates(xml: bytes) -> bytes:
    import re

    iso = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + iso + rb"\g<2>", xml)


def write(ads: pa.Table, directory: Path, months: list[tuple[date, date]], *, redownload: tuple[str, date, date]) -> list[Path]:
    """Monthly exports of both accounts, then the re-download (it must be ingested last)."""
    meta = ads.filter(pc.equal(ads.column("platform"), "facebook_ads"))
    days = cells.days_of(meta)
    keys = np.asarray(meta.column("account_key").to_pylist(), dtype=object)
    paths = []
    for key in sorted(set(keys.tolist())):
        account = meta.filter(pa.array(keys == key)).column("account_name")[0].as_py()
        for start, end in months:
            mask = (keys == key) & (days >= np.datetime64(start)) & (days <= np.datetime64(end))
            rows = meta.filter(pa.array(mask))
            if start.month in XLSX_MONTHS.get(key, ()):
                data, ext = render_xlsx(rows, start, end, "leads_first_export"), "xlsx"
            else:
                data, ext = render_csv(rows, "leads_first_export"), "csv"
            paths.append(cells.write(directory / file_name(account, start, end, ext), data))
    key, start, end = redownload
    mask = (keys == key) & (days >= np.datetime64(start)) & (days <= np.datetime64(end))
    rows = meta.filter(pa.array(mask))
    account = rows.column("account_name")[0].as_py()
    paths.append(cells.write(directory / file_name(account, start, end, "csv"), render_csv(rows, "leads")))
    return paths
