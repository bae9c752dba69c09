"""docs/report.md keeps up with the result: every JSON field and CLI option is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mille.analysis import breakdown_result as br

DOC = Path(__file__).resolve().parents[2] / "docs" / "report.md"


def _section(text: str, heading: str) -> str:
    rest = text[text.index(heading) + len(heading):]
    nxt = re.search(r"^## ", rest, re.MULTILINE)
    return rest[: nxt.start()] if nxt else rest


@pytest.mark.parametrize(
    "model",
    [br.Breakdown, br.MetricInfo, br.PeriodInfo, br.Cell, br.Base, br.MetricCell, br.Estimate,
     br.Change, br.BenchmarkContext, br.Series, br.SeriesMetric, br.MixWarning],
)
def test_every_json_field_is_documented(model: type) -> None:
    contract = _section(DOC.read_text(encoding="utf-8"), "## The JSON contract")
    missing = [f for f in model.model_fields if f"`{f}`" not in contract and not re.search(rf"[{{ ,]{f}[,}}]", contract)]
    assert not missing, f"{model.__name__}: undocumented fields {missing}"


def test_every_option_is_documented() -> None:
    from mille.cli.cmd_report import command

    table = DOC.read_text(encoding="utf-8")
    for param in command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt != "--help":
                assert f"`{opt}" in table, opt
