"""Build the demo workspace end to end: generate, write the exports, ingest them, report.

The demo goes through exactly what a user goes through: its data exists only as the platforms'
export files under ``<workspace>/exports/``, which are ingested by :func:`mille.sources.ingest_paths`
like any others. The workspace gets the demo's ``mille.yaml`` (USD reporting, the naming
convention, the EUR→USD rates file) and a ``report.html``. A demo never writes into a directory
that holds anything else: not a user's workspace, not another seed's demo.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from pydantic import Field

from mille.analysis.headline import Headline, headline
from mille.config import Config, FxConfig, NamingConvention
from mille.demo import media_plan as plan
from mille.demo.generate import DemoData, generate
from mille.demo.writers import ExportFiles, hubspot, write_exports
from mille.errors import WorkspaceError
from mille.results import Result
from mille.workspace import Workspace, resolve_path

MARKER = "demo.json"
EXPORTS = "exports"
REPORT = "report.html"
GENERATOR_VERSION = 1  # bump when a seed's data changes


class DemoFindings(Result):
    """The one-line answers of report, explain and audit on the demo's last two months."""

    mix_warnings: list[str]  # mille report: blended figures that move mostly by mix
    explain: dict[str, str]  # mille explain METRIC: the summary sentence, per metric
    trust_score: float | None  # mille audit: overall reporting-trust score (0–100)
    audit_counts: dict[str, int]  # findings per severity
    audit_errors: list[str]  # the error findings' titles


EXPLAINED = ("cpm", "ctr")


class DemoResult(Result):
    """What ``mille demo`` did and the headline it found."""

    workspace: str
    seed: int
    exports_dir: str
    ad_exports: list[str]  # file names, in the order they were ingested
    crm_exports: list[str]  # HubSpot contacts and deals, ingested after the ad exports
    fx_rates: str
    report_html: str
    rows_held: int  # ad_performance rows figures are computed from
    slice_replacements: list[dict[str, Any]]
    story: list[dict[str, str]]
    headline: Headline
    # What the later analyses say about the same months, in a sentence each (JSON); the full
    # results feed the terminal and report.html but stay out of the JSON (they carry timings).
    findings: DemoFindings
    seconds: dict[str, float] = Field(default_factory=dict, exclude=True)  # timings vary: not in JSON
    breakdown: Any = Field(default=None, exclude=True)  # mille.analysis.breakdown.Breakdown
    explanations: list[Any] = Field(default_factory=list, exclude=True)  # Explanation per metric
    audit: Any = Field(default=None, exclude=True)  # mille.analysis.audit.AuditResult

    def rows(self) -> list[dict[str, Any]]:
        return self.headline.rows()


def demo_config() -> Config:
    return Config(
        reporting_currency="USD",
        naming_convention=NamingConvention(pattern=plan.NAMING_PATTERN, applies_to="campaign_name"),
        fx=FxConfig(rates_file=f"{EXPORTS}/{hubspot.FX_FILE}"),
    )


def build_demo(workspace: str | Path | None = None, seed: int = 0) -> DemoResult:
    """Build (or rebuild, for the same seed) the demo workspace and report its headline."""
    root = resolve_path(workspace)
    _check_target(root, seed)
    from mille.sources import ingest_paths

    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 3)
        clock = now

    data = generate(seed)
    lap("generate")
    # Claim the directory first, so that a build that fails half-way can simply be run again.
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text(
        json.dumps({"seed": seed, "generator_version": GENERATOR_VERSION}, indent=2) + "\n", encoding="utf-8"
    )
    with Workspace.init(root, demo_config()) as ws:
        files = _write_exports_atomically(data, root / EXPORTS)
        lap("write")
        ingest_paths(ws, [str(p) for p in files.ads])
        ingest_paths(ws, [str(p) for p in files.crm])  # HubSpot contacts and deals, after the ads they name
        lap("ingest")
        result_headline = headline(ws)
        lap("headline")
        analyses = _analyse(ws, result_headline)
        lap("analyses")
        rows_held = int(ws.engine.scalar(ws.ad_performance().count()))
        replacements = sorted(
            ws.engine.to_arrow(ws.table("slice_replacements")).to_pylist(),
            key=lambda r: (str(r.get("platform")), str(r.get("account_id")), str(r.get("date_min"))),
        )
    report = root / REPORT
    result = DemoResult(
        workspace=str(root),
        seed=seed,
        exports_dir=str(root / EXPORTS),
        ad_exports=[p.name for p in files.ads],
        crm_exports=[p.name for p in files.crm],
        fx_rates=files.fx_rates.name,
        report_html=str(report),
        rows_held=rows_held,
        slice_replacements=[_plain(r) for r in replacements],
        story=data.story.effects(),
        headline=result_headline,
        **analyses,
    )
    from mille.demo.present import demo_html

    _write_text(report, demo_html(result))
    lap("report")
    seconds["total"] = round(sum(seconds.values()), 3)
    result.seconds = seconds
    return result


def _analyse(ws: Workspace, h: Headline) -> dict[str, Any]:
    """report, explain and audit on the headline's two months, as a user would run them next."""
    from datetime import date, timedelta

    from mille.analysis.audit import audit
    from mille.analysis.breakdown import report
    from mille.analysis.explain import explain

    before, after = h.before["label"], h.after["label"]
    breakdown = report(ws)
    explanations = [explain(ws, metric, before, after) for metric in EXPLAINED]
    # "Today" is the day after the last day of data, so that freshness (and the JSON) is the
    # same whenever the demo is built.
    today = date.fromisoformat(h.after["end"]) + timedelta(days=1)
    audited = audit(ws, as_of=today)
    findings = DemoFindings(
        # The blended figures' warnings; those inside a platform are in report.html.
        mix_warnings=[w.message for w in breakdown.warnings if w.segment is None],
        explain={e.metric: e.summary for e in explanations},
        trust_score=audited.score.overall,
        audit_counts=dict(audited.counts),
        audit_errors=[f.title for f in audited.findings if f.severity == "error"],
    )
    return {"findings": findings, "breakdown": breakdown, "explanations": explanations, "audit": audited}


def _check_target(root: Path, seed: int) -> None:
    if root.exists() and not root.is_dir():
        raise WorkspaceError("the workspace path is a file, not a directory", file=root,
                             hint="pass --workspace with a new directory for the demo")
    if not root.exists() or not any(root.iterdir()):
        return
    marker = root / MARKER
    if not marker.exists():
        raise WorkspaceError(
            "the directory is not empty and is not a demo workspace; the demo never writes into it",
            file=root,
            hint="pass --workspace with a new directory, e.g. `mille demo --workspace demo-workspace`",
        )
    try:
        held = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise WorkspaceError(f"{MARKER} is unreadable", file=marker,
                             hint="delete the demo directory and run `mille demo` again") from None
    if held.get("seed") != seed or held.get("generator_version") != GENERATOR_VERSION:
        raise WorkspaceError(
            f"the directory holds the demo for seed {held.get('seed')} "
            f"(generator version {held.get('generator_version')})",
            file=root,
            expected=f"seed {seed}, generator version {GENERATOR_VERSION}",
            hint="delete the directory or pass another --workspace",
        )


def _write_exports_atomically(data: DemoData, target: Path) -> ExportFiles:
    """Write into a sibling directory and swap it in, so a failure leaves no partial exports."""
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        files = write_exports(data, partial)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if target.exists():
        shutil.rmtree(target)  # a previous build of the same seed: identical bytes
    partial.rename(target)

    def moved(p: Path) -> Path:
        return target / p.name

    return ExportFiles(
        ads=[moved(p) for p in files.ads], fx_rates=moved(files.fx_rates), crm=[moved(p) for p in files.crm]
    )


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
