"""Salesforce Campaign Member reports ("Campaigns with Leads / Contacts"): one row per member.

A member who **responded** (``Responded`` = 1, or a ``Member First Responded Date``) is a touch of
the lead or contact on the campaign, dated by the first response (else the member's creation).
Members who never responded (an email sent, an invitation) are not touches and are counted as
such. The campaign is matched to ad campaigns by name (``Campaign Name``), or by the ad campaign
id where the report carries one in a UTM-id field.
"""

from __future__ import annotations

from mille.sources.crm_format import CRM_LOCALE, CrmFormat
from mille.sources.format import Dialect

REPORT = {
    "member_id": ("Campaign Member ID", "Member ID", "Campaign Member Id"),
    "lead_id": ("Lead ID", "Lead Id"),
    "contact_id": ("Contact ID", "Contact Id"),
    "crm_campaign": ("Campaign Name", "Campaign"),
    "responded": ("Responded", "Member Responded", "Has Responded"),
    "touch_date": ("Member First Responded Date", "First Responded Date", "First Responded"),
    "created_date": ("Member Created Date", "Created Date", "Campaign Member Created Date"),
    "utm_source": ("UTM Source", "utm_source"),
    "utm_medium": ("UTM Medium", "utm_medium"),
    "utm_campaign": ("UTM Campaign", "utm_campaign"),
    "utm_id": ("Ad Campaign ID", "UTM ID", "utm_id"),
}
API = {
    "member_id": ("Id",),
    "lead_id": ("LeadId",),
    "contact_id": ("ContactId",),
    "crm_campaign": ("CampaignId", "Campaign.Name"),
    "responded": ("HasResponded",),
    "touch_date": ("FirstRespondedDate",),
    "created_date": ("CreatedDate",),
}


class SalesforceCampaignMembers(CrmFormat):
    name = "salesforce_campaign_members"
    label = "Salesforce campaign members report"
    crm_object = "campaign_member"
    source_system = "salesforce"
    dialects = (
        Dialect("report", REPORT, CRM_LOCALE, known=("Member Status", "Status", "First Name", "Last Name",
                                                     "Company / Account", "Campaign Type")),
        Dialect("api", API, CRM_LOCALE, known=("Status", "CampaignMemberRecordTypeId")),
    )
    required = ("crm_campaign",)
    signature = ("Member Status", "Member First Responded Date", "First Responded Date", "Responded",
                 "HasResponded", "Campaign Member ID")
    priority = 25
