"""Running the audit in tests: today pinned, findings of one check."""

from __future__ import annotations

from datetime import date
from pathlib import Path

AS_OF = date(2026, 11, 1)


def run_audit(path: Path, *, read_only: bool = False, **kw):
    """Audit the workspace at ``path`` (today pinned to 2026-11-01 unless given)."""
    from mille.analysis.audit import audit
    from mille.workspace import Workspace

    kw.setdefault("as_of", AS_OF)
    with Workspace.open(path, read_only=read_only) as ws:
        return audit(ws, **kw)


def only(result, check: str) -> list:
    return [f for f in result.findings if f.check == check]
