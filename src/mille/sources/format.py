"""What an export format is: a header alias table per UI language, a locale, a hierarchy, quirks.

A format is a small declarative class, in the spirit of a SQL dialect table: subclass
:class:`Format`, fill in the class attributes, and it registers itself. The shared machinery
(decoding, header detection, number and date parsing, totals rows, reconciliation) reads these
attributes; a format only writes code for a quirk no other format has, through the few hooks at the
bottom of :class:`Format`.

Header spellings are matched after :func:`normalise_header` (case-folded, whitespace collapsed).
A spelling may contain ``{currency}``, which matches a three-letter ISO code and records it as the
file's currency (Meta's ``Amount spent (USD)``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from mille.errors import FormatNotDetected, suggestion

if TYPE_CHECKING:
    import pyarrow as pa

    from mille.sources.layout import Layout


# The unified fields a header can map to: every ad_performance column an export can fill, plus
# inputs that are transformed on the way in.
EXTRA_FIELDS: tuple[str, ...] = (
    "spend_micros",  # cost in millionths (Google cost_micros, Reddit spend, X billed charge)
    "campaign_type",  # Google/Microsoft campaign type: becomes `network`
    "week_start",  # a weekly time segment (Google `Week`)
    "month_start",  # a monthly time segment (Google `Month`, connector `month`)
    "avg_daily_spend",  # LinkedIn's average daily spend: tells monthly rows from daily ones
    "preview_link",  # Meta's preview link: carries the ad id when the export has none
    "spend_usd",  # LinkedIn connectors' cost_in_usd, used when the account currency is unknown
    "conversions_fallback",  # Microsoft connectors' conversions, where conversions_qualified is empty
    # Below the ad: a keyword (with its match type), a search term. Not stored (the unified schema
    # has no column for them); they tell rows apart and place totals rows.
    "keyword",
    "match_type",
    "search_term",
)
RATIO_KINDS: tuple[str, ...] = ("ctr", "cpc", "cpm", "cost_per_conversion", "cost_per_lead")


@dataclass(frozen=True)
class Locale:
    """How one UI language writes numbers and dates."""

    decimal: str = "."
    thousands: str = ","
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    # Preamble dates ("May 1, 2026", "1 juni 2026"): is a numeric a/b/yyyy month-first?
    month_first: bool = True

    def neutral(self) -> Locale:
        """The locale of native spreadsheet numbers: point decimal, no grouping."""
        return Locale(".", "", self.date_formats, self.month_first)


EN_US = Locale(".", ",", ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"), month_first=True)
EN_GB = Locale(".", ",", ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"), month_first=False)
DECIMAL_COMMA = Locale(",", ".", ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"), month_first=False)
SPACE_GROUPED = Locale(",", " ", ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"), month_first=False)
API = Locale(".", ",", ("%Y-%m-%d", "%Y-%m"), month_first=True)


@dataclass(frozen=True)
class Dialect:
    """One UI language (or hierarchy generation) of a format: its header spellings and locale."""

    language: str
    columns: Mapping[str, tuple[str, ...]]
    locale: Locale = EN_US
    ratios: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Other columns this export has that mille does not store: they make detection surer.
    known: tuple[str, ...] = ()

    def matchers(self) -> list[tuple[str, str, re.Pattern[str] | None, str]]:
        """(role, target, pattern-or-None, normalised spelling) for every spelling, in order."""
        out: list[tuple[str, str, re.Pattern[str] | None, str]] = []
        for role, table in (("field", self.columns), ("ratio", self.ratios)):
            for target, spellings in table.items():
                for spelling in spellings:
                    out.append((role, target, _pattern(spelling), normalise_header(spelling)))
        for spelling in self.known:
            out.append(("known", "", _pattern(spelling), normalise_header(spelling)))
        return out


def normalise_header(text: str) -> str:
    text = text.replace("\ufeff", "").replace("\u00a0", " ").strip().strip('"').strip()
    return re.sub(r"\s+", " ", text).casefold()


_CURRENCY_SLOT = "{currency}"


def _pattern(spelling: str) -> re.Pattern[str] | None:
    if _CURRENCY_SLOT not in spelling:
        return None
    before, after = normalise_header(spelling).split(_CURRENCY_SLOT.casefold(), 1)
    return re.compile("^" + re.escape(before) + r"(?P<currency>[a-z]{3})" + re.escape(after) + "$")


@dataclass(frozen=True)
class Join:
    """Fill fact columns from a connector lookup table ingested in the same call.

    ``kind`` names the lookup (``google_ads.campaign``); rows are matched on ``key`` (a unified
    field of the facts and the lookup's key); ``fill`` lists the fields copied where the facts
    have none.
    """

    kind: str
    key: str
    fill: tuple[str, ...]


@dataclass(frozen=True)
class TotalsRule:
    """How a format marks summary rows, so they are dropped and used to reconcile.

    ``vocabulary``: totals labels in every language and column (:mod:`mille.sources.labels`);
    ``value_field``: the field a label's value names (``Search total``, ``Total: Search`` cover
    the rows whose campaign type is Search). ``labels``: a format's own (regex, field) pairs,
    tried on the first ``label_columns`` columns; a named group ``value`` restricts the total to
    rows whose ``field`` equals it. ``subtotal_value``: a dimension cell with this value marks a
    subtotal over the other dimensions (Meta's ``All``). ``summary_when_blank``: a row whose
    entity and date cells are all blank is the account summary (Meta XLSX).
    """

    vocabulary: bool = False
    value_field: str | None = None
    labels: tuple[tuple[str, str | None], ...] = ()
    label_columns: int = 2
    subtotal_value: str | None = None
    summary_when_blank: bool = False


class Format:
    """Base class of export formats. Subclasses register themselves by ``name``."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    platform: ClassVar[str | None] = None  # None: the rows carry a `platform` column
    target: ClassVar[str] = "ad_performance"
    source_type: ClassVar[str] = "ui_export"
    # facts: rows to store; lookup: a connector's entity/account table that names the facts
    # ingested with it (history tables); companion: extra measures joined onto facts.
    role: ClassVar[str] = "facts"
    dialects: ClassVar[tuple[Dialect, ...]] = ()
    # Fields a header must map (in one dialect) for the file to be this format.
    required: ClassVar[tuple[str, ...]] = ()
    # At least one of these must be mapped too (a delivery measure beside spend): an export may
    # lack impressions or clicks (they then load NULL and are reported), never all of them.
    required_any: ClassVar[tuple[str, ...]] = ()
    # Raw spellings at least one of which must be in the header (a fingerprint); empty = none.
    signature: ClassVar[tuple[str, ...]] = ()
    # UTC, account (the account's own zone), or preamble (the file states it).
    timezone: ClassVar[str] = "account"
    missing: ClassVar[tuple[str, ...]] = ("", "--", "-", "—", "n/a")
    totals: ClassVar[TotalsRule] = TotalsRule()
    footer: ClassVar[str | None] = None  # regex of trailing lines to drop (copyright notes)
    value_maps: ClassVar[Mapping[str, Mapping[str, str]]] = {}
    # LinkedIn stamps whole-period rows with the report's start date.
    date_is_period_start: ClassVar[bool] = False
    # Higher wins a detection tie (a specific format over a generic one).
    priority: ClassVar[int] = 0
    # The hierarchy level of every row, when the columns alone don't say (breakdown tables).
    level: ClassVar[str | None] = None
    # Connector lookups: what this table names (lookup role), and what facts join to.
    lookup_kind: ClassVar[str | None] = None
    lookup_key: ClassVar[str | None] = None
    lookup_version: ClassVar[str | None] = None  # the field whose latest value wins per key
    joins: ClassVar[tuple[Join, ...]] = ()
    uses_lookups: ClassVar[bool] = False  # finish() reads lookups beyond `joins`
    # The currency of every row when neither a column nor a header says it (mapping files).
    default_currency: ClassVar[str | None] = None

    registry: ClassVar[dict[str, type[Format]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name and cls.__dict__.get("registered", True):
            Format.registry[cls.name] = cls

    # -- hooks for quirks (default: nothing to do) ----------------------------------------
    @classmethod
    def prepare(cls, raw: pa.Table, layout: Layout, meta: dict[str, Any]) -> tuple[pa.Table, list[str]]:
        """Adjust the raw cells before they are unified; returns the table and warnings."""
        return raw, []

    @classmethod
    def finish(cls, columns: dict[str, pa.Array], raw: pa.Table, layout: Layout,
               meta: dict[str, Any], lookups: Any) -> list[str]:
        """Fill derived unified columns in place (ids from lookups, conversions sums…)."""
        return []

    @classmethod
    def level_of(cls, layout: Layout) -> str | None:
        """The hierarchy level of every row, when the columns alone don't say."""
        return cls.level

    @classmethod
    def lookup(cls, raw: pa.Table, layout: Layout) -> pa.Table:
        """For lookup formats: one row per key (its latest version), columns named by field."""
        from mille.sources.lookups import latest_versions

        return latest_versions(raw, layout, key=cls.lookup_key or "", version=cls.lookup_version)


def all_formats() -> list[type[Format]]:
    import mille.sources.formats  # noqa: F401  (registers every built-in format)

    return list(Format.registry.values())


def get_format(name: str) -> type[Format]:
    formats = {f.name: f for f in all_formats()}
    if name not in formats:
        raise FormatNotDetected(
            f"unknown format `{name}`", hint=suggestion(name, formats)
        )
    return formats[name]


def merged(base: Mapping[str, tuple[str, ...]], **more: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """A copy of ``base`` with the spellings in ``more`` put first (a dialect building on another)."""
    out = {k: tuple(v) for k, v in base.items()}
    for key, spellings in more.items():
        out[key] = tuple(spellings) + tuple(s for s in out.get(key, ()) if s not in spellings)
    return out
