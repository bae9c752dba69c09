"""Terminal rendering of an audit: the trust score, the sources, the findings, what to do."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from mille.analysis.audit import CHECKS, AuditResult, Finding
from mille.platforms import label as platform_label
from mille.report.render import Fitted, line_width, name_column, number_columns, renders

_STYLE = {"error": "bold red", "warn": "yellow", "info": "cyan"}
_LABEL = {"error": "ERROR", "warn": "warn", "info": "info"}


def _money(value: float, currency: str, *, estimated: bool = False) -> str:
    return f"{'~' if estimated else ''}{value:,.2f} {currency}"


def _score_style(score: float | None) -> str:
    if score is None:
        return "dim"
    return "bold green" if score >= 90 else "bold yellow" if score >= 70 else "bold red"


def _header(r: AuditResult) -> Text:
    what = f"Audit of {r.period['label']} ({r.period['start']}..{r.period['end']})" if r.period else "Audit of all data"
    text = Text(f"{what} · data {r.data_first_day}..{r.data_last_day} · as of {r.as_of}\n", style="bold")
    text.append("Trust score ")
    shown = "—" if r.score.overall is None else f"{r.score.overall:.1f}"
    text.append(f"{shown} / 100", style=_score_style(r.score.overall))
    text.append(f"   {r.counts.get('error', 0)} error(s), {r.counts.get('warn', 0)} warning(s), "
                f"{r.counts.get('info', 0)} note(s)")
    if r.severity_shown:
        text.append(f" — showing {r.severity_shown} and worse", style="dim")
    return text


def _sources(r: AuditResult, name_width: int | None = None) -> Table:
    t = Table(title="Sources", title_justify="left", header_style="bold")
    for name, justify in (("source", "left"), ("spend", "right"), ("est. missing", "right"),
                          ("score", "right"), ("points lost", "right"), ("last day", "left")):
        t.add_column(name, justify=justify)  # type: ignore[arg-type]
    last = {f.source: f for f in r.freshness}
    for s in r.score.sources:
        label = f"{platform_label(s.platform, s.platform)} · {s.account or s.account_id or '(no account)'}"
        fresh = last.get(s.source)
        day = "—" if fresh is None else f"{fresh.last_day}" + (f" (−{fresh.days_behind_newest}d)" if fresh.days_behind_newest else "")
        t.add_row(label, _money(s.spend, r.currency), _money(s.estimated_missing, r.currency) if s.estimated_missing else "—",
                  Text(f"{s.score:.1f}", style=_score_style(s.score)), f"{s.points_lost:.1f}", day)
    # the label gives way (ellipsis); amounts, scores and days stay whole on one line
    return name_column(number_columns(t), 0, name_width)


def _findings(r: AuditResult, findings: Iterable[Finding]) -> Table:
    t = Table(title="Findings", title_justify="left", header_style="bold", show_lines=False)
    t.add_column("sev")
    t.add_column("finding", overflow="fold", ratio=3)
    t.add_column("days")
    t.add_column("spend", justify="right")
    t.add_column("share", justify="right")
    for f in findings:
        t.add_row(
            Text(_LABEL[f.severity], style=_STYLE[f.severity]),
            Text(f.title) + Text(f"\n{f.check}", style="dim"),
            f.days_label(3) + (f"\n{f.n_days} day(s)" if f.n_days > 1 else ""),
            _money(f.spend, r.currency, estimated=f.estimated) if f.spend else "—",
            "—" if f.share_of_spend is None else f"{f.share_of_spend:.1%}",
        )
    # Dates and amounts are never folded; the finding's words take what is left.
    for column in t.columns[2:]:
        column.no_wrap = True
        column.min_width = max((line_width(c) for c in column.cells), default=0) or None
    return t


def _hints(findings: list[Finding]) -> Text:
    text = Text("What to do\n", style="bold")
    seen: list[str] = []
    for f in findings:
        if f.check not in seen and f.severity != "info":
            seen.append(f.check)
    for check_id in seen:
        c = CHECKS.get(check_id)
        hint = next(f.hint for f in findings if f.check == check_id)
        text.append(f"• {c.title if c else check_id}: ", style="bold")
        text.append(f"{hint}\n")
    return text


def _checks(r: AuditResult) -> Text:
    passed = sum(1 for c in r.checks if c.status == "passed")
    found = sum(1 for c in r.checks if c.status == "found")
    skipped = [c for c in r.checks if c.status == "skipped"]
    text = Text(f"{len(r.checks)} checks: {passed} passed, {found} with findings, {len(skipped)} skipped", style="dim")
    for c in skipped:
        text.append(f"\n  skipped {c.id}: {c.note}", style="dim")
    return text


@renders(AuditResult)
def render_audit(r: AuditResult) -> Iterable[RenderableType]:
    yield _header(r)
    yield Fitted(lambda level, width: [_sources(r, width)])
    if r.findings:
        yield _findings(r, r.findings)
        hints = _hints(r.findings)
        if len(hints) > len("What to do\n"):
            yield hints
    else:
        yield Text("No findings" + (f" at {r.severity_shown} or worse." if r.severity_shown else "."), style="green")
    yield _checks(r)
