"""Fixtures for the demo's tests, and a cheap built demo workspace for other test areas.

``demo_workspace_path(tmp_path_factory)`` builds the seed-0 demo workspace through the real
export files and ingest the first time it is asked for in a test process (pytest-xdist: once
per worker) and returns its directory; ``demo_workspace`` is the session fixture over it. Open
the workspace read-only, or copy it, before changing anything in it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

_BUILT: dict[int, tuple[Path, Any]] = {}  # seed → (workspace, DemoResult)


def demo_workspace_path(tmp_path_factory: pytest.TempPathFactory, seed: int = 0) -> Path:
    """The demo workspace for ``seed``, built once per test process."""
    if seed not in _BUILT:
        from mille.demo import build_demo

        path = tmp_path_factory.mktemp(f"demo-seed-{seed}") / "workspace"
        _BUILT[seed] = (path, build_demo(path, seed=seed))
    return _BUILT[seed][0]


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_workspace_path(tmp_path_factory)


@pytest.fixture(scope="session")
def demo_build_result(tmp_path_factory: pytest.TempPathFactory):
    """The DemoResult of the build behind ``demo_workspace`` (timings included)."""
    demo_workspace_path(tmp_path_factory)
    return _BUILT[0][1]


@pytest.fixture(scope="session")
def demo_data():
    from mille.demo import generate

    return generate(0)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory, demo_data):
    """The seed-0 export files, written once (without a workspace)."""
    from mille.demo.writers import write_exports

    return write_exports(demo_data, tmp_path_factory.mktemp("demo-exports"))
