"""Salesforce Opportunity reports (and Data Loader exports of Opportunity).

``Opportunity ID``, ``Created Date``, ``Close Date``, ``Stage``, ``Amount`` (multi-currency orgs
print ``USD 24,000.00`` or add ``Opportunity Currency``), ``Won`` / ``Closed`` flags, ``Primary
Campaign Source`` (the opportunity's own campaign touch) and, in "Opportunities with Contact
Roles" reports, ``Contact ID`` (the contacts it came from).
"""

from __future__ import annotations

from mille.sources.crm_format import CRM_LOCALE, CrmFormat
from mille.sources.format import Dialect
from mille.sources.formats.salesforce_leads import _UTM_REPORT

REPORT = {
    "opportunity_id": ("Opportunity ID", "Opportunity Id"),
    "created_date": ("Created Date", "Opportunity Created Date"),
    "close_date": ("Close Date",),
    "stage": ("Stage", "Opportunity Stage"),
    "is_won": ("Won",),
    "is_closed": ("Closed",),
    "amount": ("Amount", "Opportunity Amount"),
    "currency": ("Opportunity Currency", "Amount Currency", "Currency"),
    "lead_ids": ("Contact ID", "Contact Id", "Lead ID"),
    "original_source": ("Lead Source", "Opportunity Lead Source"),
    "crm_campaign": ("Primary Campaign Source", "Primary Campaign", "Campaign Name"),
    **_UTM_REPORT,
}
API = {
    "opportunity_id": ("Id",),
    "created_date": ("CreatedDate",),
    "close_date": ("CloseDate",),
    "stage": ("StageName",),
    "is_won": ("IsWon",),
    "is_closed": ("IsClosed",),
    "amount": ("Amount",),
    "currency": ("CurrencyIsoCode",),
    "lead_ids": ("ContactId",),
    "original_source": ("LeadSource",),
    "crm_campaign": ("CampaignId",),
    **_UTM_REPORT,
}


class SalesforceOpportunities(CrmFormat):
    name = "salesforce_opportunities"
    label = "Salesforce opportunities report"
    crm_object = "opportunity"
    source_system = "salesforce"
    dialects = (
        Dialect("report", REPORT, CRM_LOCALE, known=("Opportunity Name", "Account Name", "Opportunity Owner",
                                                     "Probability (%)", "Type", "Fiscal Period", "Age")),
        Dialect("api", API, CRM_LOCALE, known=("Name", "AccountId", "OwnerId", "Probability", "Type")),
    )
    required = ()
    signature = ("Opportunity ID", "Opportunity Id", "StageName", "Opportunity Name")
    priority = 20
