"""The audit's loose-definitions check lists the CRM sources attribution could not match."""

from __future__ import annotations

from pathlib import Path

from mille.analysis.audit import audit
from mille.workspace import Workspace


def test_unmatched_sources_are_reported_by_the_audit(crm_fixture: Path) -> None:
    with Workspace.open(crm_fixture, read_only=True) as ws:
        result = audit(ws)
    found = [f for f in result.findings if f.check == "definitions.unmatched_sources"]
    # 00Q3 came from utm_source "newsite" / cpc / "Gamma": no platform; nothing else is unmatched.
    assert len(found) == 1
    assert "newsite" in found[0].title and "Gamma" in found[0].title and found[0].title.startswith("1 ")
