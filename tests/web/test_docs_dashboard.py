"""docs/dashboard.md keeps up with the code: every `mille serve` option and every page is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from mille.cli.cmd_serve import command
from mille.web.pages import NAV, PAGES

DOC = Path(__file__).resolve().parents[2] / "docs" / "dashboard.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_option_is_documented(doc: str) -> None:
    options = [o for p in command.params for o in p.opts if o.startswith("--")]
    assert options
    for option in options:
        assert f"`{option}`" in doc, option


def test_every_page_and_its_parameters_are_documented(doc: str) -> None:
    for name in NAV:
        assert f"(`/{'' if name == 'overview' else name}" in doc, name
    for page in PAGES.values():
        for param in page.params:
            assert f"{param.name}=" in doc, (page.name, param.name)
