"""Locale-formatted numbers, parsed a whole column at a time.

Exports print numbers the way their UI language writes them: ``"12,345"`` and ``1,234.50`` (en),
``"454,06"`` (pt-BR), ``1.234,50`` (de), ``1 234,50`` (fr), ``9,38%``, ``< 10%``, `` --``. The
decimal separator is decided once per file (from the header's language), never per value, so
``1,234`` is one thousand two hundred and thirty-four in an English file and 1.234 in a Brazilian
one. A value that does not fit the file's locale is an error naming its row, never a guess.

Everything here is vectorised with ``pyarrow.compute``: no Python loop touches a row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.errors import IngestError
from mille.sources.format import Locale

# Whitespace of any width (NBSP and narrow NBSP are French thousands separators) and currency
# signs carry no number; they are removed before the value is checked.
_NOISE = "[\\s\u00a0\u202f$€£¥₹]"


@dataclass
class Parsed:
    values: pa.Array  # float64
    censored: int = 0  # `< 10%` / `> 90%` cells turned to null
    percent: bool = False  # some values carried a % sign (already divided by 100)


def number_pattern(locale: Locale) -> str:
    """The RE2 pattern a cleaned value must match: optional grouping, optional decimals."""
    dec = re.escape(locale.decimal)
    if locale.thousands.strip():
        grp = re.escape(locale.thousands)
        integer = rf"(\d+|\d{{1,3}}({grp}\d{{3}})+)"
    else:
        integer = r"\d+"
    return rf"^[+-]?({integer}({dec}\d*)?|{dec}\d+)([eE][+-]?\d+)?$"


def parse_numbers(
    column: pa.Array | pa.ChunkedArray,
    locale: Locale,
    *,
    missing: Sequence[str] = ("", "--", "-"),
    name: str = "",
    file: str | Path | None = None,
    row_numbers: np.ndarray | None = None,
) -> Parsed:
    """Parse a column of numbers written in ``locale``; typed columns are cast as they are.
    Chunked columns (as the CSV reader returns them) are worked chunk by chunk, never copied whole."""
    if pa.types.is_null(column.type):
        return Parsed(pa.nulls(len(column), pa.float64()))
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        if pa.types.is_boolean(column.type) or not (
            pa.types.is_integer(column.type) or pa.types.is_floating(column.type) or pa.types.is_decimal(column.type)
        ):
            column = column.cast(pa.string())
        else:
            return Parsed(column.cast(pa.float64()))
    missing_set = pa.array(sorted({re.sub(r"\s", "", m) for m in missing}) if missing else [], pa.string())
    if missing:
        # Markers as written (Google's ` --` has a leading blank), without trimming every cell.
        written = sorted({v for m in missing for v in (m, f" {m.strip()}", f"{m.strip()} ", m.strip())})
        gone = pc.is_in(column, pa.array(written, pa.string()))
        if pc.any(gone).as_py():
            column = pc.if_else(gone, pa.scalar(None, pa.string()), column)
    if locale.decimal == "." and len(column) and not _needs_cleaning(column, locale):
        # Plain numbers with a decimal point cast as they are. (A failing cast costs as much as
        # parsing everything, so it is only tried when no cell needs cleaning.)
        try:
            values = pc.cast(column, pa.float64())
        except pa.ArrowInvalid:
            pass
        else:
            if not pc.any(pc.is_nan(values)).as_py() and not pc.any(pc.is_inf(values)).as_py():
                return Parsed(values)
    # Checked path, one regex: every cell a number of the locale (grouped, maybe with %).
    plain = pc.match_substring_regex(column, number_pattern(locale)[:-1] + "%?$")
    if pc.all(pc.fill_null(plain, True)).as_py():
        return _convert(column, locale)
    # Slow path: blanks inside numbers, currency signs, censored shares (`< 10%`), then a check.
    text = pc.replace_substring_regex(column, _NOISE, "")
    if missing:
        text = pc.if_else(pc.is_in(text, missing_set), pa.scalar(None, pa.string()), text)
    censored_mask = pc.fill_null(pc.match_substring_regex(text, r"^[<>][0-9.,]+%?$"), False)
    censored = int(pc.sum(censored_mask).as_py() or 0)
    if censored:
        text = pc.if_else(censored_mask, pa.scalar(None, pa.string()), text)
    valid = pc.match_substring_regex(text, number_pattern(locale)[:-1] + "%?$")
    bad = pc.and_(pc.is_valid(text), pc.invert(pc.fill_null(valid, False)))
    if pc.any(bad).as_py():
        raise _bad_number(column, bad, locale, name=name, file=file, row_numbers=row_numbers)
    parsed = _convert(text, locale)
    parsed.censored = censored
    return parsed


_PROBE_ROWS = 20_000


def _needs_cleaning(column: pa.Array, locale: Locale) -> bool:
    """Do the first cells hold a grouping separator, a % or a blank? (A guess that only decides
    which path is tried first: a cast that fails still falls back to the checked path.)"""
    head = column.slice(0, _PROBE_ROWS)
    probes = [locale.thousands, "%", " "] if locale.thousands.strip() else ["%", " "]
    return any(pc.any(pc.match_substring(head, p)).as_py() for p in probes)


def _convert(text: pa.Array, locale: Locale) -> Parsed:
    """Checked cells to float64: grouping dropped, decimal point normalised, % divided out."""
    if locale.thousands.strip():
        text = pc.replace_substring(text, locale.thousands, "")
    if locale.decimal != ".":
        text = pc.replace_substring(text, locale.decimal, ".")
    pct_mask = pc.fill_null(pc.ends_with(text, "%"), False)
    has_pct = bool(pc.any(pct_mask).as_py())
    if has_pct:
        text = pc.replace_substring(text, "%", "")
    values = pc.cast(text, pa.float64())
    if has_pct:
        values = pc.if_else(pct_mask, pc.divide(values, 100.0), values)
    return Parsed(values, 0, has_pct)


def _bad_number(
    column: pa.Array,
    bad: pa.Array,
    locale: Locale,
    *,
    name: str,
    file: str | Path | None,
    row_numbers: np.ndarray | None,
) -> IngestError:
    index = int(pc.index(bad, True).as_py())
    value = column[index].as_py()
    row = int(row_numbers[index]) if row_numbers is not None else index + 1
    example = _example(locale)
    return IngestError(
        "not a number",
        file=file,
        row=row,
        column=name,
        value=value,
        expected=f"a number written like {example}",
        hint="check that the file's UI language matches its numbers (mille reads the decimal "
        "separator from the header language), or fix the cell",
    )


def _example(locale: Locale) -> str:
    grp = locale.thousands if locale.thousands.strip() else ""
    return f"1{grp}234{locale.decimal}56"


def to_int(
    values: pa.Array,
    *,
    name: str,
    file: str | Path | None = None,
    row_numbers: np.ndarray | None = None,
    allow_negative: bool = False,
) -> pa.Array:
    """Counts: whole numbers, never negative. Fractions left by rounding (1e-6) are tolerated."""
    if not allow_negative:
        negative = pc.fill_null(pc.less(values, 0), False)
        if pc.any(negative).as_py():
            i = int(pc.index(negative, True).as_py())
            raise IngestError(
                "a negative count",
                file=file,
                row=int(row_numbers[i]) if row_numbers is not None else i + 1,
                column=name,
                value=values[i].as_py(),
                expected=f"{name} of zero or more",
                hint="the export is damaged or was edited; download it again",
            )
    rounded = pc.round(values)
    fractional = pc.fill_null(pc.greater(pc.abs(pc.subtract(values, rounded)), 1e-6), False)
    if pc.any(fractional).as_py():
        i = int(pc.index(fractional, True).as_py())
        raise IngestError(
            "a count with a fraction",
            file=file,
            row=int(row_numbers[i]) if row_numbers is not None else i + 1,
            column=name,
            value=values[i].as_py(),
            expected="a whole number",
            hint="check that the decimal separator matches the file's UI language",
        )
    return pc.cast(rounded, pa.int64())
