"""``ingest_paths``: read every export given and write them to the workspace in one transaction.

Every file is first read and unified (a large one only its header: its rows are read chunk by
chunk while it is written, so that memory holds one chunk, see :mod:`mille.sources.stream`).
Then one transaction converts each chunk to the reporting currency, matches it against the naming
convention and writes it, resolves overlaps (see :mod:`mille.sources.overlaps`) and logs the
ingest, its totals checks and its replacements. Whatever fails, the transaction is rolled back
and the workspace is as it was. A file whose bytes are already held is skipped without being
read again.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from mille import schema
from mille.errors import InputError
from mille.sources import crm_ingest, decoding, grain, overlaps, stream
from mille.sources.currency import Rates
from mille.sources.distinct import constant_label
from mille.sources.export import ParsedExport, read_export, read_loaded
from mille.sources.format import get_format
from mille.sources.lookups import Lookups
from mille.sources.naming import apply_convention
from mille.sources.progress import Meter
from mille.sources.progress import meter as progress_meter
from mille.sources.summary import (
    FileIngest,
    IngestSummary,
    NamingReport,
    ReconciliationRow,
    SliceChange,
)
from mille.sources.unified import ARROW_TYPES
from mille.sources.warehouse import TableRef
from mille.workspace import Workspace

EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")


@dataclass
class _Item:
    target: str  # a file path or url::table
    file_hash: str | None = None
    parsed: ParsedExport | None = None
    skip: str | None = None


def expand_paths(paths: Sequence[str | Path]) -> list[str]:
    """Files as given; folders' export files (sorted); globs; ``url::schema.table`` refs."""
    out: list[str] = []
    for raw in paths:
        text = str(raw)
        if TableRef.parse(text):
            out.append(text)
            continue
        path = Path(text).expanduser()
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in EXTENSIONS)
            if not found:
                raise InputError("the folder holds no CSV, TSV, XLSX or Parquet files", file=path)
            out.extend(str(p) for p in found)
        elif any(ch in text for ch in "*?["):
            matches = sorted(glob.glob(text))  # noqa: PTH207  (absolute patterns, which Path.glob refuses)
            if not matches:
                raise InputError("no file matches this pattern", file=text, hint="check the glob")
            out.extend(matches)
        else:
            out.append(str(path))
    if not out:
        raise InputError("no files given", hint="mille ingest FILE_OR_FOLDER …")
    seen: set[str] = set()
    return [p for p in out if not (p in seen or seen.add(p))]


def period_arg(period: str | tuple[date, date] | None) -> tuple[date, date] | None:
    if period is None or isinstance(period, tuple):
        return period
    from mille.periods import parse_period

    p = parse_period(period)
    return (p.start, p.end)


def held_hashes(ws: Workspace) -> set[str]:
    t = ws.engine.table("ingests")
    rows = ws.engine.to_arrow(t.filter(t.status == "ingested").select("file_hash").distinct())
    return set(rows.column("file_hash").to_pylist())


def ingest_paths(
    ws: Workspace,
    paths: Sequence[str | Path],
    *,
    format: str | None = None,
    account_currency: str | None = None,
    period: str | tuple[date, date] | None = None,
    mapping: str | Path | None = None,
    progress: bool = False,
    stream_over: int = stream.STREAM_BYTES,
    chunk_rows: int = stream.CHUNK_ROWS,
    drop_exact_duplicates: bool = False,
    meter: Meter | None = None,
) -> IngestSummary:
    """Ingest files, folders, globs and ``url::schema.table`` refs into ``ws`` as one transaction.

    Text and Parquet files larger than ``stream_over`` bytes are read ``chunk_rows`` rows at a time.
    Rows of one file that repeat a key are refused (see :mod:`mille.sources.grain`);
    ``drop_exact_duplicates`` keeps one copy of each exact duplicate instead. ``progress`` draws
    a bar on standard error (a caller may pass its own ``meter``, see :mod:`mille.sources.progress`).
    """
    items = [_Item(t) for t in expand_paths(paths)]
    with nullcontext(meter) if meter is not None else progress_meter(progress, _total_bytes(items)) as bar:
        return _ingest(ws, items, bar, format, account_currency, period, mapping, stream_over, chunk_rows,
                       drop_exact_duplicates)


def _ingest(ws: Workspace, items: list[_Item], meter: Meter, format: str | None, account_currency: str | None,
            period: str | tuple[date, date] | None, mapping: str | Path | None, stream_over: int, chunk_rows: int,
            drop_exact_duplicates: bool) -> IngestSummary:
    kwargs: dict[str, Any] = {"format": format, "account_currency": account_currency,
                              "period": period_arg(period), "mapping": mapping}
    _read_all(items, held_hashes(ws), kwargs, meter, stream_over=stream_over, chunk_rows=chunk_rows)
    _apply_lookups(items, kwargs)
    convert = _Converter(ws)
    for item in items:
        if _is_new_crm(item):
            crm_ingest.convert_amounts(ws, item.parsed)
    files: list[FileIngest] = []
    changes: list[SliceChange] = []
    recs: list[ReconciliationRow] = []
    with ws.engine.transaction():
        sequence = int(ws.engine.scalar(ws.engine.table("ingests").count())) + 1
        for item in items:
            if _is_new_crm(item):
                files.append(_file_entry(item, None))  # written below, after the ad rows it may name
                continue
            if not _is_new_facts(item):
                files.append(_file_entry(item, None))
                continue
            assert item.parsed is not None
            entry, file_changes, file_recs = _write(ws, item, f"ing{sequence:05d}-{item.parsed.file_hash[:8]}",
                                                    convert, drop_exact_duplicates, meter)
            sequence += 1
            files.append(entry)
            changes += file_changes
            recs += file_recs
        # CRM exports after the ad exports of the same call, so their touches can name those campaigns.
        index = None
        for k, item in enumerate(items):
            if not _is_new_crm(item):
                continue
            assert item.parsed is not None
            index = index or crm_ingest.campaign_index(ws)
            files[k], crm_changes = crm_ingest.write_crm(ws, item.parsed, f"ing{sequence:05d}-{item.parsed.file_hash[:8]}", index)
            sequence += 1
            changes += crm_changes
    return IngestSummary(
        workspace=str(ws.path), reporting_currency=ws.config.reporting_currency, files=files,
        changes=changes, naming=convert.report(), reconciliations=recs, rows_written=sum(f.rows for f in files),
        spend_reporting=sum(f.spend_reporting or 0.0 for f in files),
    )


def _is_new_crm(item: _Item) -> bool:
    return item.parsed is not None and item.parsed.role == "crm" and not item.skip


def _is_new_facts(item: _Item) -> bool:
    return item.parsed is not None and item.parsed.role == "facts" and not item.skip


def _read_all(items: list[_Item], held: set[str], kwargs: dict[str, Any], meter: Meter, *,
              stream_over: int, chunk_rows: int) -> None:
    """Read and unify every export; files whose bytes are held are skipped unread. Large files,
    and every file of a call whose files add up to more than ``stream_over`` bytes, are read
    header first and their rows when they are written, so a call holds one chunk of rows."""
    seen: set[str] = set()
    if _total_bytes(items) > stream_over:
        stream_over = 0
    for item in items:
        meter.reading(item.target)
        if TableRef.parse(item.target) is not None:
            item.parsed = read_export(item.target, **kwargs)
            if item.parsed.file_hash in held:
                item.skip = "already ingested (same content)"
            continue
        payload = decoding.load(Path(item.target), stream_over=stream_over)  # read and hashed once
        item.file_hash = payload.file_hash
        if item.file_hash in held:
            item.skip = "already ingested (same bytes)"
        elif item.file_hash in seen:
            item.skip = "the same bytes were given twice in this call"
        else:
            seen.add(item.file_hash)
            item.parsed = read_loaded(payload, **kwargs, chunk_rows=chunk_rows)
        if item.parsed is None or not item.parsed.streamed:  # a chunked file counts as it is written
            meter.read(_size(item.target))


def _size(target: str) -> int:
    path = Path(target)
    return path.stat().st_size if TableRef.parse(target) is None and path.is_file() else 0


def _total_bytes(items: list[_Item]) -> int:
    total = 0
    for item in items:
        path = Path(item.target)
        if TableRef.parse(item.target) is None and path.is_file():
            total += path.stat().st_size
    return total


def _apply_lookups(items: list[_Item], kwargs: dict[str, Any]) -> None:
    """Connector history tables given in the same call name the report tables: read those again."""
    lookups = Lookups()
    for item in items:
        if item.parsed is not None and item.parsed.role == "lookup" and item.parsed.lookup_kind:
            lookups.add(item.parsed.lookup_kind, item.parsed.table)
    if not lookups:
        return
    for item in items:
        if _is_new_facts(item) and item.parsed is not None and _uses_lookups(item.parsed):
            if item.parsed.streamed and item.parsed.reader is not None:
                item.parsed.reader.options.lookups = lookups  # its rows are read later
            else:
                item.parsed = read_export(item.target, **kwargs, lookups=lookups)


class _Converter:
    """spend_reporting from the workspace's rates, and the naming convention's dimensions, chunk
    by chunk; counts the campaign names matched for the report."""

    def __init__(self, ws: Workspace) -> None:
        self.rates = Rates(ws.config.fx, ws.config.reporting_currency, ws.path)
        self.convention = ws.config.naming_convention
        self.names: set[str] = set()
        self.unmatched: set[str] = set()
        self.unmatched_rows = 0

    def __call__(self, table: pa.Table, file: str) -> pa.Table:
        converted = self.rates.convert(table.column("spend").combine_chunks(), table.column("currency").combine_chunks(),
                                       table.column("date_day").combine_chunks(), file=file)
        table = table.set_column(table.schema.get_field_index("spend_reporting"), "spend_reporting", converted)
        if self.convention is not None:
            table, outcome = apply_convention(table, self.convention)
            self.names.update(outcome.checked)
            self.unmatched.update(outcome.unmatched)
            self.unmatched_rows += outcome.unmatched_rows
        return table

    def report(self) -> NamingReport | None:
        c = self.convention
        if c is None:
            return None
        return NamingReport(pattern=c.pattern, applies_to=c.applies_to, names=len(self.names),
                            matched=len(self.names - self.unmatched), unmatched=sorted(self.unmatched),
                            unmatched_rows=self.unmatched_rows)


def _uses_lookups(p: ParsedExport) -> bool:
    fmt = get_format(p.format)
    return bool(fmt.joins) or fmt.uses_lookups


def _write(ws: Workspace, item: _Item, ingest_id: str, convert: _Converter, drop_exact: bool,
           meter: Meter) -> tuple[FileIngest, list[SliceChange], list[ReconciliationRow]]:
    p = item.parsed
    assert p is not None
    if p.streamed:
        meter.writing(p.path)
    spend = spend_reporting = 0.0
    accounts: set[str] = set()
    watch = grain.KeyWatch()
    for chunk in p.chunks():
        n = chunk.num_rows
        if n == 0:
            continue
        chunk = convert(chunk, p.path)
        chunk = chunk.set_column(chunk.schema.get_field_index("ingest_id"), "ingest_id", constant_label(ingest_id, n))
        watch.see(*_insert(ws, chunk))
        spend += float(pc.sum(chunk.column("spend")).as_py() or 0.0)
        spend_reporting += float(pc.sum(chunk.column("spend_reporting")).as_py() or 0.0)
        accounts |= _accounts(chunk)
        if p.streamed and p.tally is not None:
            meter.chunk(p.tally.rows, p.position.bytes)
    if p.streamed:
        meter.written(_size(p.path))
    assert p.tally is not None
    p.table = p.table.schema.empty_table()  # written: the tally answers for the rows from here on
    # Before overlaps: rows repeated inside the file are refused (rolling the ingest back) or dropped.
    kept = grain.enforce(ws, ingest_id, watch, p.reader.cells if p.reader else None, file=p.path,
                         drop_exact=drop_exact) if p.tally.rows > 1 else grain.Outcome()
    spend, spend_reporting = kept.settle(p.tally, spend, spend_reporting)
    p.warnings += kept.warnings
    n = p.tally.rows
    found = overlaps.resolve(ws, p.tally.slice_list(), ingest_id) if n else []
    rng = p.date_range()
    now = datetime.now(UTC).replace(tzinfo=None)
    log = {
        "ingest_id": ingest_id, "started_at": now, "source_relation": p.source_relation, "path": p.path,
        "file_hash": p.file_hash, "source_format": p.format, "target_table": "ad_performance",
        "platform": p.platform, "account_ids": ",".join(sorted(accounts)) or None, "level": p.level,
        "date_min": rng[0] if rng else None, "date_max": rng[1] if rng else None, "rows": n,
        "spend": spend, "status": "ingested",
        "warnings": json.dumps(p.warnings, ensure_ascii=False), "metadata": json.dumps(p.metadata, ensure_ascii=False),
    }
    ws.engine.insert("ingests", _rows_table(schema.INGESTS, [log]))
    recs = [ReconciliationRow(source_relation=p.source_relation, total_label=r.label, line=r.line, measure=r.measure,
                              total_value=r.total_value, rows_value=r.rows_value, rows_covered=r.rows_covered,
                              difference=r.difference, reconciled=r.reconciled, label_column=r.label_column,
                              scope_kind=r.scope_kind, scope=r.scope, one_sided=r.one_sided)
            for r in p.reconciliations]
    ws.engine.insert("reconciliations", _rows_table(schema.RECONCILIATIONS, [
        {"ingest_id": ingest_id, "source_relation": r.source_relation, "total_label": r.total_label,
         "measure": r.measure, "total_value": r.total_value, "rows_value": r.rows_value,
         "difference": r.difference, "reconciled": r.reconciled, "rows_covered": r.rows_covered,
         "label_column": r.label_column, "scope_kind": r.scope_kind, "scope": r.scope or None,
         "one_sided": r.one_sided} for r in recs]))
    changes = [SliceChange(action=c.action, ingest_id=ingest_id, source_relation=p.source_relation,
                           other_ingest_id=c.other_ingest_id, other_source=c.other_source, platform=c.platform,
                           account=c.account, level=c.level, date_min=c.date_min, date_max=c.date_max,
                           rows=c.rows, spend=c.spend, partial=c.partial) for c in found]
    ws.engine.insert("slice_replacements", _rows_table(schema.SLICE_REPLACEMENTS, [
        {"ingest_id": ingest_id, "replaced_ingest_id": c.other_ingest_id, "action": c.action,
         "platform": c.platform, "account_id": c.account, "level": c.level, "date_min": c.date_min,
         "date_max": c.date_max, "rows": c.rows, "spend": c.spend, **old.measures}
        for c, old in zip(changes, found, strict=True)]))
    warnings = list(p.warnings)
    warnings += [f"{c.other_source}: rows reached outside this export's days and were replaced whole"
                 for c in changes if c.partial and c.action == "replaced"]
    entry = _file_entry(item, ingest_id, spend_reporting, warnings)
    entry.duplicates_dropped, entry.empty_duplicates_dropped, entry.notes = kept.dropped, kept.dropped_zero, kept.notes
    return entry, changes, recs


def _insert(ws: Workspace, table: pa.Table) -> tuple[list[str], dict[str, Any], list[str]]:
    """Write the rows: columns no row fills stay out (their default is NULL), and columns holding
    one value on every row (file name, hash, ingest id, platform…) go in as constants. Returns
    the columns written row by row, the constants, and the columns left NULL."""
    n = table.num_rows
    varying: list[str] = []
    constants: dict[str, Any] = {}
    empty: list[str] = []
    if n == 0:
        return varying, constants, empty
    for name in table.column_names:
        column = table.column(name)
        if column.null_count == n:
            empty.append(name)
            continue
        value = _single_value(column)
        if value is not None:
            constants[name] = value
        else:
            varying.append(name)
    ws.engine.insert_constants("ad_performance", table.select(varying), constants)
    return varying, constants, empty


def _single_value(column: pa.ChunkedArray) -> Any:
    """The value of a text (or hash) column that holds one value and no null, else None."""
    if column.null_count:
        return None
    if pa.types.is_int64(column.type) and len(column):
        bounds = pc.min_max(column).as_py()
        return bounds["min"] if bounds["min"] == bounds["max"] else None
    if pa.types.is_dictionary(column.type):
        column = column.unify_dictionaries() if column.num_chunks > 1 else column
        dictionary = column.chunk(0).dictionary if column.num_chunks else pa.array([])
        return dictionary[0].as_py() if len(dictionary) == 1 else None
    if pa.types.is_string(column.type):
        bounds = pc.min_max(column).as_py()
        return bounds["min"] if bounds["min"] == bounds["max"] else None
    return None


def _file_entry(item: _Item, ingest_id: str | None, spend_reporting: float | None = None,
                warnings: list[str] | None = None) -> FileIngest:
    p = item.parsed
    name = Path(item.target).name if TableRef.parse(item.target) is None else item.target.split("::", 1)[1]
    if p is None:
        return FileIngest(path=item.target, source_relation=name, status="skipped", reason=item.skip)
    status = "skipped" if item.skip else ("ingested" if p.role == "facts" else p.role)
    reason = item.skip
    if p.role == "lookup":
        reason = f"connector lookup table ({p.lookup_kind}): names the report tables ingested with it"
    elif p.role == "reference":
        reason = p.format_label
    rng = p.date_range() if status == "ingested" else None
    return FileIngest(
        path=p.path, source_relation=p.source_relation, status=status, reason=reason, format=p.format,
        format_label=p.format_label, language=p.language, encoding=p.encoding, platform=p.platform,
        level=p.level if status == "ingested" else None, ingest_id=ingest_id,
        rows=p.rows if status == "ingested" else 0,
        date_min=rng[0] if rng else None, date_max=rng[1] if rng else None,
        spend=p.spend_by_currency() if status == "ingested" else {}, spend_reporting=spend_reporting,
        totals_checked=len(p.reconciliations), totals_differing=sum(1 for r in p.reconciliations if not r.reconciled),
        absent_measures=list(p.absent) if status == "ingested" else [],
        warnings=warnings if warnings is not None else list(p.warnings), metadata=p.metadata,
    )


def _accounts(table: pa.Table) -> set[str]:
    ids = pc.unique(pc.coalesce(table.column("account_id"), table.column("account_name"))).to_pylist()
    return {str(i) for i in ids if i is not None}


def _rows_table(spec: schema.Table, rows: list[dict[str, Any]]) -> pa.Table:
    arrow = pa.schema([(c.name, ARROW_TYPES[c.dtype]) for c in spec.columns])
    return pa.Table.from_pylist(rows, schema=arrow)
