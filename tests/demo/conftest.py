"""Fixtures for the demo's tests: the generated truth and its export files.

The built demo workspace (``demo_workspace``, ``demo_build_result``, ``demo_workspace_path``)
is a root fixture in ``tests/conftest.py``.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_data():
    from mille.demo import generate

    return generate(0)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory, demo_data):
    """The seed-0 export files, written once (without a workspace)."""
    from mille.demo.writers import write_exports

    return write_exports(demo_data, tmp_path_factory.mktemp("demo-exports"))
