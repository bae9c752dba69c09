"""The lines above the header: report title, date range, time zone, row count.

Google Ads puts a title and a date range (``"May 1, 2026 - May 31, 2026"``, ``1 May 2026 - 8 May
2026``, ``01.05.2026 - 31.05.2026``, ``All time``; AdWords in 2016 wrote one quoted line,
``"Ad report (Oct 25, 2016-Oct 31, 2016)"``) above its header, padded with commas when a
spreadsheet saved it; LinkedIn writes ``Report Start: May 1, 2026, 12:00 AM``; Microsoft Advertising writes
``"Time Zone: (GMT-05:00) Eastern Time (US & Canada)"`` and ``"Rows: 120"``. What is found is
kept as the ingest's metadata (provenance), gives period-level files their dates, gives
Microsoft rows their time zone, and lets a truncated file be told from a complete one.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from mille.sources.dates import find_date_range, parse_loose_date

_KEY_VALUE = re.compile(r"^([^:]{2,60}):\s*(.*)$")
# `All time` in the UI languages (a title may add it in parentheses): the file has no dates.
_ALL_TIME = re.compile(
    r"^(?:.*\(\s*)?(?:all time|todo o período|todo o periodo|todo el tiempo|todo el período|toute la période|"
    r"gesamter zeitraum|gesamte zeit|gesamtzeitraum|tutto il periodo|sempre|altijd|hele periode|за все время|"
    r"cały okres|tüm zamanlar|全期間|所有时间|全部时间|전체 기간)\s*\)?$", re.IGNORECASE)

# Keys in the languages mille knows, folded to one meaning.
_KEYS = {
    "report start": "start",
    "begindatum van rapport": "start",
    "início do relatório": "start",
    "inicio del informe": "start",
    "début du rapport": "start",
    "berichtsbeginn": "start",
    "report end": "end",
    "einddatum van rapport": "end",
    "fim do relatório": "end",
    "fin del informe": "end",
    "fin du rapport": "end",
    "berichtsende": "end",
    "time zone": "time_zone",
    "rows": "rows",
    "report name": "title",
    "report time": "report_time",
    "report aggregation": "aggregation",
    "report filter": "filter",
    "potential incomplete data": "incomplete",
    "last completed available day": "last_complete_day",
    "last completed available hour": "last_complete_hour",
    "account": "account_name",
    "account name": "account_name",
}

# Windows-style zone names (Microsoft Advertising) to IANA names; unknown names are kept as text.
_ZONES = {
    "eastern time (us & canada)": "America/New_York",
    "central time (us & canada)": "America/Chicago",
    "mountain time (us & canada)": "America/Denver",
    "arizona": "America/Phoenix",
    "pacific time (us & canada)": "America/Los_Angeles",
    "pacific time (us & canada); tijuana": "America/Los_Angeles",
    "alaska": "America/Anchorage",
    "hawaii": "Pacific/Honolulu",
    "greenwich mean time : dublin, edinburgh, lisbon, london": "Europe/London",
    "dublin, edinburgh, lisbon, london": "Europe/London",
    "amsterdam, berlin, bern, rome, stockholm, vienna": "Europe/Berlin",
    "brussels, copenhagen, madrid, paris": "Europe/Paris",
    "coordinated universal time": "UTC",
    "utc": "UTC",
    "sydney, canberra, melbourne": "Australia/Sydney",
    "canberra, melbourne, sydney": "Australia/Sydney",
    "tokyo, osaka, sapporo": "Asia/Tokyo",
    "osaka, sapporo, tokyo": "Asia/Tokyo",
    "brasilia": "America/Sao_Paulo",
    "new delhi": "Asia/Kolkata",
    "chennai, kolkata, mumbai, new delhi": "Asia/Kolkata",
    "singapore": "Asia/Singapore",
    "kuala lumpur, singapore": "Asia/Singapore",
}
# Microsoft Ads account time-zone enums (connector tables).
ENUM_ZONES = {
    "easterntimeuscanada": "America/New_York",
    "centraltimeuscanada": "America/Chicago",
    "mountaintimeuscanada": "America/Denver",
    "pacifictimeuscanadatijuana": "America/Los_Angeles",
    "greenwichmeantimedublinedinburghlisbonlondon": "Europe/London",
    "amsterdamberlinbernromestockholmvienna": "Europe/Berlin",
    "brusselscopenhagenmadridparis": "Europe/Paris",
}


def iana_zone(text: str) -> str:
    """An IANA name for a zone written as Microsoft writes it, or the text itself."""
    cleaned = re.sub(r"^\(?(GMT|UTC)[+-]?\d{0,2}:?\d{0,2}\)?\s*", "", text.strip()).strip().casefold()
    if cleaned in _ZONES:
        return _ZONES[cleaned]
    compact = re.sub(r"[^a-z]", "", text.casefold())
    if compact in ENUM_ZONES:
        return ENUM_ZONES[compact]
    if re.match(r"^[A-Za-z]+/[A-Za-z_]+", text.strip()):
        return text.strip()
    return text.strip()


def parse_preamble(lines: list[list[str]], *, month_first: bool = True) -> dict[str, Any]:
    """Metadata from the rows above the header (each row already split into cells)."""
    meta: dict[str, Any] = {}
    texts = [" ".join(c.strip() for c in row if c.strip()).strip().strip('"').strip() for row in lines]
    texts = [t for t in texts if t]
    for i, text in enumerate(texts):
        m = _KEY_VALUE.match(text)
        key = _KEYS.get(m[1].strip().casefold()) if m else None
        if key and m:
            value = m[2].strip().strip('"').strip()
            _store(meta, key, value, month_first=month_first)
            continue
        found = find_date_range(text, month_first=month_first)
        if found is not None:
            (meta["start"], meta["end"]), title = found
            meta["date_range_text"] = text
            if title and "title" not in meta:  # `"Ad report (Oct 25, 2016-Oct 31, 2016)"`
                meta["title"] = title
            continue
        if _ALL_TIME.match(text):
            meta["all_time"] = True
            meta["date_range_text"] = text
            continue
        if i == 0 and "title" not in meta:
            meta["title"] = text
            if "(in utc)" in text.casefold() or "(em utc)" in text.casefold():
                meta["time_zone"] = "UTC"
    return meta


def _store(meta: dict[str, Any], key: str, value: str, *, month_first: bool) -> None:
    if key in ("start", "end"):
        day = parse_loose_date(value, month_first=month_first)
        if day is not None:
            meta[key] = day
        return
    if key == "rows":
        digits = re.sub(r"[^\d]", "", value)
        if digits:
            meta["rows"] = int(digits)
        return
    if key == "time_zone":
        meta["time_zone"] = iana_zone(value)
        meta["time_zone_text"] = value
        return
    if key == "incomplete":
        meta["incomplete"] = value.strip().casefold() == "true"
        return
    if value:
        meta[key] = value


def period_of(meta: dict[str, Any]) -> tuple[date, date] | None:
    start, end = meta.get("start"), meta.get("end")
    if isinstance(start, date) and isinstance(end, date) and end >= start:
        return start, end
    return None


def jsonable(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in meta.items()}
