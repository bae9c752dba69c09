"""docs/workspace.md documents every key of mille.yaml."""

from __future__ import annotations

from pathlib import Path

from mille.config import Config
from mille.yamldoc import model_keys

DOC = Path(__file__).resolve().parents[2] / "docs" / "workspace.md"


def test_every_config_key_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = []
    levels = model_keys(Config)
    for path, keys in levels.items():
        for key in keys:
            if (*path, key) in levels:  # a section: its own keys are documented one by one
                continue
            dotted = ".".join([*map(str, path), key])
            if f"`{dotted}`" not in text:
                missing.append(dotted)
    assert not missing, f"undocumented mille.yaml keys: {missing}"
