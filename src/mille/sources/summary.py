"""What ingest and ``mille sources`` report: typed, JSON-serialisable results.

The JSON of each result (``--format json``) is its documented contract (docs/ingest.md);
``rows()`` is its main table (``--format csv``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mille.results import Result


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FileIngest(_Part):
    """One file (or table) given to ingest and what became of it."""

    path: str
    source_relation: str
    status: str  # ingested, skipped (already held), lookup (a connector history table)
    reason: str | None = None
    format: str | None = None
    format_label: str | None = None
    language: str | None = None
    encoding: str | None = None
    platform: str | None = None
    level: str | None = None
    ingest_id: str | None = None
    rows: int = 0
    date_min: date | None = None
    date_max: date | None = None
    spend: dict[str, float] = Field(default_factory=dict)  # native spend per currency
    spend_reporting: float | None = None
    totals_checked: int = 0  # totals-row comparisons made
    totals_differing: int = 0
    duplicates_dropped: int = 0  # exact duplicate rows removed at the user's request (--drop-exact-duplicates)
    empty_duplicates_dropped: int = 0  # repeated rows with no figures, removed: they change no total
    notes: list[str] = Field(default_factory=list)  # worth knowing, nothing wrong (rows finer than the key…)
    absent_measures: list[str] = Field(default_factory=list)  # delivery measures the export has no column for
    warnings: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


class SliceChange(_Part):
    """An overlap resolved: older rows replaced or superseded, or new breakdown rows excluded."""

    action: str  # replaced, superseded, excluded
    ingest_id: str
    source_relation: str
    other_ingest_id: str
    other_source: str
    platform: str
    account: str | None = None
    level: str
    date_min: date
    date_max: date
    rows: int
    spend: float
    partial: bool = False


class NamingReport(_Part):
    pattern: str
    applies_to: str
    names: int
    matched: int
    unmatched: list[str]
    unmatched_rows: int


class ReconciliationRow(_Part):
    source_relation: str
    total_label: str
    line: int
    measure: str
    total_value: float
    rows_value: float
    rows_covered: int
    difference: float
    reconciled: bool
    label_column: str | None = None
    scope_kind: str = "whole"
    scope: str = ""
    one_sided: bool = False


class IngestSummary(Result):
    """The result of ``mille ingest``: per file, overlaps resolved, naming, totals checks."""

    workspace: str
    reporting_currency: str
    files: list[FileIngest]
    changes: list[SliceChange] = Field(default_factory=list)
    naming: NamingReport | None = None
    reconciliations: list[ReconciliationRow] = Field(default_factory=list)
    rows_written: int = 0
    spend_reporting: float = 0.0

    @property
    def ingested(self) -> list[FileIngest]:
        return [f for f in self.files if f.status == "ingested"]

    @property
    def skipped(self) -> list[FileIngest]:
        return [f for f in self.files if f.status == "skipped"]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "file": f.source_relation,
                "status": f.status,
                "format": f.format,
                "platform": f.platform,
                "level": f.level,
                "rows": f.rows,
                "date_min": f.date_min.isoformat() if f.date_min else None,
                "date_max": f.date_max.isoformat() if f.date_max else None,
                "spend": "; ".join(f"{c} {v:.2f}" for c, v in f.spend.items()),
                f"spend_{self.reporting_currency.lower()}": f.spend_reporting,
                "warnings": len(f.warnings),
                "duplicates_dropped": f.duplicates_dropped,
                "ingest_id": f.ingest_id,
            }
            for f in self.files
        ]


class HeldSource(_Part):
    """One ingest still held in the workspace."""

    ingest_id: str
    source_relation: str
    path: str | None
    format: str | None
    platform: str | None
    accounts: str | None
    level: str | None
    date_min: date | None
    date_max: date | None
    rows_written: int
    rows_held: int
    rows_counted: int  # held and not superseded: the rows figures use
    spend: dict[str, float]  # native, rows counted
    spend_reporting: float
    ingested_at: datetime


class SourcesList(Result):
    """The result of ``mille sources``: what the workspace holds, one row per ingest."""

    workspace: str
    reporting_currency: str
    sources: list[HeldSource]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "ingest_id": s.ingest_id,
                "file": s.source_relation,
                "platform": s.platform,
                "accounts": s.accounts,
                "level": s.level,
                "date_min": s.date_min.isoformat() if s.date_min else None,
                "date_max": s.date_max.isoformat() if s.date_max else None,
                "rows": s.rows_counted,
                "rows_held": s.rows_held,
                "spend": "; ".join(f"{c} {v:.2f}" for c, v in s.spend.items()),
                f"spend_{self.reporting_currency.lower()}": s.spend_reporting,
                "ingested_at": s.ingested_at.isoformat(timespec="seconds"),
            }
            for s in self.sources
        ]


class SourceRemoved(Result):
    """The result of ``mille sources remove``."""

    ingest_id: str
    source_relation: str
    rows_removed: int
    rows_restored: int  # older rows this ingest had superseded, counted again
    not_restorable: list[SliceChange] = Field(default_factory=list)  # older rows it replaced (deleted): re-ingest to restore

    def rows(self) -> list[dict[str, Any]]:
        return [{"ingest_id": self.ingest_id, "file": self.source_relation, "rows_removed": self.rows_removed,
                 "rows_restored": self.rows_restored}]
