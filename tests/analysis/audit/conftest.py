"""Fixtures for the audit tests: fixture rows written straight into a fresh workspace.

Helper modules beside this file (``audit_rows``, ``audit_run``, ``audit_synthetic``) carry
unique names because the test directories share one ``sys.path``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def clean_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clean generated workspace (built once per test process; don't write to it)."""
    from audit_synthetic import build

    return build(tmp_path_factory.mktemp("clean") / "ws")
