"""UTM spellings that mean the same ad platform, and how UTM values are normalised for comparison.

CRM records carry ``utm_source`` / ``utm_medium`` / ``utm_campaign`` as typed by whoever built
the link: ``LinkedIn``, ``linkedin``, ``li``, ``lnkd.in`` all mean LinkedIn Ads. A report grouped
by the raw value splits one source's leads into several rows. The table lives with the CRM ingest
(:mod:`mille.sources.crm_sources`), which normalises every touch with it; the audit reads the same
table, so the check and the attribution can never disagree. ``source_aliases`` in mille.yaml adds
a team's own spellings per platform.
"""

from __future__ import annotations

from mille.sources.crm_sources import SOURCE_ALIASES, alias_table, canonical_source, folded

__all__ = ["SOURCE_ALIASES", "alias_table", "canonical_source", "folded"]
