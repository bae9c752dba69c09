"""What a CRM export format is: the object it holds, its header spellings and its stage vocabulary.

CRM formats are declared like ad formats (a :class:`~mille.sources.format.Format` with dialects of
header spellings), with ``role = "crm"`` and the exported **object**:

* ``lead`` — HubSpot contacts, Salesforce leads: rows of ``crm_leads``, each with the touch it was
  created with (its UTM / original source) in ``crm_touches``;
* ``opportunity`` — HubSpot deals, Salesforce opportunities: rows of ``crm_opportunities``, the
  leads they came from in ``crm_associations`` and their own campaign as a touch;
* ``campaign_member`` — Salesforce campaign members: one touch per response in ``crm_touches``.

The unified field names a CRM dialect may map are listed in :data:`CRM_FIELDS`; the reader
(:mod:`mille.sources.crm_read`) is the same for every CRM format.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from mille.sources.format import Format, Locale

CRM_OBJECTS: tuple[str, ...] = ("lead", "opportunity", "campaign_member")
TARGETS: dict[str, str] = {
    "lead": "crm_leads",
    "opportunity": "crm_opportunities",
    "campaign_member": "crm_touches",
}

SOURCE_FIELDS: tuple[str, ...] = (
    "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "utm_id",
    "original_source", "original_source_detail", "original_source_detail_2", "crm_campaign",
)
# Every field a CRM dialect may map, per object (the id and the creation day are required).
CRM_FIELDS: dict[str, tuple[str, ...]] = {
    "lead": (
        "lead_id", "created_date", "lifecycle_stage", "lead_status", "mql_date", "sql_date", "country",
        "converted_opportunity_id", "converted_contact_id", *SOURCE_FIELDS,
    ),
    "opportunity": (
        "opportunity_id", "created_date", "close_date", "stage", "is_closed", "is_won", "amount",
        "currency", "lead_ids", *SOURCE_FIELDS,
    ),
    "campaign_member": (
        "member_id", "lead_id", "contact_id", "crm_campaign", "responded", "touch_date", "created_date",
        "utm_source", "utm_medium", "utm_campaign", "utm_id",
    ),
}
ID_FIELD: dict[str, str] = {"lead": "lead_id", "opportunity": "opportunity_id", "campaign_member": "member_id"}

# Lifecycle stages in funnel order (HubSpot's internal and display names, folded): a record at a
# later stage has passed the earlier ones.
STAGE_ORDER: dict[str, int] = {
    "subscriber": 0, "lead": 1, "marketingqualifiedlead": 2, "mql": 2, "salesqualifiedlead": 3, "sql": 3,
    "opportunity": 4, "customer": 5, "evangelist": 5,
}
MQL_RANK, SQL_RANK = 2, 3

# CRM timestamps: the day part is kept (a record's day is where the CRM placed it).
CRM_LOCALE = Locale(".", ",", ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d"), month_first=True)


class CrmFormat(Format):
    """Base class of CRM export formats (not registered itself)."""

    role = "crm"
    source_type = "ui_export"
    timezone = "account"
    crm_object: ClassVar[str] = "lead"
    source_system: ClassVar[str] = "generic"
    # Stage names (folded) that mean closed-won / closed-lost, beside explicit Won/Closed columns.
    won_stages: ClassVar[tuple[str, ...]] = ("closedwon", "won")
    lost_stages: ClassVar[tuple[str, ...]] = ("closedlost", "lost")
    # Lead statuses (folded) that mean the lead reached MQL or SQL where no lifecycle stage says.
    mql_statuses: ClassVar[tuple[str, ...]] = ("mql", "marketingqualified", "marketingqualifiedlead")
    sql_statuses: ClassVar[tuple[str, ...]] = ("sql", "salesqualified", "salesqualifiedlead", "qualified",
                                               "converted", "closedconverted")
    # Values that stand for "no source" in original-source fields (organic, direct…).
    currency_default: ClassVar[str | None] = None
    value_maps: ClassVar[Mapping[str, Mapping[str, str]]] = {}

    @classmethod
    def target_table(cls) -> str:
        return TARGETS[cls.crm_object]
