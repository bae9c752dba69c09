"""Fivetran's LinkedIn Ads tables (the sources of dbt ``linkedin``).

``ad_analytics_by_campaign`` is per LinkedIn *campaign* (mille's ad group) and day;
``ad_analytics_by_creative`` per creative (ad). Spend is the account's own currency
(``cost_in_local_currency``) when the account history says which currency that is, else
``cost_in_usd`` in USD. Conversions follow dbt's default: ``external_website_conversions``
(post-click + post-view already) plus ``one_click_leads``; leads are ``one_click_leads``.
The monthly member-country table is a breakdown: it never wins over the campaign table.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from mille.sources.format import API, Dialect, Format, Join

_KNOWN = ("_fivetran_synced", "action_clicks", "ad_unit_clicks", "card_clicks", "card_impressions",
          "comment_likes", "comments", "company_page_clicks", "external_website_post_click_conversions",
          "external_website_post_view_conversions", "follows", "full_screen_plays", "landing_page_clicks",
          "likes", "one_click_lead_form_opens", "opens", "other_engagements", "shares", "text_url_clicks",
          "total_engagements", "video_views", "video_starts")
_MEASURES = {
    "spend": ("cost_in_local_currency",),
    "spend_usd": ("cost_in_usd",),
    "impressions": ("impressions",),
    "clicks": ("clicks",),
    "conversions": ("external_website_conversions",),
    "leads": ("one_click_leads",),
    "conversions_value": ("conversion_value_in_local_currency",),
    "reach": ("approximate_unique_impressions",),
}
_JOINS = (
    Join("linkedin_ads.campaign", "ad_group_id", ("ad_group_name", "campaign_id", "account_id")),
    Join("linkedin_ads.campaign_group", "campaign_id", ("campaign_name", "account_id")),
    Join("linkedin_ads.account", "account_id", ("account_name", "currency")),
)


class _LinkedInFacts(Format):
    platform = "linkedin_ads"
    source_type = "fivetran"
    timezone = "UTC"
    joins = _JOINS
    priority = 20

    @classmethod
    def finish(cls, columns: dict[str, Any], raw: pa.Table, layout: Any, meta: dict[str, Any],
               lookups: Any) -> list[str]:
        notes: list[str] = []
        # dbt's default conversions: website conversions plus one-click (lead form) leads.
        if "conversions" in columns and "leads" in columns:
            columns["conversions"] = pc.add(pc.fill_null(columns["conversions"], 0.0), pc.fill_null(columns["leads"], 0.0))
        currency = columns.get("currency")
        usd = columns.get("spend_usd")
        if usd is not None:
            unknown = pc.is_null(currency) if currency is not None else pa.array([True] * len(usd))
            if pc.any(unknown).as_py():
                columns["spend"] = pc.if_else(unknown, usd, columns.get("spend", usd))
                columns["currency"] = pc.if_else(unknown, pa.scalar("USD"), currency) if currency is not None \
                    else pa.array(["USD"] * len(usd), pa.string())
                notes.append("spend taken from cost_in_usd (USD) where the account's currency is unknown; "
                             "ingest linkedin ad_account_history with it to use the local currency")
        return notes


class FivetranLinkedInByCampaign(_LinkedInFacts):
    name = "fivetran_linkedin_ad_analytics_by_campaign"
    label = "Fivetran linkedin_ads.ad_analytics_by_campaign"
    dialects = (Dialect("api", {"date_day": ("day", "date"), "ad_group_id": ("campaign_id",), **_MEASURES},
                        API, known=_KNOWN),)
    required = ("date_day", "ad_group_id", "impressions", "spend_usd")


class FivetranLinkedInByCreative(_LinkedInFacts):
    name = "fivetran_linkedin_ad_analytics_by_creative"
    label = "Fivetran linkedin_ads.ad_analytics_by_creative"
    dialects = (Dialect("api", {"date_day": ("day", "date"), "ad_id": ("creative_id",), **_MEASURES},
                        API, known=_KNOWN),)
    required = ("date_day", "ad_id", "impressions", "spend_usd")
    joins = (Join("linkedin_ads.creative", "ad_id", ("ad_name", "ad_group_id")), *_JOINS)


class FivetranLinkedInMonthlyCountry(_LinkedInFacts):
    name = "fivetran_linkedin_monthly_ad_analytics_by_member_country"
    label = "Fivetran linkedin_ads.monthly_ad_analytics_by_member_country"
    dialects = (Dialect("api", {"month_start": ("month",), "ad_group_id": ("campaign_id",),
                                "geo_id": ("member_country",), **_MEASURES}, API, known=_KNOWN),)
    required = ("month_start", "ad_group_id", "geo_id", "spend_usd")
    level = "breakdown"
    joins = (Join("linkedin_ads.geo", "geo_id", ("country",)), *_JOINS)


def _lookup(name: str, label: str, kind: str, key: str, fields: dict[str, tuple[str, ...]],
            required: tuple[str, ...], version: str | None) -> type[Format]:
    return type(name, (Format,), {
        "name": name, "label": label, "platform": "linkedin_ads", "source_type": "fivetran",
        "role": "lookup", "dialects": (Dialect("api", fields, API, known=("_fivetran_synced", "version_tag")),),
        "required": required, "lookup_kind": kind, "lookup_key": key, "lookup_version": version,
        "priority": 20, "__module__": __name__,
    })


FivetranLinkedInAccountHistory = _lookup(
    "fivetran_linkedin_ad_account_history", "Fivetran linkedin_ads.ad_account_history (lookup)",
    "linkedin_ads.account", "account_id",
    {"account_id": ("id",), "account_name": ("name",), "currency": ("currency",),
     "version": ("last_modified_time",), "created": ("created_time",)},
    ("account_id", "account_name", "currency", "version"), "version")
FivetranLinkedInCampaignHistory = _lookup(
    "fivetran_linkedin_ad_campaign_history", "Fivetran linkedin_ads.ad_campaign_history (lookup)",
    "linkedin_ads.campaign", "ad_group_id",
    {"ad_group_id": ("id",), "ad_group_name": ("name",), "campaign_id": ("campaign_group_id",),
     "account_id": ("account_id",), "version": ("last_modified_time",), "created": ("created_time",)},
    ("ad_group_id", "ad_group_name", "campaign_id", "account_id"), "version")
FivetranLinkedInCampaignGroupHistory = _lookup(
    "fivetran_linkedin_ad_campaign_group_history", "Fivetran linkedin_ads.ad_campaign_group_history (lookup)",
    "linkedin_ads.campaign_group", "campaign_id",
    {"campaign_id": ("id",), "campaign_name": ("name",), "account_id": ("account_id",),
     "version": ("last_modified_time",), "created": ("created_time",)},
    ("campaign_id", "campaign_name", "account_id", "version"), "version")
FivetranLinkedInCreativeHistory = _lookup(
    "fivetran_linkedin_creative_history", "Fivetran linkedin_ads.creative_history (lookup)",
    "linkedin_ads.creative", "ad_id",
    {"ad_id": ("id",), "ad_group_id": ("campaign_id",), "ad_name": ("name", "click_uri"),
     "version": ("last_modified_at", "last_modified_time")},
    ("ad_id", "ad_group_id", "version"), "version")
FivetranLinkedInGeo = _lookup(
    "fivetran_linkedin_geo", "Fivetran linkedin_ads.geo (lookup)", "linkedin_ads.geo", "geo_id",
    {"geo_id": ("id",), "country": ("value",), "version": ("_fivetran_synced",)},
    ("geo_id", "country", "version"), "version")
