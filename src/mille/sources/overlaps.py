"""Overlapping exports: the newest export of a slice wins, and spend is never counted twice.

A slice is platform + account + level + days. When a new export covers days already held:

* same level → the older rows for those days are deleted (``replaced``): a re-download restates
  the numbers;
* another level of the hierarchy → the older rows stay, marked ``superseded_by`` the new ingest
  (``superseded``): figures use the new rows, the audit still sees both;
* a *breakdown* (LinkedIn demographics, country pivots) never wins over hierarchy rows: when such
  rows arrive for days already held, it is the new rows that are kept but excluded
  (``excluded``), because breakdowns are partial (privacy thresholds) and would double count.

Accounts are matched on ``account_id`` when the export has one, else on ``account_name``. A file
with neither (Google Ads campaign reports have no account column) is taken to be the same account
as held rows without one only when they share a campaign (by id or name) on the overlapping days:
two advertisers' exports never replace each other. Every change is written to
``slice_replacements`` and reported by the command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mille.workspace import Workspace

_MIN, _MAX = date(1, 1, 1), date(9999, 12, 31)
RESTATED_MEASURES = ("impressions", "clicks", "conversions", "leads")


@dataclass
class Change:
    action: str  # replaced, superseded or excluded
    ingest_id: str  # the newer ingest
    other_ingest_id: str  # the older ingest
    other_source: str
    platform: str
    account: str | None
    level: str  # level of the rows affected
    date_min: date
    date_max: date
    rows: int
    spend: float
    partial: bool = False  # older rows reached outside the new export's days
    # The older rows' other measures, so that the audit can say what a re-download restated.
    measures: dict[str, float | None] = field(default_factory=dict)


def _account_where(s: dict[str, Any]) -> dict[str, Any]:
    if s["account_id"] is not None:
        return {"account_id": s["account_id"]}
    return {"account_id": None, "account_name": s["account_name"]}


def resolve(ws: Workspace, slices: list[dict[str, Any]], ingest_id: str) -> list[Change]:
    """Replace or supersede what the new rows, already written as ``ingest_id``, overlap.

    ``slices``: the new rows' platforms, accounts and levels with their first and last days
    (:meth:`mille.sources.facts.Tally.slice_list`). Working on the written rows, not on rows in
    memory, lets a large file be written chunk by chunk before its overlaps are known.
    """
    changes: list[Change] = []
    table = ws.engine.table("ad_performance")
    held = table.filter(table.ingest_id != ingest_id)
    new = table.filter(table.ingest_id == ingest_id)
    for s in slices:
        start, end = s["date_day_min"], s["period_end_max"]
        account = s["account_id"] if s["account_id"] is not None else s["account_name"]
        base = {"platform": s["platform"], **_account_where(s)}
        expr = held.filter(held.platform == s["platform"], held.date_day <= end, held.period_end >= start)
        for column, value in _account_where(s).items():
            expr = expr.filter(held[column].isnull() if value is None else held[column] == value)
        if int(ws.engine.scalar(expr.count())) == 0:
            continue  # nothing held for these days: the common case, one cheap query
        if s["account_id"] is None and s["account_name"] is None:
            expr = _sharing_campaigns(ws, expr, new, s)
        summary = ws.engine.to_arrow(
            expr.group_by(["ingest_id", "source_relation", "level"]).aggregate(
                rows=expr.count(),
                spend=expr.spend.sum(where=expr.superseded_by.isnull()),
                **{m: expr[m].sum(where=expr.superseded_by.isnull()) for m in RESTATED_MEASURES},
                date_min=expr.date_day.min(),
                date_max=expr.period_end.max(),
                active=(expr.superseded_by.isnull()).cast("int64").sum(),
            ).order_by(["ingest_id", "level"])  # the changes in a stable order
        ).to_pylist()
        window = {"date_day": (_MIN, end), "period_end": (start, _MAX)}
        for old in summary:
            partial = old["date_min"] < start or old["date_max"] > end
            common = dict(action="", ingest_id=ingest_id, other_ingest_id=old["ingest_id"],
                          other_source=old["source_relation"], platform=s["platform"], account=account,
                          level=old["level"], date_min=max(old["date_min"], start),
                          date_max=min(old["date_max"], end), rows=int(old["rows"]),
                          spend=float(old["spend"] or 0.0), partial=partial,
                          measures={m: old[m] for m in RESTATED_MEASURES})
            if old["level"] == s["level"]:
                ws.engine.delete("ad_performance", {**base, "level": s["level"], "ingest_id": old["ingest_id"], **window})
                changes.append(Change(**{**common, "action": "replaced"}))
            elif s["level"] == "breakdown" and old["level"] != "breakdown":
                if not old["active"]:
                    continue
                where = {**base, "level": s["level"], "ingest_id": ingest_id,
                         "date_day": (_MIN, old["date_max"]), "period_end": (old["date_min"], _MAX)}
                marked = _slice(new, s, old["date_min"], old["date_max"])
                spend = float(ws.engine.scalar(marked.spend.sum()) or 0.0)
                n = ws.engine.update("ad_performance", {"superseded_by": old["ingest_id"]}, where)
                changes.append(Change(**{**common, "action": "excluded", "level": "breakdown", "rows": n,
                                         "measures": {}, "spend": spend}))
            else:
                if not old["active"]:
                    continue
                n = ws.engine.update("ad_performance", {"superseded_by": ingest_id},
                                     {**base, "level": old["level"], "ingest_id": old["ingest_id"],
                                      "superseded_by": None, **window})
                changes.append(Change(**{**common, "action": "superseded", "rows": n}))
    return changes


def _sharing_campaigns(ws: Workspace, expr: Any, new: Any, s: dict[str, Any]) -> Any:
    """Rows of unnamed-account ingests that share at least one campaign with the new slice."""
    rows = _slice(new, s, _MIN, _MAX)
    campaigns = ws.engine.to_arrow(rows.select("campaign_id", "campaign_name").distinct())
    ids = [v for v in campaigns.column("campaign_id").to_pylist() if v is not None]
    names = [v for v in campaigns.column("campaign_name").to_pylist() if v is not None]
    if not ids and not names:
        return expr  # an account-level file: nothing to tell accounts apart by
    shared = expr.filter(expr.campaign_id.isin(ids) | expr.campaign_name.isin(names))
    found = ws.engine.to_arrow(shared.select("ingest_id").distinct()).column("ingest_id").to_pylist()
    return expr.filter(expr.ingest_id.isin(found))


def _slice(rows: Any, s: dict[str, Any], start: date, end: date) -> Any:
    """The rows of slice ``s`` whose days overlap [start, end]."""
    expr = rows.filter(rows.level == s["level"], rows.platform == s["platform"],
                       rows.date_day <= end, rows.period_end >= start)
    for column, value in _account_where(s).items():
        expr = expr.filter(expr[column].isnull() if value is None else expr[column] == value)
    return expr
