"""The workspace configuration, ``mille.yaml``.

A small, strict file: unknown keys are errors (a typo must not silently fall back to a
default), every error names the file, line and key with the nearest valid key.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mille import yamldoc
from mille.errors import ConfigError
from mille.schema import AD_PERFORMANCE

CONFIG_FILE = "mille.yaml"
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_FIELD = re.compile(r"\{([a-z_]+)\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NamingConvention(_Strict):
    """How campaign names encode dimensions, e.g. ``{region}_{objective}_{audience}_{offer}``.

    Each ``{field}`` must be a dimension of ad_performance; the text between fields is matched
    literally. Names that don't match are kept, counted and listed by ingest and the audit.
    """

    pattern: str
    applies_to: Literal["campaign_name", "ad_group_name", "ad_name"] = "campaign_name"
    case_sensitive: bool = False
    allowed: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Optional allowed values per field; a value outside the list breaks the convention.",
    )

    @field_validator("pattern")
    @classmethod
    def _fields_are_dimensions(cls, value: str) -> str:
        fields = _FIELD.findall(value)
        if not fields:
            raise ValueError("the pattern names no {field}")
        dims = set(AD_PERFORMANCE.dimensions)
        unknown = [f for f in fields if f not in dims]
        if unknown:
            raise ValueError(
                f"{{{unknown[0]}}} is not a dimension of ad_performance "
                f"(dimensions: {', '.join(sorted(d for d in dims if not d.endswith(('_id', '_name'))))})"
            )
        if len(set(fields)) != len(fields):
            raise ValueError("a field appears twice in the pattern")
        return value

    @property
    def fields(self) -> list[str]:
        return _FIELD.findall(self.pattern)

    def regex(self) -> str:
        """An anchored regular expression with one named group per field.

        Fields match lazily up to the next literal separator; the last field runs to the end.
        """
        parts: list[str] = []
        pos = 0
        for m in _FIELD.finditer(self.pattern):
            parts.append(re.escape(self.pattern[pos : m.start()]))
            parts.append(f"(?P<{m[1]}>.+?)")
            pos = m.end()
        parts.append(re.escape(self.pattern[pos:]))
        body = "".join(parts)
        if body.endswith("+?)"):
            body = body[:-3] + "+)"
        return ("" if self.case_sensitive else "(?i)") + "^" + body + "$"


class FxConfig(_Strict):
    """Exchange rates into the reporting currency: 1 unit of CURRENCY = rate × reporting currency."""

    rates_file: str | None = Field(
        None, description="CSV with columns date,currency,rate; the nearest earlier date applies."
    )
    fixed: dict[str, float] = Field(default_factory=dict, description="Fixed rates per currency.")

    @field_validator("fixed")
    @classmethod
    def _codes(cls, value: dict[str, float]) -> dict[str, float]:
        for code, rate in value.items():
            if not _CURRENCY.match(code):
                raise ValueError(f"`{code}` is not an ISO 4217 code (three capital letters)")
            if not rate > 0:
                raise ValueError(f"rate for {code} must be positive")
        return value


class ReportConfig(_Strict):
    """Thresholds that decide when a ratio is too thin to read."""

    min_impressions: int = Field(1000, description="CPM and CTR cells below this are flagged.")
    min_clicks: int = Field(30, description="CPC and click-based rates below this are flagged.")
    min_conversions: int = Field(10, description="Cost per conversion/lead below this is flagged.")
    confidence: float = Field(0.95, gt=0.5, lt=1.0, description="Interval coverage.")


class Config(_Strict):
    version: Literal[1] = 1
    reporting_currency: str = "USD"
    timezone: str = Field("UTC", description="The team's reporting time zone (IANA name).")
    locale: str = Field("en-US", description="Locale for numbers and dates in reports.")
    engine: str = Field(
        "duckdb",
        description="duckdb (the workspace file), spark, or an Ibis connection URL.",
    )
    engine_options: dict[str, str | int | float | bool] = Field(default_factory=dict)
    naming_convention: NamingConvention | None = None
    fx: FxConfig = Field(default_factory=FxConfig)
    source_aliases: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Extra UTM source/medium spellings per platform, added to the built-in table.",
    )
    report: ReportConfig = Field(default_factory=ReportConfig)

    @field_validator("reporting_currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not _CURRENCY.match(value):
            raise ValueError(f"`{value}` is not an ISO 4217 code (three capital letters, e.g. USD)")
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"`{value}` is not an IANA time zone (e.g. Europe/Berlin)") from None
        return value

    @field_validator("engine")
    @classmethod
    def _engine(cls, value: str) -> str:
        if value in ("duckdb", "spark") or "://" in value:
            return value
        raise ValueError(
            f"unknown engine `{value}`: use duckdb, spark, or an Ibis URL such as "
            "duckdb:///path/to/file.ddb or bigquery://project/dataset"
        )


def load_config(workspace: Path) -> Config:
    path = workspace / CONFIG_FILE
    if not path.exists():
        return Config()
    doc = yamldoc.load_file(path)
    if doc.data is None:
        return Config()
    if not isinstance(doc.data, dict):
        raise ConfigError("mille.yaml must be a mapping of keys to values", file=path, line=1)
    try:
        return Config.model_validate(doc.data)
    except ValidationError as exc:
        raise yamldoc.validation_error(exc, doc, known_keys=yamldoc.model_keys(Config)) from None


def dump_config(config: Config) -> str:
    """mille.yaml text for ``config``, with the defaults written out so users can see them."""
    import yaml

    data = config.model_dump(mode="json", exclude_none=True)
    header = (
        "# mille workspace configuration. Every key is documented in docs/workspace.md.\n"
        "# Unknown keys are errors, so a typo never falls back to a default silently.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
