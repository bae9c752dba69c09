"""The layout corpus: small exports in real layouts, each with totals counted by hand.

Every folder of ``tests/sources/corpus/`` is one case: the export file(s) — synthetic values in a
layout real users download (other accounts, years, UI languages; see issue 15 and
``../shared/datasets/ad_exports/FORMATS.md``) — and ``expected.json``, written from the values put
in the file, never by running mille:

* ``ingest``: keyword arguments of :func:`mille.sources.ingest.ingest_paths` (``period``,
  ``drop_exact_duplicates``, …);
* ``format``, ``rows``, ``totals`` (sums of the figures table; only the keys given are checked:
  money to the cent, counts exactly), ``absent`` (measures NULL on every row),
  ``totals_checked`` / ``totals_differing`` (the ingest's reconciliations), ``audit_errors``;
* or ``error``: the ingest must be refused with exit status 2, leave the workspace empty, and say
  every phrase of ``contains``.

Each case runs on every engine; re-ingesting the same files must change nothing. The audit runs
on DuckDB (its checks are engine queries, held equal across engines by tests/engines).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from mille.workspace import Workspace, init_workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engines"))
from engine_corpus import require

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "expected.json").is_file()) if CORPUS.is_dir() else []
ENGINES = ["duckdb", pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.slow], id="spark")]
MEASURES = ("spend", "impressions", "clicks", "clicks_all", "conversions", "conversions_value", "leads")
CENT = 0.005


def _expected(case: Path) -> dict[str, Any]:
    return json.loads((case / "expected.json").read_text(encoding="utf-8"))


def _files(case: Path, spec: dict[str, Any]) -> list[str]:
    names = spec.get("files") or sorted(p.name for p in case.iterdir() if p.name != "expected.json")
    return [str(case / n) for n in names]


def _figures(ws: Workspace) -> dict[str, Any]:
    t = ws.ad_performance()
    sums = {m: t[m].sum() for m in MEASURES}
    nulls = {f"{m}__null": t[m].isnull().cast("int64").sum() for m in MEASURES}
    row = ws.engine.to_arrow(t.aggregate(rows=t.count(), **sums, **nulls)).to_pylist()[0]
    return row


def _tables(ws: Workspace) -> dict[str, int]:
    return {name: int(ws.engine.scalar(ws.engine.table(name).count()))
            for name in ("ad_performance", "ingests", "reconciliations", "slice_replacements")}


def test_the_corpus_is_there() -> None:
    assert len(CASES) >= 10, "the layout corpus lost its cases"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, engine: str, tmp_path: Path, cli) -> None:
    require(engine)
    spec = _expected(case)
    path = tmp_path / "ws"
    init_workspace(path, engine=engine)
    files = _files(case, spec)
    options = spec.get("ingest", {})
    if "error" in spec:
        args = ["-w", str(path), "ingest", *files]
        for key, value in options.items():
            flag = "--" + key.replace("_", "-")
            args += [flag] if value is True else ([] if value is False else [flag, str(value)])
        code, out, err = cli(*args)
        assert code == 2, f"expected a refusal (exit 2), got {code}\n{out}\n{err}"
        message = (out + err).casefold()
        for phrase in spec["error"]["contains"]:
            assert phrase.casefold() in message, f"the message does not say {phrase!r}:\n{err}"
        assert "Traceback" not in err
        with Workspace.open(path, read_only=True) as ws:
            assert _tables(ws)["ad_performance"] == 0 and _tables(ws)["ingests"] == 0
        return
    from mille.sources.ingest import ingest_paths

    with Workspace.open(path) as ws:
        summary = ingest_paths(ws, files, **options)
        ingested = [f for f in summary.files if f.status == "ingested"]
        assert ingested, f"nothing was ingested: {[(f.path, f.status, f.reason) for f in summary.files]}"
        if "format" in spec:
            assert {f.format for f in ingested} == {spec["format"]}
        figures = _figures(ws)
        before = _tables(ws)
        if "rows" in spec:
            assert figures["rows"] == spec["rows"]
        for measure, value in spec.get("totals", {}).items():
            got = figures[measure]
            assert got is not None, f"{measure} is NULL everywhere, expected {value}"
            tolerance = CENT if measure in ("spend", "conversions_value") else 1e-6 * max(1.0, abs(value))
            assert abs(got - value) <= tolerance, f"{measure}: {got} != {value}"
        for measure in spec.get("absent", []):
            assert figures[f"{measure}__null"] == figures["rows"], f"{measure} should be absent (NULL)"
        checked = sum(f.totals_checked for f in ingested)
        differing = sum(f.totals_differing for f in ingested)
        if "totals_checked" in spec:
            assert checked == spec["totals_checked"]
        if "totals_differing" in spec:
            assert differing == spec["totals_differing"]
        again = ingest_paths(ws, files, **options)
        assert all(f.status == "skipped" for f in again.files if f.path in files)
        assert _tables(ws) == before and _figures(ws) == figures
        if engine == "duckdb" and "audit_errors" in spec:
            from mille.analysis.audit import audit

            result = audit(ws)
            errors = [f for f in result.findings if f.severity == "error"]
            assert len(errors) == spec["audit_errors"], [f"{f.check}: {f.title}" for f in errors]

