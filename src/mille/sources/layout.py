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
    lines = text.splitlines()[:limit]
    return [next(csv.reader(io.StringIO(line), delimiter=delimiter), []) for line in lines]


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
    """Map one header row with one dialect; None when the format's fingerprint is absent."""
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
    if any(f not in fields for f in fmt.required):
        return None
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
    """The error for an unknown layout: which formats were tried, and the likeliest header row."""
    candidates = [r for r in rows if sum(1 for c in r if c.strip()) >= 2]
    header = max(candidates[:SCAN_LINES], key=lambda r: sum(1 for c in r if c.strip()), default=[])
    shown = ", ".join(c.strip() for c in header[:12]) + (" …" if len(header) > 12 else "")
    tried = ", ".join(f.name for f in formats)
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
        expected=f"the header of one of: {tried}",
        hint="pass --format NAME if you know it, or describe the columns in a mapping file "
        "(mille ingest FILE --mapping map.yaml; see docs/ingest.md)",
    )
