"""Generic CSV: any other export, described by a small mapping file.

    # map.yaml — `mille ingest report.csv --mapping map.yaml`
    platform: linkedin_ads        # one of mille's platform names
    columns:                      # unified field: the file's column header
      date_day: Date
      campaign_name: Campaign
      spend: Amount
      impressions: Views
      clicks: Clicks
    decimal: ","                  # optional (default "."), with thousands (default ",")
    thousands: "."
    date_format: "%d/%m/%Y"       # optional strptime format (default YYYY-MM-DD, then M/D/YYYY)
    currency: EUR                 # optional, when no column says it
    timezone: Europe/Berlin       # optional (default: the account's zone)
    spend_in_micros: false        # optional

The mapping becomes a one-dialect format, so the file is read exactly like a built-in one
(header found among preamble rows, totals rows named ``Total…`` dropped and reconciled).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mille import yamldoc
from mille.errors import InputError
from mille.platforms import PLATFORMS
from mille.schema import AD_PERFORMANCE
from mille.sources.format import EXTRA_FIELDS, Dialect, Format, Locale, TotalsRule

_FIELDS = {c.name for c in AD_PERFORMANCE.columns if c.role in ("time", "entity", "dimension", "measure")}


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    platform: str
    columns: dict[str, str]
    decimal: Literal[".", ","] = "."
    thousands: Literal[",", ".", " ", "", "'"] = ","
    date_format: str | None = None
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    timezone: str = "account"
    spend_in_micros: bool = False
    missing: list[str] = Field(default_factory=lambda: ["", "-", "--", "n/a"])

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        if value not in PLATFORMS:
            raise ValueError(f"`{value}` is not a platform mille knows (one of {', '.join(PLATFORMS)})")
        return value

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = _FIELDS | set(EXTRA_FIELDS) - {"spend_reporting"}
        for name in value:
            if name not in allowed:
                from mille.errors import suggestion

                raise ValueError(f"`{name}` is not a field mille stores ({suggestion(name, sorted(allowed))})")
        if "spend" not in value and "spend_micros" not in value:
            raise ValueError("map a column to `spend`")
        if "date_day" not in value:
            raise ValueError("map a column to `date_day` (the day each row covers)")
        return value


def load_mapping(path: str | Path) -> type[Format]:
    """A format class built from a mapping file."""
    file = Path(path)
    if not file.exists():
        raise InputError("no such mapping file", file=file)
    doc = yamldoc.load_file(file, error=InputError)
    if not isinstance(doc.data, dict):
        raise InputError("a mapping file is a YAML mapping (platform:, columns:)", file=file, line=1)
    from mille.sources.formats.crm_generic import is_crm_mapping, load_crm_mapping

    if is_crm_mapping(doc.data):  # `object:` names a CRM export (leads, opportunities, members)
        return load_crm_mapping(file, doc)
    try:
        spec = Mapping.model_validate(doc.data)
    except ValidationError as exc:
        raise yamldoc.validation_error(exc, doc, error=InputError, known_keys=yamldoc.model_keys(Mapping)) from None
    columns = dict(spec.columns)
    if spec.spend_in_micros and "spend" in columns:
        columns["spend_micros"] = columns.pop("spend")
    formats = (spec.date_format,) if spec.date_format else ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y")
    locale = Locale(spec.decimal, spec.thousands, formats, month_first=spec.decimal == ".")
    dialect = Dialect("mapping", {field: (header,) for field, header in columns.items()}, locale)
    attrs = {
        "name": "generic",
        "label": f"generic CSV ({file.name})",
        "platform": spec.platform,
        "source_type": "manual",
        "dialects": (dialect,),
        "required": tuple(f for f in ("date_day", "spend", "spend_micros") if f in columns),
        "timezone": spec.timezone,
        "missing": tuple(spec.missing),
        "totals": TotalsRule(vocabulary=True),
        "default_currency": spec.currency,
        "registered": False,
        "__module__": __name__,
    }
    return type("GenericMapped", (Format,), attrs)


class Generic(Format):
    """Placeholder in the registry so `--format generic` is listed; it needs a mapping file."""

    name = "generic"
    label = "generic CSV (needs --mapping)"
    dialects = ()
