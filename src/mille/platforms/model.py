"""What a platform module declares: one frozen :class:`Platform` and the ranges it cites.

Money in every range is in US dollars and CTR is a fraction (0.005 = 0.5 %), whatever the
account's currency: callers convert a segment's spend to dollars before comparing, and skip the
comparison when they cannot.

Two kinds of range live side by side and must not be confused:

``plausible``   sanity bounds, deliberately wide (the "B2B takeaway" of FORMATS.md §4). A value
                an order of magnitude outside them is probably a unit or locale error and is
                worth a warning; anything nearer is an unusual account, not a finding.
``benchmarks``  published *typical* ranges (vendor and aggregator studies) shown beside a
                report's figures as context (``mille report --benchmarks``), never as a target.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

PRICE_METRICS: tuple[str, ...] = ("cpm", "cpc", "ctr")
PRICE_LABELS: Mapping[str, str] = MappingProxyType({"cpm": "CPM", "cpc": "CPC", "ctr": "CTR"})
TIMEZONE_RULES: tuple[str, ...] = ("UTC", "account")
# The unified measures an export column can feed (columns of ad_performance).
MEASURES: tuple[str, ...] = ("spend", "impressions", "clicks", "clicks_all", "conversions",
                             "conversions_value", "leads", "reach")

_ID = re.compile(r"^[a-z][a-z0-9_]*_ads$")
_SEPARATORS = re.compile(r"[\s_\-\.]+")


def folded(value: str) -> str:
    """A source spelling as compared: case, surrounding spaces and separators ignored."""
    return _SEPARATORS.sub("", value.strip().lower())


def _words(value: str) -> str:
    """A network value as searched for family words: lower case, separators as single spaces."""
    return " " + _SEPARATORS.sub(" ", value.strip().lower()) + " "


@dataclass(frozen=True)
class PriceRange:
    """A low–high range of CPM or CPC (USD) or CTR (a fraction), with the study it comes from."""

    metric: str
    low: float
    high: float
    source: str
    year: int
    network: str | None = None  # a network family of the platform ("search", "display"); None: any
    note: str = ""

    def __post_init__(self) -> None:
        if self.metric not in PRICE_METRICS:
            raise ValueError(f"range metric `{self.metric}` is not one of {', '.join(PRICE_METRICS)}")
        if not 0 < self.low <= self.high:
            raise ValueError(f"{self.metric} range {self.low}–{self.high}: need 0 < low ≤ high")
        if self.metric == "ctr" and self.high > 1:
            raise ValueError(f"CTR range {self.low}–{self.high}: a CTR is a fraction (0.005 = 0.5 %)")
        if not self.source.strip() or not 2000 <= self.year <= 2100:
            raise ValueError(f"{self.metric} range needs its source and the year of its data")

    @property
    def label(self) -> str:
        return PRICE_LABELS[self.metric]

    def bounds(self) -> str:
        """``2.00–5.00 USD`` or ``0.30 %–0.70 %``."""
        if self.metric == "ctr":
            return f"{self.low:.2%}–{self.high:.2%}"
        return f"{self.low:,.2f}–{self.high:,.2f} USD"


@dataclass(frozen=True)
class Platform:
    """Everything mille knows about one ad platform, declared once."""

    id: str                       # the dbt ad_reporting literal: google_ads, linkedin_ads…
    label: str                    # shown in reports: "LinkedIn Ads"
    short_label: str              # where space is tight: "LinkedIn"
    # utm_source spellings and CRM source values meaning this platform, compared folded (case,
    # spaces, dots, dashes, underscores ignored): list each folded spelling once.
    aliases: tuple[str, ...]
    clicks: str                   # what the unified `clicks` counts here
    conversions: str              # what the platform's `conversions` counts
    timezone: Literal["UTC", "account"]  # the zone its days are reported in
    formats: tuple[str, ...]      # export formats (format names) whose rows are this platform's
    source_fields: Mapping[str, str]     # unified measure → the export column it comes from
    plausible: tuple[PriceRange, ...] = ()
    benchmarks: tuple[PriceRange, ...] = ()
    # Aliases that also name an organic channel (a search engine, a social site): a touch with
    # one of them is paid only with a paid utm_medium.
    organic_too: tuple[str, ...] = ()
    # Aliases too short or too common to be trusted as one word of a longer value ("an", "x"):
    # they mean the platform only as the whole value.
    standalone: tuple[str, ...] = ()
    # Network family → words that mark it in a network value, in the UI languages seen.
    networks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Words in network / placement / objective marking message ads, whose clicks are counted
    # against sends and may exceed impressions.
    messaging_words: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("source_fields", "networks"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        if not _ID.match(self.id):
            raise ValueError(f"platform id `{self.id}` must be a lower-case dbt literal ending in _ads")
        if self.timezone not in TIMEZONE_RULES:
            raise ValueError(f"{self.id}: timezone is one of {', '.join(TIMEZONE_RULES)}, not {self.timezone!r}")
        keys = [folded(a) for a in self.aliases]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.id}: two aliases fold to the same spelling")
        for group in ("organic_too", "standalone"):
            stray = [a for a in getattr(self, group) if folded(a) not in keys]
            if stray:
                raise ValueError(f"{self.id}: {group} {stray} must also be aliases")
        unknown = sorted(set(self.source_fields) - set(MEASURES))
        if unknown:
            raise ValueError(f"{self.id}: source_fields for unknown measures {unknown}")
        for r in (*self.plausible, *self.benchmarks):
            if r.network is not None and r.network not in self.networks:
                raise ValueError(f"{self.id}: range for network `{r.network}`, which `networks` does not declare")
        seen = [(r.metric, r.network) for r in self.plausible]
        if len(set(seen)) != len(seen):
            raise ValueError(f"{self.id}: two plausible ranges for the same metric and network")

    def network_family(self, network: str | None) -> str | None:
        """The family ("search", "display") a network value belongs to, by its words."""
        if not network or not self.networks:
            return None
        text = _words(network)
        for family, words in self.networks.items():
            if any(w in text for w in words):
                return family
        return None

    def plausible_for(self, network: str | None) -> dict[str, PriceRange]:
        """Per metric, the sanity range for a network value: its family's, else the platform-wide one."""
        family = self.network_family(network)
        out = {r.metric: r for r in self.plausible if r.network is None}
        if family is not None:
            out.update({r.metric: r for r in self.plausible if r.network == family})
        return {m: out[m] for m in PRICE_METRICS if m in out}
