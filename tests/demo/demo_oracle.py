"""An independent reading of the demo's export files, with nothing but csv, openpyxl and pandas.

This is the oracle the demo's printed figures are checked against: it knows the demo's file
layouts (not mille's readers) and returns one pandas frame of leaf rows, applying the same
rule users expect from ingest — a later export of the same Meta account replaces the days it
covers — and converting EUR spend with the rates file (nearest earlier date).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

PLATFORM_OF = {"linkedin": "linkedin_ads", "google": "google_ads", "meta": "facebook_ads", "microsoft": "microsoft_ads"}


def decode(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    return raw.decode("utf-8")


def number(text: str | None) -> float:
    """``"12,345"`` → 12345; `` --`` and empty → NaN; ``4.12%`` → 4.12."""
    if text is None:
        return float("nan")
    s = str(text).strip().replace(",", "").rstrip("%")
    return float(s) if s not in ("", "--") else float("nan")


def kind(path: Path) -> str:
    name = path.name
    if name.startswith("linkedin_"):
        return "linkedin"
    if name.startswith("google_ads_"):
        return "google"
    if name.startswith("microsoft_ads_"):
        return "microsoft"
    if name.startswith("Northwind-Cloud-"):
        return "meta"
    raise ValueError(f"not a demo ad export: {name}")


def read_linkedin(path: Path) -> tuple[list[str], pd.DataFrame]:
    lines = decode(path).split("\n")
    preamble = lines[:5]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[5:])), delimiter="\t"))
    df = pd.DataFrame(rows)
    return preamble, pd.DataFrame({
        "date_day": pd.to_datetime(df["Start Date (in UTC)"], format="%m/%d/%Y"),
        "account": df["Account Name"],
        "campaign": df["Campaign Group Name"],
        "ad_group": df["Campaign Name"],
        "currency": df["Currency"],
        "spend": df["Total Spent"].map(number),
        "impressions": df["Impressions"].map(number),
        "clicks": df["Clicks"].map(number),
        "leads": df["Leads"].map(number),
        "conversions": df["Conversions"].map(number),
    })


def read_google(path: Path) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """(title rows, data rows, totals rows)."""
    text = decode(path)
    sep = "\t" if "\tCampaign status\t" in text.split("\n")[2] else ","
    lines = text.split("\n")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[2:])), delimiter=sep))
    df = pd.DataFrame(rows)
    is_total = df["Day"].str.startswith("Total:")
    data, totals = df[~is_total], df[is_total]

    def measures(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({
            "impressions": frame["Impr."].map(number),
            "clicks": frame["Clicks"].map(number),
            "spend": frame["Cost"].map(number),
            "conversions": frame["Conversions"].map(number),
        }, index=frame.index)

    out = pd.concat([pd.DataFrame({
        "date_day": pd.to_datetime(data["Day"], format="%Y-%m-%d"),
        "account": "Northwind Cloud - Google Ads",
        "campaign": data["Campaign"],
        "network": data["Campaign type"].str.lower(),
        "device": data["Device"],
        "country": data["Country/Territory (User location)"],
        "currency": data["Currency code"],
    }), measures(data)], axis=1)
    tot = pd.concat([totals[["Day", "Campaign type"]].rename(columns={"Day": "label"}), measures(totals)], axis=1)
    return lines[:2], out, tot


def read_meta(path: Path) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path, read_only=True).active
        values = list(ws.iter_rows(values_only=True))
        header, summary, body = values[0], values[1], values[2:]
        assert all(summary[i] in (None, "") for i in range(2, 7)), "row 2 is the account summary"
        df = pd.DataFrame(body, columns=header).astype(object)
        df = df.where(df.notna(), "")
    else:
        df = pd.DataFrame(list(csv.DictReader(io.StringIO(decode(path)))))
    return pd.DataFrame({
        "date_day": pd.to_datetime(df["Day"], format="%Y-%m-%d"),
        "account": df["Account name"],
        "campaign": df["Campaign name"],
        "ad_group": df["Ad set name"],
        "device": df["Impression device"],
        "currency": "USD",
        "spend": df["Amount spent (USD)"].map(number),
        "impressions": df["Impressions"].map(number),
        "clicks": df["Link clicks"].map(number).fillna(0),
        "leads": df["Leads"].map(number).fillna(0),
    })


def read_microsoft(path: Path) -> tuple[list[str], pd.DataFrame, list[str]]:
    """(metadata lines, rows, lines after the rows)."""
    lines = decode(path).replace("\r\n", "\n").split("\n")
    head = next(i for i, line in enumerate(lines) if line.startswith('"TimePeriod"'))
    end = lines.index("", head)
    df = pd.DataFrame(list(csv.DictReader(io.StringIO("\n".join(lines[head:end])))))
    return lines[:head], pd.DataFrame({
        "date_day": pd.to_datetime(df["TimePeriod"], format="%Y-%m-%d"),
        "account": df["AccountName"],
        "campaign": df["CampaignName"],
        "device": df["DeviceType"],
        "currency": df["CurrencyCode"],
        "spend": df["Spend"].map(number),
        "impressions": df["Impressions"].map(number),
        "clicks": df["Clicks"].map(number),
        "conversions": df["Conversions"].map(number),
    }), lines[end:]


def read_file(path: Path) -> pd.DataFrame:
    k = kind(path)
    if k == "linkedin":
        df = read_linkedin(path)[1]
    elif k == "google":
        df = read_google(path)[1]
    elif k == "microsoft":
        df = read_microsoft(path)[1]
    else:
        df = read_meta(path)
    df["platform"] = PLATFORM_OF[k]
    df["file"] = path.name
    return df


def read_all(paths: list[Path], fx_rates: Path) -> pd.DataFrame:
    """Every ad export, in ingest order; a later export of the same account and level replaces
    the days it covers; spend converted to USD as ``spend_usd``."""
    frame = pd.DataFrame()
    for path in paths:
        df = read_file(path)
        if not frame.empty and kind(path) == "meta":
            lo, hi = df["date_day"].min(), df["date_day"].max()
            same = frame["platform"].eq("facebook_ads") & frame["account"].isin(df["account"].unique())
            frame = frame[~(same & frame["date_day"].between(lo, hi))]
        frame = pd.concat([frame, df], ignore_index=True)
    fx = pd.read_csv(fx_rates, parse_dates=["date"]).sort_values("date")
    rate_idx = np.searchsorted(fx["date"].to_numpy(), frame["date_day"].to_numpy(), side="right") - 1
    eur_rate = fx["rate"].to_numpy()[rate_idx]
    frame["spend_usd"] = frame["spend"] * np.where(frame["currency"].eq("EUR"), eur_rate, 1.0)
    return frame
