"""Campaign naming conventions: dimensions parsed out of names, misfits counted and listed.

``mille.yaml`` may say ``naming_convention: {pattern: "{region}_{objective}_{audience}_{offer}"}``.
Every distinct name (of ``applies_to``, campaign names by default) is matched once against the
pattern's regular expression; matching names give their rows the fields' values (lower-cased;
a convention value replaces what the export said, since the convention is the team's own
taxonomy); names that don't match — or hold a value outside ``allowed`` — are kept as they are,
counted and listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from mille.config import NamingConvention


@dataclass
class NamingOutcome:
    names: int = 0  # distinct names checked
    matched: int = 0
    unmatched: list[str] = field(default_factory=list)
    unmatched_rows: int = 0
    checked: list[str] = field(default_factory=list)  # the distinct names checked


def apply_convention(table: pa.Table, convention: NamingConvention) -> tuple[pa.Table, NamingOutcome]:
    column = convention.applies_to
    names = table.column(column).combine_chunks()
    if len(names) == 0:
        return table, NamingOutcome()
    unique = pc.unique(names.drop_null())
    parsed = pc.extract_regex(unique, convention.regex())
    ok = pc.is_valid(parsed)
    values: dict[str, pa.Array] = {}
    for name in convention.fields:
        part = pc.struct_field(parsed, name)
        part = pc.if_else(ok, pc.utf8_lower(pc.utf8_trim_whitespace(part)), pa.scalar(None, pa.string()))
        allowed = convention.allowed.get(name)
        if allowed:
            inside = pc.fill_null(pc.is_in(part, pa.array([a.lower() for a in allowed])), False)
            ok = pc.and_(ok, inside)
        values[name] = part
    index = pc.index_in(names, value_set=unique)
    matched_rows = pc.take(ok, index)
    out = table
    for name, part in values.items():
        per_row = pc.take(pc.if_else(ok, part, pa.scalar(None, pa.string())), index)
        position = out.schema.get_field_index(name)
        current = out.column(position).combine_chunks()
        merged = pc.if_else(pc.fill_null(matched_rows, False), per_row, current)
        out = out.set_column(position, name, merged.cast(out.schema.field(name).type))
    misfits = pc.filter(unique, pc.invert(ok)).to_pylist()
    unmatched_rows = int(pc.sum(pc.and_(pc.is_valid(names), pc.invert(pc.fill_null(matched_rows, False)))).as_py() or 0)
    outcome = NamingOutcome(
        names=len(unique),
        matched=len(unique) - len(misfits),
        unmatched=sorted(misfits),
        unmatched_rows=unmatched_rows,
        checked=unique.to_pylist(),
    )
    return out, outcome
