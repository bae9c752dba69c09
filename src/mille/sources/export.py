"""Reading one export: :func:`read_export`, pure (no workspace), the heart of ``mille ingest``.

bytes → container and encoding → header, format and UI language → cells → totals rows split off
→ unified ``ad_performance`` columns → reconciliation of the totals and cross-check of printed
ratios. The result, a :class:`ParsedExport`, holds the unified Arrow table (``ingest_id`` and
``spend_reporting`` empty: those belong to a workspace), the detected format, the preamble
metadata, the totals rows and every warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from mille.errors import IngestError, InputError
from mille.sources import decoding, stream
from mille.sources.delimited import Grid, read_delimited
from mille.sources.facts import Chunks, FactsReader, Tally
from mille.sources.format import Format, get_format
from mille.sources.layout import Layout, detect_text, split_lines
from mille.sources.lookups import Lookups
from mille.sources.preamble import jsonable, parse_preamble
from mille.sources.progress import Position
from mille.sources.totals import Reconciliation
from mille.sources.unified import Options
from mille.sources.warehouse import TableRef, grid_from_table, read_parquet, read_table
from mille.sources.workbook import read_workbook


@dataclass
class ParsedExport:
    """One export read and unified, ready to be written to a workspace."""

    path: str
    source_relation: str
    file_hash: str
    format: str
    format_label: str
    platform: str | None
    role: str  # facts or lookup
    table: pa.Table  # ad_performance rows (facts) or the lookup table
    level: str | None = None
    language: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    header_line: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    totals: pa.Table | None = None  # the totals rows as found, with their line numbers
    reconciliations: list[Reconciliation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lookup_kind: str | None = None
    crm: Any = None  # CRM exports: the records, touches and links read (mille.sources.crm_read.CrmRecords)
    # A large file (see mille.sources.stream): its rows are read by chunks() and never held whole.
    reader: FactsReader | None = None
    source: Chunks | None = None
    tally: Tally | None = None
    absent: list[str] = field(default_factory=list)  # delivery measures with no column in the export
    position: Position = field(default_factory=Position)  # how far a chunked reader has got in the file

    @property
    def streamed(self) -> bool:
        return self.source is not None

    def chunks(self) -> Iterator[pa.Table]:
        """The unified rows, in chunks (one for a file read whole); a large file's are counted
        into ``tally`` as they are read (a file read whole was counted when it was read)."""
        if self.source is None:
            yield self.table
            return
        assert self.reader is not None
        self.tally = Tally()
        for raw, rows in self.source():
            table = self.reader.chunk(raw, rows)
            self.tally.add(table)
            yield table
        self.reader.finish(self.source, self.tally)

    @property
    def rows(self) -> int:
        """Rows read: ad rows counted in ``tally``, the table's rows for other roles."""
        return self.tally.rows if self.tally is not None else self.table.num_rows

    def date_range(self) -> tuple[date, date] | None:
        t = self.tally
        if self.role != "facts" or t is None or t.date_min is None or t.date_max is None:
            return None
        return (t.date_min, t.date_max)

    def spend_by_currency(self) -> dict[str, float]:
        return dict(self.tally.spend) if self.role == "facts" and self.tally is not None else {}


def read_export(
    path: str | Path,
    *,
    format: str | None = None,
    account_currency: str | None = None,
    period: tuple[date, date] | None = None,
    mapping: str | Path | None = None,
    lookups: Lookups | None = None,
) -> ParsedExport:
    """Read one export file (or ``url::schema.table``) into unified rows. Touches no workspace.

    ``format`` skips detection; ``mapping`` reads a generic CSV described by a mapping file;
    ``period`` places a file without dates (``All time`` reports, Microsoft grids) in time;
    ``account_currency`` is the currency of rows whose export does not say it; ``lookups`` are
    connector history tables read beforehand (see :mod:`mille.sources.lookups`).
    """
    if account_currency is not None and not re.match(r"^[A-Za-z]{3}$", account_currency):
        raise InputError(f"`{account_currency}` is not a currency code", expected="an ISO 4217 code such as EUR",
                         hint="--account-currency takes three letters")
    fmt_override: type[Format] | None = None
    if mapping is not None:
        from mille.sources.formats.generic import load_mapping

        fmt_override = load_mapping(mapping)
    elif format:
        fmt_override = get_format(format)
        if not fmt_override.dialects:
            raise IngestError(f"the `{format}` format needs a mapping file",
                              hint="pass --mapping FILE (see docs/ingest.md, Generic CSV)")
    ref = TableRef.parse(str(path))
    if ref is not None:
        grid, digest = read_table(ref, format_name=format)
        return _parse(grid, path=str(path), name=ref.name, file_hash=digest, encoding=None,
                      account_currency=account_currency, period=period, lookups=lookups)
    return read_loaded(decoding.load(Path(path)), format=format, account_currency=account_currency,
                       period=period, mapping=mapping, lookups=lookups, fmt_override=fmt_override)


def read_loaded(
    payload: decoding.Payload,
    *,
    format: str | None = None,
    account_currency: str | None = None,
    period: tuple[date, date] | None = None,
    mapping: str | Path | None = None,
    lookups: Lookups | None = None,
    fmt_override: type[Format] | None = None,
    chunk_rows: int = stream.CHUNK_ROWS,
) -> ParsedExport:
    """:func:`read_export` for a file already loaded (and hashed) by :func:`decoding.load`.

    A payload too large to hold (``payload.streamed``) gives an export whose rows are read, in
    chunks of ``chunk_rows``, by :meth:`ParsedExport.chunks`; only its header is read here.
    """
    if fmt_override is None and mapping is not None:
        from mille.sources.formats.generic import load_mapping

        fmt_override = load_mapping(mapping)
    elif fmt_override is None and format:
        fmt_override = get_format(format)
    file = payload.path
    if payload.streamed:
        return _read_streamed(payload, fmt_override, format, mapping, account_currency=account_currency,
                              period=period, lookups=lookups, chunk_rows=chunk_rows)
    if payload.container == "xlsx":
        grid = read_workbook(payload, format_name=format)
    elif payload.container == "parquet":
        grid = read_parquet(payload, format_name=format)
    else:
        grid = _read_text(payload, fmt_override, format)
    if fmt_override is not None and mapping is not None:
        grid.layout.format = fmt_override
    return _parse(grid, path=str(file), name=file.name, file_hash=payload.file_hash,
                  encoding=payload.encoding if payload.container == "text" else payload.container,
                  account_currency=account_currency, period=period, lookups=lookups)


def _text_layout(payload: decoding.Payload, fmt_override: type[Format] | None,
                 format_name: str | None) -> tuple[Layout, list[list[str]], str]:
    head = decoding.decode_head(payload)
    if fmt_override is not None and fmt_override.name in ("generic", "crm_generic"):
        from mille.sources.layout import DELIMITERS, best_layout, not_detected

        layout = None
        for delimiter in DELIMITERS:
            layout = best_layout(split_lines(head, delimiter), [fmt_override], delimiter=delimiter)
            if layout is not None:
                break
        if layout is None:
            raise not_detected(split_lines(head, ","), [fmt_override], file=payload.path, format_name="generic")
    else:
        layout = detect_text(head, format_name=format_name, file=payload.path)
    return layout, split_lines(head, layout.delimiter, limit=layout.header_index), head


def _read_text(payload: decoding.Payload, fmt_override: type[Format] | None, format_name: str | None) -> Grid:
    layout, preamble, _ = _text_layout(payload, fmt_override, format_name)
    return read_delimited(payload, layout, preamble, layout.format.footer)


def _read_streamed(payload: decoding.Payload, fmt_override: type[Format] | None, format_name: str | None,
                   mapping: str | Path | None, *, chunk_rows: int, **options: Any) -> ParsedExport:
    """The header of a large file now; its rows later, chunk by chunk (see ParsedExport.chunks)."""
    path = payload.path
    source: Chunks
    position = Position()
    if payload.container == "parquet":
        grid = grid_from_table(stream.parquet_schema(path).empty_table(), file=path, format_name=format_name)
        layout = grid.layout
        source = lambda: stream.parquet_chunks(path, layout, chunk_rows=chunk_rows, position=position)  # noqa: E731
    else:
        layout, preamble, head = _text_layout(payload, fmt_override, format_name)
        grid = Grid(pa.table({n: pa.array([], pa.string()) for n in layout.header}),
                    np.zeros(0, dtype=np.int64), layout, preamble)
    if fmt_override is not None and mapping is not None:
        grid.layout.format = fmt_override
    if grid.layout.format.role != "facts":  # CRM, lookup and reference tables are read whole
        return read_loaded(decoding.load(path, stream_over=None), format=format_name, mapping=mapping,
                           fmt_override=fmt_override, **options)
    if payload.container != "parquet":
        bounds = stream.body_bounds(path, head, layout, payload.encoding, payload.bom, layout.format.footer)
        source = lambda: stream.text_chunks(path, layout, payload.encoding, bounds, chunk_rows=chunk_rows,  # noqa: E731
                                            position=position)
    parsed = _parse(grid, path=str(path), name=path.name, file_hash=payload.file_hash,
                    encoding=payload.encoding if payload.container == "text" else payload.container, **options,
                    defer=True)
    parsed.source = source
    parsed.position = position
    assert parsed.reader is not None
    parsed.reader.whole = False
    return parsed


def _parse(grid: Grid, *, path: str, name: str, file_hash: str, encoding: str | None,
           account_currency: str | None, period: tuple[date, date] | None, lookups: Lookups | None,
           defer: bool = False) -> ParsedExport:
    layout = grid.layout
    fmt = layout.format
    locale = layout.dialect.locale.neutral() if grid.native_numbers else layout.dialect.locale
    meta = parse_preamble(grid.preamble, month_first=locale.month_first)
    if grid.extra.get("sheet"):
        meta["sheet"] = grid.extra["sheet"]
    raw, warnings = (grid.raw, []) if fmt.role == "facts" else fmt.prepare(grid.raw, layout, meta)
    warnings = list(warnings)
    rows = grid.row_numbers
    if fmt.role != "facts" and "rows" in meta and meta["rows"] != raw.num_rows:  # facts: FactsReader.finish
        raise IngestError(
            f"the file says it has {meta['rows']} rows but {raw.num_rows} were found",
            file=path,
            expected=f"{meta['rows']} rows (the `Rows:` line above the header)",
            hint="the download was cut short; download the report again",
        )
    if meta.get("incomplete"):
        warnings.append("the report says its last day may be incomplete (Potential Incomplete Data: true)")
    base = ParsedExport(path=path, source_relation=name, file_hash=file_hash, format=fmt.name,
                        format_label=fmt.label or fmt.name, platform=fmt.platform, role=fmt.role,
                        table=pa.table({}), language=layout.dialect.language, encoding=encoding,
                        delimiter=layout.delimiter if encoding not in (None, "xlsx", "parquet") else None,
                        header_line=layout.header_index + 1, metadata=jsonable(meta), warnings=warnings,
                        lookup_kind=fmt.lookup_kind)
    if fmt.role == "lookup":
        base.table = fmt.lookup(raw, layout)
        return base
    if fmt.role == "reference":
        return base
    if fmt.role == "crm":  # CRM records: their own reader (ids, stages, amounts, touches)
        from mille.sources.crm_read import read_crm

        return read_crm(base, raw, rows, layout, locale, account_currency=account_currency)
    options = Options(account_currency=account_currency, period=period, lookups=lookups)
    lineage = {"source_relation": name, "source_type": fmt.source_type, "source_format": fmt.name,
               "ingest_id": None, "file_hash": file_hash, "level": None, "superseded_by": None}
    base.reader = FactsReader(base, layout, locale, meta, options, lineage)
    if defer:
        return base
    whole = (raw, rows)
    base.table = base.reader.chunk(raw, rows)
    base.tally = Tally()
    base.tally.add(base.table)
    base.reader.finish(lambda: iter([whole]), base.tally)
    return base
