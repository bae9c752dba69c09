"""HubSpot "export all contacts" (CSV or XLSX): one row per contact, the CRM's leads.

HubSpot names columns by property label: ``Record ID`` (``Contact ID`` in older exports),
``Create Date`` (``YYYY-MM-DD HH:MM``), ``Lifecycle Stage``, ``Original Source`` with its
``Drill-Down 1`` (the site or network: LinkedIn, Facebook, Google) and ``Drill-Down 2`` (often
the utm_campaign), and whatever UTM properties the portal captures. A contact's own source is its
first touch; ``Became a … Date`` properties say it reached MQL or SQL.
"""

from __future__ import annotations

from mille.sources.crm_format import CRM_LOCALE, CrmFormat
from mille.sources.format import Dialect

_UTM = {
    "utm_source": ("UTM Source", "utm_source", "Original UTM Source", "First UTM Source"),
    "utm_medium": ("UTM Medium", "utm_medium", "Original UTM Medium", "First UTM Medium"),
    "utm_campaign": ("UTM Campaign", "utm_campaign", "Original UTM Campaign", "First UTM Campaign"),
    "utm_content": ("UTM Content", "utm_content"),
    "utm_term": ("UTM Term", "utm_term"),
    "utm_id": ("UTM ID", "utm_id", "UTM Campaign ID", "hsa_cam", "Ad Campaign ID"),
}

COLUMNS = {
    "lead_id": ("Record ID", "Contact ID", "Record ID - Contact"),
    "created_date": ("Create Date", "Create date", "Created Date", "createdate"),
    "lifecycle_stage": ("Lifecycle Stage", "lifecyclestage"),
    "lead_status": ("Lead Status", "hs_lead_status"),
    "mql_date": ("Became a Marketing Qualified Lead Date", "Date entered \"Marketing Qualified Lead (Lifecycle Stage Pipeline)\""),
    "sql_date": ("Became a Sales Qualified Lead Date", "Date entered \"Sales Qualified Lead (Lifecycle Stage Pipeline)\""),
    "country": ("Country/Region", "Country", "IP Country"),
    "original_source": ("Original Source", "Original Source Type", "hs_analytics_source"),
    "original_source_detail": ("Original Source Drill-Down 1", "Original Source Data 1", "hs_analytics_source_data_1"),
    "original_source_detail_2": ("Original Source Drill-Down 2", "Original Source Data 2", "hs_analytics_source_data_2"),
    **_UTM,
}


class HubSpotContacts(CrmFormat):
    name = "hubspot_contacts"
    label = "HubSpot contacts export"
    crm_object = "lead"
    source_system = "hubspot"
    dialects = (Dialect("en", COLUMNS, CRM_LOCALE, known=(
        "First Name", "Last Name", "Email", "Company Name", "Phone Number", "Contact owner", "Job Title",
        "Last Activity Date", "Marketing contact status", "Associated Company", "Primary Associated Company ID",
        "Email Domain", "Record source", "Record source detail 1", "Last Modified Date", "Mobile Phone Number",
        "Number of Sales Activities", "Time First Seen", "First Conversion", "Recent Conversion")),)
    required = ()
    # HubSpot's own property labels, not `Record ID` alone (deals and companies have one too): the
    # dialect's other columns decide between contacts and deals (see hubspot_deals).
    signature = ("Lifecycle Stage", "Original Source", "Contact ID", "Original Source Type", "lifecyclestage",
                 "Contact owner", "Marketing contact status", "Record ID - Contact", "Became a Lead Date",
                 "Last Activity Date")
    priority = 20
