"""Segments that are entities: one cell per campaign (ad group, ad), labelled by its latest name.

``--by campaign`` groups by the campaign's key — platform, account, id (or ``name:`` + the name
where an export has no id; see :mod:`mille.metrics.identity`) — so a campaign renamed half way
through the month is one cell, and two platforms' "Q4 ABM" are two. Its label is the latest name
seen under the key (by day), with the platform: ``LinkedIn Ads · Q4 ABM``. ``--by campaign_name``
groups names within a platform, labelled the same way, unless names are merged across platforms
on purpose (``across_platforms``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from mille.metrics.identity import ENTITIES, NAME_DIMENSIONS, keyed, keyed_ids
from mille.platforms import label as platform_label
from mille.workspace import Workspace

NOT_SET = "(not set)"
SEP = " · "


def labels(
    ws: Workspace, t: Any, dims: list[str], keys: list[str], segments: list[tuple], until: date,
    *, across_platforms: bool = False,
) -> dict[tuple, str]:
    """The label of every segment of ``keys`` when ``dims`` name an entity or a name within a
    platform; empty when plain labels do (platform × country…)."""
    entity = [d for d in dims if d in ENTITIES]
    named = [d for d in dims if d in NAME_DIMENSIONS and not across_platforms]
    if not entity and not named:
        return {}
    latest = {d: _latest_names(ws, t, d, until) for d in entity}
    out: dict[tuple, str] = {}
    for seg in segments:
        value = dict(zip(keys, seg, strict=True))
        parts = []
        for d in dims:
            if d in latest:
                key_cols = ENTITIES[d][2]
                ident = tuple(value[c] for c in key_cols)
                name = latest[d].get(ident) or _id_text(value[ENTITIES[d][0]])
                parts.append(_with_platform(value.get("platform"), name))
            elif d in named:
                parts.append(_with_platform(value.get("platform"), value[d]))
            elif d == "platform" and entity:
                continue  # the entity's label names its platform already
            else:
                parts.append(NOT_SET if value[d] is None else str(value[d]))
        out[seg] = " × ".join(parts)
    return out


def _latest_names(ws: Workspace, t: Any, dim: str, until: date) -> dict[tuple, str | None]:
    """key → the name last seen under it up to ``until``: one grouped engine query."""
    _, name_col, key_cols = ENTITIES[dim]
    rows = keyed(t.filter(t.date_day <= until), keyed_ids([dim]))
    expr = rows.group_by(list(key_cols)).aggregate(name=rows[name_col].argmax(rows.date_day))
    table = ws.engine.to_arrow(expr).to_pylist()
    return {tuple(r[c] for c in key_cols): r["name"] for r in table}


def _id_text(value: str | None) -> str:
    if value is None:
        return NOT_SET
    return value.split(":", 1)[1] if value.startswith("name:") else value


def _with_platform(platform: str | None, name: str | None) -> str:
    shown = NOT_SET if name is None else str(name)
    return f"{platform_label(platform, platform)}{SEP}{shown}" if platform else shown
