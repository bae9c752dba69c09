"""Summary rows: found, dropped from the facts, and used to reconcile what was kept.

Exports mix totals in with the rows: Google's ``Total: Account`` / ``Total: Search`` (in the first
column), Microsoft's ``Search total``, Meta's account summary row and its ``All`` subtotals.
Summing them in would multiply spend. Each totals row covers the kept rows that agree with it on
every entity and dimension cell it fills (``Total: Search`` also via its label); the sum of those
rows is compared with the printed total, and a difference beyond rounding is reported — a
removed campaign, a filtered view, or rows edited by hand.
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
from mille.sources.layout import Layout

RECONCILED_MEASURES = ("spend", "impressions", "clicks", "conversions", "leads")
_COUNTS = {"impressions", "clicks"}
# Fields whose cells say which rows a totals row covers (not period_end: Meta's subtotals
# carry the whole report's end date).
SCOPE_FIELDS = (
    "date_day", "account_id", "account_name", "campaign_id", "campaign_name", "ad_group_id",
    "ad_group_name", "ad_id", "ad_name", "currency", "country", "region", "device", "network",
    "placement", "age", "gender", "job_function", "seniority", "industry", "company_size",
    "campaign_type",
)


@dataclass
class Reconciliation:
    label: str
    line: int
    measure: str
    total_value: float
    rows_value: float
    rows_covered: int
    difference: float
    reconciled: bool


def totals_mask(raw: pa.Table, layout: Layout, missing: tuple[str, ...]) -> pa.Array:
    rule = layout.format.totals
    mask = pa.array(np.zeros(raw.num_rows, dtype=bool))
    if raw.num_rows == 0:
        return mask
    if rule.labels:
        pattern = "(?i)" + "|".join(f"(?:{rx})" for rx, _ in rule.labels)
        for name in raw.column_names[: rule.label_columns]:
            col = raw.column(name)
            if pa.types.is_string(col.type):
                hit = per_value(col, lambda d: pc.match_substring_regex(pc.utf8_trim_whitespace(d), pattern))
                mask = pc.or_(mask, pc.fill_null(hit, False))
    mapped = set(layout.fields.values())
    measure_cols = {layout.fields[f] for f in layout.fields if f not in SCOPE_FIELDS} | set(layout.ratios.values())
    if rule.subtotal_value:
        for name in raw.column_names:
            col = raw.column(name)
            if name in measure_cols or not pa.types.is_string(col.type):
                continue
            value = rule.subtotal_value
            hit = per_value(col, lambda d, v=value: pc.equal(pc.utf8_trim_whitespace(d), v))
            mask = pc.or_(mask, pc.fill_null(hit, False))
    if rule.summary_when_blank:
        scope = [layout.fields[f] for f in SCOPE_FIELDS if f in layout.fields and f != "currency"]
        blank = pa.array(np.ones(raw.num_rows, dtype=bool))
        for name in scope:
            if name in mapped:
                cell = pc.utf8_trim_whitespace(raw.column(name).cast(pa.string()))
                blank = pc.and_(blank, pc.fill_null(pc.is_in(cell, pa.array(list(missing))), True))
        if scope:
            mask = pc.or_(mask, blank)
    return mask


def _scope(row: dict[str, Any], label_field: str | None, label_value: str | None, layout: Layout,
           missing: set[str], label_cols: set[str]) -> dict[str, str] | None:
    """The cells a totals row pins down; None when its label names a column the file lacks."""
    rule = layout.format.totals
    if label_field and label_value and label_field not in layout.fields:
        return None
    scope: dict[str, str] = {}
    for field in SCOPE_FIELDS:
        name = layout.fields.get(field)
        if name is None or name in label_cols:
            continue
        value = str(row.get(name) or "").strip()
        if value in missing or value == rule.subtotal_value:
            continue
        scope[name] = value
    if label_field and label_value and label_field in layout.fields:
        scope[layout.fields[label_field]] = label_value.strip()
    return scope


def scopes_of(totals_raw: pa.Table, layout: Layout, missing: tuple[str, ...]) -> tuple[list[str], list[dict[str, str] | None]]:
    """Each totals row's label and the cells that say which rows it covers (None: it cannot be
    reconciled, e.g. ``Total: Search`` in a report without a Campaign type column)."""
    rule = layout.format.totals
    compiled = [(re.compile(rx, re.IGNORECASE), field) for rx, field in rule.labels]
    label_cols = list(totals_raw.column_names[: rule.label_columns])
    missing_set = {m.strip() for m in missing}
    scopes: list[dict[str, str] | None] = []
    labels: list[str] = []
    for row in totals_raw.to_pylist():
        label, field, value, used_cols = "", None, None, set()
        for name in label_cols:
            cell = str(row.get(name) or "").strip()
            for rx, target in compiled:
                m = rx.match(cell)
                if m:
                    label, field = cell, target
                    value = m.groupdict().get("value")
                    used_cols.add(name)
                    break
            if label:
                break
        if not label:
            label = _summary_label(row, layout, rule.subtotal_value)
        labels.append(label)
        scopes.append(_scope(row, field if value else None, value, layout, missing_set, used_cols))
    return labels, scopes


def reconciled_measures(kept_measures: dict[str, pa.Array], totals_measures: dict[str, pa.Array]) -> list[str]:
    return [m for m in RECONCILED_MEASURES if m in kept_measures and m in totals_measures]


Sums = list[tuple[int, dict[str, float]]]


def add_sums(a: Sums, b: Sums) -> Sums:
    """Covered rows and sums of two sets of rows (two chunks of one file), added."""
    return [(na + nb, {m: va.get(m, 0.0) + vb.get(m, 0.0) for m in {*va, *vb}})
            for (na, va), (nb, vb) in zip(a, b, strict=True)]


def compare(labels: list[str], scopes: list[dict[str, str] | None], sums: Sums, measures: list[str],
            totals_measures: dict[str, pa.Array], totals_lines: np.ndarray) -> list[Reconciliation]:
    """Every totals row against the sum of the kept rows it covers."""
    out: list[Reconciliation] = []
    for i, (label, scope) in enumerate(zip(labels, scopes, strict=True)):
        if scope is None:
            continue
        covered, values = sums[i]
        for m in measures:
            total = totals_measures[m][i].as_py()
            if total is None:
                continue
            got = float(values.get(m, 0.0))
            diff = float(total) - got
            tolerance = 0.5 if m in _COUNTS else 0.01 + 0.005 * max(covered, 1) + 1e-9 * abs(float(total))
            out.append(Reconciliation(label, int(totals_lines[i]), m, float(total), got, covered,
                                      diff, abs(diff) <= tolerance))
    return out


def _summary_label(row: dict[str, Any], layout: Layout, subtotal: str | None) -> str:
    if subtotal and any(str(v).strip() == subtotal for v in row.values()):
        named = [f"{k}={str(v).strip()}" for k, v in row.items()
                 if k in layout.fields.values() and str(v or "").strip() not in ("", subtotal)
                 and k in {layout.fields.get(f) for f in SCOPE_FIELDS}]
        return f"{subtotal} ({', '.join(named[:3])})" if named else f"{subtotal} (account summary)"
    return "Account summary"


def covered_sums(
    kept_raw: pa.Table, kept_measures: dict[str, pa.Array], scopes: list[dict[str, str]], measures: list[str]
) -> Sums:
    """For each scope, (rows covered, sum of each measure) — one group-by per set of scope keys."""
    data = {m: pc.fill_null(kept_measures[m].cast(pa.float64()), 0.0) for m in measures}
    out: list[tuple[int, dict[str, float]]] = [(0, {}) for _ in scopes]
    by_keys: dict[tuple[str, ...], list[int]] = {}
    for i, scope in enumerate(scopes):
        by_keys.setdefault(tuple(sorted(scope)), []).append(i)
    constant = _constant_columns(kept_raw, {k for keys in by_keys for k in keys})
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
        cols = {f"k{j}": pc.utf8_trim_whitespace(kept_raw.column(k).cast(pa.string())) for j, k in enumerate(keys)}
        table = pa.table({**cols, **{f"m_{m}": v for m, v in data.items()}, "n": pa.array(np.ones(kept_raw.num_rows, np.int64))})
        grouped = table.group_by(list(cols)).aggregate([(f"m_{m}", "sum") for m in measures] + [("n", "sum")])
        index: dict[tuple[str, ...], tuple[int, dict[str, float]]] = {}
        for rec in grouped.to_pylist():
            key = tuple(rec[f"k{j}"] for j in range(len(keys)))
            index[key] = (int(rec["n_sum"]), {m: float(rec[f"m_{m}_sum"] or 0.0) for m in measures})
        for i in members:
            key = tuple(scopes[i][k] for k in keys)
            out[i] = index.get(key, (0, {}))
    return out


def _constant_columns(table: pa.Table, names: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in names:
        distinct = pc.unique(table.column(name))
        if len(distinct) == 1 and distinct[0].is_valid:
            out[name] = str(distinct[0].as_py()).strip()
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
