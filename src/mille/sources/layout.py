"""Finding the header row, the format and the UI language of an export.

Exports start with preamble rows (titles, date ranges, ``Report Start:``…), so the header is not
row 1: it is the first of the first :data:`SCAN_LINES` rows whose cells match at least
:data:`MIN_MATCHES` known column spellings of one format's dialect. The format whose dialect
matches the most cells wins (ties: the more specific format). The delimiter is whichever of TAB,
comma and semicolon makes such a header row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from mille.errors import FormatNotDetected
from mille.sources.format import Dialect, Format, all_formats, normalise_header

SCAN_LINES = 30
MIN_MATCHES = 2
DELIMITERS = ("\t", ",", ";")
FIELD_LIMIT = 128 * 1024


@dataclass
class Layout:
    """Where the data is in a file and what its columns mean."""

    format: type[Format]
    dialect: Dialect
    header_index: int  # 0-based index of the header among the file's lines (or sheet rows)
    header: list[str]  # the raw header cells, de-duplicated (`Ad set name`, `Ad set name.1`)
    fields: dict[str, str]  # unified field -> raw column name
    ratios: dict[str, str]  # ratio kind -> raw column name
    captured: dict[str, str] = field(default_factory=dict)  # e.g. currency from a header
    delimiter: str = ","
    matched: int = 0


def split_lines(text: str, delimiter: str, limit: int = SCAN_LINES) -> list[list[str]]:
    return [_cells(line, delimiter) for line in text.splitlines()[:limit]]


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    except csv.Error:
        # A cell over the csv module's 128 KiB limit (a pasted blob) is no header: split it plainly
        # so detection goes on; the body is read by pyarrow, which has no such limit.
        return [cell[:FIELD_LIMIT] for cell in line.split(delimiter)]


def dedupe(cells: list[str]) -> list[str]:
    """Unique column names: a repeated header gets `.1`, `.2`… (Meta repeats `Ad set name`)."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for i, cell in enumerate(cells):
        name = cell.replace("\ufeff", "").strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def match_header(cells: list[str], fmt: type[Format], dialect: Dialect) -> Layout | None:
    """Map one header row with one dialect; None when the format's fingerprint or one of its
    required columns is absent."""
    layout = map_header(cells, fmt, dialect)
    if layout is None or missing_required(layout):
        return None
    return layout


def missing_required(layout: Layout) -> list[str]:
    """The fields the layout's format needs that its header does not map."""
    fmt, fields = layout.format, layout.fields
    out = [f for f in fmt.required if f not in fields]
    if fmt.required_any and not any(f in fields for f in fmt.required_any):
        out.append(" or ".join(fmt.required_any))
    return out


def map_header(cells: list[str], fmt: type[Format], dialect: Dialect) -> Layout | None:
    """Map one header row with one dialect, required columns or not; None when the format's
    fingerprint is absent."""
    header = dedupe(cells)
    norm = [normalise_header(c) for c in cells]
    if fmt.signature and not ({normalise_header(s) for s in fmt.signature} & set(norm)):
        return None
    fields: dict[str, str] = {}
    ratios: dict[str, str] = {}
    captured: dict[str, str] = {}
    used: set[int] = set()
    matched_cells: set[int] = set()
    for role, target, pattern, spelling in _matchers(dialect):
        for i, cell in enumerate(norm):
            if pattern is not None:
                m = pattern.match(cell)
                hit = m is not None
            else:
                m = None
                hit = cell == spelling
            if not hit:
                continue
            matched_cells.add(i)
            if role == "known" or i in used:
                continue
            if role == "field" and target not in fields:
                fields[target] = header[i]
                used.add(i)
                if m is not None:
                    captured["currency"] = m["currency"].upper()
            elif role == "ratio" and target not in ratios:
                ratios[target] = header[i]
                used.add(i)
            break
    return Layout(fmt, dialect, 0, header, fields, ratios, captured, matched=len(matched_cells))


_MATCHERS: dict[int, tuple[Dialect, list[tuple[str, str, Any, str]]]] = {}


def _matchers(dialect: Dialect) -> list[tuple[str, str, Any, str]]:
    hit = _MATCHERS.get(id(dialect))
    if hit is None or hit[0] is not dialect:
        hit = _MATCHERS[id(dialect)] = (dialect, dialect.matchers())
    return hit[1]


def best_layout(
    rows: list[list[str]], formats: list[type[Format]], *, delimiter: str = ","
) -> Layout | None:
    best: Layout | None = None
    for index, cells in enumerate(rows):
        if sum(1 for c in cells if c.strip()) < MIN_MATCHES:
            continue
        for fmt in formats:
            for dialect in fmt.dialects:
                layout = match_header(cells, fmt, dialect)
                if layout is None or layout.matched < MIN_MATCHES:
                    continue
                layout.header_index = index
                layout.delimiter = delimiter
                if best is None or _rank(layout) > _rank(best):
                    best = layout
        if best is not None:
            # The first row that is a header wins: data rows below can match aliases by chance.
            return best
    return best


def _rank(layout: Layout) -> tuple[int, int, int]:
    return (layout.matched, layout.format.priority, len(layout.fields))


def detect_text(head: str, *, format_name: str | None = None, file: Any = None) -> Layout:
    """Detect the header, format, dialect and delimiter from the first lines of a text file."""
    formats = _candidates(format_name)
    found: list[Layout] = []
    for delimiter in DELIMITERS:
        rows = split_lines(head, delimiter)
        layout = best_layout(rows, formats, delimiter=delimiter)
        if layout is not None:
            found.append(layout)
    if not found:
        raise not_detected(split_lines(head, _guess_delimiter(head)), formats, file=file, format_name=format_name)
    # Prefer the earliest header row, then the best match.
    found.sort(key=lambda lay: (-lay.header_index, _rank(lay)))
    return found[-1]


def detect_rows(rows: list[list[str]], *, format_name: str | None = None, file: Any = None) -> Layout | None:
    """Detect within rows already split into cells (a sheet, a table's column names)."""
    return best_layout(rows, _candidates(format_name))


def _candidates(format_name: str | None) -> list[type[Format]]:
    if format_name:
        from mille.sources.format import get_format

        return [get_format(format_name)]
    return [f for f in all_formats() if f.dialects and f.name != "generic"]


def _guess_delimiter(head: str) -> str:
    first = head.splitlines()[:SCAN_LINES]
    counts = {d: sum(line.count(d) for line in first) for d in DELIMITERS}
    return max(counts, key=lambda d: counts[d])


def not_detected(
    rows: list[list[str]], formats: list[type[Format]], *, file: Any, format_name: str | None
) -> FormatNotDetected:
    """The error for an unknown layout: the closest format and what its header lacks, else the
    likeliest header row and the kinds of export mille reads."""
    candidates = [r for r in rows if sum(1 for c in r if c.strip()) >= 2]
    header = max(candidates[:SCAN_LINES], key=lambda r: sum(1 for c in r if c.strip()), default=[])
    shown = ", ".join(c.strip()[:40] for c in header[:12]) + (" …" if len(header) > 12 else "")
    near = None if format_name else closest(candidates[:SCAN_LINES], formats)
    if near is not None:
        fmt, lacking = near.format, missing_required(near)
        spellings = "; ".join(_spellings(near.dialect, f) for f in lacking)
        return FormatNotDetected(
            f"the file looks like a {fmt.label or fmt.name} ({near.matched} of its columns found) but has "
            f"no {' and no '.join(lacking)} column",
            file=file,
            value=shown or None,
            expected=f"a column {spellings}" if spellings else None,
            hint="re-export with that column; a file without spend cannot give CPM, CPC or any cost metric",
        )
    if format_name:
        fmt = formats[0]
        need = ", ".join(fmt.required) or "its columns"
        return FormatNotDetected(
            f"the file does not look like {fmt.label or fmt.name}: no row among the first "
            f"{SCAN_LINES} has its columns ({need})",
            file=file,
            value=shown or None,
            hint="check --format, or drop it to let mille detect the format",
        )
    return FormatNotDetected(
        "mille does not recognise this export's columns",
        file=file,
        value=shown or None,
        expected=f"the header of {_kinds(formats)}",
        hint="pass --export-format NAME if you know it (docs/ingest.md lists them), or describe the "
        "columns in a mapping file (mille ingest FILE --mapping map.yaml; see docs/ingest.md)",
    )


def closest(rows: list[list[str]], formats: list[type[Format]]) -> Layout | None:
    """The format whose header a row nearly is — at least three columns of one dialect found,
    but a required one missing — or None."""
    best: Layout | None = None
    for cells in rows:
        for fmt in formats:
            for dialect in fmt.dialects:
                layout = map_header(cells, fmt, dialect)
                if layout is None or layout.matched < MIN_MATCHES + 1 or not missing_required(layout):
                    continue
                if best is None or _rank(layout) > _rank(best):
                    best = layout
    return best


def _spellings(dialect: Dialect, field: str) -> str:
    names = [s for f in field.split(" or ") for s in dialect.columns.get(f, ())[:2]]
    return " or ".join(f"`{n.replace('{currency}', 'XXX')}`" for n in names)


def _kinds(formats: list[type[Format]]) -> str:
    """What mille reads, in a line: the UI exports by name, connector and CRM tables by kind."""
    ui = sorted({f.label for f in formats if f.source_type == "ui_export" and f.role == "facts" and f.platform})
    kinds = [", ".join(ui)] if ui else []
    if any(f.source_type != "ui_export" and f.role == "facts" for f in formats):
        kinds.append("a Fivetran/dbt connector table")
    if any(f.role == "crm" for f in formats):
        kinds.append("a HubSpot or Salesforce CRM export")
    return "; ".join(kinds) if kinds else "a known export"
