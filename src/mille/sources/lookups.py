"""Connector lookup tables: the history tables that name what report tables only number.

Fivetran's report tables carry ids (``campaign_id``, ``customer_id``); names, currencies and time
zones live in ``*_history`` tables with one row per version of each entity. Ingested in the same
call as the reports, the latest version of each entity fills the reports' missing names,
parents, currency and time zone (declared per format as :class:`~mille.sources.format.Join`).
A history table ingested on its own stores nothing: it is reported as a lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from mille.sources.format import Join
    from mille.sources.layout import Layout


@dataclass
class Lookups:
    """Lookup tables by kind (``google_ads.campaign``), each one row per key."""

    tables: dict[str, pa.Table] = field(default_factory=dict)

    def add(self, kind: str, table: pa.Table) -> None:
        if kind in self.tables:
            table = pa.concat_tables([table, self.tables[kind]], promote_options="default")
        self.tables[kind] = table

    def get(self, kind: str) -> pa.Table | None:
        return self.tables.get(kind)

    def __bool__(self) -> bool:
        return bool(self.tables)


def _text(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_floating(column.type):
        column = column.cast(pa.int64(), safe=False) if pc.all(pc.equal(column, pc.round(column))).as_py() else column
    text = pc.utf8_trim_whitespace(column.cast(pa.string()))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def latest_versions(raw: pa.Table, layout: Layout, *, key: str, version: str | None) -> pa.Table:
    """Keep the newest version of each entity (by ``version``, else the last row seen)."""
    columns = {f: _text(raw.column(name)) for f, name in layout.fields.items()}
    table = pa.table(columns)
    order = pa.array(range(table.num_rows), pa.int64())
    table = table.append_column("_order", order)
    sort = [(version, "descending")] if version and version in table.column_names else []
    table = table.sort_by([*sort, ("_order", "descending")])
    firsts = table.group_by(key, use_threads=False).aggregate([("_order", "first")])
    keep = pc.is_in(table.column("_order"), value_set=firsts.column("_order_first"))
    return table.filter(keep).drop_columns(["_order"])


def apply_joins(columns: dict[str, pa.Array], joins: tuple[Join, ...], lookups: Lookups | None) -> list[str]:
    """Fill fact columns from lookups, in the order the joins are declared."""
    if not lookups or not joins:
        return []
    notes: list[str] = []
    for join in joins:
        table = lookups.get(join.kind)
        if table is None or join.key not in columns or join.key not in table.column_names:
            continue
        keys = columns[join.key]
        index = pc.index_in(keys, value_set=table.column(join.key).combine_chunks())
        matched = int(pc.sum(pc.is_valid(index)).as_py() or 0)
        for target in join.fill:
            if target not in table.column_names:
                continue
            values = pc.take(table.column(target).combine_chunks(), index)
            current = columns.get(target)
            columns[target] = values if current is None else pc.coalesce(current, values)
        notes.append(f"{matched} of {len(keys)} rows matched the {join.kind} lookup")
    return notes
