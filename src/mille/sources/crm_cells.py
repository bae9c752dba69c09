"""CRM cells: ids, dates written several ways, amounts with currencies, yes/no flags.

CRM exports are edited and concatenated by people more often than ad exports, so their cells
are read more forgivingly where the meaning is certain, and refused where it is not:

* **dates** — each distinct cell is read on its own: ISO days and timestamps
  (``2026-05-01 14:03``, ``2026-05-01T14:03:00Z``), ``M/D/YYYY`` or ``D/M/YYYY`` with or without a
  time (``5/1/2026, 2:03 PM``), ``D.M.YYYY``, and epoch milliseconds (HubSpot API exports). The
  day part is kept as written. A column may mix ISO and slashed dates (reported); slashed dates
  take one order for the whole column: day-first when some cell can only be day-first
  (``13/05/2026``), month-first when some cell can only be month-first, the locale's order when
  every cell reads both ways — and a column with cells of *both* kinds is an error.
* **amounts** — ``24000``, ``24,000.00``, ``USD 24,000.00``, ``$24,000``, ``24.000,00 €``: the
  number in the file's locale and the currency from a code or symbol in the cell (``$`` is
  USD, ``€`` EUR, ``£`` GBP, ``¥`` JPY), which must agree with a currency column when both exist.
* **flags** — ``true/false``, ``yes/no``, ``1/0``, ``Y/N`` (any case); anything else is an error.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.errors import IngestError
from mille.sources.distinct import first_row_of
from mille.sources.format import Locale
from mille.sources.numbers import parse_numbers

_TIME = re.compile(r",?\s*[T ]?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp]\.?[Mm]\.?|Z|UTC|GMT|[+-]\d{2}:?\d{2})?$")
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_SLASHED = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_EPOCH_MS = re.compile(r"^\d{12,13}$")
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
_EPOCH = date(1970, 1, 1)

SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "CHF": "CHF"}
_AMOUNT = re.compile(
    r"^\s*(?P<pre>[A-Za-z]{3}|US\$|[$€£¥])?\s*(?P<num>[-+(]?[0-9][0-9.,' \u00a0\u202f]*\)?)\s*(?P<post>[A-Za-z]{3}|[$€£¥])?\s*$"
)
TRUE = frozenset({"true", "yes", "y", "1", "t", "won", "closed"})
FALSE = frozenset({"false", "no", "n", "0", "f", ""})


def clean_ids(column: pa.Array) -> pa.Array:
    """Ids as text: trimmed, spreadsheet ``.0`` and ``[…]`` wrappers removed."""
    ids = pc.utf8_trim_whitespace(column)
    ids = pc.replace_substring_regex(ids, r"^\[(.*)\]$", r"\1")
    return pc.replace_substring_regex(ids, r"^(\d+)\.0$", r"\1")


def parse_crm_dates(column: pa.Array, *, month_first: bool, name: str, file: str | Path,
                    row_numbers: np.ndarray) -> tuple[pa.Array, list[str]]:
    """A date32 column from CRM cells (see the module docstring) and warnings."""
    if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
        return column.cast(pa.date32()) if not pa.types.is_timestamp(column.type) else column.cast(pa.timestamp("s")).cast(pa.date32()), []
    distinct = pc.unique(column)
    values = distinct.to_pylist()
    kinds: dict[str, int] = {}
    parsed: list[date | None] = []
    day_first_only: str | None = None
    month_first_only: str | None = None
    pending: list[tuple[int, int, int, int]] = []  # index, a, b, year of ambiguous slashed cells
    for i, raw in enumerate(values):
        if raw is None or not str(raw).strip():
            parsed.append(None)
            continue
        text = _TIME.sub("", str(raw).strip()).strip().rstrip(",")
        if _EPOCH_MS.match(text):
            parsed.append(_EPOCH + timedelta(milliseconds=int(text)))
            kinds["epoch milliseconds"] = 1
            continue
        m = _ISO.match(text)
        if m:
            parsed.append(_day(int(m[1]), int(m[2]), int(m[3]), raw, column, name, file, row_numbers))
            kinds["YYYY-MM-DD"] = 1
            continue
        m = _SLASHED.match(text)
        if not m:
            _bad(raw, column, name, file, row_numbers, "not a date",
                 "a date such as 2026-05-01, 5/1/2026 or 1.5.2026 (a time after it is allowed)")
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        y = y + 2000 if y < 100 else y
        kinds["D.M.YYYY" if "." in text else "slashed day and month"] = 1
        if a > 12 and b <= 12:
            day_first_only = day_first_only or str(raw)
        elif b > 12 and a <= 12:
            month_first_only = month_first_only or str(raw)
        parsed.append(None)
        pending.append((i, a, b, y))
    if day_first_only and month_first_only:
        bad = day_first_only
        i = first_row_of(column, bad)
        raise IngestError(
            "the column mixes day-first and month-first dates, so no date in it can be trusted",
            file=file, row=int(row_numbers[i]), column=name, value=bad,
            expected=f"one order for the whole column (`{day_first_only}` is day-first, `{month_first_only}` month-first)",
            hint="re-export the report with one date format (ISO YYYY-MM-DD is safest)",
        )
    order_month_first = bool(month_first_only) or (month_first and not day_first_only)
    for i, a, b, y in pending:
        month, day = (a, b) if order_month_first else (b, a)
        parsed[i] = _day(y, month, day, values[i], column, name, file, row_numbers)
    warnings = []
    if len(kinds) > 1:
        warnings.append(f"{name}: dates are written in {len(kinds)} ways ({', '.join(sorted(kinds))}); "
                        f"each was read as such" + ("" if not pending else
                        f", slashed dates as {'month' if order_month_first else 'day'} first"))
    days = pa.array(parsed, pa.date32())
    return pc.take(days, pc.index_in(column, value_set=distinct)), warnings


def _day(y: int, m: int, d: int, raw: object, column: pa.Array, name: str, file: str | Path,
         rows: np.ndarray) -> date:
    try:
        value = date(y, m, d)
    except ValueError:
        _bad(raw, column, name, file, rows, "not a calendar date", "a real day (month 1–12, day within the month)")
    if not EARLIEST <= value <= LATEST:
        _bad(raw, column, name, file, rows, "an implausible date", f"a day between {EARLIEST} and {LATEST}")
    return value


def _bad(raw: object, column: pa.Array, name: str, file: str | Path, rows: np.ndarray, what: str,
         expected: str) -> None:
    i = first_row_of(column, raw)
    raise IngestError(what, file=file, row=int(rows[i]), column=name, value=raw, expected=expected,
                      hint="fix the cell, or re-export the report with ISO dates")


def parse_amounts(column: pa.Array, locale: Locale, *, name: str, file: str | Path,
                  row_numbers: np.ndarray, missing: tuple[str, ...]) -> tuple[pa.Array, pa.Array]:
    """(float64 amounts, the currency each cell names or null)."""
    if pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
        return column.cast(pa.float64()), pa.nulls(len(column), pa.string())
    distinct = pc.unique(column)
    numbers: list[str | None] = []
    codes: list[str | None] = []
    blanks = {m.strip() for m in missing} | {""}
    for raw in distinct.to_pylist():
        text = None if raw is None else str(raw).strip()
        if text is None or text in blanks:
            numbers.append(None)
            codes.append(None)
            continue
        m = _AMOUNT.match(text)
        if not m or (m["pre"] and m["post"]):
            i = first_row_of(column, raw)
            raise IngestError("not an amount", file=file, row=int(row_numbers[i]), column=name, value=raw,
                              expected="a number, optionally with one currency code or symbol (USD 24,000.00, €1.200)",
                              hint="fix the cell, or export amounts as plain numbers with a currency column")
        mark = m["pre"] or m["post"]
        codes.append(SYMBOLS.get(mark, mark.upper()) if mark else None)
        num = m["num"].strip()
        if num.startswith("(") and num.endswith(")"):
            num = "-" + num[1:-1]
        numbers.append(num)
    try:
        parsed = parse_numbers(pa.array(numbers, pa.string()), locale, missing=missing, name=name, file=file).values
    except IngestError as exc:  # found among distinct cells: name the first row holding it
        at = numbers.index(exc.value) if exc.value in numbers else 0
        i = first_row_of(column, distinct[at].as_py())
        raise IngestError(exc.message, file=file, row=int(row_numbers[i]), column=name, value=distinct[at].as_py(),
                          expected=exc.expected, hint=exc.hint) from None
    index = pc.index_in(column, value_set=distinct)
    return pc.take(parsed, index), pc.take(pa.array(codes, pa.string()), index)


def parse_flags(column: pa.Array, *, name: str, file: str | Path, row_numbers: np.ndarray) -> pa.Array:
    """Booleans from yes/no cells; blanks are null."""
    if pa.types.is_boolean(column.type):
        return column
    distinct = pc.unique(column.cast(pa.string()))
    out: list[bool | None] = []
    for raw in distinct.to_pylist():
        key = None if raw is None else str(raw).strip().lower()
        if key is None or key == "":
            out.append(None)
        elif key in TRUE:
            out.append(True)
        elif key in FALSE:
            out.append(False)
        else:
            i = first_row_of(column.cast(pa.string()), raw)
            raise IngestError("not a yes/no value", file=file, row=int(row_numbers[i]), column=name, value=raw,
                              expected="true/false, yes/no or 1/0", hint="fix the cell")
    return pc.take(pa.array(out, pa.bool_()), pc.index_in(column.cast(pa.string()), value_set=distinct))


def fold(column: pa.Array) -> pa.Array:
    """Lower case without spaces, dashes or underscores: `Closed Won` → `closedwon`."""
    return pc.replace_substring_regex(pc.utf8_lower(column), r"[\s_\-\.]+", "")
