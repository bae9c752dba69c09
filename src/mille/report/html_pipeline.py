"""HTML section for spend-to-pipeline results (``mille pipeline``, the dashboard's overview).

Cost per CRM lead and cost per opportunity per segment side by side with the sums they divide,
the funnel split sentence per segment, what the attribution rule left unattributed, and how
complete the period's opportunities are. Nothing is computed: every figure is read from the
:class:`~mille.analysis.pipeline.Pipeline` result.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from mille.analysis.pipeline import Pipeline, Segment
from mille.platforms import label as platform_label
from mille.report.html import renders_html, table
from mille.report.html_locale import Formats

COLUMNS = (
    # (figure, header, kind): kind says how to format it
    ("spend", "Spend", "money"),
    ("crm_leads", "CRM leads", "count"),
    ("cost_per_crm_lead", "Cost per lead", "money"),
    ("opportunities", "Opportunities", "count"),
    ("cost_per_opportunity", "Cost per opportunity", "money"),
    ("lead_to_opportunity_rate", "Lead → opportunity", "percent"),
    ("pipeline", "Pipeline", "money"),
    ("pipeline_per_spend", "Pipeline per $1 spent", "ratio"),
)


def _label(segment: Segment) -> str:
    if not segment.segment:
        return "Total"
    return " × ".join(platform_label(v or "", v or "(none)") for v in segment.segment.values())


def _cell(fmt: Formats, value: float | None, kind: str) -> str:
    if kind == "money":
        return fmt.money(value, 0)
    if kind == "percent":
        return fmt.percent(value, 1)
    if kind == "ratio":
        return fmt.number(value, 2)
    return fmt.number(value, 0)


@renders_html(Pipeline)
def pipeline_html(p: Pipeline, fmt: Formats) -> str:
    rows = [[_label(p.total), *(_cell(fmt, p.total.figures.get(k), kind) for k, _, kind in COLUMNS)]]
    for s in p.segments:
        rows.append([_label(s), *(_cell(fmt, s.figures.get(k), kind) for k, _, kind in COLUMNS)])
    parts = [
        "<h2>Spend to pipeline</h2>",
        f'<p class="muted">CRM leads and opportunities credited to ad spend ({escape(p.rule)}), '
        f"{escape(fmt.day_range(p.period['start'], p.period['end']))}; money in {escape(p.currency)}. "
        "Each cost is spend ÷ the credited records beside it.</p>",
        f'<div class="scroll">{table(["Segment", *(h for _, h, _ in COLUMNS)], rows, total_rows=1)}</div>',
    ]
    sentences = [s.funnel.sentence for s in p.segments if s.funnel is not None]
    if sentences:
        parts.append(f"<p>Why cost per opportunity differs from {escape(p.reference)} "
                     "(CPO = CPC ÷ click-to-lead rate ÷ lead-to-opportunity rate; the parts add up exactly):</p>")
        parts.append("<ul>" + "".join(f"<li>{escape(t)}</li>" for t in sentences) + "</ul>")
    if p.maturity is not None and p.maturity.missing_share > 0.05:
        m = p.maturity
        parts.append(
            f'<aside class="warning" role="note">Recent cohort incomplete: about '
            f"{fmt.percent(100 * m.missing_share, 0)} of this period's opportunities have not had time "
            f"to arrive yet (median lead-to-opportunity lag {fmt.number(m.lag_median_days, 0)} days).</aside>"
        )
    for note in p.notes:
        parts.append(f'<p class="muted">{escape(note)}</p>')
    return Markup("\n".join(parts))
