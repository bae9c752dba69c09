"""Generic CRM export: any other CRM's leads, opportunities or campaign members, described by a
small mapping file (``mille ingest leads.csv --mapping crm-map.yaml``)::

    object: lead                  # lead, opportunity or campaign_member
    source_system: pipedrive      # optional label (default: generic)
    columns:                      # unified field: the file's column header
      lead_id: Person ID
      created_date: Added
      lifecycle_stage: Stage
      utm_source: Source
      utm_campaign: Campaign
    date_format: "%d/%m/%Y"       # optional strptime format (default: ISO, then M/D/YYYY, D/M/YYYY)
    decimal: ","                  # optional, with thousands
    currency: EUR                 # optional: the currency of amounts when no column says it

The fields a mapping may name are those of :data:`mille.sources.crm_format.CRM_FIELDS`; a file
with ``object:`` is a CRM mapping, one with ``platform:`` an ad-data mapping
(:mod:`mille.sources.formats.generic`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mille import yamldoc
from mille.errors import InputError, suggestion
from mille.sources.crm_format import CRM_FIELDS, CRM_LOCALE, ID_FIELD, CrmFormat
from mille.sources.format import Dialect, Format, Locale


class CrmMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    object: Literal["lead", "opportunity", "campaign_member"]
    source_system: str = Field("generic", pattern=r"^[a-z][a-z0-9_]{0,30}$")
    columns: dict[str, str]
    decimal: Literal[".", ","] = "."
    thousands: Literal[",", ".", " ", "", "'"] = ","
    date_format: str | None = None
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    missing: list[str] = Field(default_factory=lambda: ["", "-", "--", "n/a"])

    @model_validator(mode="after")
    def _columns(self) -> CrmMapping:
        allowed = CRM_FIELDS[self.object]
        for name in self.columns:
            if name not in allowed:
                raise ValueError(f"`{name}` is not a field of a CRM {self.object} ({suggestion(name, allowed)})")
        need = [ID_FIELD[self.object]] if self.object != "campaign_member" else ["crm_campaign"]
        if self.object != "campaign_member":
            need.append("created_date")
        for field in need:
            if field not in self.columns:
                raise ValueError(f"map a column to `{field}`")
        return self


def is_crm_mapping(data: object) -> bool:
    return isinstance(data, dict) and "object" in data


def load_crm_mapping(file: Path, doc: yamldoc.Document) -> type[Format]:
    """A CRM format class built from a mapping document (already read by the ad-mapping loader)."""
    try:
        spec = CrmMapping.model_validate(doc.data)
    except ValidationError as exc:
        raise yamldoc.validation_error(exc, doc, error=InputError, known_keys=yamldoc.model_keys(CrmMapping)) from None
    formats = (spec.date_format,) if spec.date_format else CRM_LOCALE.date_formats
    locale = Locale(spec.decimal, spec.thousands, formats, month_first=spec.decimal == ".")
    dialect = Dialect("mapping", {field: (header,) for field, header in spec.columns.items()}, locale)
    required = tuple(f for f in (ID_FIELD[spec.object], "created_date", "crm_campaign") if f in spec.columns)
    attrs = {
        "name": "crm_generic",
        "label": f"generic CRM export ({file.name})",
        "crm_object": spec.object,
        "source_system": spec.source_system,
        "source_type": "manual",
        "dialects": (dialect,),
        "required": required,
        "missing": tuple(spec.missing),
        "currency_default": spec.currency,
        "registered": False,
        "__module__": __name__,
    }
    return type("CrmMapped", (CrmFormat,), attrs)


class CrmGeneric(CrmFormat):
    """Placeholder in the registry so `--format crm_generic` is listed; it needs a mapping file."""

    name = "crm_generic"
    label = "generic CRM export (needs --mapping with `object:`)"
    dialects = ()
