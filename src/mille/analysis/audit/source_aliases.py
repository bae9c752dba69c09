"""UTM spellings that mean the same ad platform, and how UTM values are normalised for comparison.

CRM records carry ``utm_source`` / ``utm_medium`` / ``utm_campaign`` as typed by whoever built
the link: ``LinkedIn``, ``linkedin``, ``li``, ``lnkd.in`` all mean LinkedIn Ads. A report grouped
by the raw value splits one source's leads into several rows. The spellings are declared by the
platform modules (:mod:`mille.platforms`); the CRM ingest (:mod:`mille.sources.crm_sources`)
normalises every touch with the same table the audit reads, so the check and the attribution can
never disagree. ``source_aliases`` in mille.yaml adds a team's own spellings per platform.
"""

from __future__ import annotations

from mille.platforms import alias_table, folded
from mille.sources.crm_sources import canonical_source

__all__ = ["alias_table", "canonical_source", "folded"]
