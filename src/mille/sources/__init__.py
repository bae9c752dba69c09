"""Ingest: the files people really have, read into mille's unified tables.

Public API:

* :func:`read_export` — one export (or ``url::schema.table``) into unified Arrow rows; pure.
* :func:`ingest_paths` — files, folders and globs into a workspace, one transaction.
* :func:`list_sources` / :func:`remove_source` — what a workspace holds; drop one ingest.

Formats are declarative modules in :mod:`mille.sources.formats`; see docs/ingest.md.
"""

from mille.sources.export import ParsedExport, read_export
from mille.sources.format import Format, all_formats, get_format
from mille.sources.held import list_sources, remove_source
from mille.sources.ingest import expand_paths, ingest_paths
from mille.sources.summary import FileIngest, IngestSummary, SliceChange, SourceRemoved, SourcesList

__all__ = [
    "FileIngest",
    "Format",
    "IngestSummary",
    "ParsedExport",
    "SliceChange",
    "SourceRemoved",
    "SourcesList",
    "all_formats",
    "expand_paths",
    "get_format",
    "ingest_paths",
    "list_sources",
    "read_export",
    "remove_source",
]
