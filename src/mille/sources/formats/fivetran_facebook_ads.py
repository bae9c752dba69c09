"""Fivetran's Facebook Ads tables (the sources of dbt ``facebook_ads``).

``basic_ad`` is per ad and day: ``inline_link_clicks`` are the clicks (link clicks, as in the UI).
Leads and conversions live in ``basic_ad_actions`` (one row per action type): leads are the
``lead`` action (Meta's total of on-Facebook and pixel leads) — or, where an ad-day has no
``lead`` row, ``onsite_conversion.lead_grouped`` + ``offsite_conversion.fb_pixel_lead`` — never
both; conversions are dbt's default action types. ``demographics_country`` is account-level and a
breakdown. Histories name ads, ad sets, campaigns and accounts.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from mille.sources.format import API, Dialect, Format, Join

CONVERSION_ACTIONS = ("onsite_conversion.purchase", "onsite_conversion.lead_grouped",
                      "offsite_conversion.fb_pixel_purchase", "offsite_conversion.fb_pixel_lead",
                      "offsite_conversion.fb_pixel_custom")
_LEAD_PARTS = ("onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead")
_FACTS = {
    "date_day": ("date", "date_start"),
    "account_id": ("account_id",),
    "spend": ("spend",),
    "impressions": ("impressions",),
    "clicks": ("inline_link_clicks",),
    "clicks_all": ("clicks",),
    "reach": ("reach",),
}
_JOINS = (
    Join("facebook_ads.ad", "ad_id", ("ad_name", "ad_group_id", "campaign_id", "account_id")),
    Join("facebook_ads.ad_set", "ad_group_id", ("ad_group_name", "campaign_id")),
    Join("facebook_ads.campaign", "campaign_id", ("campaign_name", "account_id")),
    Join("facebook_ads.account", "account_id", ("account_name", "currency", "report_timezone")),
)


class FivetranFacebookBasicAd(Format):
    name = "fivetran_facebook_ads_basic_ad"
    label = "Fivetran facebook_ads.basic_ad"
    platform = "facebook_ads"
    source_type = "fivetran"
    dialects = (Dialect("api", {**_FACTS, "ad_id": ("ad_id",)}, API, known=("frequency", "_fivetran_synced")),)
    required = ("date_day", "ad_id", "spend", "impressions", "clicks")
    joins = _JOINS
    uses_lookups = True
    priority = 20

    @classmethod
    def finish(cls, columns: dict[str, Any], raw: pa.Table, layout: Any, meta: dict[str, Any],
               lookups: Any) -> list[str]:
        actions = lookups.get("facebook_ads.actions") if lookups else None
        values = lookups.get("facebook_ads.action_values") if lookups else None
        notes: list[str] = []
        if actions is not None:
            key = _key(columns["ad_id"], columns["date_day"])
            index = pc.index_in(key, value_set=actions.column("key").combine_chunks())
            columns["leads"] = pc.take(actions.column("leads").combine_chunks(), index)
            columns["conversions"] = pc.take(actions.column("conversions").combine_chunks(), index)
            notes.append(f"leads and conversions joined from basic_ad_actions for "
                         f"{int(pc.sum(pc.is_valid(index)).as_py() or 0)} of {len(key)} ad-days")
        if values is not None:
            key = _key(columns["ad_id"], columns["date_day"])
            index = pc.index_in(key, value_set=values.column("key").combine_chunks())
            columns["conversions_value"] = pc.take(values.column("conversions_value").combine_chunks(), index)
        return notes


class FivetranFacebookDemographicsCountry(Format):
    name = "fivetran_facebook_ads_demographics_country"
    label = "Fivetran facebook_ads.demographics_country"
    platform = "facebook_ads"
    source_type = "fivetran"
    dialects = (Dialect("api", {**_FACTS, "country": ("country",)}, API,
                        known=("frequency", "_fivetran_synced", "_fivetran_id")),)
    required = ("date_day", "account_id", "country", "spend")
    level = "breakdown"
    joins = _JOINS[3:]
    priority = 20


def _key(ad_id: pa.Array, day: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(ad_id.cast(pa.string()), day.cast(pa.string()), "|")


class _Actions(Format):
    platform = "facebook_ads"
    source_type = "fivetran"
    role = "lookup"
    priority = 20

    @classmethod
    def lookup(cls, raw: pa.Table, layout: Any) -> pa.Table:
        """Per ad-day totals of the action types mille uses (leads, conversions or value)."""
        from mille.sources.dates import parse_dates
        from mille.sources.numbers import parse_numbers

        f = layout.fields
        days, _ = parse_dates(raw.column(f["date_day"]), ("%Y-%m-%d",))
        value = parse_numbers(raw.column(f["value"]), API).values
        action = pc.utf8_trim_whitespace(raw.column(f["action_type"]).cast(pa.string()))
        key = _key(raw.column(f["ad_id"]).combine_chunks(), days)
        zero = pa.scalar(0.0)
        table = pa.table({
            "key": key,
            "lead": pc.if_else(pc.equal(action, "lead"), value, zero),
            "lead_parts": pc.if_else(pc.is_in(action, pa.array(_LEAD_PARTS)), value, zero),
            "conv": pc.if_else(pc.is_in(action, pa.array(CONVERSION_ACTIONS)), value, zero),
            "has_lead": pc.equal(action, "lead"),
        })
        g = table.group_by("key").aggregate([("lead", "sum"), ("lead_parts", "sum"), ("conv", "sum"), ("has_lead", "any")])
        leads = pc.if_else(g.column("has_lead_any"), g.column("lead_sum"), g.column("lead_parts_sum"))
        if cls.lookup_kind == "facebook_ads.action_values":
            return pa.table({"key": g.column("key"), "conversions_value": g.column("conv_sum")})
        return pa.table({"key": g.column("key"), "leads": leads, "conversions": g.column("conv_sum")})


class FivetranFacebookActions(_Actions):
    name = "fivetran_facebook_ads_basic_ad_actions"
    label = "Fivetran facebook_ads.basic_ad_actions (leads and conversions)"
    dialects = (Dialect("api", {"ad_id": ("ad_id",), "date_day": ("date",), "action_type": ("action_type",),
                                "value": ("value",)}, API,
                        known=("_fivetran_id", "index", "_1_d_view", "_7_d_click", "_fivetran_synced", "inline")),)
    required = ("ad_id", "date_day", "action_type", "value")
    signature = ("_1_d_view", "inline")
    lookup_kind = "facebook_ads.actions"


class FivetranFacebookActionValues(_Actions):
    name = "fivetran_facebook_ads_basic_ad_action_values"
    label = "Fivetran facebook_ads.basic_ad_action_values (conversion value)"
    dialects = FivetranFacebookActions.dialects
    required = ("ad_id", "date_day", "action_type", "value")
    lookup_kind = "facebook_ads.action_values"
    priority = 19


def _history(name: str, label: str, kind: str, key: str, fields: dict[str, tuple[str, ...]],
             required: tuple[str, ...]) -> type[Format]:
    return type(name, (Format,), {
        "name": name, "label": label, "platform": "facebook_ads", "source_type": "fivetran", "role": "lookup",
        "dialects": (Dialect("api", {**fields, "version": ("updated_time", "_fivetran_synced")}, API,
                             known=("_fivetran_synced", "creative_id")),),
        "required": required, "lookup_kind": kind, "lookup_key": key, "lookup_version": "version",
        "priority": 20, "__module__": __name__,
    })


FivetranFacebookAdHistory = _history(
    "fivetran_facebook_ads_ad_history", "Fivetran facebook_ads.ad_history (lookup)", "facebook_ads.ad", "ad_id",
    {"ad_id": ("id",), "ad_name": ("name",), "ad_group_id": ("ad_set_id",), "campaign_id": ("campaign_id",),
     "account_id": ("account_id",)}, ("ad_id", "ad_group_id", "campaign_id", "ad_name"))
FivetranFacebookAdSetHistory = _history(
    "fivetran_facebook_ads_ad_set_history", "Fivetran facebook_ads.ad_set_history (lookup)", "facebook_ads.ad_set",
    "ad_group_id", {"ad_group_id": ("id",), "ad_group_name": ("name",), "campaign_id": ("campaign_id",),
                    "account_id": ("account_id",)}, ("ad_group_id", "ad_group_name", "campaign_id"))
FivetranFacebookCampaignHistory = _history(
    "fivetran_facebook_ads_campaign_history", "Fivetran facebook_ads.campaign_history (lookup)",
    "facebook_ads.campaign", "campaign_id",
    {"campaign_id": ("id",), "campaign_name": ("name",), "account_id": ("account_id",)},
    ("campaign_id", "campaign_name", "account_id"))
FivetranFacebookAccountHistory = _history(
    "fivetran_facebook_ads_account_history", "Fivetran facebook_ads.account_history (lookup)",
    "facebook_ads.account", "account_id",
    {"account_id": ("id",), "account_name": ("name",), "currency": ("currency", "account_currency"),
     "report_timezone": ("timezone_name",)}, ("account_id", "account_name"))
