"""Shared fixtures.

Public datasets are read in place from ``../shared/datasets`` (never copied into the package):
set ``MILLE_DATASETS`` to point elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

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
