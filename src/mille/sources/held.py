"""What a workspace holds, per ingest (``mille sources``), and dropping one (``sources remove``).

Removing an ingest deletes its rows and gives back to the figures the older rows it had
superseded (other levels). Rows it *replaced* (same level) were deleted when it arrived; the
result lists them, so the older export can be re-ingested after removing it too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from mille.errors import InputError, suggestion
from mille.sources.summary import HeldSource, SliceChange, SourceRemoved, SourcesList
from mille.workspace import Workspace


def list_sources(ws: Workspace) -> SourcesList:
    """One row per ingest still held: what, where from, which days, rows and spend counted."""
    log = ws.engine.table("ingests")
    ingests = ws.engine.to_arrow(log.filter(log.status == "ingested").order_by("started_at")).to_pylist()
    facts = ws.engine.table("ad_performance")
    counted = facts.superseded_by.isnull()
    stats = ws.engine.to_arrow(
        facts.group_by(["ingest_id", "currency"]).aggregate(
            rows=facts.count(),
            counted=counted.cast("int64").sum(),
            spend=facts.spend.sum(where=counted),
            spend_reporting=facts.spend_reporting.sum(where=counted),
            date_min=facts.date_day.min(),
            date_max=facts.period_end.max(),
        )
    ).to_pylist()
    by_ingest: dict[str, dict[str, Any]] = {}
    for s in stats:
        agg = by_ingest.setdefault(s["ingest_id"], {"rows": 0, "counted": 0, "spend": {}, "spend_reporting": 0.0,
                                                     "date_min": None, "date_max": None})
        agg["rows"] += int(s["rows"])
        agg["counted"] += int(s["counted"] or 0)
        if s["spend"] is not None:
            agg["spend"][s["currency"] or "?"] = float(s["spend"])
        agg["spend_reporting"] += float(s["spend_reporting"] or 0.0)
        agg["date_min"] = _min(agg["date_min"], s["date_min"])
        agg["date_max"] = _max(agg["date_max"], s["date_max"])
    sources = []
    for row in ingests:
        agg = by_ingest.get(row["ingest_id"], {"rows": 0, "counted": 0, "spend": {}, "spend_reporting": 0.0,
                                               "date_min": None, "date_max": None})
        sources.append(HeldSource(
            ingest_id=row["ingest_id"], source_relation=row["source_relation"], path=row["path"],
            format=row["source_format"], platform=row["platform"], accounts=row["account_ids"], level=row["level"],
            date_min=agg["date_min"], date_max=agg["date_max"], rows_written=int(row["rows"] or 0),
            rows_held=agg["rows"], rows_counted=agg["counted"], spend=agg["spend"],
            spend_reporting=agg["spend_reporting"], ingested_at=row["started_at"],
        ))
    return SourcesList(workspace=str(ws.path), reporting_currency=ws.config.reporting_currency, sources=sources)


def _min(a: date | None, b: date | None) -> date | None:
    return b if a is None else (a if b is None else min(a, b))


def _max(a: date | None, b: date | None) -> date | None:
    return b if a is None else (a if b is None else max(a, b))


def remove_source(ws: Workspace, which: str) -> SourceRemoved:
    """Drop one ingest, named by its id or its file name (or path)."""
    log = ws.engine.table("ingests")
    held = ws.engine.to_arrow(log.filter(log.status == "ingested")).to_pylist()
    matches = [r for r in held if which in (r["ingest_id"], r["source_relation"], r["path"])]
    if not matches:
        raise InputError(f"no ingest `{which}` is held", hint=suggestion(which, [r["ingest_id"] for r in held]
                         + [r["source_relation"] for r in held]) + "; the `ingest` column of `mille sources` lists the ids")
    if len(matches) > 1:
        ids = ", ".join(r["ingest_id"] for r in matches)
        raise InputError(f"`{which}` names {len(matches)} ingests ({ids})", hint="give the ingest id instead (the `ingest` column of `mille sources`)")
    target = matches[0]
    ingest_id = target["ingest_id"]
    replaced = _replaced_by(ws, ingest_id)
    with ws.engine.transaction():
        removed = ws.engine.delete("ad_performance", {"ingest_id": ingest_id})
        # A CRM export's records, and the touches and links read from them.
        removed += sum(ws.engine.delete(name, {"ingest_id": ingest_id}) for name in ("crm_leads", "crm_opportunities"))
        for name in ("crm_touches", "crm_associations"):
            ws.engine.delete(name, {"ingest_id": ingest_id})
        restored = ws.engine.update("ad_performance", {"superseded_by": None}, {"superseded_by": ingest_id})
        ws.engine.update("ingests", {"status": "removed"}, {"ingest_id": ingest_id})
    return SourceRemoved(ingest_id=ingest_id, source_relation=target["source_relation"], rows_removed=removed,
                         rows_restored=restored, not_restorable=replaced)


def _replaced_by(ws: Workspace, ingest_id: str) -> list[SliceChange]:
    t = ws.engine.table("slice_replacements")
    rows = ws.engine.to_arrow(t.filter((t.ingest_id == ingest_id) & (t.action == "replaced"))).to_pylist()
    if not rows:
        return []
    log = ws.engine.table("ingests")
    names = dict(zip(*[ws.engine.to_arrow(log.select("ingest_id", "source_relation")).column(c).to_pylist()
                       for c in ("ingest_id", "source_relation")], strict=True))
    return [SliceChange(action="replaced", ingest_id=ingest_id, source_relation=names.get(ingest_id, ""),
                        other_ingest_id=r["replaced_ingest_id"], other_source=names.get(r["replaced_ingest_id"], ""),
                        platform=r["platform"] or "", account=r["account_id"], level=r["level"] or "",
                        date_min=r["date_min"], date_max=r["date_max"], rows=int(r["rows"] or 0),
                        spend=float(r["spend"] or 0.0)) for r in rows]
