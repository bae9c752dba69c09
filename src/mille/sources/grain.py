"""The grain of ``ad_performance``: inside one export, one row per natural key.

The key (:data:`mille.schema.NATURAL_KEY`) is the platform, account, level, days, the entities of
every level (ids, else names) and every breakdown dimension, NULL equal to NULL. Two rows of one
file that share it are:

* *finer than the key* when they differ in a text cell mille does not store (an extra breakdown
  column, a conversion action, a headline): they are kept, summed at query time, and the ingest
  says so once. :class:`CellHasher` folds those cells into ``grain_hash`` while each chunk is
  unified, so the test below sees them without holding the file;
* *exact duplicates* when every figure is equal too: two downloads pasted together. An error,
  unless the ingest was asked to keep one copy (``drop_exact_duplicates``); repeated rows whose
  figures are all zero or empty change no total and are always dropped, with a note;
* *conflicting duplicates* otherwise: an error whatever the flag, since no rule says which is right.

The test is a group-by in the engine over the rows just written for the ingest, before overlaps
are resolved and inside the ingest's transaction: a refusal rolls everything back, and it sees
rows of every chunk of a large file at once. Keys repeated *across* files are not duplicates:
the newest export of a slice replaces the older one (:mod:`mille.sources.overlaps`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.errors import IngestError
from mille.schema import AD_PERFORMANCE, KEY_NAME_OF_ID, NATURAL_KEY

if TYPE_CHECKING:
    from mille.sources.layout import Layout
    from mille.workspace import Workspace

# The figures two copies of a row must share to be exact duplicates (spend_reporting follows spend).
FIGURES = ("spend", "impressions", "clicks", "clicks_all", "conversions", "conversions_value", "leads", "reach")
SHOWN_LINES = 3
# A cell that reads as a number, a share or an amount (`1,234.5`, `12 %`, `$3.20`, `< 10%`,
# `7.48E-6`, `00:01:05`): a measure or ratio, never something that tells rows apart. (RE2 syntax.)
_NUMBER = ("^[<>≤≥~]?\\s*[-+−(]?\\s*(?:[^\\w\\s]{1,3}|[a-z]{3})?\\s*[-+]?\\d[\\d\\s.,:'\u00a0\u202f]*"
           "(?:e[-+]?\\d+)?\\s*(?:%|[^\\w\\s]{1,3}|[a-z]{3})?\\)?$")
_GOLDEN = 0x9E3779B97F4A7C15
# Dimensions stored in mille's vocabulary, coarser than the export's cells (`Android Smartphone`
# and `iPhone` are both `mobile`): their cells are hashed too, so rows they tell apart are kept.
_CODED = frozenset({"device", "network", "placement", "objective", "gender", "age", "campaign_type", "country",
                    "region"})
# Unified fields whose raw column mille reads (stored, or folded into a stored column).
_READ_FIELDS = frozenset(AD_PERFORMANCE.names) | {
    "spend_micros", "spend_usd", "avg_daily_spend", "conversions_fallback", "week_start", "month_start",
    "campaign_type", "geo_id",
}


@dataclass
class CellHasher:
    """``grain_hash`` of each row: a 64-bit hash of its identifying cells that mille does not
    store — the text cells (not numbers, not blank) of columns neither mapped nor ratios. Each
    cell is judged alone and the columns' hashes are added up, so a chunk hashes a row exactly
    as the whole file would, whatever the other rows of its chunk; a row with no such cell has
    none (NULL)."""

    layout: Layout
    missing: tuple[str, ...]
    _columns: list[str] | None = None
    _first: dict[str, Any] = field(default_factory=dict)  # column -> its one text value so far
    _varying: set[str] = field(default_factory=set)

    def __call__(self, kept: pa.Table) -> pa.Array | None:
        if self._columns is None:
            fmt = self.layout.format
            coarser = _CODED | set(fmt.value_maps)
            read = {h for f, h in self.layout.fields.items() if f in _READ_FIELDS and f not in coarser}
            self._columns = [c for c in kept.column_names if c not in read | set(self.layout.ratios.values())]
        h = np.zeros(kept.num_rows, dtype=np.uint64)
        hashed = False
        for i, name in enumerate(self._columns):
            if name not in kept.column_names or not pa.types.is_string(kept.column(name).type):
                continue  # typed cells (Parquet, workbooks) are numbers and dates
            cells = self._column_hash(name, kept.column(name))
            if cells is not None:
                h += cells * np.uint64((_GOLDEN * (i + 1)) % (1 << 64) | 1)  # an odd weight per column
                hashed = True
        if not hashed:
            return None
        return pa.array(h.view(np.int64), pa.int64(), mask=h == 0)

    @property
    def varying(self) -> list[str]:
        """The columns whose text cells hold more than one value in the file."""
        return [c for c in self._columns or [] if c in self._varying]

    def _column_hash(self, name: str, column: pa.ChunkedArray) -> np.ndarray | None:
        import pandas as pd

        distinct = pc.unique(column)
        text = pc.utf8_trim_whitespace(distinct)
        blanks = pa.array(sorted({m.strip() for m in self.missing} | {""}), pa.string())
        ignored = pc.fill_null(pc.or_(pc.is_in(text, blanks), pc.match_substring_regex(text, _NUMBER, ignore_case=True)),
                               True).to_numpy(zero_copy_only=False)
        if ignored.all():
            return None
        values = text.filter(pa.array(~ignored))
        if len(values) > 1 or self._first.setdefault(name, values[0].as_py()) != values[0].as_py():
            self._varying.add(name)
        # pandas' hash is deterministic (fixed key): a value hashes the same in every chunk and run.
        hashes = pd.util.hash_array(text.to_numpy(zero_copy_only=False).astype(object), categorize=False)
        hashes[ignored] = 0
        return hashes[pc.index_in(column, value_set=distinct).to_numpy(zero_copy_only=False)]


@dataclass
class KeyWatch:
    """Which key columns vary across the chunks written: only those need grouping (a column
    holding one value, or none, on every row cannot tell two rows apart)."""

    constants: dict[str, Any] = field(default_factory=dict)
    varying: set[str] = field(default_factory=set)

    def see(self, varying: list[str], constants: dict[str, Any], empty: list[str]) -> None:
        columns = {*NATURAL_KEY, *KEY_NAME_OF_ID.values(), "grain_hash"}
        self.varying |= columns & set(varying)
        for name, value in [*constants.items(), *((n, None) for n in empty)]:
            if name in columns and self.constants.setdefault(name, value) != value:
                self.varying.add(name)

    def named_only(self) -> bool:
        """The finest entity the rows name has a name and no id on every row."""
        for entity in ("ad_id", "ad_group_id", "campaign_id", "account_id"):
            name = KEY_NAME_OF_ID[entity]
            if self._held(name):
                return not self._held(entity)
        return False

    def _held(self, column: str) -> bool:
        return column in self.varying or self.constants.get(column) is not None

    def key(self, t: Any) -> dict[str, Any]:
        """The key expressions that can differ between rows of this ingest."""
        import ibis

        out: dict[str, Any] = {}
        for name in (*NATURAL_KEY, "grain_hash"):
            other = KEY_NAME_OF_ID.get(name)
            if other is not None and (name in self.varying or other in self.varying):
                out[name] = ibis.coalesce(t[name], t[other])
            elif name in self.varying:
                out[name] = t[name]
        return out


@dataclass
class Outcome:
    """What the grain check did to one ingest's rows."""

    dropped: int = 0  # exact duplicates removed (drop_exact_duplicates)
    dropped_zero: int = 0  # repeated rows with no figures, always removed
    spend: dict[str, float] = field(default_factory=dict)  # native spend removed, by currency
    spend_reporting: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def settle(self, tally: Any, spend: float, spend_reporting: float) -> tuple[float, float]:
        """Take the dropped rows out of the file's tally and spend (native, reporting)."""
        tally.rows -= self.dropped + self.dropped_zero
        for currency, value in self.spend.items():
            tally.spend[currency] = tally.spend.get(currency, 0.0) - value
        return spend - sum(self.spend.values()), spend_reporting - self.spend_reporting


def enforce(ws: Workspace, ingest_id: str, watch: KeyWatch, hasher: CellHasher | None, *, file: str | Path,
            drop_exact: bool) -> Outcome:
    """Refuse or resolve the rows of ``ingest_id`` that repeat a key (see the module docstring)."""
    t = ws.engine.table("ad_performance")
    new = t.filter(t.ingest_id == ingest_id)
    key = watch.key(new)
    stored = {k: v for k, v in key.items() if k != "grain_hash"}
    out = Outcome()
    if _repeated(ws, new, stored) == 0:
        return out  # the common case: one group-by, nothing else
    if hasher is not None and "grain_hash" in key and hasher.varying:
        _finer(ws, new, stored, hasher, out)
        if _repeated(ws, new, key) == 0:
            return out
    rows = _classified(new, key)
    dup = rows.filter(rows._n > 1)
    kinds = ws.engine.to_arrow(dup.group_by("_kind").aggregate(
        rows=dup.count(), extra=(dup._copy > 0).cast("int64").sum(),
        spend=dup.spend.sum(where=dup._copy > 0))).to_pylist()
    by_kind = {k["_kind"]: k for k in kinds}
    if "conflict" in by_kind and watch.named_only():
        # Without ids, two ads (boosted posts, truncated names) may share every text cell: names
        # do not identify, so other figures mean other entities, not a second download.
        k = by_kind.pop("conflict")
        out.warnings.append(f"{int(k['rows']):,} rows share their names, days and breakdowns with another row but "
                            "have other figures: entities with the same name (the export has no id column to tell "
                            "them apart); they were kept and added up")
    if "conflict" in by_kind:
        raise _refusal(ws, rows, "conflict", by_kind["conflict"], file)
    if "exact" in by_kind and not drop_exact:
        raise _refusal(ws, rows, "exact", by_kind["exact"], file)
    if not {"exact", "zero"} & set(by_kind):
        return out
    extra = rows.filter(rows._copy > 0, rows._kind != "conflict")
    spent = ws.engine.to_arrow(extra.group_by(currency=extra.currency.fill_null("?")).aggregate(
        spend=extra.spend.sum(), spend_reporting=extra.spend_reporting.sum())).to_pylist()
    numbers = ws.engine.to_arrow(extra.select("row_number")).column("row_number").combine_chunks()
    ws.engine.delete_rows("ad_performance", {"ingest_id": ingest_id}, "row_number", numbers)
    out.spend = {r["currency"]: float(r["spend"] or 0.0) for r in spent}
    out.spend_reporting = sum(float(r["spend_reporting"] or 0.0) for r in spent)
    if "exact" in by_kind:
        k = by_kind["exact"]
        out.dropped = int(k["extra"])
        out.warnings.append(f"{out.dropped:,} exact duplicate row(s) dropped (--drop-exact-duplicates): "
                            f"one copy of each kept, {float(k['spend'] or 0.0):,.2f} of spend not counted twice")
    if "zero" in by_kind:
        out.dropped_zero = int(by_kind["zero"]["extra"])
        out.notes.append(f"{out.dropped_zero:,} repeated row(s) with no figures (all zero or empty) dropped: "
                         "they change no total")
    return out


def _repeated(ws: Workspace, new: Any, key: dict[str, Any]) -> int:
    """Rows sharing their key with another row. Grouped by a hash of the key first: one integer
    column groups twice as fast as a dozen text ones, and a repeated hash (a real repeat, or
    two keys colliding, rare with DuckDB's 64 bits, frequent with Spark's 32) is confirmed on
    the key itself."""
    import ibis

    if not key:
        return int(ws.engine.scalar(new.count()))
    hashed = new.group_by(h=ibis.struct(key).hash()).aggregate(n=new.count())
    if int(ws.engine.scalar(hashed.filter(hashed.n > 1).n.sum()) or 0) == 0:
        return 0
    groups = new.group_by(**key).aggregate(n=new.count())
    return int(ws.engine.scalar(groups.filter(groups.n > 1).n.sum()) or 0)


def _classified(new: Any, key: dict[str, Any]) -> Any:
    """Every row with its key group's size (``_n``), its copy number by line (``_copy``, 0 for
    the first) and the group's kind: exact (same figures), zero (exact, all figures zero or
    empty) or conflict."""
    import ibis

    named = new.mutate(**{f"_k_{k}": v for k, v in key.items()})
    parts = [named[f"_k_{k}"] for k in key]
    w = ibis.window(group_by=parts)
    n = named.row_number.count().over(w)
    same, zero = ibis.literal(True), ibis.literal(True)
    for m in FIGURES:
        col = named[m]
        filled = col.count().over(w)
        same &= ((col.min().over(w) == col.max().over(w)).fill_null(True)) & ((filled == 0) | (filled == n))
        zero &= (col.max().over(w).fill_null(0) == 0) & (col.min().over(w).fill_null(0) == 0)
    kind = ibis.cases((~same, "conflict"), (zero, "zero"), else_="exact")
    copy = ibis.row_number().over(ibis.window(group_by=parts, order_by=named.row_number))
    return named.mutate(_n=n, _kind=kind, _copy=copy, _first=named.row_number.min().over(w))


def _refusal(ws: Workspace, rows: Any, kind: str, stats: dict[str, Any], file: str | Path) -> IngestError:
    pairs = rows.filter(rows._kind == kind, rows._copy == 1).order_by("_first").limit(SHOWN_LINES)
    shown = ws.engine.to_arrow(pairs.select("_first", "row_number")).to_pylist()
    lines = ", ".join(f"line {p['row_number']} repeats line {p['_first']}" for p in shown)
    more = " …" if int(stats["extra"]) > len(shown) else ""
    n, spend = int(stats["extra"]), float(stats["spend"] or 0.0)
    if kind == "exact":
        return IngestError(
            f"{n:,} duplicate row(s): {lines}{more}, every cell equal; {spend:,.2f} of spend would be counted twice",
            file=file, row=shown[0]["row_number"] if shown else None, expected="one row per key (platform, account, "
            "level, days, entities, breakdowns)",
            hint="the export holds the same rows twice (two downloads pasted together?): remove the copies, "
            "or pass --drop-exact-duplicates to keep one copy of each")
    return IngestError(
        f"{n:,} conflicting duplicate row(s): {lines}{more} with other figures for the same key; "
        f"{spend:,.2f} of spend at stake",
        file=file, row=shown[0]["row_number"] if shown else None, expected="one row per key (platform, account, "
        "level, days, entities, breakdowns)",
        hint="rows with the same campaign, ad, day and breakdowns but different numbers: the file mixes two "
        "exports or a column that tells them apart was removed; --drop-exact-duplicates cannot choose between "
        "them, fix the file")


def _finer(ws: Workspace, new: Any, key: dict[str, Any], hasher: CellHasher, out: Outcome) -> None:
    """Note the rows that share their stored key and differ only in cells mille does not store."""
    groups = new.group_by(**key).aggregate(n=new.count(), cells=new.grain_hash.nunique()) if key else \
        new.aggregate(n=new.count(), cells=new.grain_hash.nunique())
    finer = int(ws.engine.scalar(groups.filter(groups.cells > 1).n.sum()) or 0)
    if finer:
        columns = ", ".join(hasher.varying)
        word = "column" if len(hasher.varying) == 1 else "columns"
        out.notes.append(f"{finer:,} rows differ only in {word} {columns}, which mille does not store "
                         "(or stores coarser); they were added up")
