"""Fixtures for the demo's tests, and a cheap built demo workspace for other test areas.

``demo_workspace_path(tmp_path_factory)`` builds the seed-0 demo workspace once per test
process (pytest-xdist: once per worker) and returns its directory; other areas get it through
the session-scoped ``demo_workspace`` fixture. Open it read-only, or copy it, before changing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the helper modules beside this file

_BUILT: dict[int, Path] = {}


def ingest_available() -> bool:
    import mille.sources

    return hasattr(mille.sources, "ingest_paths")


def demo_workspace_path(tmp_path_factory: pytest.TempPathFactory, seed: int = 0) -> Path:
    """The demo workspace for ``seed``, built through the real exports and ingest (once)."""
    if seed not in _BUILT:
        if not ingest_available():
            pytest.skip("mille.sources.ingest_paths has not landed yet")
        from mille.demo import build_demo

        path = tmp_path_factory.mktemp(f"demo-seed-{seed}") / "workspace"
        build_demo(path, seed=seed)
        _BUILT[seed] = path
    return _BUILT[seed]


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
