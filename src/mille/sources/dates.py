"""Dates as exports write them: per-column formats, and the odd date in a preamble line.

A date column is parsed with the first of the locale's formats that reads *every* value, so
``01/09/2023`` is 1 September in a pt-BR LinkedIn file and never 9 January. Connector timestamps
(``2020-04-06 00:00:00``, ``2021-09-15 5:00:00``) keep their date part. Preamble dates
(``May 1, 2026, 12:00 AM``, ``1 June 2026``, ``23 september 2026 00:00``) are parsed one at a time
with month names in the languages Babel (CLDR) knows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import cache
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

# UI languages whose month names a preamble may use; Babel (CLDR) has the names. An earlier
# language wins a clash (Croatian `listopad` is October, Polish and Czech November: hr is left out).
_MONTH_LOCALES = (
    "en", "en_GB", "en_AU", "de", "fr", "es", "pt", "pt_PT", "it", "nl", "pl", "tr", "ru", "uk", "sv", "da",
    "nb", "fi", "cs", "sk", "hu", "ro", "el", "id", "ms", "vi", "ca", "et", "lv", "lt", "sl", "bg",
)
# Forms people write that CLDR does not list.
_EXTRA_MONTHS = {"sept": 9, "janv": 1, "févr": 2, "fevr": 2, "juil": 7, "aout": 8, "marz": 3, "jän": 1}


@cache
def month_names() -> dict[str, int]:
    """Case-folded month names and abbreviations (no trailing dot) → month number."""
    from babel.dates import get_month_names

    out: dict[str, int] = {}
    for loc in _MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, loc).items():
                    out.setdefault(name.casefold().strip().rstrip("."), int(number))
    for name, number in _EXTRA_MONTHS.items():
        out.setdefault(name, number)
    return out


_ISO = re.compile(r"^(\d{4})[-/.]\s?(\d{1,2})[-/.]\s?(\d{1,2})\.?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$")
_CJK = re.compile(r"^(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?$")
_ORDINAL = r"(?:st|nd|rd|th|er|e|º|°|\.)?"
_MONTH_DAY_YEAR = re.compile(rf"^([^\W\d_]+)\.? (\d{{1,2}}){_ORDINAL},? (\d{{4}})$")
_DAY_MONTH_YEAR = re.compile(rf"^(\d{{1,2}}){_ORDINAL} (?:de )?([^\W\d_]+)\.?,? (?:de )?(\d{{4}})(?: г\.?| r\.?| yil\.?)?$")
_TRAILING_TIME = re.compile(r",?\s+\d{1,2}:\d{2}(:\d{2})?(\s?[AaPp]\.?[Mm]\.?)?(\s*\(.*\))?$")


def parse_loose_date(text: str, *, month_first: bool = True) -> date | None:
    """A single written date (``May 1, 2026``, ``1 June 2026``, ``6/1/2026``, ``1. Mai 2026``,
    ``2026年5月1日``), or None."""
    s = _TRAILING_TIME.sub("", text.strip().strip('"').strip()).strip().rstrip(",")
    s = re.sub(r"\s+", " ", s).casefold()
    months = month_names()
    try:
        if m := _ISO.match(s) or _CJK.match(s):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _NUMERIC.match(s):
            a, b, y = int(m[1]), int(m[2]), int(m[3])
            y = y + 2000 if y < 100 else y
            month, day = (a, b) if month_first else (b, a)
            return date(y, month, day)
        if (m := _MONTH_DAY_YEAR.match(s)) and m[1] in months:
            return date(int(m[3]), months[m[1]], int(m[2]))
        if (m := _DAY_MONTH_YEAR.match(s)) and m[2] in months:
            return date(int(m[3]), months[m[2]], int(m[1]))
    except ValueError:
        return None
    return None


# Where a range may split: a dash (spaced or not), or a word for "to" in the UI languages.
_RANGE_SPLIT = re.compile(
    r"\s*[-–—~～]\s*|\s+(?:to|till|until|até|a|al|bis|au|tot|fino a|do|по|до|-)\s+", re.IGNORECASE)
_PARENS = re.compile(r"^(?P<title>.*?)\s*[(\[](?P<range>[^()\[\]]+)[)\]]\s*$")


def parse_date_range(text: str, *, month_first: bool = True) -> tuple[date, date] | None:
    """``May 1, 2026 - May 31, 2026``, ``1 June 2026 – 30 June 2026``, ``Oct 25, 2016-Oct 31, 2016``,
    ``01.05.2026 - 31.05.2026`` as two dates (a whole line; see :func:`find_date_range`)."""
    s = text.strip().strip('"').strip().rstrip(",").strip().strip('"').strip()
    # Every dash or "to" is a candidate split: ISO days hold dashes of their own.
    for m in _RANGE_SPLIT.finditer(s):
        left, right = s[: m.start()], s[m.end():]
        if not left or not right:
            continue
        start = parse_loose_date(left, month_first=month_first)
        end = parse_loose_date(right, month_first=month_first) if start is not None else None
        if start is not None and end is not None and end >= start:
            return start, end
    return None


def find_date_range(text: str, *, month_first: bool = True) -> tuple[tuple[date, date], str] | None:
    """The range a title line gives and the title around it: ``"Ad report (Oct 25, 2016-Oct 31,
    2016)"`` is (2016-10-25, 2016-10-31) and ``Ad report``; a line that is only a range has no title."""
    s = text.strip().strip('"').strip()
    rng = parse_date_range(s, month_first=month_first)
    if rng is not None:
        return rng, ""
    m = _PARENS.match(s)
    if m:
        rng = parse_date_range(m["range"], month_first=month_first)
        if rng is not None:
            return rng, m["title"].strip(" ,:-–")
    return None
