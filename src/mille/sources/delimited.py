"""CSV and TSV bodies into Arrow: every cell a string, read by pyarrow's multi-threaded reader.

Cells are read as text (never type-guessed) because their meaning depends on the file's locale:
the unifying step parses them column by column. Blank lines and the trailing notes some platforms
append (Microsoft's copyright line) are cut before reading; a row with the wrong number of cells
is a damaged or truncated file, reported with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from mille.errors import InputError
from mille.sources.decoding import Payload, check_utf8, line_offsets, to_utf8
from mille.sources.layout import Layout

_BLOCK = 16 << 20


@dataclass
class Grid:
    """A file's cells (strings, or typed for Parquet and tables) with where each row came from."""

    raw: pa.Table
    row_numbers: np.ndarray  # 1-based line (or sheet row) of each data row
    layout: Layout
    preamble: list[list[str]] = field(default_factory=list)
    native_numbers: bool = False  # numbers are the spreadsheet's own, not locale text
    extra: dict[str, Any] = field(default_factory=dict)


def read_delimited(payload: Payload, layout: Layout, preamble: list[list[str]], footer: str | None) -> Grid:
    data, start = to_utf8(payload)
    try:
        return _grid(data, start, payload, layout, preamble, footer)
    except UnicodeError:
        # Not UTF-8 after all (the head was): read it as cp1252, the Windows default.
        return _grid(check_utf8(payload, data[start:]), 0, payload, layout, preamble, footer)


def _grid(data: bytes, start: int, payload: Payload, layout: Layout, preamble: list[list[str]],
          footer: str | None) -> Grid:
    offsets = line_offsets(data, layout.header_index + 2, start)
    body_start = offsets[layout.header_index + 1] if len(offsets) > layout.header_index + 1 else len(data)
    body_end, footer_lines = _trim_tail(data, body_start, footer)
    body = memoryview(data)[body_start:body_end]
    first_line = layout.header_index + 2
    table = _read(body, layout.header, layout.delimiter, file=payload.path, first_line=first_line)
    rows = np.arange(first_line, first_line + table.num_rows, dtype=np.int64)
    return Grid(table, rows, layout, preamble, extra={"footer_lines": footer_lines})


def _trim_tail(data: bytes, start: int, footer: str | None) -> tuple[int, list[str]]:
    """Where the rows end: before trailing blank lines and footer notes."""
    end = len(data)
    dropped: list[str] = []
    pattern = re.compile(footer) if footer else None
    while end > start:
        cut = data.rfind(b"\n", start, end - 1)
        line_start = start if cut < 0 else cut + 1
        line = bytes(data[line_start:end]).decode("utf-8", errors="replace").strip()
        if not line.strip('",;\t '):
            end = line_start
            continue
        if pattern is not None and pattern.search(line):
            dropped.append(line)
            end = line_start
            continue
        break
    return end, dropped


def _read(
    body: memoryview | bytes, names: list[str], delimiter: str, *, file: Any = None, first_line: int = 1
) -> pa.Table:
    if len(body) == 0:
        return pa.table({n: pa.array([], pa.string()) for n in names})
    bad_rows: list[Any] = []

    def on_bad_row(row: Any) -> str:
        bad_rows.append(row)
        return "skip"

    read_options = pacsv.ReadOptions(column_names=names, block_size=_BLOCK, use_threads=True)
    parse_options = pacsv.ParseOptions(
        delimiter=delimiter, quote_char='"', double_quote=True, invalid_row_handler=on_bad_row
    )
    convert_options = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
        check_utf8=True,
    )
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)), read_options=read_options,
            parse_options=parse_options, convert_options=convert_options,
        )
    except pa.ArrowInvalid as exc:
        text = str(exc)
        if "UTF8" in text or "utf8" in text.lower():
            raise UnicodeError(text) from None
        raise InputError(
            f"the rows cannot be read: {text.splitlines()[0]}",
            file=file,
            hint="the file is damaged or truncated (an unclosed quote?); download it again",
        ) from None
    if bad_rows:
        # A value spanning lines (a quoted newline) splits a row; read again allowing it.
        retry = _read_multiline(body, names, read_options, delimiter, convert_options)
        if retry is not None:
            return retry
        raise _wrong_width(bad_rows[0], body, len(names), file=file, count=len(bad_rows), first_line=first_line)
    return table


def _read_multiline(
    body: memoryview | bytes, names: list[str], read_options: Any, delimiter: str, convert_options: Any
) -> pa.Table | None:
    bad: list[Any] = []
    parse_options = pacsv.ParseOptions(
        delimiter=delimiter, quote_char='"', double_quote=True, newlines_in_values=True,
        invalid_row_handler=lambda row: bad.append(row) or "skip",
    )
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)), read_options=read_options,
            parse_options=parse_options, convert_options=convert_options,
        )
    except pa.ArrowInvalid:
        return None
    return None if bad else table


def _wrong_width(
    row: Any, body: memoryview | bytes, width: int, *, file: Any, count: int, first_line: int
) -> InputError:
    text = row.text or ""
    where = bytes(body).find(text.encode("utf-8")) if text else -1
    line = first_line + bytes(body[:where]).count(b"\n") if where >= 0 else None
    at_end = where >= 0 and not bytes(body[where + len(text.encode("utf-8")) :]).strip()
    problem = "the last row is cut short" if at_end and row.actual_columns < width else "a row has the wrong number of cells"
    return InputError(
        f"{problem}: {row.actual_columns} cells where the header has {width}"
        + (f" ({count} such rows)" if count > 1 else ""),
        file=file,
        line=line,
        value=text[:80],
        expected=f"{width} cells per row, like the header",
        hint="the file looks truncated or edited by hand; download the export again",
    )
