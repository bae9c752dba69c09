"""Reading one export: :func:`read_export`, pure (no workspace), the heart of ``mille ingest``.

bytes → container and encoding → header, format and UI language → cells → totals rows split off
→ unified ``ad_performance`` columns → reconciliation of the totals and cross-check of printed
ratios. The result, a :class:`ParsedExport`, holds the unified Arrow table (``ingest_id`` and
``spend_reporting`` empty: those belong to a workspace), the detected format, the preamble
metadata, the totals rows and every warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.errors import IngestError, InputError
from mille.sources import decoding
from mille.sources.delimited import Grid, read_delimited
from mille.sources.format import Format, get_format
from mille.sources.layout import detect_text, split_lines
from mille.sources.lookups import Lookups
from mille.sources.numbers import parse_numbers
from mille.sources.preamble import jsonable, parse_preamble
from mille.sources.ratios import cross_check
from mille.sources.totals import Reconciliation, parse_totals_measures, reconcile, totals_mask
from mille.sources.unified import Options, build_table, unify
from mille.sources.warehouse import TableRef, read_parquet, read_table
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

    @property
    def rows(self) -> int:
        return self.table.num_rows

    def date_range(self) -> tuple[date, date] | None:
        if self.role != "facts" or self.table.num_rows == 0:
            return None
        return (pc.min(self.table.column("date_day")).as_py(), pc.max(self.table.column("period_end")).as_py())

    def spend_by_currency(self) -> dict[str, float]:
        if self.role != "facts" or self.table.num_rows == 0:
            return {}
        t = self.table.select(["currency", "spend"]).group_by("currency").aggregate([("spend", "sum")])
        return {(c or "?"): float(s or 0.0) for c, s in zip(t.column("currency").to_pylist(),
                                                              t.column("spend_sum").to_pylist(), strict=True)}


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
) -> ParsedExport:
    """:func:`read_export` for a file already loaded (and hashed) by :func:`decoding.load`."""
    if fmt_override is None and mapping is not None:
        from mille.sources.formats.generic import load_mapping

        fmt_override = load_mapping(mapping)
    elif fmt_override is None and format:
        fmt_override = get_format(format)
    file = payload.path
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


def _read_text(payload: decoding.Payload, fmt_override: type[Format] | None, format_name: str | None) -> Grid:
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
    preamble = split_lines(head, layout.delimiter, limit=layout.header_index)
    return read_delimited(payload, layout, preamble, layout.format.footer)


def _parse(grid: Grid, *, path: str, name: str, file_hash: str, encoding: str | None,
           account_currency: str | None, period: tuple[date, date] | None, lookups: Lookups | None) -> ParsedExport:
    layout = grid.layout
    fmt = layout.format
    locale = layout.dialect.locale.neutral() if grid.native_numbers else layout.dialect.locale
    meta = parse_preamble(grid.preamble, month_first=locale.month_first)
    if grid.extra.get("sheet"):
        meta["sheet"] = grid.extra["sheet"]
    raw, warnings = fmt.prepare(grid.raw, layout, meta)
    warnings = list(warnings)
    rows = grid.row_numbers
    if "rows" in meta and meta["rows"] != raw.num_rows:
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
    mask = totals_mask(raw, layout, fmt.missing)
    keep = pc.invert(mask)
    kept, totals_raw = raw.filter(keep), raw.filter(mask)
    mask_np = mask.to_numpy(zero_copy_only=False)
    kept_rows, totals_rows = rows[~mask_np], rows[mask_np]
    options = Options(account_currency=account_currency, period=period, lookups=lookups)
    unified = unify(kept, kept_rows, layout, locale, meta, options, file=path)
    warnings += unified.warnings
    lineage = {"source_relation": name, "source_type": fmt.source_type, "source_format": fmt.name,
               "ingest_id": None, "file_hash": file_hash, "level": unified.level, "superseded_by": None}
    base.table = build_table(unified.columns, unified.rows, lineage, kept_rows)
    base.level = unified.level
    if fmt.platform is None and unified.rows:
        platforms = pc.unique(base.table.column("platform")).to_pylist()
        base.platform = platforms[0] if len(platforms) == 1 else None

    def parse_total(column: pa.Array, measure: str) -> pa.Array:
        return parse_numbers(column, locale, missing=fmt.missing, name=measure, file=path,
                             row_numbers=totals_rows).values

    totals_measures = parse_totals_measures(totals_raw, layout, parse_total, warnings)
    base.reconciliations = reconcile(kept, unified.measures, totals_raw, totals_measures, totals_rows,
                                     layout, fmt.missing)
    base.totals = totals_raw.append_column("line", pa.array(totals_rows, pa.int64())) if totals_raw.num_rows else None
    warnings += _reconciliation_warnings(base.reconciliations)
    warnings += _check_ratios(kept, unified.measures, kept_rows, layout, locale, path)
    if unified.rows == 0:
        warnings.append("the file has a header but no data rows")
    return base


RATIO_CHECK_ROWS = 200_000


def _check_ratios(kept: pa.Table, measures: dict[str, pa.Array], rows: np.ndarray, layout: Any,
                  locale: Any, path: str) -> list[str]:
    """Cross-check printed ratios on the first RATIO_CHECK_ROWS rows (a warning-only check:
    enough rows to catch edited files and mis-mapped columns without re-parsing millions)."""
    n = min(kept.num_rows, RATIO_CHECK_ROWS)
    fmt = layout.format
    printed, warnings = {}, []
    for kind, header in layout.ratios.items():
        try:
            printed[kind] = parse_numbers(kept.column(header).slice(0, n), locale, missing=fmt.missing,
                                          name=header, file=path, row_numbers=rows[:n]).values
        except IngestError:
            warnings.append(f"the {header} column is not readable as numbers; it was not cross-checked")
    head = {m: v.slice(0, n) for m, v in measures.items()}
    return warnings + cross_check(printed, head, rows[:n], layout.ratios)


def _reconciliation_warnings(recs: list[Reconciliation]) -> list[str]:
    off = [r for r in recs if not r.reconciled]
    out: list[str] = []
    for r in off[:5]:
        out.append(
            f"totals row `{r.label}` (line {r.line}) says {r.measure} {r.total_value:,.2f} but the "
            f"{r.rows_covered} rows it covers sum to {r.rows_value:,.2f} (difference {r.difference:+,.2f}): "
            "rows removed from the view, or edited?"
        )
    if len(off) > 5:
        out.append(f"… and {len(off) - 5} more totals that do not match their rows")
    return out

