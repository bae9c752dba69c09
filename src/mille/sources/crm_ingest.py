"""Writing CRM exports to a workspace: amounts converted, sources normalised, newer records win.

Called by :func:`mille.sources.ingest.ingest_paths` inside its one transaction, after the ad
exports of the same call are written (so a contact can name a campaign ingested beside it):

1. **Amounts** get the reporting currency at the rate of their creation day (the workspace's
   ``fx``); deals whose export names no currency are read in the reporting currency (or
   ``--account-currency``), with a warning.
2. **Touches** are normalised (:mod:`mille.sources.crm_sources`): platform, campaign id and name;
   a lead or opportunity record carries its own touch's result.
3. **Replacement by id**: a record whose id (within its CRM) is already held from an earlier
   export is replaced by the newer one, with the touches and links read from it, and the summary
   says which export's records were replaced (``changes``, action ``replaced``). Records the
   newer export does not list are kept: an export of a filtered view is not a deletion.

Re-ingesting the same bytes is skipped before this module is reached.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from mille import schema
from mille.sources.crm_read import CrmRecords
from mille.sources.crm_sources import CampaignIndex, alias_table, normalise
from mille.sources.currency import Rates
from mille.sources.summary import FileIngest, SliceChange
from mille.sources.unified import ARROW_TYPES
from mille.workspace import Workspace

CRM_TABLES = ("crm_leads", "crm_opportunities", "crm_touches", "crm_associations")
ID_COLUMN = {"crm_leads": "lead_id", "crm_opportunities": "opportunity_id"}


def convert_amounts(ws: Workspace, parsed: Any) -> None:
    """amount_reporting from the workspace's rates (before any write: a missing rate is an error)."""
    crm: CrmRecords = parsed.crm
    t = crm.records
    if t is None or crm.target != "crm_opportunities" or t.num_rows == 0:
        return
    currency = t.column("currency")
    if currency.null_count:
        with_amount = int(pc.sum(pc.and_(pc.is_null(currency), pc.is_valid(t.column("amount")))).as_py() or 0)
        if with_amount:
            parsed.warnings.append(
                f"{with_amount:,} amounts carry no currency and were read as {ws.config.reporting_currency} (the "
                "workspace's reporting currency); pass --account-currency if the CRM's currency differs")
        currency = pc.fill_null(currency, ws.config.reporting_currency)
        t = t.set_column(t.schema.get_field_index("currency"), "currency", currency)
    currencies = sorted(c for c in pc.unique(currency).to_pylist() if c)
    if len(currencies) > 1:
        parsed.warnings.append(f"amounts in {len(currencies)} currencies ({', '.join(currencies)}): each converted to "
                               f"{ws.config.reporting_currency} at its creation day's rate")
    rates = Rates(ws.config.fx, ws.config.reporting_currency, ws.path)
    converted = rates.convert(pc.fill_null(t.column("amount"), 0.0).combine_chunks(), currency.combine_chunks(),
                              t.column("created_date").combine_chunks(), file=parsed.path)
    converted = pc.if_else(pc.is_valid(t.column("amount")), converted, pa.scalar(None, pa.float64()))
    crm.records = t.set_column(t.schema.get_field_index("amount_reporting"), "amount_reporting", converted)
    parsed.table = crm.records


def campaign_index(ws: Workspace) -> CampaignIndex:
    """The ad campaigns held (platform, id, name, spend), most spend first on name clashes."""
    t = ws.ad_performance()
    t = t.filter(t.campaign_id.notnull() | t.campaign_name.notnull())
    expr = t.group_by(["platform", "campaign_id", "campaign_name"]).aggregate(spend=t.spend_reporting.sum())
    return CampaignIndex.from_table(ws.engine.to_arrow(expr))


def write_crm(ws: Workspace, parsed: Any, ingest_id: str, index: CampaignIndex
              ) -> tuple[FileIngest, list[SliceChange]]:
    """Write one CRM export (inside the caller's transaction)."""
    crm: CrmRecords = parsed.crm
    aliases = alias_table(ws.config.source_aliases)
    touches = normalise(_stamped(crm.touches, ingest_id), aliases, index)
    matches = _match_counts(touches)
    touches = touches.drop_columns(["match"])
    records = _stamped(crm.records, ingest_id) if crm.records is not None else None
    if records is not None:
        records = _carry_touch(records, touches, ID_COLUMN[crm.target], crm.object)
    links = _stamped(crm.associations, ingest_id)
    _migrate(ws)
    changes = _replace(ws, crm, ingest_id, parsed.source_relation)
    for name, table in ((crm.target, records), ("crm_touches", touches), ("crm_associations", links)):
        if table is not None and table.num_rows:
            ws.engine.insert(name, table)
    rng = crm.date_range()
    warnings = list(parsed.warnings)
    for what, count in crm.skipped.items():
        warnings.append(f"{count} {what}")
    warnings.append(_match_sentence(matches, crm.object, links.num_rows))
    log = {
        "ingest_id": ingest_id, "started_at": datetime.now(UTC).replace(tzinfo=None),
        "source_relation": parsed.source_relation, "path": parsed.path, "file_hash": parsed.file_hash,
        "source_format": parsed.format, "target_table": crm.target, "platform": None, "account_ids": None,
        "level": crm.object, "date_min": rng[0] if rng else None, "date_max": rng[1] if rng else None,
        "rows": crm.rows, "spend": None, "status": "ingested",
        "warnings": json.dumps(warnings, ensure_ascii=False),
        "metadata": json.dumps({"source_system": crm.source_system, "touches": touches.num_rows,
                                "associations": links.num_rows, "matches": matches}, ensure_ascii=False),
    }
    ws.engine.insert("ingests", _rows(schema.INGESTS, [log]))
    entry = FileIngest(
        path=parsed.path, source_relation=parsed.source_relation, status="ingested", format=parsed.format,
        format_label=parsed.format_label, language=parsed.language, encoding=parsed.encoding, platform=None,
        level=crm.object, ingest_id=ingest_id, rows=crm.rows, date_min=rng[0] if rng else None,
        date_max=rng[1] if rng else None, warnings=warnings,
        metadata={"target_table": crm.target, "source_system": crm.source_system, "touches": touches.num_rows,
                  "associations": links.num_rows, "matches": matches},
    )
    return entry, [c.model_copy(update={"ingest_id": ingest_id}) for c in changes]


def _stamped(t: pa.Table, ingest_id: str) -> pa.Table:
    return t.set_column(t.schema.get_field_index("ingest_id"), "ingest_id", pa.array([ingest_id] * t.num_rows, pa.string()))


def _carry_touch(records: pa.Table, touches: pa.Table, id_column: str, obj: str) -> pa.Table:
    """A record's platform and campaign: those of the touch it was created with."""
    own = touches.filter(pc.equal(touches.column("origin_object"), obj)).select(
        ["origin_id", "platform", "campaign_id", "campaign_name"])
    own = own.rename_columns(["_id", "_platform", "_campaign_id", "_campaign_name"])
    keyed = records.append_column("_row", pa.array(range(records.num_rows), pa.int64()))
    joined = keyed.join(own, keys=id_column, right_keys="_id", join_type="left outer", use_threads=False).sort_by("_row")
    for name in ("platform", "campaign_id", "campaign_name"):
        records = records.set_column(records.schema.get_field_index(name), name, joined.column(f"_{name}").combine_chunks())
    return records


def _match_counts(touches: pa.Table) -> dict[str, int]:
    if touches.num_rows == 0:
        return {}
    counts = touches.group_by("match").aggregate([("match", "count")]).to_pylist()
    return {r["match"]: int(r["match_count"]) for r in sorted(counts, key=lambda r: r["match"])}


def _match_sentence(matches: dict[str, int], obj: str, links: int = 0) -> str:
    total = sum(matches.values())
    if not total and obj == "opportunity":
        return (f"no opportunity names a source of its own: they are credited through their {links:,} links to "
                "leads (the leads' touches)")
    if not total:
        return f"no {obj} names a source: nothing to attribute"
    parts = [f"{matches.get(k, 0):,} {label}" for k, label in (
        ("campaign", "matched to an ad campaign"), ("platform", "to a platform only"),
        ("unmatched", "paid-looking but unmatched"), ("unpaid", "unpaid (organic, direct, email…)"),
        ("none", "without a source")) if matches.get(k)]
    return f"{total:,} touches: " + ", ".join(parts) + " (see `mille pipeline` for the unmatched sources)"


def _migrate(ws: Workspace) -> None:
    """CRM tables written by an older mille (declared, never filled) get today's columns."""
    con = ws.engine.con
    for name in CRM_TABLES:
        spec = schema.TABLES[name]
        held = ws.engine.table(name)
        if set(held.columns) == set(spec.names):
            continue
        if int(ws.engine.scalar(held.count())) == 0:
            con.drop_table(name)
            con.create_table(name, schema=spec.ibis_schema())


def _replace(ws: Workspace, crm: CrmRecords, ingest_id: str, source: str) -> list[SliceChange]:
    """Delete records held under the same ids (and what was read from them); say whose they were."""
    if not crm.origin_ids:
        return []
    import ibis

    ids = ibis.memtable(pa.table({"_id": pa.array(crm.origin_ids, pa.string())}))
    changes: list[SliceChange] = []
    if crm.target in ID_COLUMN:
        column = ID_COLUMN[crm.target]
        t = ws.engine.table(crm.target)
        held = t.filter(t.source_system == crm.source_system)
        held = held.semi_join(ids, held[column] == ids._id)
        found = ws.engine.to_arrow(held.group_by(["ingest_id", "source_relation"]).aggregate(
            rows=held.count(), first=held.created_date.min(), last=held.created_date.max())).to_pylist()
        for r in found:
            changes.append(SliceChange(
                action="replaced", ingest_id=ingest_id, source_relation=source, other_ingest_id=r["ingest_id"],
                other_source=r["source_relation"], platform=crm.source_system, level=crm.object,
                date_min=r["first"], date_max=r["last"], rows=int(r["rows"]), spend=0.0))
        if found:
            ws.engine.delete(crm.target, {"source_system": crm.source_system, column: list(crm.origin_ids)})
    else:
        t = ws.engine.table("crm_touches")
        held = t.filter((t.source_system == crm.source_system) & (t.origin_object == crm.object))
        held = held.semi_join(ids, held.origin_id == ids._id)
        found = ws.engine.to_arrow(held.group_by(["ingest_id", "source_relation"]).aggregate(
            rows=held.origin_id.nunique(), first=held.touch_date.min(), last=held.touch_date.max())).to_pylist()
        for r in found:
            changes.append(SliceChange(
                action="replaced", ingest_id=ingest_id, source_relation=source, other_ingest_id=r["ingest_id"],
                other_source=r["source_relation"], platform=crm.source_system, level=crm.object,
                date_min=r["first"], date_max=r["last"], rows=int(r["rows"]), spend=0.0))
    for name in ("crm_touches", "crm_associations"):
        t = ws.engine.table(name)
        held = t.filter((t.source_system == crm.source_system) & (t.origin_object == crm.object))
        if int(ws.engine.scalar(held.semi_join(ids, held.origin_id == ids._id).count())):
            ws.engine.delete(name, {"source_system": crm.source_system, "origin_object": crm.object,
                                    "origin_id": list(crm.origin_ids)})
    return changes


def _rows(spec: schema.Table, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=pa.schema([(c.name, ARROW_TYPES[c.dtype]) for c in spec.columns]))
