"""The built-in export formats, one declarative module each.

Importing this package registers them all (see :class:`mille.sources.format.Format`). To add a
platform or a connector table, add a module here and import it below; nothing else changes.
"""

from mille.sources.formats import (  # noqa: F401  (imported to register)
    crm_generic,
    dbt_ad_reporting,
    fivetran_facebook_ads,
    fivetran_google_ads,
    fivetran_linkedin,
    fivetran_other,
    generic,
    google_ads_ui,
    hubspot_contacts,
    hubspot_deals,
    linkedin_ads_ui,
    meta_ads_ui,
    microsoft_ads,
    reference,
    salesforce_campaign_members,
    salesforce_leads,
    salesforce_opportunities,
    tiktok_ads_ui,
)
