"""How a built demo shows itself: in the terminal and as the workspace's ``report.html``.

The demo sits above the renderers, so it registers its own page around the headline's tables
(which live in :mod:`mille.report`). Nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import escape
from rich.console import RenderableType
from rich.text import Text

from mille.demo.build import DemoResult
from mille.report.html import headline_html, page, renders_html, section
from mille.report.html_locale import Formats, formats
from mille.report.render import renders
from mille.report.term_headline import headline_renderables

NEXT_STEPS = (
    "mille explain cpm --before 2026-09 --after 2026-10",
    "mille audit",
    "mille metrics show cpm",
)


def _replacements(result: DemoResult) -> list[str]:
    out = []
    for r in result.slice_replacements:
        out.append(
            f"{r.get('action', 'replaced')} {r.get('rows', 0):,} rows of {r.get('platform')} "
            f"{r.get('account_id') or ''} {r.get('date_min')}..{r.get('date_max')} with a later export"
        )
    return out


@renders(DemoResult)
def render_demo(result: DemoResult) -> Iterable[RenderableType]:
    took = f" in {result.seconds['total']:.1f} s" if "total" in result.seconds else ""
    yield Text(f"Northwind Cloud demo (seed {result.seed}) built{took}", style="bold")
    yield Text(
        f"{len(result.ad_exports)} ad-platform exports written to {result.exports_dir} and ingested "
        f"({result.rows_held:,} rows held); {len(result.crm_exports)} HubSpot exports and "
        f"{result.fx_rates} written beside them."
    )
    for line in _replacements(result):
        yield Text(f"Overlap: {line}.")
    yield Text("")
    yield from headline_renderables(result.headline)
    yield Text("")
    f = result.findings
    for message in f.mix_warnings:
        yield Text(f"mille report: {message}")
    for metric, sentence in f.explain.items():
        yield Text(f"mille explain {metric}: {sentence}")
    score = "—" if f.trust_score is None else f"{f.trust_score:.0f}/100"
    counts = ", ".join(f"{n} {sev}" for sev, n in f.audit_counts.items() if n)
    yield Text(f"mille audit: reporting-trust score {score} ({counts or 'no findings'})"
               + (f"; errors: {'; '.join(f.audit_errors)}" if f.audit_errors else ""))
    yield Text("")
    yield Text(f"Report: {result.report_html}", style="bold")
    yield Text("What is planted in this data: docs/demo.md. Next: " + "  ·  ".join(NEXT_STEPS), style="dim")


@renders_html(DemoResult)
def demo_body(result: DemoResult, fmt: Formats | None = None) -> str:
    files = "".join(f"<li><code>{escape(n)}</code></li>" for n in result.ad_exports)
    overlaps = "".join(f"<li>{escape(line)}</li>" for line in _replacements(result))
    story = "".join(f"<li>{escape(e['what'])}</li>" for e in result.story)
    return f"""<h1>Northwind Cloud — paid media headline</h1>
<p class="muted">The mille demo, seed {result.seed}: six months of synthetic data for a fictional
B2B software company, written as each platform's real export files and ingested through the
normal path. Workspace <code>{escape(result.workspace)}</code>.</p>
{headline_html(result.headline)}
{_analyses(result, fmt)}
<h2>Where the numbers come from</h2>
<p>{len(result.ad_exports)} exports in <code>{escape(result.exports_dir)}</code>, ingested in this
order ({result.rows_held:,} rows held):</p>
<ul>{files}</ul>
{f"<p>Overlapping exports resolved at ingest:</p><ul>{overlaps}</ul>" if overlaps else ""}
<h2>What was planted</h2>
<p class="muted">The demo's data carries a known story, so that you can check what mille finds
(docs/demo.md gives the figures).</p>
<ul>{story}</ul>
"""


def _analyses(result: DemoResult, fmt: Formats | None) -> str:
    """The sections `mille report`, `mille explain` and `mille audit` would show, with charts."""
    before, after = result.headline.before["label"], result.headline.after["label"]
    parts = []
    for command, item in (
        ("mille report", result.breakdown),
        *((f"mille explain {e.metric} --before {before} --after {after}", e) for e in result.explanations),
        ("mille audit", result.audit),
    ):
        if item is not None:
            parts.append(f'<section class="demo-analysis"><p class="muted">What <code>{escape(command)}</code> '
                         f"shows:</p>{section(item, fmt)}</section>")
    return "\n".join(parts)


def demo_html(result: DemoResult) -> str:
    fmt = formats(currency=result.headline.currency)
    return page("Northwind Cloud — mille demo", demo_body(result, fmt), fmt=fmt)
