"""Salesforce Lead reports (and Data Loader exports of Lead) — the CRM's leads.

Report labels (``Lead ID``, ``Created Date``, ``Lead Source``, ``Lead Status``, ``Converted
Opportunity ID``…) or API names (``Id``, ``CreatedDate``, ``LeadSource``, ``Status``,
``ConvertedOpportunityId``). Dates are the running user's locale: ``M/D/YYYY`` in en-US orgs,
``D/M/YYYY`` elsewhere; a whole column is read with one order (see docs/pipeline.md). A converted
lead names its opportunity, which links the opportunity to the lead's touches.
"""

from __future__ import annotations

from mille.sources.crm_format import CRM_LOCALE, CrmFormat
from mille.sources.format import Dialect

_UTM_REPORT = {
    "utm_source": ("UTM Source", "utm_source", "UTM_Source__c"),
    "utm_medium": ("UTM Medium", "utm_medium", "UTM_Medium__c"),
    "utm_campaign": ("UTM Campaign", "utm_campaign", "UTM_Campaign__c"),
    "utm_content": ("UTM Content", "utm_content", "UTM_Content__c"),
    "utm_term": ("UTM Term", "utm_term", "UTM_Term__c"),
    "utm_id": ("UTM ID", "utm_id", "UTM_ID__c", "Ad Campaign ID"),
}

REPORT = {
    "lead_id": ("Lead ID", "Lead Id"),
    "created_date": ("Created Date", "Create Date", "Lead Created Date"),
    "lead_status": ("Lead Status", "Status"),
    "lifecycle_stage": ("Lifecycle Stage", "Lead Stage"),
    "country": ("Country", "Country Code"),
    "original_source": ("Lead Source",),
    "original_source_detail": ("Lead Source Detail", "Lead Source Drill-Down"),
    "crm_campaign": ("Primary Campaign", "Campaign Name", "Last Campaign"),
    "converted_opportunity_id": ("Converted Opportunity ID", "Converted Opportunity Id", "Opportunity ID"),
    "converted_contact_id": ("Converted Contact ID", "Converted Contact Id", "Contact ID"),
    **_UTM_REPORT,
}
API = {
    "lead_id": ("Id",),
    "created_date": ("CreatedDate",),
    "lead_status": ("Status",),
    "country": ("Country", "CountryCode"),
    "original_source": ("LeadSource",),
    "converted_opportunity_id": ("ConvertedOpportunityId",),
    "converted_contact_id": ("ConvertedContactId",),
    **_UTM_REPORT,
}


class SalesforceLeads(CrmFormat):
    name = "salesforce_leads"
    label = "Salesforce leads report"
    crm_object = "lead"
    source_system = "salesforce"
    dialects = (
        Dialect("report", REPORT, CRM_LOCALE, known=("First Name", "Last Name", "Company / Account", "Email",
                                                     "Lead Owner", "Title", "Converted", "Rating")),
        Dialect("api", API, CRM_LOCALE, known=("FirstName", "LastName", "Company", "Email", "OwnerId",
                                               "IsConverted")),
    )
    required = ()
    signature = ("Lead ID", "Lead Id", "Lead Source", "Lead Status", "LeadSource", "ConvertedOpportunityId")
    priority = 20
