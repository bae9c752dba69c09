"""Credited CRM values beside the ad rows: how pipeline metrics go through every ad analysis.

An attributed query (:class:`mille.metrics.MetricQuery` with ``attributed=True``) reads each CRM
measure from a column named like the measure. :func:`with_credits` builds that table: the ad rows
(CRM columns 0) followed by one row per day × campaign of credited values (ad columns empty),
with the campaign's account and naming-convention fields, so ``mille report``, ``mille explain``
and the glossary group, filter and sum them like any measure: a campaign's cost per opportunity
is its spend over the opportunities credited to it, in the same periods.

Credited rows know their platform and campaign, not the device, country or ad a person saw, so
an attributed query may group and filter by campaign-level fields only (:data:`CAMPAIGN_DIMS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from mille.analysis.attribution import Credits, Rule, attribute, campaign_key, measure_values
from mille.errors import QueryError
from mille.schema import AD_PERFORMANCE

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from mille.metrics import Catalogue, Metric, MetricQuery
    from mille.workspace import Workspace

CAMPAIGN_DIMS: tuple[str, ...] = (
    "platform", "account_id", "account_name", "campaign_id", "campaign_name", "region", "objective",
    "audience", "offer", "funnel_stage", "product", "language",
)
TIME_COLUMNS = ("date_day", "period_end", "granularity")


def reads_crm(catalogue: Catalogue, metrics: list[Metric]) -> bool:
    return any(catalogue.tables_of(m) - {"ad_performance"} for m in metrics)


def has_crm(ws: Workspace) -> bool:
    t = ws.engine.table("crm_leads")
    return int(ws.engine.scalar(t.count())) > 0 or int(ws.engine.scalar(ws.engine.table("crm_opportunities").count())) > 0


def credits_for(ws: Workspace, query: MetricQuery) -> dict[tuple[int, str], Credits]:
    """The credits of every rule the query reads."""
    return {rule: credits_of(ws, Rule(*rule)) for rule in sorted(set(query.attribution.values()))}


def credits_of(ws: Workspace, rule: Rule) -> Credits:
    """:func:`attribute`, computed once per rule while the workspace's ingests and aliases stay the
    same (a report asks for the same credits for its cells and its series)."""
    log = ws.engine.table("ingests")
    version = (tuple(ws.engine.to_arrow(log.aggregate(n=log.count(), last=log.ingest_id.max())).to_pylist()[0].values()),
               repr(sorted(ws.config.source_aliases.items())))
    cache: dict = ws.__dict__.setdefault("_mille_credits", {"version": None, "rules": {}})
    if cache["version"] != version:  # one data version at a time
        cache["version"], cache["rules"] = version, {}
    if rule not in cache["rules"]:
        cache["rules"][rule] = attribute(ws, rule)
    return cache["rules"][rule]


def check_columns(query: MetricQuery, columns: list[str]) -> None:
    """Refuse grouping or filtering credited rows by fields they do not have."""
    for c in [*query.by, *columns]:
        if not AD_PERFORMANCE.has(c) or c in TIME_COLUMNS or c in CAMPAIGN_DIMS:
            continue
        if AD_PERFORMANCE.column(c).role == "measure":
            continue
        raise QueryError(
            f"pipeline metrics cannot be broken down or filtered by `{c}`: CRM records are credited to a "
            "campaign, not to the device, country, ad or audience row a person saw",
            expected="one of " + ", ".join(CAMPAIGN_DIMS),
            hint="report pipeline metrics by platform or campaign fields, ad metrics by anything",
        )


def with_credits(ws: Workspace, ad: ir.Table, query: MetricQuery, columns: list[str]) -> ir.Table:
    """``ad`` (restricted to ``columns``) followed by the credited rows of the query's CRM measures."""
    import ibis

    check_columns(query, columns)
    crm = query.crm_measures
    names = [c for c in dict.fromkeys([*TIME_COLUMNS, *columns]) if AD_PERFORMANCE.has(c)]
    types = {c: AD_PERFORMANCE.column(c).dtype for c in names}
    left = ad.select(*[ad[c].cast(types[c]).name(c) for c in names],
                     **{m.name: ibis.literal(0.0, type="float64") for m in crm})
    credited = _credited_rows(ws, ad, query, [c for c in names if c in CAMPAIGN_DIMS])
    right_t = ibis.memtable(credited)
    right = right_t.select(
        *[(right_t[c] if c in credited.column_names else ibis.null()).cast(types[c]).name(c) for c in names],
        **{m.name: right_t[m.name].cast("float64") for m in crm},
    )
    return left.union(right)


def _credited_rows(ws: Workspace, ad: ir.Table, query: MetricQuery, dims: list[str]) -> pa.Table:
    """One row per day × campaign: the credited value of every CRM measure."""
    credits = credits_for(ws, query)
    crm = query.crm_measures
    values = measure_values(ws, crm)
    blocks: list[pa.Table] = []
    for m in crm:
        rule = query.attribution[m.name]
        rows = credits[rule].rows
        record_type = "lead" if m.table == "crm_leads" else "opportunity"
        rows = rows.filter(pc.equal(rows.column("record_type"), record_type))
        v = values[m.table]
        keep = ["source_system", "record_id", m.name] + ([f"{m.name}__time"] if f"{m.name}__time" in v.column_names else [])
        j = rows.join(v.select(keep), keys=["source_system", "record_id"], join_type="inner", use_threads=False)
        day = j.column(f"{m.name}__time") if f"{m.name}__time" in j.column_names else j.column("day")
        value = pc.multiply(j.column("credit"), pc.fill_null(j.column(m.name), 0.0))
        block = pa.table({"date_day": day.cast(pa.date32()), "campaign_key": j.column("campaign_key"),
                          "platform": j.column("platform"), **{x.name: (value if x is m else pa.nulls(j.num_rows, pa.float64()))
                                                               for x in crm}})
        blocks.append(block.filter(pc.is_valid(block.column("date_day"))))
    if not blocks:
        return _empty(crm)
    t = pa.concat_tables(blocks)
    t = _reorder(t.group_by(["date_day", "campaign_key", "platform"], use_threads=False).aggregate(
        [(m.name, "sum") for m in crm]), crm)
    attrs = _campaign_attributes(ws, ad, [d for d in dims if d != "platform"])
    if attrs is not None:
        t = t.join(attrs, keys="campaign_key", join_type="left outer", use_threads=False)
    n = t.num_rows
    t = t.append_column("period_end", t.column("date_day")).append_column(
        "granularity", pa.array(["day"] * n, pa.string()))
    for m in crm:
        t = t.set_column(t.schema.get_field_index(m.name), m.name, pc.fill_null(t.column(m.name), 0.0))
    return t


def _reorder(t: pa.Table, crm: list) -> pa.Table:
    """group_by output (sums named `<measure>_sum`, keys last) in a fixed order and naming."""
    return pa.table({"date_day": t.column("date_day"), "campaign_key": t.column("campaign_key"),
                     "platform": t.column("platform"), **{m.name: t.column(f"{m.name}_sum") for m in crm}})


def _campaign_attributes(ws: Workspace, ad: ir.Table, dims: list[str]) -> pa.Table | None:
    """Per ad campaign key: the account and naming fields its rows carry (one value each)."""
    wanted = [d for d in dims if d not in ("campaign_id", "campaign_name")]
    t = ad.filter(ad.campaign_id.notnull() | ad.campaign_name.notnull())
    expr = t.group_by(["platform", "campaign_id", "campaign_name"]).aggregate(
        **{d: t[d].max() for d in wanted})
    a = ws.engine.to_arrow(expr)
    keys = campaign_key(a.column("platform"), a.column("campaign_id"), a.column("campaign_name"))
    a = a.append_column("campaign_key", keys).drop_columns(["platform"])
    keep = ["campaign_key", *[d for d in dims if d in a.column_names]]
    a = a.select(keep)
    # A campaign renamed keeps one key (its id): take its first row.
    if len(keep) == 1:
        return None
    g = a.group_by("campaign_key", use_threads=False).aggregate([(c, "max") for c in keep[1:]])
    return pa.table({"campaign_key": g.column("campaign_key"), **{c: g.column(f"{c}_max") for c in keep[1:]}})


def _empty(crm: list) -> pa.Table:
    return pa.table({"date_day": pa.array([], pa.date32()), "campaign_key": pa.array([], pa.string()),
                     "platform": pa.array([], pa.string()), **{m.name: pa.array([], pa.float64()) for m in crm},
                     "period_end": pa.array([], pa.date32()), "granularity": pa.array([], pa.string())})
