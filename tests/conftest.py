"""Shared fixtures.

Public datasets are read in place from ``../shared/datasets`` (never copied into the package):
set ``MILLE_DATASETS`` to point elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


def _find_datasets() -> Path | None:
    env = os.environ.get("MILLE_DATASETS")
    if env:
        return Path(env)
    for parent in [REPO, *REPO.parents]:
        candidate = parent / "shared" / "datasets"
        if candidate.is_dir():
            return candidate
    fallback = Path("/work/shared/datasets")
    return fallback if fallback.is_dir() else None


DATASETS = _find_datasets()


@pytest.fixture(scope="session")
def datasets() -> Path:
    """The public datasets folder; a test that needs it fails loudly when it is missing."""
    if DATASETS is None:
        pytest.fail("../shared/datasets not found: set MILLE_DATASETS to the datasets folder")
    return DATASETS


@pytest.fixture()
def tmp_ws(tmp_path: Path) -> Iterator[Path]:
    """A fresh, empty workspace directory (created with `mille init` semantics)."""
    from mille.workspace import init_workspace

    path = tmp_path / "ws"
    init_workspace(path)
    yield path


@pytest.fixture()
def cli(monkeypatch: pytest.MonkeyPatch):
    """Run the mille CLI in-process through its real entry point: (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    from mille.cli import main

    monkeypatch.delenv("MILLE_WORKSPACE", raising=False)
    monkeypatch.setenv("COLUMNS", "160")

    def run(*args: str) -> tuple[int, str, str]:
        runner = CliRunner()
        with runner.isolation() as (out, err, _):
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            return code, out.getvalue().decode(), err.getvalue().decode()

    return run


# -- the demo workspace ---------------------------------------------------------------------
# ``demo_workspace_path(tmp_path_factory)`` builds the seed-0 demo workspace through the real
# export files and ingest the first time it is asked for in a test process (pytest-xdist: once
# per worker) and returns its directory; ``demo_workspace`` is the session fixture over it. Open
# the workspace read-only, or copy it, before changing anything in it.

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


