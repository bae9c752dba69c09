"""Source normalisation: which ad platform and campaign a CRM touch came from.

CRM records carry their source as people typed it: ``utm_source`` = ``LinkedIn``, ``li``,
``lnkd.in``; HubSpot's ``Original Source`` = ``Paid Social`` with ``Drill-Down 1`` = ``LinkedIn``;
a Salesforce campaign named like the ad campaign. One function, :func:`normalise`, turns every
touch into ``platform``, ``campaign_id``, ``campaign_name`` and a ``match`` status:

``campaign``   the platform and the ad campaign are known;
``platform``   the platform is known but no ad campaign has the name or id the touch carries
               (credited to the platform, campaign unknown);
``unmatched``  the touch looks paid (a paid medium, an unknown utm_source, ``Paid Social`` with an
               unknown network) but names no platform mille knows: counted and listed;
``unpaid``     organic, direct, referral, email… (not ad spend's to claim);
``none``       the record names no source at all.

Rules, in order (documented in docs/pipeline.md):

1. ``utm_source`` through the alias table (built-ins + mille.yaml ``source_aliases``; case,
   spaces, dots, dashes and underscores ignored). Search-engine names that also bring organic
   traffic (``google``, ``bing``, ``microsoft``, ``yahoo``) count as paid only with a paid
   ``utm_medium`` (cpc, ppc, paid…); ad-product names (``adwords``, ``googleads``, ``gdn``,
   ``bingads``) always do. An unpaid medium (organic, email, referral…) makes any touch unpaid.
2. Without a ``utm_source``: the CRM's original source — ``Paid Social`` / ``Paid Search`` /
   ``Other Campaigns`` with its drill-down naming the network, or a lead source that is itself a
   platform name (``LinkedIn``, ``Google AdWords``).
3. The campaign: by the ad campaign **id** the touch carries (``utm_id``, or a ``utm_campaign``
   made of digits), else by **name** — ``utm_campaign``, then the CRM campaign — compared without
   case or spaces. Within the touch's platform when it has one; a name shared by several ad
   campaigns goes to the one with the most spend.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

import pyarrow as pa
import pyarrow.compute as pc

from mille.platforms import PLATFORMS, all_platforms, folded
from mille.platforms import alias_table as platform_aliases

# Folded spellings that also send organic traffic (search engines, social sites): paid only with
# a paid medium. Declared by each platform module.
ORGANIC_TOO = frozenset(folded(a) for p in all_platforms() for a in p.organic_too)
# Aliases that name a platform only as the whole value, never as one word of a longer one.
STANDALONE = frozenset(folded(a) for p in all_platforms() for a in p.standalone)
PAID_MEDIUMS = frozenset({
    "cpc", "ppc", "paid", "paidsearch", "paidsocial", "socialpaid", "paidmedia", "display", "cpm", "cpv",
    "cpa", "video", "banner", "sem", "ads", "ad", "sponsored", "sponsoredcontent", "retargeting",
    "remarketing", "native", "leadgen", "inmail", "paidvideo", "programmatic", "shopping",
})
UNPAID_MEDIUMS = frozenset({
    "organic", "organicsocial", "socialorganic", "referral", "email", "newsletter", "none", "(none)",
    "direct", "owned", "sms", "push", "affiliate", "partner", "qr", "print", "event", "offline",
})
PAID_ORIGINAL = frozenset({"paidsocial", "paidsearch", "othercampaigns", "paid", "paidads", "advertisement",
                           "advertising", "ppc", "cpc", "display", "paidmedia"})
MATCH_STATES: tuple[str, ...] = ("campaign", "platform", "unmatched", "unpaid", "none")
FIELDS: tuple[str, ...] = ("utm_source", "utm_medium", "utm_campaign", "utm_id", "crm_campaign",
                           "original_source", "original_source_detail")

_SPACES = re.compile(r"\s+")
_NULL = "\x00"


def folded_name(value: str) -> str:
    """A campaign name for matching: URL-decoded, case and spaces ignored (not other characters)."""
    text = unquote_plus(value) if ("%" in value or "+" in value) else value
    return _SPACES.sub("", text.strip().lower())


def alias_table(extra: Mapping[str, list[str]] | None = None) -> dict[str, str]:
    """Folded spelling → platform, built-ins first, then the workspace's own spellings."""
    return platform_aliases(extra)


def canonical_source(value: str, table: Mapping[str, str]) -> str:
    """The platform a utm_source spelling means, else the folded spelling itself."""
    key = folded(value)
    if key in table:
        return table[key]
    host = key.removeprefix("www")
    return table.get(host, key)


def platform_of(value: str | None, table: Mapping[str, str]) -> str | None:
    if not value:
        return None
    found = canonical_source(value, table)
    if found in PLATFORMS:
        return found
    # "LinkedIn - Sponsored Content", "Google Display": try the words one by one.
    for word in re.split(r"[\s/|:,;()\-]+", value):
        if word and (hit := table.get(folded(word))) is not None and folded(word) not in STANDALONE:
            return hit
    return None


@dataclass
class CampaignIndex:
    """The ad campaigns a touch may name: by id and by folded name, per platform."""

    by_id: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)
    by_name: dict[tuple[str | None, str], tuple[str, str | None, str | None]] = field(default_factory=dict)

    @classmethod
    def from_table(cls, campaigns: pa.Table) -> CampaignIndex:
        """``campaigns``: platform, campaign_id, campaign_name, spend (one row per campaign)."""
        index = cls()
        rows = sorted(campaigns.to_pylist(), key=lambda r: -(r.get("spend") or 0.0))  # most spend first
        for r in rows:  # campaigns: hundreds, not rows of data
            entry = (r["platform"], r["campaign_id"], r["campaign_name"])
            if r["campaign_id"]:
                index.by_id.setdefault(str(r["campaign_id"]), entry)
            if r["campaign_name"]:
                name = folded_name(str(r["campaign_name"]))
                index.by_name.setdefault((r["platform"], name), entry)
                index.by_name.setdefault((None, name), entry)
        return index

    def find(self, platform: str | None, ids: list[str | None], names: list[str | None]
             ) -> tuple[str, str | None, str | None] | None:
        for value in ids:
            if value and (hit := self.by_id.get(value.strip())) is not None and platform in (None, hit[0]):
                return hit
        for value in names:
            if value and (hit := self.by_name.get((platform, folded_name(value)))) is not None:
                return hit
        return None


def classify(values: dict[str, str | None], aliases: Mapping[str, str], campaigns: CampaignIndex
             ) -> tuple[str | None, str | None, str | None, str]:
    """(platform, campaign_id, campaign_name, match) for one combination of source values."""
    source, medium = values.get("utm_source"), values.get("utm_medium")
    medium_f = folded(medium) if medium else ""
    platform: str | None = None
    paid_looking = False
    if medium_f in UNPAID_MEDIUMS:
        return None, None, None, "unpaid"
    if source:
        platform = platform_of(source, aliases)
        if platform is not None and folded(source) in ORGANIC_TOO and medium_f not in PAID_MEDIUMS:
            return None, None, None, "unpaid"
        paid_looking = platform is None
    elif values.get("original_source"):
        original = folded(values["original_source"] or "")
        if original in PAID_ORIGINAL:
            platform = platform_of(values.get("original_source_detail"), aliases)
            paid_looking = platform is None
        else:
            platform = platform_of(values["original_source"], aliases)
            if platform is None and not (values.get("utm_campaign") or values.get("utm_id")):
                return None, None, None, "unpaid"
    elif medium_f in PAID_MEDIUMS:
        paid_looking = True
    utm_campaign = values.get("utm_campaign")
    ids = [values.get("utm_id"), utm_campaign if utm_campaign and utm_campaign.strip().isdigit() else None]
    names = [utm_campaign, values.get("crm_campaign")]
    hit = campaigns.find(platform, ids, names)
    if hit is not None:
        return hit[0], hit[1], hit[2], "campaign"
    if platform is not None:
        return platform, None, None, "platform"
    if paid_looking or utm_campaign or values.get("utm_id"):
        return None, None, None, "unmatched"
    if values.get("crm_campaign"):
        return None, None, None, "unmatched"
    return None, None, None, "none"


def normalise(touches: pa.Table, aliases: Mapping[str, str], campaigns: CampaignIndex) -> pa.Table:
    """``touches`` with ``platform``, ``campaign_id``, ``campaign_name`` and ``match`` set, worked
    out once per distinct combination of source values (a few hundred, whatever the rows)."""
    n = touches.num_rows
    keys = {f: pc.fill_null(touches.column(f).cast(pa.string()), _NULL) if f in touches.column_names
            else pa.array([_NULL] * n, pa.string()) for f in FIELDS}
    keyed = pa.table({**keys, "_row": pa.array(range(n), pa.int64())})
    distinct = keyed.group_by(list(FIELDS), use_threads=False).aggregate([])
    out: dict[str, list[str | None]] = {"platform": [], "campaign_id": [], "campaign_name": [], "match": []}
    for combo in distinct.to_pylist():
        values = {k: (None if v == _NULL or v is None or not str(v).strip() else str(v)) for k, v in combo.items()}
        platform, cid, cname, match = classify(values, aliases, campaigns)
        for name, value in zip(out, (platform, cid, cname, match), strict=True):
            out[name].append(value)
    result = distinct.append_column("_platform", pa.array(out["platform"], pa.string())) \
        .append_column("_campaign_id", pa.array(out["campaign_id"], pa.string())) \
        .append_column("_campaign_name", pa.array(out["campaign_name"], pa.string())) \
        .append_column("_match", pa.array(out["match"], pa.string()))
    joined = keyed.join(result, keys=list(FIELDS), join_type="left outer", use_threads=False).sort_by("_row")
    t = touches
    for name in ("platform", "campaign_id", "campaign_name"):
        col = joined.column(f"_{name}").combine_chunks()
        t = t.set_column(t.schema.get_field_index(name), name, col) if name in t.column_names else t.append_column(name, col)
    match = joined.column("_match").combine_chunks()
    return t.set_column(t.schema.get_field_index("match"), "match", match) if "match" in t.column_names \
        else t.append_column("match", match)
