"""XLSX exports (Meta Ads Manager, re-saved CSVs) into the same string grid as CSV files.

The data sheet is the first sheet whose first rows hold a known header. Numbers and dates in a
workbook are the spreadsheet's own values, not locale text, so they are written out plainly and
parsed with a neutral locale.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from typing import Any

import numpy as np
import pyarrow as pa

from mille.errors import FormatNotDetected, InputError
from mille.sources.decoding import Payload
from mille.sources.delimited import Grid
from mille.sources.layout import SCAN_LINES, _candidates, detect_rows, not_detected


def read_workbook(payload: Payload, *, format_name: str | None = None) -> Grid:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(payload.data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise InputError(
            f"the workbook is damaged and cannot be opened ({type(exc).__name__})",
            file=payload.path,
            hint="open it in Excel or download the export again",
        ) from None
    try:
        tried: list[tuple[str, list[list[str]]]] = []
        for sheet in book.worksheets:
            head = [[_text(v) for v in row] for row in sheet.iter_rows(max_row=SCAN_LINES, values_only=True)]
            layout = detect_rows(head, format_name=format_name, file=payload.path)
            if layout is None:
                tried.append((sheet.title, head))
                continue
            return _grid(sheet, head, layout)
    finally:
        book.close()
    if not tried or all(not any(any(c for c in r) for r in rows) for _, rows in tried):
        raise InputError(
            "the workbook has no data sheet (every sheet is empty)",
            file=payload.path,
            hint="export the report again with at least one row",
        )
    rows = max((r for _, r in tried), key=lambda r: sum(1 for row in r for c in row if c))
    err = not_detected(rows, _candidates(format_name), file=payload.path, format_name=format_name)
    sheets = ", ".join(name for name, _ in tried)
    raise FormatNotDetected(
        err.message + f" (sheets read: {sheets})",
        file=payload.path,
        value=err.value,
        expected=err.expected,
        hint=err.hint,
    )


def _grid(sheet: Any, head: list[list[str]], layout: Any) -> Grid:
    width = len(layout.header)
    columns: list[list[str]] = [[] for _ in range(width)]
    numbers: list[int] = []
    start = layout.header_index + 1
    for index, row in enumerate(sheet.iter_rows(min_row=start + 1, values_only=True), start=start + 1):
        cells = [_text(v) for v in row[:width]]
        if not any(cells):
            continue
        cells.extend([""] * (width - len(cells)))
        for col, value in zip(columns, cells, strict=True):
            col.append(value)
        numbers.append(index)
    table = pa.table({name: pa.array(col, pa.string()) for name, col in zip(layout.header, columns, strict=True)})
    preamble = head[: layout.header_index]
    return Grid(
        table, np.asarray(numbers, dtype=np.int64), layout, preamble, native_numbers=True,
        extra={"sheet": sheet.title},
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
