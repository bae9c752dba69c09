"""The workspace: init, open, and the bad inputs of issue 2 (one message, exit 2, nothing overwritten)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mille.errors import ConfigError, WorkspaceError
from mille.schema import TABLES
from mille.workspace import Workspace, init_workspace


def test_init_creates_config_and_every_table(tmp_path: Path) -> None:
    info = init_workspace(tmp_path / "ws", reporting_currency="EUR", timezone="Europe/Berlin")
    assert info.created
    assert (tmp_path / "ws" / "mille.yaml").exists()
    assert (tmp_path / "ws" / "mille.duckdb").exists()
    assert set(info.tables) == set(TABLES)
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.config.reporting_currency == "EUR"
        assert ws.config.timezone == "Europe/Berlin"
        assert ws.anchor_date() is None
        assert not ws.has_data()


def test_init_twice_keeps_settings_and_refuses_to_change_them(tmp_path: Path) -> None:
    init_workspace(tmp_path, reporting_currency="GBP")
    again = init_workspace(tmp_path)
    assert not again.created and again.reporting_currency == "GBP"
    with pytest.raises(ConfigError, match="already uses reporting_currency = GBP"):
        init_workspace(tmp_path, reporting_currency="USD")


def test_workspace_path_that_is_a_file(tmp_path: Path, cli) -> None:
    target = tmp_path / "afile"
    target.write_text("not a workspace")
    code, _, err = cli("--workspace", str(target), "init")
    assert code == 2
    assert "is a file" in err and "Traceback" not in err
    assert target.read_text() == "not a workspace"


def test_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace here"):
        Workspace.open(tmp_path / "nope")


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    init_workspace(tmp_path)
    (tmp_path / "mille.duckdb").unlink()
    with pytest.raises(WorkspaceError, match=r"has no mille\.duckdb"):
        Workspace.open(tmp_path)


def test_corrupt_database_is_reported_and_left_alone(tmp_path: Path, cli) -> None:
    db = tmp_path / "mille.duckdb"
    db.write_bytes(b"this is not a duckdb file" * 100)
    before = db.read_bytes()
    code, _, err = cli("--workspace", str(tmp_path), "init")
    assert code == 2
    assert "not a valid DuckDB database" in err
    assert db.read_bytes() == before
    assert not (tmp_path / "mille.yaml").exists()


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("engine: postgress\n", "unknown engine `postgress`"),
        ("reportng_currency: EUR\n", "did you mean `reporting_currency`"),
        ("reporting_currency: euro\n", "not an ISO 4217 code"),
        ("timezone: Mars/Olympus\n", "not an IANA time zone"),
        ("naming_convention:\n  pattern: '{region}_{colour}'\n", "{colour} is not a dimension"),
        ("report: [1, 2\n", "not valid YAML"),
    ],
)
def test_bad_config_names_file_line_and_key(tmp_path: Path, cli, yaml_text: str, message: str) -> None:
    init_workspace(tmp_path)
    (tmp_path / "mille.yaml").write_text(yaml_text)
    code, _, err = cli("--workspace", str(tmp_path), "init")
    assert code == 2, err
    assert message in err
    assert "mille.yaml" in err and "line" in err


def test_init_json_is_the_result_object(tmp_path: Path, cli) -> None:
    code, out, _ = cli("--workspace", str(tmp_path / "w"), "init", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["engine"] == "duckdb" and data["tables"]["ad_performance"] == 0


def test_version_and_help(cli) -> None:
    from mille import __version__

    code, out, _ = cli("--version")
    assert code == 0 and __version__ in out
    code, out, _ = cli("--help")
    assert code == 0 and "init" in out


def test_opening_an_older_workspace_adds_the_columns_added_since(tmp_path: Path) -> None:
    """A workspace written before a table gained a nullable column is upgraded in place: the
    column is added (NULL on the rows held), nothing is rebuilt or lost."""
    import duckdb

    init_workspace(tmp_path)
    raw = duckdb.connect(str(tmp_path / "mille.duckdb"))
    raw.execute("INSERT INTO slice_replacements (ingest_id, replaced_ingest_id, spend) VALUES ('b', 'a', 12.5)")
    raw.execute("ALTER TABLE slice_replacements DROP COLUMN leads")
    raw.close()
    with Workspace.open(tmp_path) as ws:
        held = ws.engine.to_arrow(ws.table("slice_replacements")).to_pylist()
    assert held == [{**{c: None for c in TABLES["slice_replacements"].names},
                     "ingest_id": "b", "replaced_ingest_id": "a", "spend": 12.5}]
