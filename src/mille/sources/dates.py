"""Dates as exports write them: per-column formats, and the odd date in a preamble line.

A date column is parsed with the first of the locale's formats that reads *every* value, so
``01/09/2023`` is 1 September in a pt-BR LinkedIn file and never 9 January. Connector timestamps
(``2020-04-06 00:00:00``, ``2021-09-15 5:00:00``) keep their date part. Preamble dates
(``May 1, 2026, 12:00 AM``, ``1 June 2026``, ``23 september 2026 00:00``) are parsed one at a time
with month names in the languages mille knows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.errors import IngestError
from mille.sources.distinct import first_row_of

_TIME_SUFFIX = r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?( ?([AaPp][Mm]|Z|UTC|[+-]\d{2}:?\d{2}))?)$"
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)

FORMAT_LABELS = {
    "%Y-%m-%d": "YYYY-MM-DD",
    "%m/%d/%Y": "M/D/YYYY",
    "%m/%d/%y": "M/D/YY",
    "%d/%m/%Y": "DD/MM/YYYY",
    "%d/%m/%y": "DD/MM/YY",
    "%d.%m.%Y": "DD.MM.YYYY",
    "%d-%m-%Y": "D-M-YYYY",
    "%Y-%m": "YYYY-MM",
    "%b-%y": "Mon-YY",
    "%B %Y": "Month YYYY",
    "%b %Y": "Mon YYYY",
}


def parse_dates(
    column: pa.Array | pa.ChunkedArray,
    formats: Sequence[str],
    *,
    missing: Sequence[str] = ("", "--", "-"),
    name: str = "",
    file: str | Path | None = None,
    row_numbers: np.ndarray | None = None,
) -> tuple[pa.Array, str | None]:
    """A date32 column and the format that read it (None for typed columns)."""
    if pa.types.is_date(column.type):
        return column.cast(pa.date32()), None
    if pa.types.is_timestamp(column.type):
        return (column.cast(pa.date32()) if column.type.tz is None else _tz_date(column)), None
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    # Dates repeat (a few hundred days over millions of rows): parse each distinct cell once.
    distinct = pc.unique(column)
    try:
        parsed, used = _parse_distinct(distinct, formats, missing)
    except _BadDate as bad:
        i = first_row_of(column, bad.value)
        raise IngestError(
            "not a date" if bad.kind == "format" else "an implausible date",
            file=file,
            row=int(row_numbers[i]) if row_numbers is not None else i + 1,
            column=name,
            value=bad.value,
            expected=bad.expected,
            hint=bad.hint,
        ) from None
    return pc.take(parsed, pc.index_in(column, value_set=distinct)), used


class _BadDate(Exception):
    def __init__(self, value: Any, kind: str, expected: str, hint: str) -> None:
        super().__init__(value)
        self.value, self.kind, self.expected, self.hint = value, kind, expected, hint


def _parse_distinct(column: pa.Array, formats: Sequence[str], missing: Sequence[str]) -> tuple[pa.Array, str | None]:
    text = pc.utf8_trim_whitespace(column)
    if missing:
        text = pc.if_else(pc.is_in(text, pa.array(list(missing))), pa.scalar(None, pa.string()), text)
    text = pc.replace_substring_regex(text, _TIME_SUFFIX, "")
    present = int(pc.sum(pc.is_valid(text)).as_py() or 0)
    best: tuple[int, str, pa.Array] | None = None
    for fmt in formats:
        parsed = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        ok = int(pc.sum(pc.is_valid(parsed)).as_py() or 0)
        if ok == present:
            dates = parsed.cast(pa.date32())
            _check_range(dates, column)
            return dates, fmt
        if best is None or ok > best[0]:
            best = (ok, fmt, parsed)
    assert best is not None, "parse_dates needs at least one format"
    failed = pc.and_(pc.is_valid(text), pc.is_null(best[2]))
    index = int(pc.index(failed, True).as_py())
    labels = " or ".join(FORMAT_LABELS.get(f, f) for f in formats)
    raise _BadDate(column[index].as_py(), "format", f"a date written as {labels}",
                   "check that the file's UI language matches its dates, or fix the cell")


def month_end(days: pa.Array) -> pa.Array:
    """The last day of each date's month (vectorised with numpy month arithmetic)."""
    d64 = days.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    ends = (d64.astype("datetime64[M]") + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return pa.array(ends, pa.date32())


def month_start(days: pa.Array) -> pa.Array:
    d64 = days.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    return pa.array(d64.astype("datetime64[M]").astype("datetime64[D]"), pa.date32())


def shift_days(days: pa.Array, count: int) -> pa.Array:
    d64 = days.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    return pa.array(d64 + np.timedelta64(count, "D"), pa.date32())


def _tz_date(column: pa.Array) -> pa.Array:
    return pc.cast(pc.local_timestamp(column), pa.timestamp("s")).cast(pa.date32())


def _check_range(dates: pa.Array, raw: pa.Array) -> None:
    if not len(dates) or dates.null_count == len(dates):
        return
    bad = pc.or_(pc.less(dates, pa.scalar(EARLIEST)), pc.greater(dates, pa.scalar(LATEST)))
    if pc.any(bad).as_py():
        i = int(pc.index(pc.fill_null(bad, False), True).as_py())
        raise _BadDate(raw[i].as_py(), "range", f"a day between {EARLIEST} and {LATEST}",
                       "check the day/month order of the file's UI language")


# -- single dates in preamble lines -------------------------------------------------------------

MONTHS: dict[str, int] = {}
_NAMES = {
    # en, nl, pt, es, fr, de, it: full names and common abbreviations
    1: "january jan januari janeiro jan enero ene janvier janv januar jän gennaio gen",
    2: "february feb februari fevereiro fev febrero février févr fevr februar febbraio",
    3: "march mar maart março marzo mars märz marz",
    4: "april apr abril avril aprile",
    5: "may mei maio mayo mai maggio mag",
    6: "june jun juni junho junio juin giugno giu",
    7: "july jul juli julho julio juillet juil luglio lug",
    8: "august aug augustus agosto ago août aout",
    9: "september sep sept setembro set septiembre septembre settembre",
    10: "october oct oktober okt outubro out octubre octobre ottobre ott",
    11: "november nov novembro noviembre novembre",
    12: "december dec dezembro dez diciembre dic décembre déc dezember dicembre",
}
for _month, _words in _NAMES.items():
    for _w in _words.split():
        MONTHS.setdefault(_w, _month)

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$")
_MONTH_DAY_YEAR = re.compile(r"^([^\W\d_]+)\.? (\d{1,2}),? (\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\.? (?:de )?([^\W\d_]+)\.?,? (?:de )?(\d{4})$")
_TRAILING_TIME = re.compile(r",?\s+\d{1,2}:\d{2}(:\d{2})?(\s?[AaPp]\.?[Mm]\.?)?(\s*\(.*\))?$")


def parse_loose_date(text: str, *, month_first: bool = True) -> date | None:
    """A single written date (``May 1, 2026``, ``1 June 2026``, ``6/1/2026``), or None."""
    s = _TRAILING_TIME.sub("", text.strip().strip('"').strip()).strip().rstrip(",")
    s = re.sub(r"\s+", " ", s).casefold()
    try:
        if m := _ISO.match(s):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _NUMERIC.match(s):
            a, b, y = int(m[1]), int(m[2]), int(m[3])
            y = y + 2000 if y < 100 else y
            month, day = (a, b) if month_first else (b, a)
            return date(y, month, day)
        if (m := _MONTH_DAY_YEAR.match(s)) and m[1] in MONTHS:
            return date(int(m[3]), MONTHS[m[1]], int(m[2]))
        if (m := _DAY_MONTH_YEAR.match(s)) and m[2] in MONTHS:
            return date(int(m[3]), MONTHS[m[2]], int(m[1]))
    except ValueError:
        return None
    return None


_RANGE_SPLIT = re.compile(r"\s+[-–—]\s+|\s+(?:to|até|a|bis|au|tot)\s+")


def parse_date_range(text: str, *, month_first: bool = True) -> tuple[date, date] | None:
    """``May 1, 2026 - May 31, 2026`` or ``1 June 2026 - 30 June 2026`` as two dates."""
    s = text.strip().strip('"').strip().rstrip(",").strip().strip('"')
    parts = _RANGE_SPLIT.split(s)
    if len(parts) != 2:
        return None
    start = parse_loose_date(parts[0], month_first=month_first)
    end = parse_loose_date(parts[1], month_first=month_first)
    if start is None or end is None or end < start:
        return None
    return start, end
