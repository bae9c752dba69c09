"""Terminal view of ``mille pipeline``: figures per source, the funnel split, what is missing."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from mille.analysis.pipeline import Pipeline, Segment
from mille.report.render import Fitted, name_column, number_columns, renders


def _n(value: float | None, decimals: int = 0, prefix: str = "", suffix: str = "") -> str:
    return "—" if value is None else f"{prefix}{value:,.{decimals}f}{suffix}"


@renders(Pipeline)
def pipeline_view(result: Pipeline) -> Iterable[RenderableType]:
    yield Fitted(lambda level, width: [_table(result, width)])
    yield from _rest(result)


def _table(result: Pipeline, name_width: int | None) -> Table:
    cur = result.currency
    table = Table(title=f"Pipeline by {', '.join(result.by) or 'total'} — {result.period.get('label')} "
                        f"({result.rule})", header_style="bold")
    for name in ("segment", "spend", "clicks", "CRM leads", "opps", "pipeline", f"CPL {cur}", f"CPO {cur}",
                 "click→lead", "lead→opp", "pipeline/spend"):
        table.add_column(name, justify="left" if name == "segment" else "right")

    def row(s: Segment, label: str) -> None:
        f = s.figures
        table.add_row(label, _n(f["spend"]), _n(f["clicks"]), _n(f["crm_leads"], 1), _n(f["opportunities"], 1),
                      _n(f["pipeline"]), _n(f["cost_per_crm_lead"], 2), _n(f["cost_per_opportunity"], 2),
                      _n(f["click_to_lead_rate"], 2, suffix=" %"), _n(f["lead_to_opportunity_rate"], 1, suffix=" %"),
                      _n(f["pipeline_per_spend"], 2, suffix="×"))

    for s in result.segments:
        row(s, " × ".join(str(v) for v in s.segment.values()))
    row(result.total, "total")
    return name_column(number_columns(table), 0, name_width)


def _rest(result: Pipeline) -> Iterable[RenderableType]:
    splits = [s for s in result.segments if s.funnel is not None]
    if splits:
        yield Text(f"Cost per opportunity against {result.reference}, split into its funnel factors "
                   "(CPO = CPC ÷ click-to-lead rate ÷ lead-to-opportunity rate; the parts add up exactly):",
                   style="bold")
        for s in splits:
            assert s.funnel is not None
            yield Text("• " + s.funnel.sentence)
    for note in result.notes:
        yield Text("note: " + note, style="yellow")
    if result.unmatched:
        unmatched = Table(title="Sources not matched to an ad platform or campaign", header_style="bold")
        for name in ("utm_source", "utm_medium", "utm_campaign", "CRM campaign", "original source", "matched", "touches"):
            unmatched.add_column(name, justify="right" if name == "touches" else "left")
        for u in result.unmatched:
            unmatched.add_row(u.utm_source or "—", u.utm_medium or "—", u.utm_campaign or "—", u.crm_campaign or "—",
                              u.original_source or "—", "platform only" if u.match == "platform" else "no platform",
                              f"{u.touches:,}")
        yield unmatched
