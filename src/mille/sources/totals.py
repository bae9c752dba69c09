"""Summary rows: found, dropped from the facts, and used to reconcile what was kept.

Exports mix totals in with the rows: Google's ``Total: Account`` (in whichever column comes
first, or the third in a keyword report), ``Jan-26,Total: Campaigns`` per month, Microsoft's
``Search total``, AdWords' ``Total - filtered``, Meta's account summary row and its ``All``
subtotals. Summing them in would multiply spend. The label vocabulary is
:mod:`mille.sources.labels`; a row is a totals row when a strict label (``Total: …``) stands in
its first column or in a row whose entity cells are blank, or a loose one (``Total``,
``… total``) stands in a row whose other entity cells are blank — so a campaign named
``Total Recall`` or a budget type ``Campaign Total`` stays a row.

Each totals row covers the kept rows that agree with it on every entity, date and dimension cell
it fills (a ``Month`` or ``Device`` cell makes it a per-segment total; ``Total: Search`` also
via its label); cells are compared as keys (dates parsed, text case-folded) so a totals row's
``Jan-26`` meets its rows' ``Jan-26``. The sum of those rows is compared with the printed total.
A total that covers more than the rows shown (``Total: Account``, removed or filtered items, a
campaign type's removed campaigns) is one-sided: rows below it are expected, rows above it are
the contradiction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.errors import IngestError
from mille.sources.distinct import per_value
from mille.sources.labels import LOOSE, STRICT, Label, read_label
from mille.sources.layout import Layout

RECONCILED_MEASURES = ("spend", "impressions", "clicks", "conversions", "leads")
_COUNTS = {"impressions", "clicks"}
# Cells naming the rows a totals row covers; when filled on a totals row they pin its scope.
ENTITY_FIELDS = (
    "campaign_id", "campaign_name", "ad_group_id", "ad_group_name", "ad_id", "ad_name",
    "keyword", "search_term",
)
_IDS = {"campaign_id", "ad_group_id", "ad_id"}
DATE_FIELDS = ("date_day", "week_start", "month_start")
# Fields whose cells say which rows a totals row covers (not period_end: Meta's subtotals carry
# the whole report's end date).
SCOPE_FIELDS = (
    *DATE_FIELDS, "account_id", "account_name", *ENTITY_FIELDS, "match_type", "currency", "country",
    "region", "device", "network", "placement", "age", "gender", "job_function", "seniority", "industry",
    "company_size", "campaign_type",
)
_NOT_SEGMENTS = {"currency", "account_id", "account_name"}  # one per account: no segment of it
# Date keys: every format a segment cell is written in; the same parse on both sides is what counts.
_DATE_KEYS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%b-%y", "%b %Y", "%B %Y", "%Y-%m",
              "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%m/%d/%y", "%d/%m/%y")


@dataclass
class Reconciliation:
    label: str
    line: int
    measure: str
    total_value: float
    rows_value: float
    rows_covered: int
    difference: float
    reconciled: bool  # the difference is within rounding
    label_column: str | None = None  # the column the label stands in
    scope_kind: str = "whole"  # whole, covers_more or segment
    one_sided: bool = False  # rows below the total are expected (removed, filtered, below thresholds)
    scope: str = ""  # the segment cells the total is limited to (`Month=Jan-26`)

    @property
    def contradicts(self) -> bool:
        """Rows and total disagree beyond rounding in a way the label does not explain."""
        return not self.reconciled and (not self.one_sided or self.difference < 0)


@dataclass
class TotalsRow:
    """What one totals row says: its label, where it stands, and the rows it covers."""

    label: str
    label_column: str | None
    scope: dict[str, str] | None  # column -> key; None: cannot be reconciled
    kind: str
    one_sided: bool
    shown: str = ""


def _measure_columns(layout: Layout) -> set[str]:
    return {layout.fields[f] for f in layout.fields if f not in SCOPE_FIELDS} | set(layout.ratios.values())


def _blank(column: pa.Array | pa.ChunkedArray, missing: tuple[str, ...]) -> np.ndarray:
    blanks = pa.array(sorted({m.strip() for m in missing} | {""}), pa.string())
    col = column if pa.types.is_string(column.type) else column.cast(pa.string())
    hit = per_value(col, lambda d: pc.fill_null(pc.is_in(pc.utf8_trim_whitespace(d), blanks), True))
    return np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)


def _label_hits(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(strict, loose) label cells of a text column, matched once per distinct value."""
    distinct = pc.unique(column)
    text = pc.utf8_trim_whitespace(distinct)
    strict = pc.fill_null(pc.match_substring_regex(text, STRICT, ignore_case=True), False)
    loose = pa.array(np.zeros(len(distinct), dtype=bool))
    for rx in LOOSE:
        loose = pc.or_(loose, pc.fill_null(pc.match_substring_regex(text, rx, ignore_case=True), False))
    index = pc.index_in(column, value_set=distinct)
    return (np.asarray(pc.take(strict, index).to_numpy(zero_copy_only=False), dtype=bool),
            np.asarray(pc.take(loose, index).to_numpy(zero_copy_only=False), dtype=bool))


def _vocabulary_mask(raw: pa.Table, layout: Layout, missing: tuple[str, ...]) -> np.ndarray:
    n = raw.num_rows
    out = np.zeros(n, dtype=bool)
    measures = _measure_columns(layout)
    entities = [layout.fields[f] for f in ENTITY_FIELDS if layout.fields.get(f) in raw.column_names]
    names = {layout.fields[f] for f in ENTITY_FIELDS if f in layout.fields and f not in _IDS}
    blank = {e: _blank(raw.column(e), missing) for e in entities}
    everywhere = np.ones(n, dtype=bool)
    all_blank = np.logical_and.reduce([*blank.values(), everywhere])
    first = raw.column_names[0]
    for name in raw.column_names:
        col = raw.column(name)
        if name in measures or not pa.types.is_string(col.type):
            continue
        others = np.logical_and.reduce([b for e, b in blank.items() if e != name] + [everywhere]) \
            if name in blank or name == first else all_blank
        # Where a label here can stand: the first column anywhere; an entity column when the other
        # entity cells are blank; any other column when every entity cell is blank.
        where = everywhere if name == first else (others if name in blank else all_blank)
        idx = np.flatnonzero(where)
        if idx.size == 0:
            continue
        strict, loose = _label_hits(col if idx.size == n else col.take(pa.array(idx)))
        if name == first:
            hit = strict | (loose & others[idx])
        elif name in names:  # a loose label in a name column is a name (`Brand total`) unless
            hit = strict.copy()  # nothing else on the row describes an item
            if loose.any():
                hit[loose] = _bare(raw.take(pa.array(idx[loose])), layout, missing, measures, name)
        else:
            hit = strict | loose
        out[idx[hit]] = True
    return out


def _bare(rows: pa.Table, layout: Layout, missing: tuple[str, ...], measures: set[str], label: str) -> np.ndarray:
    """Rows whose text cells outside the mapped fields (status, budget, labels…) are all blank."""
    mapped = set(layout.fields.values())
    out = np.ones(rows.num_rows, dtype=bool)
    for name in rows.column_names:
        col = rows.column(name)
        if name != label and name not in mapped and name not in measures and pa.types.is_string(col.type):
            out &= _blank(col, missing)
    return out


def totals_mask(raw: pa.Table, layout: Layout, missing: tuple[str, ...]) -> pa.Array:
    rule = layout.format.totals
    mask = np.zeros(raw.num_rows, dtype=bool)
    if raw.num_rows == 0:
        return pa.array(mask)
    if rule.vocabulary:
        mask |= _vocabulary_mask(raw, layout, missing)
    if rule.labels:
        pattern = "|".join(f"(?:{rx})" for rx, _ in rule.labels)
        for name in raw.column_names[: rule.label_columns]:
            col = raw.column(name)
            if pa.types.is_string(col.type):
                hit = per_value(col, lambda d: pc.match_substring_regex(pc.utf8_trim_whitespace(d), pattern,
                                                                        ignore_case=True))
                mask |= np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)
    measure_cols = _measure_columns(layout)
    if rule.subtotal_value:
        for name in raw.column_names:
            col = raw.column(name)
            if name in measure_cols or not pa.types.is_string(col.type):
                continue
            value = rule.subtotal_value
            hit = per_value(col, lambda d, v=value: pc.equal(pc.utf8_trim_whitespace(d), v))
            mask |= np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)
    if rule.summary_when_blank:
        scope = [layout.fields[f] for f in SCOPE_FIELDS if f in layout.fields and f != "currency"]
        if scope:
            mask |= np.logical_and.reduce([_blank(raw.column(c), missing) for c in scope])
    return pa.array(mask)


def key_column(column: pa.Array | pa.ChunkedArray, is_date: bool) -> pa.Array:
    """Cells as comparison keys: trimmed, spaces collapsed, case-folded; dates as ISO days."""
    col = column if pa.types.is_string(column.type) else column.cast(pa.string())

    def keys(distinct: pa.Array) -> pa.Array:
        trimmed = pc.utf8_trim_whitespace(distinct)
        text = pc.utf8_lower(pc.replace_substring_regex(trimmed, r"\s+", " "))
        if not is_date:
            return text
        parsed = None
        for fmt in _DATE_KEYS:
            day = pc.strptime(trimmed, format=fmt, unit="s", error_is_null=True)
            parsed = day if parsed is None else pc.coalesce(parsed, day)
        return pc.coalesce(parsed.cast(pa.date32()).cast(pa.string()), text)

    return per_value(col, keys)


def _legacy_label(row: dict[str, Any], rule: Any, names: list[str]) -> tuple[str, str | None, str | None, str] | None:
    for name in names[: rule.label_columns]:
        cell = str(row.get(name) or "").strip()
        for rx, target in rule.labels:
            m = re.match(rx, cell, re.IGNORECASE)
            if m:
                return cell, target, m.groupdict().get("value"), name
    return None


def _find_label(row: dict[str, Any], names: list[str], measures: set[str]) -> tuple[Label, str] | None:
    found: tuple[Label, str] | None = None
    for name in names:
        if name in measures:
            continue
        label = read_label(str(row.get(name) or ""))
        if label is not None and (label.strict or found is None):
            found = (label, name)
            if label.strict:
                break
    return found


def scopes_of(totals_raw: pa.Table, layout: Layout, missing: tuple[str, ...]) -> list[TotalsRow]:
    """Each totals row's label, the column it stands in, and the cells that say which rows it
    covers (scope None: it cannot be reconciled, e.g. ``Total: Search`` in a report without a
    Campaign type column)."""
    rule = layout.format.totals
    names = list(totals_raw.column_names)
    measures = _measure_columns(layout)
    missing_set = {m.strip() for m in missing} | {""}
    scoped = {layout.fields[f]: f for f in SCOPE_FIELDS if layout.fields.get(f) in names}
    keys = {c: key_column(totals_raw.column(c), f in DATE_FIELDS).to_pylist() for c, f in scoped.items()}
    out: list[TotalsRow] = []
    for i, row in enumerate(totals_raw.to_pylist()):
        label_text, label_col, value_field, value, kind, one_sided = "", None, None, None, "whole", False
        legacy = _legacy_label(row, rule, names) if rule.labels else None
        found = _find_label(row, names, measures) if rule.vocabulary and legacy is None else None
        if legacy is not None:
            label_text, value_field, value, label_col = legacy
            one_sided = value is not None
        elif found is not None:
            label, label_col = found
            label_text, kind, one_sided = label.text, label.kind, label.one_sided
            if label.kind == "other":  # a bucket of items not listed: none of the rows
                out.append(TotalsRow(label_text, label_col, None, "other", True))
                continue
            if label.kind == "value":
                value_field, value = rule.value_field, label.value
                kind = "covers_more" if value_field is None else "whole"
        else:
            label_text = _summary_label(row, layout, rule.subtotal_value)
        if value_field and value and value_field not in layout.fields:
            out.append(TotalsRow(label_text, label_col, None, "segment", one_sided))
            continue
        scope: dict[str, str] = {}
        shown: list[str] = []
        for col, field in scoped.items():
            cell = str(row.get(col) or "").strip()
            if col == label_col or cell in missing_set or cell == rule.subtotal_value:
                continue
            scope[col] = keys[col][i]
            if field not in _NOT_SEGMENTS:
                shown.append(f"{col}={cell}")
        if value_field and value:
            col = layout.fields[value_field]
            scope[col] = key_column(pa.array([value]), value_field in DATE_FIELDS)[0].as_py()
            shown.append(f"{col}={value}")
        kind = "segment" if shown else kind
        out.append(TotalsRow(label_text, label_col, scope, kind, one_sided, ", ".join(dict.fromkeys(shown))))
    return out


def reconciled_measures(kept_measures: dict[str, pa.Array], totals_measures: dict[str, pa.Array]) -> list[str]:
    return [m for m in RECONCILED_MEASURES if m in kept_measures and m in totals_measures]


Sums = list[tuple[int, dict[str, float]]]


def add_sums(a: Sums, b: Sums) -> Sums:
    """Covered rows and sums of two sets of rows (two chunks of one file), added."""
    return [(na + nb, {m: va.get(m, 0.0) + vb.get(m, 0.0) for m in {*va, *vb}})
            for (na, va), (nb, vb) in zip(a, b, strict=True)]


def compare(rows: list[TotalsRow], sums: Sums, measures: list[str], totals_measures: dict[str, pa.Array],
            totals_lines: np.ndarray) -> list[Reconciliation]:
    """Every totals row against the sum of the kept rows it covers."""
    out: list[Reconciliation] = []
    for i, t in enumerate(rows):
        if t.scope is None:
            continue
        covered, values = sums[i]
        for m in measures:
            total = totals_measures[m][i].as_py()
            if total is None:
                continue
            got = float(values.get(m, 0.0))
            diff = float(total) - got
            tolerance = 0.5 if m in _COUNTS else 0.01 + 0.005 * max(covered, 1) + 1e-9 * abs(float(total))
            out.append(Reconciliation(t.label, int(totals_lines[i]), m, float(total), got, covered, diff,
                                      abs(diff) <= tolerance, t.label_column, t.kind, t.one_sided, t.shown))
    return out


def _summary_label(row: dict[str, Any], layout: Layout, subtotal: str | None) -> str:
    if subtotal and any(str(v).strip() == subtotal for v in row.values()):
        named = [f"{k}={str(v).strip()}" for k, v in row.items()
                 if k in layout.fields.values() and str(v or "").strip() not in ("", subtotal)
                 and k in {layout.fields.get(f) for f in SCOPE_FIELDS}]
        return f"{subtotal} ({', '.join(named[:3])})" if named else f"{subtotal} (account summary)"
    return "Account summary"


def covered_sums(kept_raw: pa.Table, kept_measures: dict[str, pa.Array], scopes: list[dict[str, str]],
                 measures: list[str], layout: Layout) -> Sums:
    """For each scope, (rows covered, sum of each measure) — one group-by per set of scope keys."""
    data = {m: pc.fill_null(kept_measures[m].cast(pa.float64()), 0.0) for m in measures}
    out: list[tuple[int, dict[str, float]]] = [(0, {}) for _ in scopes]
    by_keys: dict[tuple[str, ...], list[int]] = {}
    for i, scope in enumerate(scopes):
        by_keys.setdefault(tuple(sorted(scope)), []).append(i)
    dates = {layout.fields[f] for f in DATE_FIELDS if f in layout.fields}
    cells = {k: key_column(kept_raw.column(k), k in dates) for keys in by_keys for k in keys}
    constant = _constant_columns(cells)
    for keys, members in list(by_keys.items()):
        # A scope cell on a column with one value in every kept row (the currency of a one-account
        # report) either covers all rows or none: no grouping needed for it.
        fixed = [k for k in keys if k in constant]
        if fixed:
            for i in members:
                if any(scopes[i][k] != constant[k] for k in fixed):
                    out[i] = (0, {})
                    continue
                by_keys.setdefault(tuple(k for k in keys if k not in constant), []).append(i)
            del by_keys[keys]
    for keys, members in by_keys.items():
        if not keys:
            totals = {m: float(pc.sum(v).as_py() or 0.0) for m, v in data.items()}
            for i in members:
                out[i] = (kept_raw.num_rows, totals)
            continue
        cols = {f"k{j}": cells[k] for j, k in enumerate(keys)}
        table = pa.table({**cols, **{f"m_{m}": v for m, v in data.items()}, "n": pa.array(np.ones(kept_raw.num_rows, np.int64))})
        grouped = table.group_by(list(cols)).aggregate([(f"m_{m}", "sum") for m in measures] + [("n", "sum")])
        index: dict[tuple[str, ...], tuple[int, dict[str, float]]] = {}
        for rec in grouped.to_pylist():
            key = tuple(rec[f"k{j}"] for j in range(len(keys)))
            index[key] = (int(rec["n_sum"]), {m: float(rec[f"m_{m}_sum"] or 0.0) for m in measures})
        for i in members:
            out[i] = index.get(tuple(scopes[i][k] for k in keys), (0, {}))
    return out


def _constant_columns(cells: dict[str, pa.Array]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, column in cells.items():
        distinct = pc.unique(column)
        if len(distinct) == 1 and distinct[0].is_valid:
            out[name] = str(distinct[0].as_py())
    return out


def parse_totals_measures(
    totals_raw: pa.Table, layout: Layout, parse: Any, warnings: list[str]
) -> dict[str, pa.Array]:
    """The printed totals, parsed like the rows; a totals cell that is not a number is skipped."""
    out: dict[str, pa.Array] = {}
    for m in (*RECONCILED_MEASURES, "spend_micros"):
        name = layout.fields.get(m)
        if name is None or totals_raw.num_rows == 0:
            continue
        try:
            values = parse(totals_raw.column(name), m)
        except IngestError as exc:
            warnings.append(f"a totals row has an unreadable {m} ({exc.value!r}); not reconciled")
            continue
        if m == "spend_micros":
            out["spend"] = pc.divide(values, 1e6)
        else:
            out[m] = values
    return out
