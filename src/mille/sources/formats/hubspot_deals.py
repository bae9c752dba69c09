"""HubSpot "export all deals" (CSV or XLSX): one row per deal, the CRM's opportunities.

``Record ID`` (``Deal ID``), ``Create Date``, ``Close Date``, ``Deal Stage`` (``Closed Won`` /
``Closed Lost`` or the portal's own names), ``Amount`` in the company currency unless a
``Currency`` column says otherwise (multi-currency portals), and ``Associated Contact IDs`` — the
contacts the deal came from, separated by ``;`` — through which a deal inherits its contacts'
touches.
"""

from __future__ import annotations

from mille.sources.crm_format import CRM_LOCALE, CrmFormat
from mille.sources.format import Dialect
from mille.sources.formats.hubspot_contacts import _UTM

COLUMNS = {
    "opportunity_id": ("Record ID", "Deal ID", "Record ID - Deal"),
    "created_date": ("Create Date", "Create date", "createdate"),
    "close_date": ("Close Date", "Close date", "closedate"),
    "stage": ("Deal Stage", "dealstage"),
    "is_won": ("Is Closed Won", "Is closed won", "hs_is_closed_won"),
    "is_closed": ("Is Closed", "Is closed", "hs_is_closed"),
    "amount": ("Amount", "amount", "Amount in company currency"),
    "currency": ("Currency", "Deal currency code", "deal_currency_code"),
    "lead_ids": ("Associated Contact IDs", "Associated Contact ID", "Associated Contacts IDs"),
    "original_source": ("Original Source Type", "Original Source", "hs_analytics_source"),
    "original_source_detail": ("Original Source Data 1", "Original Source Drill-Down 1"),
    "original_source_detail_2": ("Original Source Data 2", "Original Source Drill-Down 2"),
    "crm_campaign": ("Campaign of last booking in meetings tool",),
    **_UTM,
}


class HubSpotDeals(CrmFormat):
    name = "hubspot_deals"
    label = "HubSpot deals export"
    crm_object = "opportunity"
    source_system = "hubspot"
    dialects = (Dialect("en", COLUMNS, CRM_LOCALE, known=("Deal Name", "Pipeline", "Deal owner", "Deal Type",
                                                           "Associated Company", "Associated Contact")),)
    required = ()
    signature = ("Deal Stage", "Deal Name", "Deal ID", "dealstage")
    priority = 20
