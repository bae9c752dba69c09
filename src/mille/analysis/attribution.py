"""Attribution: which CRM leads and opportunities each campaign's spend is credited with.

    from mille.analysis.attribution import attribute, Rule
    credits = attribute(ws, Rule(90, "first_touch"), measures)   # -> Credits

The rule (docs/pipeline.md states it for a reader):

* A **touch** is a dated source of a record (``crm_touches``): the source a lead was created
  with, a campaign-member response, an opportunity's own campaign. It counts only when it is
  matched to an ad platform (and, where it names one, an ad campaign) — see
  :mod:`mille.sources.crm_sources`.
* A touch is **in the window** of ``N`` days when its campaign (its platform, for a touch matched
  to a platform only) had delivery — spend or impressions — on some day from ``N`` days before
  the touch up to the touch's own day: ``0 ≤ touch − delivery ≤ N``.
* A **lead** is credited through its in-window touches dated on or before its creation.
* An **opportunity** is credited through the in-window touches of its leads (associations and
  its own ``lead_id``) and its own touches, dated from ``N`` days before its creation up to its
  creation: ``0 ≤ created − touch ≤ N``.
* The **model** shares one record among its eligible touches: ``first_touch`` (all to the
  earliest), ``last_touch`` (all to the latest), ``linear`` (equally). Touches on the same day
  are ordered by kind (created, response, campaign) then origin id: first touch takes the first
  of them, last touch the last.
* Credited values count in the period of the **touch's day** (its cohort), unless the measure
  names another ``time`` column of the record (e.g. ``close_date``).

Records with no eligible touch are not attributed; :class:`Credits` counts them by reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.errors import QueryError
from mille.sources.crm_ingest import campaign_index
from mille.sources.crm_sources import alias_table, normalise

if TYPE_CHECKING:
    from mille.metrics.model import Measure
    from mille.workspace import Workspace

MODELS = ("first_touch", "last_touch", "linear")
RECORD_TABLES = {"crm_leads": ("lead", "lead_id"), "crm_opportunities": ("opportunity", "opportunity_id")}
REASONS = ("attributed", "outside_window", "unmatched", "unpaid", "no_touch")
KIND_ORDER = {"created": 0, "response": 1, "campaign": 2}
_SHIFT = np.int64(1 << 22)  # day numbers (since 1970) fit below 2**22


@dataclass(frozen=True)
class Rule:
    days: int
    model: str

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise QueryError(f"unknown attribution model `{self.model}`", expected=", ".join(MODELS))
        if self.days < 0:
            raise QueryError("an attribution window is a number of days ≥ 0", value=self.days)

    @property
    def label(self) -> str:
        return f"{self.days}d {self.model.replace('_', ' ')}"


@dataclass
class Credits:
    """Credited rows and what was left unattributed, for one rule."""

    rule: Rule
    # One row per (record, credited touch): record_type, record_id, source_system, day (the touch's
    # day), touch_day, platform, campaign_key, campaign_id, campaign_name, credit (sums to 1 per
    # attributed record), created (the record's creation day).
    rows: pa.Table
    # Per record type: every record's creation day and reason (an index into REASONS).
    records: dict[str, pa.Table] = field(default_factory=dict)

    def reasons(self, record_type: str, start: date | None = None, end: date | None = None) -> dict[str, int]:
        """Records created in [start, end] (all when not given) per reason, and their total."""
        t = self.records[record_type]
        days = t.column("created")
        keep = np.ones(t.num_rows, dtype=bool)
        if start is not None:
            keep &= pc.greater_equal(days, start).to_numpy(zero_copy_only=False)
        if end is not None:
            keep &= pc.less_equal(days, end).to_numpy(zero_copy_only=False)
        codes = t.column("reason").to_numpy(zero_copy_only=False)[keep]
        counts = np.bincount(codes, minlength=len(REASONS))
        return {"records": int(keep.sum()), **{r: int(counts[i]) for i, r in enumerate(REASONS)}}

    def lags(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(touch day, lag in days from the credited touch to the opportunity's creation, credit)
        of every credited opportunity touch."""
        t = self.rows.filter(pc.equal(self.rows.column("record_type"), "opportunity"))
        day = _days(t.column("day"))
        return day, _days(t.column("created")) - day, t.column("credit").to_numpy(zero_copy_only=False)


def campaign_key(platform: pa.Array, campaign_id: pa.Array, campaign_name: pa.Array) -> pa.Array:
    """One text key per ad campaign: its id where it has one, else its name; ``*`` for a touch
    matched to a platform only."""
    ident = pc.if_else(pc.is_valid(campaign_id), pc.binary_join_element_wise("id:", campaign_id, ""),
                       pc.if_else(pc.is_valid(campaign_name), pc.binary_join_element_wise("name:", campaign_name, ""),
                                  pa.scalar("*")))
    return pc.binary_join_element_wise(pc.fill_null(platform, "?"), ident, "|")


def touches(ws: Workspace) -> pa.Table:
    """Every touch held, normalised with today's aliases and the ad campaigns held now."""
    t = ws.engine.table("crm_touches")
    cols = ["source_system", "origin_object", "origin_id", "record_type", "record_id", "touch_date", "touch_kind",
            "utm_source", "utm_medium", "utm_campaign", "utm_id", "crm_campaign", "original_source",
            "original_source_detail", "platform", "campaign_id", "campaign_name"]
    raw = ws.engine.to_arrow(t.select(cols))
    return normalise(raw, alias_table(ws.config.source_aliases), campaign_index(ws))


def delivery(ws: Workspace) -> tuple[pa.Array, np.ndarray]:
    """(campaign keys, day numbers) of every campaign-day and platform-day with spend or
    impressions; multi-day rows deliver on each day of their span."""
    t = ws.ad_performance()
    t = t.filter((t.spend_reporting > 0) | (t.impressions > 0))
    expr = t.group_by(["platform", "campaign_id", "campaign_name", "date_day", "period_end"]).aggregate(n=t.count())
    d = ws.engine.to_arrow(expr)
    start = d.column("date_day").cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
    end = d.column("period_end").cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)
    span = end - start + 1
    rows = np.repeat(np.arange(d.num_rows), span)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(span) - span, span)
    days = start[rows] + offset
    keys = campaign_key(d.column("platform"), d.column("campaign_id"), d.column("campaign_name")).combine_chunks()
    platform_keys = campaign_key(d.column("platform"), pa.nulls(d.num_rows, pa.string()),
                                 pa.nulls(d.num_rows, pa.string())).combine_chunks()
    take = pa.array(rows)
    return pa.concat_arrays([keys.take(take), platform_keys.take(take)]), np.concatenate([days, days])


def in_window(touch_keys: pa.Array, touch_days: np.ndarray, del_keys: pa.Array, del_days: np.ndarray,
              days: int) -> np.ndarray:
    """For every touch: did its campaign deliver on a day in [touch − days, touch]?"""
    if len(touch_days) == 0:
        return np.zeros(0, dtype=bool)
    vocab = pc.unique(pa.concat_arrays([del_keys.cast(pa.string()), touch_keys.cast(pa.string())]))
    dk = pc.index_in(del_keys, value_set=vocab).to_numpy(zero_copy_only=False).astype(np.int64)
    tk = pc.index_in(touch_keys, value_set=vocab).to_numpy(zero_copy_only=False).astype(np.int64)
    delivered = np.unique(dk * _SHIFT + del_days.astype(np.int64))
    if len(delivered) == 0:  # no ad delivery held: no touch can be in a window
        return np.zeros(len(touch_days), dtype=bool)
    probe = tk * _SHIFT + touch_days.astype(np.int64)
    pos = np.searchsorted(delivered, probe, side="right") - 1
    found = pos >= 0
    last = np.where(found, delivered[np.maximum(pos, 0)], -1)
    same = found & (last // _SHIFT == tk)
    gap = probe - last
    return same & (gap >= 0) & (gap <= days)


def attribute(ws: Workspace, rule: Rule) -> Credits:
    """Credit every lead and opportunity held under ``rule`` (see the module docstring)."""
    t = touches(ws)
    del_keys, del_days = delivery(ws)
    keys = campaign_key(t.column("platform"), t.column("campaign_id"), t.column("campaign_name")).combine_chunks()
    tdays = _days(t.column("touch_date"))
    matched = pc.is_in(t.column("match"), pa.array(["campaign", "platform"])).to_numpy(zero_copy_only=False)
    valid = in_window(keys, tdays, del_keys, del_days, rule.days) & matched
    t = t.append_column("_key", keys).append_column("_valid", pa.array(valid)).append_column(
        "_order", pa.array(_touch_order(t)))
    leads = ws.engine.to_arrow(ws.engine.table("crm_leads").select("source_system", "lead_id", "created_date"))
    opps_t = ws.engine.table("crm_opportunities")
    opps = ws.engine.to_arrow(opps_t.select("source_system", "opportunity_id", "lead_id", "created_date"))
    links = _links(ws, opps)
    lead_touches = t.filter(pc.equal(t.column("record_type"), "lead"))
    lead_rows, lead_reasons = _credit(
        "lead", leads.select(["source_system", "lead_id", "created_date"]).rename_columns(["source_system", "record_id", "created"]),
        lead_touches.select(_TOUCH_COLS).rename_columns(_TOUCH_NAMES), rule, before_only=True)
    # An opportunity's touches: those of its leads (through the links) and its own.
    via_leads = links.join(lead_touches.select(_TOUCH_COLS).rename_columns(_TOUCH_NAMES),
                           keys=["source_system", "lead_id"], right_keys=["source_system", "record_id"],
                           join_type="inner", use_threads=False)
    own = t.filter(pc.equal(t.column("record_type"), "opportunity")).select(_TOUCH_COLS).rename_columns(_TOUCH_NAMES)
    opp_touches = pa.concat_tables([via_leads.select(own.column_names).cast(own.schema), own])
    opp_rows, opp_reasons = _credit(
        "opportunity", opps.select(["source_system", "opportunity_id", "created_date"]).rename_columns(["source_system", "record_id", "created"]),
        opp_touches, rule, before_only=False)
    return Credits(rule, pa.concat_tables([lead_rows, opp_rows]), {"lead": lead_reasons, "opportunity": opp_reasons})


_TOUCH_COLS = ["source_system", "record_id", "touch_date", "match", "_key", "_valid", "_order", "platform",
               "campaign_id", "campaign_name"]
_TOUCH_NAMES = ["source_system", "record_id", "touch_date", "match", "key", "valid", "order", "platform",
                "campaign_id", "campaign_name"]


def _links(ws: Workspace, opps: pa.Table) -> pa.Table:
    """(source_system, record_id = opportunity, lead_id), distinct: associations and lead_id."""
    a = ws.engine.to_arrow(ws.engine.table("crm_associations").select("source_system", "opportunity_id", "lead_id"))
    own = opps.filter(pc.is_valid(opps.column("lead_id"))).select(["source_system", "opportunity_id", "lead_id"])
    both = pa.concat_tables([a.cast(own.schema), own])
    both = both.group_by(["source_system", "opportunity_id", "lead_id"], use_threads=False).aggregate([])
    return both.rename_columns(["source_system", "record_id", "lead_id"])


def _touch_order(t: pa.Table) -> np.ndarray:
    kind = np.array([KIND_ORDER.get(k, 3) for k in t.column("touch_kind").to_pylist()], dtype=np.int64) \
        if t.num_rows < 50_000 else _kind_codes(t.column("touch_kind"))
    origin = pc.sort_indices(pc.fill_null(t.column("origin_id"), ""))
    rank = np.empty(t.num_rows, dtype=np.int64)
    rank[origin.to_numpy()] = np.arange(t.num_rows)
    return kind * t.num_rows + rank


def _kind_codes(kinds: pa.ChunkedArray) -> np.ndarray:
    distinct = pc.unique(kinds)
    codes = pa.array([KIND_ORDER.get(k, 3) for k in distinct.to_pylist()], pa.int64())
    return pc.take(codes, pc.index_in(kinds, value_set=distinct)).to_numpy(zero_copy_only=False)


def _days(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return column.cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)


def _credit(record_type: str, records: pa.Table, touched: pa.Table, rule: Rule, *, before_only: bool
            ) -> tuple[pa.Table, pa.Table]:
    """Credit rows for one record type, and every record's creation day and reason."""
    n_records = records.num_rows
    j = touched.join(records, keys=["source_system", "record_id"], join_type="inner", use_threads=False)
    created, tday = _days(j.column("created")), _days(j.column("touch_date"))
    gap = created - tday
    eligible = j.column("valid").to_numpy(zero_copy_only=False) & (gap >= 0)
    if not before_only:
        eligible &= gap <= rule.days
    # Reasons, per record: the best state any of its touches reached.
    rec_index = _record_index(records, j)
    match = j.column("match").to_numpy(zero_copy_only=False)
    state = np.full(len(j), 4, dtype=np.int64)  # no_touch
    state[match == "unpaid"] = 3
    state[match == "unmatched"] = 2
    state[np.isin(match, ["campaign", "platform"])] = 1  # outside_window
    state[eligible] = 0
    best = np.full(n_records, 4, dtype=np.int64)
    np.minimum.at(best, rec_index, state)
    reasons = pa.table({"created": records.column("created"), "reason": pa.array(best, pa.int8())})
    e = j.filter(pa.array(eligible))
    idx = rec_index[eligible]
    if e.num_rows == 0:
        return _empty_rows(), reasons
    order_key = e.column("order").to_numpy(zero_copy_only=False)
    days = _days(e.column("touch_date"))
    if rule.model == "linear":
        counts = np.bincount(idx, minlength=n_records)
        credit = 1.0 / counts[idx]
        keep = np.arange(e.num_rows)
    else:
        sign = 1 if rule.model == "first_touch" else -1
        sort = np.lexsort((sign * order_key, sign * days, idx))
        first = np.ones(len(sort), dtype=bool)
        first[1:] = idx[sort][1:] != idx[sort][:-1]
        keep = sort[first]
        credit = np.ones(len(keep))
    e = e.take(pa.array(keep))
    n = e.num_rows
    return pa.table({
        "record_type": pa.array([record_type] * n, pa.string()),
        "record_id": e.column("record_id"),
        "source_system": e.column("source_system"),
        "day": e.column("touch_date"),
        "created": e.column("created"),
        "platform": e.column("platform"),
        "campaign_key": e.column("key"),
        "campaign_id": e.column("campaign_id"),
        "campaign_name": e.column("campaign_name"),
        "credit": pa.array(credit, pa.float64()),
    }), reasons


def _record_index(records: pa.Table, j: pa.Table) -> np.ndarray:
    keys = pc.binary_join_element_wise(records.column("source_system"), records.column("record_id"), "\x1f")
    probe = pc.binary_join_element_wise(j.column("source_system"), j.column("record_id"), "\x1f")
    return pc.index_in(probe, value_set=keys).to_numpy(zero_copy_only=False).astype(np.int64)


def _empty_rows() -> pa.Table:
    return pa.table({
        "record_type": pa.array([], pa.string()), "record_id": pa.array([], pa.string()),
        "source_system": pa.array([], pa.string()), "day": pa.array([], pa.date32()),
        "created": pa.array([], pa.date32()), "platform": pa.array([], pa.string()),
        "campaign_key": pa.array([], pa.string()), "campaign_id": pa.array([], pa.string()),
        "campaign_name": pa.array([], pa.string()), "credit": pa.array([], pa.float64()),
    })


def measure_values(ws: Workspace, measures: list[Measure]) -> dict[str, pa.Table]:
    """Per CRM table: (source_system, record_id, one column per measure, and its time column if
    the measure names one) — a record's value for each measure (0 where its filter fails)."""
    import ibis

    from mille.metrics import compile_filter
    from mille.schema import TABLES

    out: dict[str, pa.Table] = {}
    for table_name, (_, id_col) in RECORD_TABLES.items():
        mine = [m for m in measures if m.table == table_name]
        if not mine:
            continue
        t = ws.engine.table(table_name)
        spec = TABLES[table_name]
        cols = {"source_system": t.source_system, "record_id": t[id_col]}
        for m in mine:
            if m.agg not in ("sum", "count"):
                raise QueryError(f"measure `{m.name}` ({m.agg}) cannot be attributed: only sums and counts can be "
                                 "shared between touches", hint="use agg: sum or count")
            value = ibis.literal(1.0) if m.column is None else t[m.column].cast("float64")
            if m.agg == "count" and m.column is not None:
                value = ibis.ifelse(t[m.column].isnull(), 0.0, 1.0)
            value = value.fill_null(0.0)
            if m.filter:
                value = ibis.ifelse(compile_filter(m.filter, t, spec).fill_null(False), value, 0.0)
            cols[m.name] = value
            if m.time and m.time != "created_date":
                cols[f"{m.name}__time"] = t[m.time]
        out[table_name] = ws.engine.to_arrow(t.select(**cols))
    return out
