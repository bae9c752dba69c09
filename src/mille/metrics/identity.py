"""Who a campaign is: entities identified by platform + account + id, not by their name.

Two platforms may both run a campaign called "Q4 ABM", and one campaign may be renamed half way
through a month; grouping by ``campaign_name`` would merge the first pair and split the second.
The virtual dimensions ``campaign``, ``ad_group`` and ``ad`` group by the entity's key instead:

* ``campaign`` → ``platform``, ``account_id``, ``campaign_id``;
* ``ad_group`` → the campaign's key and ``ad_group_id``; ``ad`` → the ad group's key and ``ad_id``.

An export without ids (some UI exports drop them) keys the entity by its name: the id column
then holds ``name:`` followed by the name (:func:`keyed`). Reports label such a segment with the
latest name seen under the key and the platform (``LinkedIn Ads · Q4 ABM``).

A name dimension (``campaign_name``, ``ad_group_name``, ``ad_name``) groups within a platform:
:func:`expand` puts ``platform`` before it unless the caller merges names across platforms on
purpose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir

# virtual dimension → (id column, name column, key columns in order)
ENTITIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "campaign": ("campaign_id", "campaign_name", ("platform", "account_id", "campaign_id")),
    "ad_group": ("ad_group_id", "ad_group_name", ("platform", "account_id", "campaign_id", "ad_group_id")),
    "ad": ("ad_id", "ad_name", ("platform", "account_id", "campaign_id", "ad_group_id", "ad_id")),
}
VIRTUAL_DIMENSIONS = tuple(ENTITIES)
NAME_DIMENSIONS = ("campaign_name", "ad_group_name", "ad_name")
NAME_PREFIX = "name:"
# id column → name column, for every id a key may fall back from
ID_NAMES = {"campaign_id": "campaign_name", "ad_group_id": "ad_group_name", "ad_id": "ad_name"}


def expand(dims: list[str], *, across_platforms: bool = False) -> list[str]:
    """The columns a breakdown by ``dims`` groups on: each virtual dimension becomes its key
    columns, each name dimension gets ``platform`` before it (unless ``across_platforms``);
    a column already present is not repeated."""
    out: list[str] = []
    for dim in dims:
        if dim in ENTITIES:
            parts: tuple[str, ...] = ENTITIES[dim][2]
        elif dim in NAME_DIMENSIONS and not across_platforms:
            parts = ("platform", dim)
        else:
            parts = (dim,)
        out.extend(p for p in parts if p not in out)
    return out


def keyed_ids(dims: list[str]) -> list[str]:
    """The id columns that the virtual dimensions among ``dims`` key by name where missing."""
    return list(dict.fromkeys(c for d in dims if d in ENTITIES for c in id_columns(list(ENTITIES[d][2]))))


def id_columns(keys: list[str]) -> list[str]:
    """The id columns among ``keys`` whose value falls back to the name where it is missing."""
    return [k for k in keys if k in ID_NAMES]


def keyed(t: ir.Table, keys: list[str]) -> ir.Table:
    """``t`` with each id column of ``keys`` replaced by its key: the id, or ``name:`` + the
    name where the export has no id. Computed by the engine, like any other column."""
    import ibis

    ids = id_columns(keys)
    if not ids:
        return t
    return t.mutate(**{c: t[c].fill_null(ibis.literal(NAME_PREFIX).concat(t[ID_NAMES[c]])) for c in ids})


def key_value(value: str | None) -> tuple[str | None, str | None]:
    """A key column's value as (id, name-when-keyed-by-name)."""
    if value is not None and value.startswith(NAME_PREFIX):
        return None, value[len(NAME_PREFIX):]
    return value, None
