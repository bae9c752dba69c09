"""Fixtures for the demo's tests, and a cheap built demo workspace for other test areas.

``demo_workspace`` (session scope) is the seed-0 demo workspace built by
``demo_build.demo_workspace_path(tmp_path_factory)``: once per test process (pytest-xdist: once
per worker). Open it read-only, or copy it, before changing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_build import demo_workspace_path


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_workspace_path(tmp_path_factory)


@pytest.fixture(scope="session")
def demo_data():
    from mille.demo import generate

    return generate(0)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory, demo_data):
    """The seed-0 export files, written once (without a workspace)."""
    from mille.demo.writers import write_exports

    return write_exports(demo_data, tmp_path_factory.mktemp("demo-exports"))
