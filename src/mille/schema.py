"""The unified tables, declared once.

Every table mille stores is declared here: its columns, their types, their role and whether a
column may be summed. Ingest writes these tables, metrics validate their measures and filters
against them, analyses group by their dimensions. Column names follow the dbt ``ad_reporting``
convention (``source_relation, date_day, platform, account_id, …, spend, impressions, clicks``)
extended with currency, breakdown dimensions and lineage.

Money is stored as float64, like dbt ``ad_reporting`` casts it: sums of float64 over millions of
rows are exact to far below a cent at advertising magnitudes, and they stay fast on every engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mille.errors import QueryError, suggestion

Role = Literal["lineage", "time", "entity", "dimension", "measure", "attribute"]

GRANULARITIES: tuple[str, ...] = ("day", "week", "month", "period")
LEVELS: tuple[str, ...] = ("account", "campaign", "ad_group", "ad", "keyword", "breakdown")


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # an Ibis type string: "string", "date", "int64", "float64", "boolean", "timestamp"
    role: Role
    description: str
    nullable: bool = True
    additive: bool = False  # may this measure be summed across rows?


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        try:
            return self._by_name[name]
        except KeyError:
            raise QueryError(
                f"`{name}` is not a column of {self.name}", hint=suggestion(name, self.names)
            ) from None

    def has(self, name: str) -> bool:
        return name in self._by_name

    def with_role(self, *roles: Role) -> list[Column]:
        return [c for c in self.columns if c.role in roles]

    @property
    def measures(self) -> list[str]:
        return [c.name for c in self.columns if c.role == "measure"]

    @property
    def additive_measures(self) -> list[str]:
        return [c.name for c in self.columns if c.role == "measure" and c.additive]

    @property
    def dimensions(self) -> list[str]:
        """Columns a report may group by or a filter may test."""
        return [c.name for c in self.columns if c.role in ("entity", "dimension")]

    def ibis_schema(self):  # -> ibis.Schema; ibis is imported lazily to keep `mille --help` fast
        import ibis

        return ibis.schema({c.name: _ibis_type(c) for c in self.columns})


def _ibis_type(col: Column) -> str:
    return col.dtype if col.nullable else f"!{col.dtype}"


def _lineage() -> tuple[Column, ...]:
    return (
        Column("source_relation", "string", "lineage", "The file name or schema.table the row came from.", nullable=False),
        Column("source_type", "string", "lineage", "ui_export, fivetran, airbyte, api, manual or generic."),
        Column("source_format", "string", "lineage", "The export format detected or given at ingest (e.g. google_ads_ui)."),
        Column("ingest_id", "string", "lineage", "The ingest that wrote the row.", nullable=False),
        Column("file_hash", "string", "lineage", "SHA-256 of the source file's bytes.", nullable=False),
        Column("row_number", "int64", "lineage", "1-based line of the row in its source file (after decoding).", nullable=False),
    )


AD_DIMENSIONS: tuple[Column, ...] = (
    Column("country", "string", "dimension", "ISO 3166-1 alpha-2 country of the audience reached, where the export breaks it down."),
    Column("region", "string", "dimension", "A geographic region (from the export, or from the campaign naming convention)."),
    Column("device", "string", "dimension", "desktop, mobile, tablet, connected_tv or other."),
    Column("network", "string", "dimension", "Network or placement family: search, display, video, social, audience, shopping…"),
    Column("placement", "string", "dimension", "Finer placement where the platform reports it (feed, stories, right column…)."),
    Column("audience", "string", "dimension", "The targeted audience (from breakdowns or the campaign naming convention)."),
    Column("job_function", "string", "dimension", "Member job function (LinkedIn demographics)."),
    Column("seniority", "string", "dimension", "Member seniority (LinkedIn demographics)."),
    Column("industry", "string", "dimension", "Member industry (LinkedIn demographics)."),
    Column("company_size", "string", "dimension", "Member company size (LinkedIn demographics)."),
    Column("age", "string", "dimension", "Age band (Meta breakdowns)."),
    Column("gender", "string", "dimension", "Gender (Meta breakdowns)."),
    Column("objective", "string", "dimension", "Campaign objective (from the export or the naming convention)."),
    Column("offer", "string", "dimension", "The offer promoted (from the naming convention)."),
    Column("funnel_stage", "string", "dimension", "Funnel stage targeted (from the naming convention)."),
    Column("product", "string", "dimension", "Product line promoted (from the naming convention)."),
    Column("language", "string", "dimension", "Ad language (from the naming convention)."),
    Column("keyword", "string", "dimension", "Keyword text as the platform prints it (keyword and search-term reports)."),
    Column("match_type", "string", "dimension", "Keyword match type (exact, phrase, broad…) as the platform prints it."),
    Column("search_term", "string", "dimension", "The search query that triggered the ad (search-term reports)."),
)

AD_PERFORMANCE = Table(
    name="ad_performance",
    description="One row per source × day (or period) × entity × breakdown of paid-media delivery and cost.",
    columns=(
        *_lineage(),
        Column("level", "string", "lineage", "Hierarchy level of the row: account, campaign, ad_group, ad, keyword or breakdown."),
        Column("grain_hash", "int64", "lineage", "Hash of the row's text cells that no column here holds (see "
               "NATURAL_KEY): rows equal in their key but not in these cells are finer than the key, not duplicates. "
               "NULL when the export has no such cells."),
        Column("superseded_by", "string", "lineage", "Ingest id of a later export covering the same slice at another level; such rows are kept for the audit and excluded from figures."),
        Column("date_day", "date", "time", "First day of the row's period, in the platform's reporting time zone.", nullable=False),
        Column("period_end", "date", "time", "Last day of the row's period (= date_day for daily rows).", nullable=False),
        Column("granularity", "string", "time", "day, week, month or period.", nullable=False),
        Column("report_timezone", "string", "attribute", "Time zone the platform reported the day in (UTC for LinkedIn; the account's zone elsewhere)."),
        Column("platform", "string", "entity", "google_ads, microsoft_ads, linkedin_ads, facebook_ads, twitter_ads, tiktok_ads or reddit_ads.", nullable=False),
        Column("account_id", "string", "entity", "Ad account id (customer id on Google Ads)."),
        Column("account_name", "string", "entity", "Ad account name."),
        Column("campaign_id", "string", "entity", "Campaign id (LinkedIn: campaign group id in classic exports)."),
        Column("campaign_name", "string", "entity", "Campaign name."),
        Column("ad_group_id", "string", "entity", "Ad group id (Meta ad set, LinkedIn campaign / ad set)."),
        Column("ad_group_name", "string", "entity", "Ad group name."),
        Column("ad_id", "string", "entity", "Ad id (LinkedIn creative)."),
        Column("ad_name", "string", "entity", "Ad name."),
        Column("currency", "string", "entity", "ISO 4217 currency of spend and conversions_value."),
        *AD_DIMENSIONS,
        Column("spend", "float64", "measure", "Cost in the account's currency (micros already divided).", additive=True),
        Column("spend_reporting", "float64", "measure", "Cost converted to the workspace's reporting currency at the rate of date_day.", additive=True),
        Column("impressions", "int64", "measure", "Times an ad was shown.", additive=True),
        Column("clicks", "int64", "measure", "Clicks towards the destination: Google clicks, Meta link clicks, LinkedIn clicks, Microsoft clicks.", additive=True),
        Column("clicks_all", "int64", "measure", "All clicks including engagement (Meta clicks (all), Google interactions).", additive=True),
        Column("conversions", "float64", "measure", "Conversions as the platform counts them (fractional under data-driven attribution).", additive=True),
        Column("conversions_value", "float64", "measure", "Value of the conversions, in the account's currency.", additive=True),
        Column("leads", "float64", "measure", "Platform-reported leads (LinkedIn lead-gen forms, Meta leads action).", additive=True),
        Column("reach", "int64", "measure", "Unique people reached; not additive across days, ads or breakdowns.", additive=False),
    ),
    key=("platform", "account_id", "account_name", "level", "date_day", "period_end", "campaign_id", "campaign_name",
         "ad_group_id", "ad_group_name", "ad_id", "ad_name", *(c.name for c in AD_DIMENSIONS)),
)

# The natural key of an ad_performance row is AD_PERFORMANCE.key with each entity named by its id,
# else its name (a name stands in only where the id is missing), and NULL equal to NULL. Inside one
# export, no two rows may share it (plus their grain_hash): see mille.sources.grain and docs/ingest.md.
KEY_NAME_OF_ID: dict[str, str] = {
    "account_id": "account_name",
    "campaign_id": "campaign_name",
    "ad_group_id": "ad_group_name",
    "ad_id": "ad_name",
}
NATURAL_KEY: tuple[str, ...] = tuple(c for c in AD_PERFORMANCE.key if c not in KEY_NAME_OF_ID.values())

_CRM_SOURCE = (
    Column("utm_source", "string", "attribute", "utm_source as captured by the CRM."),
    Column("utm_medium", "string", "attribute", "utm_medium as captured by the CRM."),
    Column("utm_campaign", "string", "attribute", "utm_campaign as captured by the CRM."),
    Column("utm_content", "string", "attribute", "utm_content as captured by the CRM."),
    Column("utm_term", "string", "attribute", "utm_term as captured by the CRM."),
    Column("original_source", "string", "attribute", "The CRM's own source field (HubSpot Original Source, Salesforce Lead Source)."),
    Column("original_source_detail", "string", "attribute", "HubSpot Original Source Drill-Down 1/2 or similar detail."),
    Column("platform", "string", "entity", "Ad platform the record is attributed to after source normalisation; null when unmatched."),
    Column("campaign_id", "string", "entity", "Ad campaign id matched from the UTM or the CRM campaign."),
    Column("campaign_name", "string", "entity", "Ad campaign name matched from the UTM or the CRM campaign."),
)

CRM_LEADS = Table(
    name="crm_leads",
    description="One row per lead or contact from a CRM export.",
    columns=(
        *_lineage(),
        Column("source_system", "string", "lineage", "hubspot, salesforce or generic."),
        Column("lead_id", "string", "entity", "The CRM's record id.", nullable=False),
        Column("created_date", "date", "time", "Day the lead was created.", nullable=False),
        Column("lifecycle_stage", "string", "dimension", "Lifecycle stage or lead status (lead, mql, sql, opportunity, customer…)."),
        Column("is_mql", "boolean", "attribute", "Reached marketing-qualified stage."),
        Column("is_sql", "boolean", "attribute", "Reached sales-qualified stage."),
        Column("country", "string", "dimension", "Lead's country, ISO-2 where known."),
        *_CRM_SOURCE,
    ),
    key=("source_system", "lead_id"),
)

CRM_OPPORTUNITIES = Table(
    name="crm_opportunities",
    description="One row per opportunity (deal) from a CRM export.",
    columns=(
        *_lineage(),
        Column("source_system", "string", "lineage", "hubspot, salesforce or generic."),
        Column("opportunity_id", "string", "entity", "The CRM's record id.", nullable=False),
        Column("lead_id", "string", "entity", "The lead or contact the opportunity came from, where known."),
        Column("created_date", "date", "time", "Day the opportunity was created.", nullable=False),
        Column("close_date", "date", "time", "Day it closed (or is expected to)."),
        Column("stage", "string", "dimension", "Pipeline stage."),
        Column("is_closed", "boolean", "attribute", "The opportunity is closed (won or lost)."),
        Column("is_won", "boolean", "attribute", "The opportunity is closed won."),
        Column("currency", "string", "entity", "ISO 4217 currency of amount."),
        Column("amount", "float64", "measure", "Opportunity amount in its currency.", additive=True),
        Column("amount_reporting", "float64", "measure", "Amount in the reporting currency.", additive=True),
        *_CRM_SOURCE,
    ),
    key=("source_system", "opportunity_id"),
)

CRM_TOUCHES = Table(
    name="crm_touches",
    description=(
        "One row per marketing touch of a CRM lead or opportunity: the source a lead was created "
        "with, each Salesforce campaign-member response, an opportunity's own campaign. Written "
        "by the CRM ingest from the record (origin) that carries it; attribution reads touches only."
    ),
    columns=(
        *_lineage(),
        Column("source_system", "string", "lineage", "hubspot, salesforce or generic.", nullable=False),
        Column("origin_object", "string", "lineage", "The exported object the touch was read from: lead, opportunity or campaign_member.", nullable=False),
        Column("origin_id", "string", "lineage", "The id of that exported record (replaced with it by a newer export).", nullable=False),
        Column("record_type", "string", "attribute", "lead or opportunity: whose touch it is.", nullable=False),
        Column("record_id", "string", "entity", "The lead (contact) or opportunity id the touch belongs to.", nullable=False),
        Column("touch_date", "date", "time", "Day of the touch: the record's creation, or the campaign member's response.", nullable=False),
        Column("touch_kind", "string", "attribute", "created (the record's own source), response (campaign member) or campaign (an opportunity's campaign)."),
        Column("utm_id", "string", "attribute", "The ad campaign id the link carried (utm_id, hsa_cam, campaign id), where captured."),
        Column("crm_campaign", "string", "attribute", "The CRM's own campaign name (Salesforce campaign), where given."),
        *_CRM_SOURCE,
    ),
    key=("source_system", "origin_object", "origin_id", "record_type", "record_id"),
)

CRM_ASSOCIATIONS = Table(
    name="crm_associations",
    description=(
        "Which leads (contacts) an opportunity came from: HubSpot's Associated Contact IDs, "
        "Salesforce's converted-lead ids. Attribution credits an opportunity through its leads' touches."
    ),
    columns=(
        *_lineage(),
        Column("source_system", "string", "lineage", "hubspot, salesforce or generic.", nullable=False),
        Column("origin_object", "string", "lineage", "The exported object the link was read from: lead or opportunity.", nullable=False),
        Column("origin_id", "string", "lineage", "The id of that exported record.", nullable=False),
        Column("opportunity_id", "string", "entity", "The opportunity.", nullable=False),
        Column("lead_id", "string", "entity", "A lead or contact it is associated with.", nullable=False),
    ),
    key=("source_system", "opportunity_id", "lead_id"),
)

INGESTS = Table(
    name="ingests",
    description="The ingest log: one row per file or table ingested (or skipped as already held).",
    columns=(
        Column("ingest_id", "string", "lineage", "Id of the ingest.", nullable=False),
        Column("started_at", "timestamp", "time", "When the ingest ran (UTC).", nullable=False),
        Column("source_relation", "string", "lineage", "File name or table.", nullable=False),
        Column("path", "string", "lineage", "Path or URL as given."),
        Column("file_hash", "string", "lineage", "SHA-256 of the bytes.", nullable=False),
        Column("source_format", "string", "lineage", "Format detected or given."),
        Column("target_table", "string", "lineage", "ad_performance, crm_leads or crm_opportunities."),
        Column("platform", "string", "entity", "Platform of the rows."),
        Column("account_ids", "string", "entity", "Comma-separated account ids in the file."),
        Column("level", "string", "lineage", "Hierarchy level of the rows."),
        Column("date_min", "date", "time", "First day held."),
        Column("date_max", "date", "time", "Last day held."),
        Column("rows", "int64", "measure", "Rows written.", additive=True),
        Column("spend", "float64", "measure", "Spend written, native currency (mixed currencies summed only for display).", additive=True),
        Column("status", "string", "attribute", "ingested or removed."),
        Column("warnings", "string", "attribute", "JSON list of warnings raised while reading."),
        Column("metadata", "string", "attribute", "JSON of the file's preamble metadata (title, date range, time zone…)."),
    ),
    key=("ingest_id",),
)

RECONCILIATIONS = Table(
    name="reconciliations",
    description="Totals rows found in exports, compared with the sum of the rows kept.",
    columns=(
        Column("ingest_id", "string", "lineage", "The ingest.", nullable=False),
        Column("source_relation", "string", "lineage", "The file.", nullable=False),
        Column("total_label", "string", "attribute", "The totals row's label (Total: Account, Search total…)."),
        Column("measure", "string", "attribute", "spend, impressions, clicks…", nullable=False),
        Column("total_value", "float64", "measure", "Value printed on the totals row."),
        Column("rows_value", "float64", "measure", "Sum of the kept rows the totals row covers."),
        Column("difference", "float64", "measure", "total_value − rows_value."),
        Column("reconciled", "boolean", "attribute", "Difference within rounding."),
        Column("rows_covered", "int64", "measure", "Kept rows the totals row covers."),
        Column("label_column", "string", "attribute", "The column the totals label stands in."),
        Column("scope_kind", "string", "attribute",
               "whole (the rows shown), covers_more (the account, removed or filtered items too) or segment "
               "(one month, device, campaign type…)."),
        Column("scope", "string", "attribute", "The segment cells the total is limited to (Month=Jan-26)."),
        Column("one_sided", "boolean", "attribute",
               "The total may exceed its rows (removed, filtered, below-threshold items); only rows above it contradict it."),
    ),
)

SLICE_REPLACEMENTS = Table(
    name="slice_replacements",
    description="Overlaps resolved at ingest: a newer export replaced or superseded an older one's days.",
    columns=(
        Column("ingest_id", "string", "lineage", "The newer ingest.", nullable=False),
        Column("replaced_ingest_id", "string", "lineage", "The older ingest whose rows were replaced.", nullable=False),
        Column("action", "string", "attribute", "replaced (same level: rows deleted) or superseded (other level: rows kept, excluded)."),
        Column("platform", "string", "entity", "Platform."),
        Column("account_id", "string", "entity", "Account."),
        Column("level", "string", "lineage", "Level of the older rows."),
        Column("date_min", "date", "time", "First overlapping day."),
        Column("date_max", "date", "time", "Last overlapping day."),
        Column("rows", "int64", "measure", "Rows replaced.", additive=True),
        Column("spend", "float64", "measure", "Spend on the replaced rows.", additive=True),
        Column("impressions", "int64", "measure", "Impressions on the replaced rows.", additive=True),
        Column("clicks", "int64", "measure", "Clicks on the replaced rows.", additive=True),
        Column("conversions", "float64", "measure", "Conversions on the replaced rows.", additive=True),
        Column("leads", "float64", "measure", "Platform leads on the replaced rows.", additive=True),
    ),
)

METRIC_VERSIONS = Table(
    name="metric_versions",
    description="Every metric definition version seen by a report, for definition-drift checks.",
    columns=(
        Column("metric", "string", "entity", "Metric name.", nullable=False),
        Column("version", "string", "attribute", "Hash of the normalised definition.", nullable=False),
        Column("first_seen", "timestamp", "time", "When a report first used this version.", nullable=False),
        Column("definition", "string", "attribute", "The normalised definition as JSON."),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        AD_PERFORMANCE,
        CRM_LEADS,
        CRM_OPPORTUNITIES,
        CRM_TOUCHES,
        CRM_ASSOCIATIONS,
        INGESTS,
        RECONCILIATIONS,
        SLICE_REPLACEMENTS,
        METRIC_VERSIONS,
    )
}


def table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise QueryError(f"unknown table `{name}`", hint=suggestion(name, TABLES)) from None
