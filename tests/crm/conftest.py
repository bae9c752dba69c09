"""The hand-computed attribution fixture as a workspace, built once per test process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crm.fixture import insert_delivery, write_exports


def build_fixture(root: Path) -> Path:
    from mille.sources import ingest_paths
    from mille.workspace import Workspace, init_workspace

    ws_path = root / "ws"
    init_workspace(ws_path)
    files = write_exports(root / "exports")
    with Workspace.open(ws_path) as ws:
        insert_delivery(ws)
        ingest_paths(ws, [str(p) for p in files])
    return ws_path


@pytest.fixture(scope="session")
def crm_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("crm-fixture"))
