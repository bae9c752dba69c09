"""An ad-performance export's rows, unified chunk by chunk, and what is known once all are read.

:class:`FactsReader` takes a file's cells one chunk at a time (the whole file is one chunk unless
it is large, see :mod:`mille.sources.stream`): totals rows split off, cells unified, printed
ratios cross-checked on the first rows. :meth:`FactsReader.finish` then does what needs every row:
the row count the preamble promises, and the reconciliation of the totals rows with the rows they
cover (a second pass over the chunks, only when a chunked file has totals rows; sums over rows
add up chunk by chunk). :class:`Tally` keeps what the ingest log and the overlap rules need of
rows no longer in memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.errors import IngestError
from mille.sources.grain import CellHasher
from mille.sources.numbers import parse_numbers
from mille.sources.ratios import cross_check
from mille.sources.totals import (
    add_sums,
    compare,
    covered_sums,
    parse_totals_measures,
    reconciled_measures,
    scopes_of,
    totals_mask,
)
from mille.sources.unified import Options, Unified, build_table, unify

if TYPE_CHECKING:
    from mille.sources.export import ParsedExport
    from mille.sources.layout import Layout

RATIO_CHECK_ROWS = 200_000
_COUNT = re.compile(r"(?<![\w.,])\d+(?![\w.,])")  # a whole number standing alone: a count
Chunks = Callable[[], Iterator[tuple[pa.Table, np.ndarray]]]


@dataclass
class Tally:
    """Running totals of the unified rows of one export."""

    rows: int = 0
    date_min: date | None = None
    date_max: date | None = None
    spend: dict[str, float] = field(default_factory=dict)  # by currency
    platforms: set[str] = field(default_factory=set)
    slices: dict[tuple[Any, ...], tuple[date, date]] = field(default_factory=dict)

    def add(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        self.rows += table.num_rows
        low, high = pc.min(table.column("date_day")).as_py(), pc.max(table.column("period_end")).as_py()
        self.date_min = low if self.date_min is None else min(self.date_min, low)
        self.date_max = high if self.date_max is None else max(self.date_max, high)
        by_currency = table.select(["currency", "spend"]).group_by("currency").aggregate([("spend", "sum")])
        for c, s in zip(by_currency.column("currency").to_pylist(), by_currency.column("spend_sum").to_pylist(),
                        strict=True):
            self.spend[c or "?"] = self.spend.get(c or "?", 0.0) + float(s or 0.0)
        self.platforms.update(p for p in pc.unique(table.column("platform")).to_pylist() if p is not None)
        keys = ["platform", "account_id", "account_name", "level"]
        grouped = table.group_by(keys, use_threads=False).aggregate([("date_day", "min"), ("period_end", "max")])
        for rec in grouped.to_pylist():
            key = tuple(rec[k] for k in keys)
            low, high = rec["date_day_min"], rec["period_end_max"]
            held = self.slices.get(key)
            self.slices[key] = (low, high) if held is None else (min(held[0], low), max(held[1], high))

    def slice_list(self) -> list[dict[str, Any]]:
        """One entry per platform, account and level, with its first and last day."""
        keys = ("platform", "account_id", "account_name", "level")
        return [{**dict(zip(keys, key, strict=True)), "date_day_min": span[0], "period_end_max": span[1]}
                for key, span in self.slices.items()]


@dataclass
class FactsReader:
    """Unifies one export's chunks; fills ``base`` (level, platform, totals, warnings)."""

    base: ParsedExport
    layout: Layout
    locale: Any
    meta: dict[str, Any]
    options: Options
    lineage: dict[str, Any]
    raw_rows: int = 0
    chunks: int = 0
    ratio_rows: int = 0
    whole: bool = True  # the file is one chunk: keep its rows for the totals (a streamed file reads them again)
    cells: CellHasher | None = None  # grain_hash: the cells that tell rows apart beyond the stored key
    _totals: list[tuple[pa.Table, np.ndarray]] = field(default_factory=list)
    _only: tuple[pa.Table, dict[str, pa.Array]] | None = None  # the kept rows of a one-chunk file
    _ratios: list[tuple[dict[str, pa.Array], dict[str, pa.Array], np.ndarray]] = field(default_factory=list)

    def chunk(self, raw: pa.Table, rows: np.ndarray) -> pa.Table:
        """One chunk's rows, unified (totals rows set aside for :meth:`finish`)."""
        kept, kept_rows, unified = self._unify(raw, rows, keep_totals=True)
        if self.cells is None:
            self.cells = CellHasher(self.layout, self.layout.format.missing)
        cells = self.cells(kept)
        if cells is not None:
            unified.columns["grain_hash"] = cells
        table = build_table(unified.columns, unified.rows, {**self.lineage, "level": unified.level}, kept_rows)
        self.base.level = unified.level
        self.base.absent = unified.absent
        if self.layout.ratios and self.ratio_rows < RATIO_CHECK_ROWS and kept.num_rows:
            self._ratios.append(self._printed_ratios(kept, unified.measures, kept_rows, RATIO_CHECK_ROWS - self.ratio_rows))
            self.ratio_rows += min(kept.num_rows, RATIO_CHECK_ROWS - self.ratio_rows)
        self.chunks += 1
        self._only = (kept, unified.measures) if self.whole and self.chunks == 1 else None
        return table

    def _unify(self, raw: pa.Table, rows: np.ndarray, *, keep_totals: bool) -> tuple[pa.Table, np.ndarray, Unified]:
        fmt = self.layout.format
        raw, warnings = fmt.prepare(raw, self.layout, self.meta)
        if keep_totals:  # not when the chunks are read again to reconcile totals
            self._warn(warnings, per_chunk=True)
        mask = totals_mask(raw, self.layout, fmt.missing)
        kept = raw.filter(pc.invert(mask))
        mask_np = mask.to_numpy(zero_copy_only=False)
        kept_rows = rows[~mask_np]
        if keep_totals:
            self.raw_rows += raw.num_rows
            if kept.num_rows < raw.num_rows:
                self._totals.append((raw.filter(mask), rows[mask_np]))
        unified = unify(kept, kept_rows, self.layout, self.locale, self.meta, self.options, file=self.base.path)
        if keep_totals:
            self._warn(unified.warnings, per_chunk=True)
        return kept, kept_rows, unified

    def finish(self, chunks: Chunks, tally: Tally) -> None:
        """After the last chunk: row count, totals reconciliation, platform, final warnings."""
        base, fmt, path = self.base, self.layout.format, self.base.path
        if self.chunks == 0:  # a header and no rows: one empty chunk still sets the level
            empty = pa.table({n: pa.array([], pa.string()) for n in self.layout.header})
            self.chunk(empty, np.zeros(0, dtype=np.int64))
            self._only = None
        if "rows" in self.meta and self.meta["rows"] != self.raw_rows:
            raise IngestError(
                f"the file says it has {self.meta['rows']} rows but {self.raw_rows} were found", file=path,
                expected=f"{self.meta['rows']} rows (the `Rows:` line above the header)",
                hint="the download was cut short; download the report again")
        self._cross_check()
        if fmt.platform is None and len(tally.platforms) == 1:
            base.platform = next(iter(tally.platforms))
        totals_raw = pa.concat_tables([t for t, _ in self._totals]) if self._totals else None
        if totals_raw is not None:
            totals_rows = np.concatenate([r for _, r in self._totals])
            warnings: list[str] = []

            def parse_total(column: pa.Array, measure: str) -> pa.Array:
                return parse_numbers(column, self.locale, missing=fmt.missing, name=measure, file=path,
                                     row_numbers=totals_rows).values

            totals_measures = parse_totals_measures(totals_raw, self.layout, parse_total, warnings)
            self._warn(warnings)
            base.reconciliations = self._reconcile(chunks, totals_raw, totals_measures, totals_rows)
            base.totals = totals_raw.append_column("line", pa.array(totals_rows, pa.int64()))
            self._warn(_reconciliation_warnings(base.reconciliations))
        if tally.rows == 0:
            self._warn(["the file has a header but no data rows"])
        self._only = None

    def _reconcile(self, chunks: Chunks, totals_raw: pa.Table, totals_measures: dict[str, pa.Array],
                   lines: np.ndarray) -> list[Any]:
        missing = self.layout.format.missing
        found = scopes_of(totals_raw, self.layout, missing)
        scopes = [t.scope or {} for t in found]
        columns = sorted({t.label_column for t in found if t.label_column})
        if columns:  # provenance: where this export's totals labels stand
            self.base.metadata["totals_label_columns"] = columns
        if self._only is not None:
            kept, measures = self._only
            names = reconciled_measures(measures, totals_measures)
            sums = covered_sums(kept, measures, scopes, names, self.layout)
        else:  # a chunked file: read it again, adding up the rows each totals row covers
            sums, names = [(0, {}) for _ in scopes], []
            for raw, rows in chunks():
                kept, _, unified = self._unify(raw, rows, keep_totals=False)
                names = reconciled_measures(unified.measures, totals_measures)
                sums = add_sums(sums, covered_sums(kept, unified.measures, scopes, names, self.layout))
        return compare(found, sums, names, totals_measures, lines)

    def _warn(self, warnings: list[str], *, per_chunk: bool = False) -> None:
        """Add warnings, each said once. A chunk's own warnings (``per_chunk``) count its rows:
        the same sentence from the next chunk adds its counts ("5 of 5 rows matched …" twice
        reads "10 of 10 rows matched …"), as if the file had been read whole."""
        held = self.base.warnings
        for w in warnings:
            shape = _COUNT.sub("#", w)
            same = next((i for i, h in enumerate(held) if h == w or (per_chunk and _COUNT.sub("#", h) == shape)), None)
            if same is None:
                held.append(w)
            elif per_chunk and _COUNT.search(w):
                held[same] = _add_counts(held[same], w)

    def _printed_ratios(self, kept: pa.Table, measures: dict[str, pa.Array], rows: np.ndarray,
                        limit: int) -> tuple[dict[str, pa.Array], dict[str, pa.Array], np.ndarray]:
        """The printed ratios of the first rows, parsed, with the rows' own measures."""
        n = min(kept.num_rows, limit)
        fmt, path = self.layout.format, self.base.path
        printed = {}
        for kind, header in self.layout.ratios.items():
            try:
                printed[kind] = parse_numbers(kept.column(header).slice(0, n), self.locale, missing=fmt.missing,
                                              name=header, file=path, row_numbers=rows[:n]).values
            except IngestError:
                self._warn([f"the {header} column is not readable as numbers; it was not cross-checked"])
        return printed, {m: v.slice(0, n) for m, v in measures.items()}, rows[:n]

    def _cross_check(self) -> None:
        """Printed ratios against the rows' own, on the first RATIO_CHECK_ROWS rows: a warning-only
        check, enough rows to catch edited files and mis-mapped columns without re-parsing millions."""
        if not self._ratios:
            return
        first_printed, first_measures, _ = self._ratios[0]
        kinds = [k for k in first_printed if all(k in p for p, _, _ in self._ratios)]
        names = [m for m in first_measures if all(m in v for _, v, _ in self._ratios)]
        printed = {k: pa.concat_arrays([_array(p[k]) for p, _, _ in self._ratios]) for k in kinds}
        measures = {m: pa.concat_arrays([_array(v[m]) for _, v, _ in self._ratios]) for m in names}
        rows = np.concatenate([r for _, _, r in self._ratios])
        self._ratios = []
        self._warn(cross_check(printed, measures, rows, self.layout.ratios))


def _add_counts(held: str, more: str) -> str:
    """``held`` with each count raised by the count in the same place of ``more``."""
    counts = iter(int(n) for n in _COUNT.findall(more))
    return _COUNT.sub(lambda m: str(int(m.group()) + next(counts)), held)


def _array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _reconciliation_warnings(recs: list[Any]) -> list[str]:
    """A warning per totals row its rows contradict; a one-sided total above its rows (removed,
    filtered or below-threshold items) is no warning: the reconciliations and the audit note it."""
    off = [r for r in recs if r.contradicts]
    out: list[str] = []
    for r in off[:5]:
        where = f" for {r.scope}" if r.scope else ""
        why = ("the rows exceed a total that should cover them" if r.difference < 0
               else "rows removed from the view, or edited?")
        out.append(
            f"totals row `{r.label}`{where} (line {r.line}) says {r.measure} {r.total_value:,.2f} but the "
            f"{r.rows_covered} rows it covers sum to {r.rows_value:,.2f} (difference {r.difference:+,.2f}): {why}"
        )
    if len(off) > 5:
        out.append(f"… and {len(off) - 5} more totals that do not match their rows")
    return out

