"""Tables fit 80 and 120 columns: names give way with an ellipsis, numbers stay whole.

Columns dropped on purpose when a table does not fit (and said so under it): in `mille report`
the intervals, then the bases but spend, then metrics from the right; in `mille sources` the
native-currency spend and the ingest time, then level, platform, account; in `mille metrics list`
the version, then the origin.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import demo_workspace_path

NUMBER = re.compile(r"(?<![\w.])[-+−]?[$€£]?\d[\d,]*(?:\.\d+)?(?:[kMB%×]| %)?(?![\w.\-])")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from mille.analysis.audit import audit
    from mille.analysis.breakdown import report
    from mille.analysis.glossary import metric_list
    from mille.sources import list_sources
    from mille.workspace import Workspace

    path = demo_workspace_path(tmp_path_factory)
    with Workspace.open(path, read_only=True) as ws:
        return {"report": report(ws, None, record=False),
                "campaigns": report(ws, "cpm,ctr", by="campaign_name", grain="month", rank_by="ctr", record=False),
                "audit": audit(ws), "sources": list_sources(ws), "metrics": metric_list(Path(path))}


def numbers(text: str) -> set[str]:
    return set(NUMBER.findall(text))


@pytest.mark.parametrize("name", ["report", "campaigns", "audit", "sources", "metrics"])
@pytest.mark.parametrize("width", [80, 120])
def test_tables_fit_and_numbers_stay_whole(results: dict, name: str, width: int) -> None:
    from mille.report.render import render

    narrow = render(results[name], "table", width=width)
    assert max(len(line) for line in narrow.splitlines()) <= width
    full = render(results[name], "table", wide=True)
    # Nothing cut or wrapped into a number that is not in the full output …
    assert numbers(narrow) <= numbers(full), sorted(numbers(narrow) - numbers(full))
    assert "…" not in "".join(NUMBER.findall(narrow))
    missing = numbers(full) - numbers(narrow)
    # … and what is missing was dropped on purpose, which the report says (a series drops its
    # oldest buckets, the audit's findings wrap their words).
    if missing and name == "report":
        assert "Hidden to fit the terminal" in narrow


def test_report_keeps_its_figures_at_80_columns(results: dict) -> None:
    from mille.report.render import render

    r = results["report"]
    narrow = render(r, "table", width=80)
    ratios = [m for m in r.metrics if m.type == "ratio"][:3]
    assert ratios
    for cell in [*r.cells, r.total]:
        for info in ratios:
            assert info.format(cell.metrics[info.name].current.value, r.currency) in narrow


def test_wide_shows_everything(results: dict) -> None:
    from mille.report.render import render

    wide = render(results["sources"], "table", wide=True)
    for s in results["sources"].sources:
        assert s.source_relation in wide and s.ingest_id in wide
    assert "…" not in wide
