"""Reading one CRM export: records, the touches they carry and the leads opportunities came from.

Called from :func:`mille.sources.export.read_export` when the detected format is a CRM format
(:mod:`mille.sources.crm_format`). Pure: no workspace. Produces a :class:`CrmRecords`:

* ``records`` — ``crm_leads`` or ``crm_opportunities`` rows (campaign members have none);
* ``touches`` — ``crm_touches`` rows: a lead's own source (dated by its creation), an
  opportunity's own campaign, each responded campaign member;
* ``associations`` — ``crm_associations`` rows: HubSpot ``Associated Contact IDs``, Salesforce
  converted-lead and contact-role ids.

Bad input is refused with file, row and column: no id column, a blank id, one id on two rows
that disagree (identical repeated rows are kept once and reported), dates in contradicting
orders, amounts that are not numbers. Platform and campaign matching need the workspace and
happen at ingest (:mod:`mille.sources.crm_ingest`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille import schema
from mille.errors import IngestError
from mille.sources.crm_cells import clean_ids, fold, parse_amounts, parse_crm_dates, parse_flags
from mille.sources.crm_format import (
    ID_FIELD,
    MQL_RANK,
    SOURCE_FIELDS,
    SQL_RANK,
    STAGE_ORDER,
    TARGETS,
    CrmFormat,
)
from mille.sources.distinct import constant_label
from mille.sources.format import Locale
from mille.sources.layout import Layout
from mille.sources.unified import ARROW_TYPES, text_column

TOUCH_SOURCE = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "utm_id",
                "original_source", "original_source_detail", "crm_campaign")


@dataclass
class CrmRecords:
    object: str
    source_system: str
    target: str
    records: pa.Table | None
    touches: pa.Table
    associations: pa.Table
    origin_ids: list[str]
    duplicates_dropped: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.records.num_rows if self.records is not None else self.touches.num_rows

    def date_range(self) -> tuple[date, date] | None:
        t = self.records if self.records is not None else self.touches
        col = "created_date" if self.records is not None else "touch_date"
        if t.num_rows == 0:
            return None
        bounds = pc.min_max(t.column(col)).as_py()
        return bounds["min"], bounds["max"]


def read_crm(base: Any, raw: pa.Table, rows: np.ndarray, layout: Layout, locale: Locale, *,
             account_currency: str | None = None) -> Any:
    """Fill ``base`` (a ParsedExport) with the CRM records of ``raw``."""
    fmt: type[CrmFormat] = layout.format  # type: ignore[assignment]
    reader = _Reader(fmt, raw, rows, layout, locale, base.path)
    crm = reader.read()
    lineage = {"source_relation": base.source_relation, "source_type": fmt.source_type,
               "source_format": fmt.name, "file_hash": base.file_hash}
    crm.records = _with_lineage(crm.records, lineage) if crm.records is not None else None
    crm.touches = _with_lineage(crm.touches, lineage)
    crm.associations = _with_lineage(crm.associations, {**lineage, "source_system": fmt.source_system})
    base.role = "crm"
    base.crm = crm
    base.table = crm.records if crm.records is not None else crm.touches
    base.platform = None
    base.level = crm.object
    base.warnings = list(base.warnings) + reader.warnings
    if account_currency is not None and crm.records is not None and "currency" in crm.records.column_names:
        cur = crm.records.column("currency")
        filled = pc.fill_null(cur, account_currency.upper())
        crm.records = crm.records.set_column(crm.records.schema.get_field_index("currency"), "currency", filled)
        base.table = crm.records
    if crm.rows == 0:
        base.warnings.append("the file has a header but no records")
    return base


def _with_lineage(t: pa.Table, lineage: dict[str, str]) -> pa.Table:
    n = t.num_rows
    for name, value in lineage.items():
        t = t.set_column(t.schema.get_field_index(name), name, constant_label(value, n).cast(pa.string()))
    return t


class _Reader:
    def __init__(self, fmt: type[CrmFormat], raw: pa.Table, rows: np.ndarray, layout: Layout, locale: Locale,
                 path: str) -> None:
        self.fmt, self.raw, self.rows, self.layout, self.locale, self.path = fmt, raw, rows, layout, locale, path
        self.fields = layout.fields
        self.warnings: list[str] = []
        self.skipped: dict[str, int] = {}

    # -- cells ---------------------------------------------------------------------------------
    def has(self, name: str) -> bool:
        return name in self.fields

    def text(self, name: str) -> pa.Array:
        if name not in self.fields:
            return pa.nulls(self.raw.num_rows, pa.string())
        col = text_column(self.raw.column(self.fields[name]), self.fmt.missing)
        return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col

    def dates(self, name: str) -> pa.Array:
        if name not in self.fields:
            return pa.nulls(self.raw.num_rows, pa.date32())
        days, warnings = parse_crm_dates(self.text(name), month_first=self.locale.month_first,
                                         name=self.fields[name], file=self.path, row_numbers=self.rows)
        self.warnings += warnings
        return days

    def flags(self, name: str) -> pa.Array:
        if name not in self.fields:
            return pa.nulls(self.raw.num_rows, pa.bool_())
        return parse_flags(self.text(name), name=self.fields[name], file=self.path, row_numbers=self.rows)

    def require(self, name: str, what: str) -> None:
        if name in self.fields:
            return
        spellings = [s for d in self.fmt.dialects for s in d.columns.get(name, ())][:4]
        raise IngestError(
            f"the export has no {what} column", file=self.path,
            expected=" or ".join(f"`{s}`" for s in spellings) or f"a column mapped to `{name}`",
            hint="add the property to the export (or map it in the mapping file) and export again",
        )

    # -- reading -------------------------------------------------------------------------------
    def read(self) -> CrmRecords:
        obj = self.fmt.crm_object
        if obj == "campaign_member":
            return self._members()
        id_field = ID_FIELD[obj]
        self.require(id_field, "record id")
        self.require("created_date", "create date")
        ids = self._ids(id_field)
        keep, dropped = self._deduplicate(ids, id_field)
        created = self.dates("created_date")
        self._no_blanks(created, "created_date", "a create date")
        cols = {"ids": ids, "created": created}
        records, touches, links = (self._leads(cols) if obj == "lead" else self._opportunities(cols))
        if keep is not None:
            lines = pa.array(self.rows[keep.to_numpy(zero_copy_only=False)], pa.int64())
            records = records.filter(keep)
            touches = touches.filter(pc.is_in(touches.column("row_number"), value_set=lines))
            links = links.filter(pc.is_in(links.column("row_number"), value_set=lines))
        origin_ids = pc.unique(ids if keep is None else pc.filter(ids, keep)).to_pylist()
        return CrmRecords(obj, self.fmt.source_system, TARGETS[obj], records, touches, links, origin_ids,
                          duplicates_dropped=dropped, skipped=self.skipped)

    def _ids(self, name: str) -> pa.Array:
        ids = clean_ids(self.text(name))
        self._no_blanks(ids, name, "an id")
        return ids

    def _no_blanks(self, values: pa.Array, name: str, what: str) -> None:
        if values.null_count:
            i = int(pc.index(pc.is_null(values), True).as_py())
            raise IngestError(f"a record without {what}", file=self.path, row=int(self.rows[i]),
                              column=self.fields.get(name, name), expected=f"{what} on every record",
                              hint="fix or remove the row; mille does not guess it")

    def _deduplicate(self, ids: pa.Array, name: str) -> tuple[pa.Array | None, int]:
        """Identical repeated records are kept once; one id on rows that differ is an error."""
        n = len(ids)
        unique = pc.unique(ids)
        if len(unique) == n:
            return None, 0
        mapped = sorted(set(self.fields.values()))
        cells = {f"c{i}": text_column(self.raw.column(h), ()) for i, h in enumerate(mapped)}
        table = pa.table({**cells, "_id": ids, "_i": pa.array(np.arange(n))})
        distinct = table.group_by([*cells, "_id"], use_threads=False).aggregate([("_i", "min")])
        if distinct.num_rows != len(unique):
            counts = distinct.group_by("_id").aggregate([("_i_min", "count")])
            bad = pc.filter(counts.column("_id"), pc.greater(counts.column("_i_min_count"), 1))[0].as_py()
            where = np.flatnonzero(pc.equal(ids, bad).to_numpy(zero_copy_only=False))
            lines = ", ".join(str(int(self.rows[i])) for i in where[:5])
            raise IngestError(
                "the same record id is on rows that disagree", file=self.path, row=int(self.rows[where[0]]),
                column=self.fields[name], value=bad, expected="one row per record",
                hint=f"rows {lines} hold id {bad} with different values; keep the right one (or export again) "
                "— mille will not pick one",
            )
        keep = np.zeros(n, dtype=bool)
        keep[distinct.column("_i_min").to_numpy()] = True
        dropped = int(n - keep.sum())
        self.warnings.append(f"{dropped} rows repeated another row exactly (same id, same values): each record "
                             "was kept once")
        return pa.array(keep), dropped

    def _source(self) -> dict[str, pa.Array]:
        out = {f: self.text(f) for f in SOURCE_FIELDS}
        # HubSpot's Drill-Down 2 is the campaign (often the utm_campaign) when no CRM campaign is given.
        out["crm_campaign"] = pc.coalesce(out["crm_campaign"], out.pop("original_source_detail_2"))
        return out

    def _leads(self, c: dict[str, pa.Array]) -> tuple[pa.Table, pa.Table, pa.Table]:
        n = self.raw.num_rows
        src = self._source()
        detail2 = self.text("original_source_detail_2")
        detail = pc.if_else(pc.and_(pc.is_valid(src["original_source_detail"]), pc.is_valid(detail2)),
                            pc.binary_join_element_wise(src["original_source_detail"], detail2, " / "),
                            pc.coalesce(src["original_source_detail"], detail2))
        stage = self.text("lifecycle_stage")
        status = self.text("lead_status")
        is_mql, is_sql = self._qualified(stage, status, self.dates("mql_date"), self.dates("sql_date"))
        country = self.text("country")
        if self.has("country"):
            from mille.sources.countries import to_codes

            codes, unknown = to_codes(country)
            country = pc.coalesce(codes, country)
            if unknown:
                self.warnings.append(f"{len(unknown)} country values not recognised, kept as written: "
                                     + ", ".join(sorted(unknown)[:5]))
        records = _table(schema.CRM_LEADS, n, {
            "row_number": pa.array(self.rows, pa.int64()), "source_system": _const(self.fmt.source_system, n),
            "lead_id": c["ids"], "created_date": c["created"], "lifecycle_stage": pc.coalesce(stage, status),
            "is_mql": is_mql, "is_sql": is_sql, "country": country,
            **{k: src[k] for k in ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
                                   "original_source")},
            "original_source_detail": detail,
        })
        touches = self._touches("lead", "lead", c["ids"], c["ids"], c["created"], "created", src)
        links = []
        opp = clean_ids(self.text("converted_opportunity_id"))
        contact = clean_ids(self.text("converted_contact_id"))
        links.append(_links("lead", c["ids"], opp, c["ids"], self.rows))
        links.append(_links("lead", c["ids"], opp, contact, self.rows))
        return records, touches, pa.concat_tables(links)

    def _qualified(self, stage: pa.Array, status: pa.Array, mql_date: pa.Array, sql_date: pa.Array
                   ) -> tuple[pa.Array, pa.Array]:
        """Reached MQL / SQL: from the stage's place in the funnel, a lead status that says so, or a
        `Became a … Date`; null where the export has none of these."""
        if not any(self.has(f) for f in ("lifecycle_stage", "lead_status", "mql_date", "sql_date")):
            n = self.raw.num_rows
            return pa.nulls(n, pa.bool_()), pa.nulls(n, pa.bool_())
        ranks = {k: v for k, v in STAGE_ORDER.items()}
        folded_stage = fold(stage)
        rank = pc.take(pa.array([ranks.get(v) for v in pc.unique(folded_stage).to_pylist()], pa.int64()),
                       pc.index_in(folded_stage, value_set=pc.unique(folded_stage)))
        folded_status = fold(status)
        mql_status = pc.is_in(folded_status, pa.array(list(self.fmt.mql_statuses) + list(self.fmt.sql_statuses)))
        sql_status = pc.is_in(folded_status, pa.array(list(self.fmt.sql_statuses)))
        mql = pc.or_kleene(pc.greater_equal(rank, MQL_RANK), pc.or_(mql_status, pc.is_valid(mql_date)))
        sql = pc.or_kleene(pc.greater_equal(rank, SQL_RANK), pc.or_(sql_status, pc.is_valid(sql_date)))
        # A known stage, a status or a date decides; an unknown custom stage with nothing else stays null.
        decided = pc.or_(pc.is_valid(rank), pc.or_(pc.is_valid(folded_status), pc.is_valid(mql_date)))
        null = pa.scalar(None, pa.bool_())
        return pc.if_else(decided, pc.fill_null(mql, False), null), pc.if_else(decided, pc.fill_null(sql, False), null)

    def _opportunities(self, c: dict[str, pa.Array]) -> tuple[pa.Table, pa.Table, pa.Table]:
        n = self.raw.num_rows
        src = self._source()
        stage = self.text("stage")
        folded = fold(stage)
        won_stage = pc.is_in(folded, pa.array(list(self.fmt.won_stages)))
        lost_stage = pc.is_in(folded, pa.array(list(self.fmt.lost_stages)))
        closed_stage = pc.or_(pc.or_(won_stage, lost_stage), pc.starts_with(folded, "closed"))
        has_stage = pc.is_valid(stage)
        null = pa.scalar(None, pa.bool_())
        is_won = pc.coalesce(self.flags("is_won"), pc.if_else(has_stage, pc.or_(won_stage, pc.match_substring(folded, "closedwon")), null))
        is_closed = pc.coalesce(self.flags("is_closed"), pc.if_else(has_stage, closed_stage, null))
        is_closed = pc.if_else(pc.fill_null(is_won, False), True, is_closed)
        amount, cell_currency = (parse_amounts(self.text("amount"), self.locale, name=self.fields["amount"],
                                               file=self.path, row_numbers=self.rows, missing=self.fmt.missing)
                                 if self.has("amount") else (pa.nulls(n, pa.float64()), pa.nulls(n, pa.string())))
        currency = pc.utf8_upper(self.text("currency"))
        clash = pc.and_(pc.and_(pc.is_valid(currency), pc.is_valid(cell_currency)),
                        pc.not_equal(currency, cell_currency))
        if pc.any(clash).as_py():
            i = int(pc.index(clash, True).as_py())
            raise IngestError("the amount's currency disagrees with the currency column", file=self.path,
                              row=int(self.rows[i]), column=self.fields["amount"],
                              value=self.raw.column(self.fields["amount"])[i].as_py(),
                              expected=f"an amount in {currency[i].as_py()}", hint="fix the cell or the currency column")
        currency = pc.coalesce(currency, cell_currency)
        if self.fmt.currency_default:
            currency = pc.fill_null(currency, self.fmt.currency_default)
        lead_ids = self.text("lead_ids")
        split = pc.split_pattern_regex(lead_ids, r"\s*[;,|]\s*")
        flat = clean_ids(pc.list_flatten(split))
        parent = pc.list_parent_indices(split)
        nonblank = pc.and_(pc.is_valid(flat), pc.not_equal(flat, ""))
        flat, parent = pc.filter(flat, nonblank), pc.filter(parent, nonblank)
        first = _first_per_row(flat, parent, n)
        records = _table(schema.CRM_OPPORTUNITIES, n, {
            "row_number": pa.array(self.rows, pa.int64()), "source_system": _const(self.fmt.source_system, n),
            "opportunity_id": c["ids"], "lead_id": first, "created_date": c["created"],
            "close_date": self.dates("close_date"), "stage": stage, "is_closed": is_closed, "is_won": is_won,
            "currency": currency, "amount": amount,
            **{k: src[k] for k in ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
                                   "original_source", "original_source_detail")},
        })
        touches = self._touches("opportunity", "opportunity", c["ids"], c["ids"], c["created"], "campaign", src)
        opp_of_link = pc.take(c["ids"], parent)
        links = _links("opportunity", opp_of_link, opp_of_link, flat, pc.take(pa.array(self.rows), parent).to_numpy())
        return records, touches, links

    def _touches(self, origin: str, record_type: str, origin_ids: pa.Array, record_ids: pa.Array,
                 days: pa.Array, kind: str, src: dict[str, pa.Array]) -> pa.Table:
        """A touch for every row that names any source (UTM, original source, CRM campaign)."""
        n = len(record_ids)
        any_source = pa.array(np.zeros(n, dtype=bool))
        for f in TOUCH_SOURCE:
            any_source = pc.or_(any_source, pc.is_valid(src[f]))
        t = _table(schema.CRM_TOUCHES, n, {
            "row_number": pa.array(self.rows, pa.int64()), "source_system": _const(self.fmt.source_system, n),
            "origin_object": _const(origin, n), "origin_id": origin_ids, "record_type": _const(record_type, n),
            "record_id": record_ids, "touch_date": days, "touch_kind": _const(kind, n),
            **{f: src[f] for f in TOUCH_SOURCE},
        })
        return t.filter(any_source)

    def _members(self) -> CrmRecords:
        n = self.raw.num_rows
        if not (self.has("lead_id") or self.has("contact_id")):
            self.require("lead_id", "Lead ID or Contact ID")
        member = clean_ids(pc.coalesce(self.text("lead_id"), self.text("contact_id")))
        missing_member = pc.is_null(member)
        if pc.any(missing_member).as_py():
            self.skipped["members with neither a Lead ID nor a Contact ID"] = int(pc.sum(missing_member).as_py())
        campaign = self.text("crm_campaign")
        self._no_blanks(campaign, "crm_campaign", "a campaign")
        if self.has("member_id"):
            origin = clean_ids(self.text("member_id"))
            self._no_blanks(origin, "member_id", "an id")
        else:  # a member is one person on one campaign
            origin = pc.binary_join_element_wise(campaign, pc.fill_null(member, ""), "|")
        responded_at = self.dates("touch_date")
        created = self.dates("created_date")
        responded = self.flags("responded") if self.has("responded") else pc.is_valid(responded_at)
        responded = pc.or_(pc.fill_null(responded, False), pc.is_valid(responded_at))
        day = pc.coalesce(responded_at, created)
        if not self.has("touch_date") and not self.has("created_date"):
            self.require("touch_date", "first responded date")
        no_day = pc.and_(responded, pc.is_null(day))
        if pc.any(no_day).as_py():
            i = int(pc.index(no_day, True).as_py())
            raise IngestError("a responded member without a date", file=self.path, row=int(self.rows[i]),
                              expected="a first responded date or a created date",
                              hint="add Member First Responded Date to the report")
        not_responded = int(pc.sum(pc.invert(responded)).as_py() or 0)
        if not_responded:
            self.skipped["members who never responded (not touches)"] = not_responded
        src = {f: self.text(f) if f in ("utm_source", "utm_medium", "utm_campaign", "utm_id") else pa.nulls(n, pa.string())
               for f in TOUCH_SOURCE}
        src["crm_campaign"] = campaign
        ids_ok = pc.is_valid(member)
        unique = pc.unique(origin)
        dropped = 0
        keep = pc.and_(responded, ids_ok)
        if len(unique) != n:
            keep_dup, dropped = self._deduplicate(origin, "member_id" if self.has("member_id") else "crm_campaign")
            if keep_dup is not None:
                keep = pc.and_(keep, keep_dup)
        touches = self._touches("campaign_member", "lead", origin, pc.fill_null(member, ""), pc.fill_null(day, pa.scalar(date(1970, 1, 1), pa.date32())), "response", src)
        # _touches keeps rows naming a source: every member names its campaign, so rows align.
        touches = touches.filter(keep)
        empty = _table(schema.CRM_ASSOCIATIONS, 0, {})
        return CrmRecords("campaign_member", self.fmt.source_system, "crm_touches", None, touches, empty,
                          pc.unique(pc.filter(origin, keep)).to_pylist(), duplicates_dropped=dropped,
                          skipped=self.skipped)


def _const(value: str, n: int) -> pa.Array:
    return pa.array([value] * n, pa.string()) if n < 1024 else constant_label(value, n).cast(pa.string())


def _table(spec: schema.Table, n: int, columns: dict[str, pa.Array]) -> pa.Table:
    out = {}
    for c in spec.columns:
        typ = ARROW_TYPES[c.dtype]
        value = columns.get(c.name)
        out[c.name] = pa.nulls(n, typ) if value is None else (value.cast(typ) if value.type != typ else value)
    return pa.table(out)


def _links(origin: str, origin_ids: pa.Array, opportunity: pa.Array, lead: pa.Array, rows: np.ndarray) -> pa.Table:
    n = len(origin_ids)
    t = _table(schema.CRM_ASSOCIATIONS, n, {
        "row_number": pa.array(np.asarray(rows), pa.int64()), "origin_object": _const(origin, n),
        "origin_id": origin_ids, "opportunity_id": opportunity, "lead_id": lead,
    })
    ok = pc.and_(pc.is_valid(t.column("opportunity_id")), pc.is_valid(t.column("lead_id")))
    return t.filter(ok)


def _first_per_row(values: pa.Array, parent: pa.Array, n: int) -> pa.Array:
    """The first listed value of each row (null where the row lists none)."""
    idx = parent.to_numpy(zero_copy_only=False)
    out = np.full(n, -1, dtype=np.int64)
    if len(idx):
        first = np.ones(len(idx), dtype=bool)
        first[1:] = idx[1:] != idx[:-1]
        out[idx[first]] = np.flatnonzero(first)
    taken = pc.take(values, pa.array(np.where(out >= 0, out, 0))) if len(values) else pa.nulls(n, pa.string())
    return pc.if_else(pa.array(out >= 0), taken, pa.scalar(None, pa.string()))
