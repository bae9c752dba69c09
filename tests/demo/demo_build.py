"""Build the demo workspace once per test process and hand it to whoever needs it.

Other test areas: ``demo_workspace_path(tmp_path_factory)`` returns the seed-0 demo workspace,
built through the real export files and ingest the first time it is asked for (pytest-xdist:
once per worker). Open it read-only, or copy it, before changing anything in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_BUILT: dict[int, tuple[Path, object]] = {}  # seed → (workspace, DemoResult)


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
        _BUILT[seed] = (path, build_demo(path, seed=seed))
    return _BUILT[seed][0]


def demo_build_result(tmp_path_factory: pytest.TempPathFactory, seed: int = 0):
    """The DemoResult of the build behind :func:`demo_workspace_path` (with its timings)."""
    demo_workspace_path(tmp_path_factory, seed)
    return _BUILT[seed][1]
