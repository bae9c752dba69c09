"""The headline in the terminal: volumes, then the ratios computed from them.

Two tables with the same rows (all platforms, then each platform): the sums (spend,
impressions, clicks) in both periods, and the ratios (CPM, CPC, CTR) built from exactly those
sums, so the base of every ratio is on screen beside it. Nothing is computed here beyond
formatting.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from mille.analysis.headline import Figure, Headline
from mille.report.render import renders

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
VOLUMES = ("spend", "impressions", "clicks")
RATIOS = ("cpm", "cpc", "ctr")


def money(value: float | None, currency: str, *, decimals: int = 2) -> str:
    if value is None:
        return "—"
    symbol = SYMBOLS.get(currency)
    body = f"{abs(value):,.{decimals}f}"
    sign = "−" if value < 0 else ""
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{body} {currency}"


def number(value: float | None, unit: str, currency: str) -> str:
    if value is None:
        return "—"
    if unit == "currency":
        return money(value, currency, decimals=0 if abs(value) >= 10_000 else 2)
    if unit == "percent":
        return f"{value:.2f} %"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def signed_pct(pct: float) -> str:
    """``+12.3 %`` / ``−4.0 %``; a change that rounds to nothing is ``0.0 %``."""
    if round(pct, 1) == 0:
        return "0.0 %"
    return f"{pct:+.1f} %".replace("-", "−")


def change(figure: Figure) -> Text:
    pct = figure.change_pct
    if pct is None:
        return Text("—", style="dim")
    text = signed_pct(pct)
    if abs(pct) < 0.05:
        return Text(text, style="dim")
    return Text(text, style="bold" if abs(pct) >= 10 else "")


def _period_name(period: dict[str, str]) -> str:
    return period.get("label") or f"{period['start']}..{period['end']}"


def _table(h: Headline, metrics: tuple[str, ...], title: str) -> Table:
    before, after = _period_name(h.before), _period_name(h.after)
    table = Table(title=title, title_justify="left", header_style="bold", show_edge=False, pad_edge=False)
    table.add_column("Platform")
    for name in metrics:
        label = h.figure(name).metric_label
        table.add_column(f"{label}\n{before}", justify="right")
        table.add_column(f"{label}\n{after}", justify="right")
        table.add_column("change", justify="right")
    for platform in h.platforms:
        cells: list[str | Text] = [h.figure(metrics[0], platform).label]
        for name in metrics:
            f = h.figure(name, platform)
            cells += [_cell(f, "before", h.currency), _cell(f, "after", h.currency), change(f)]
        table.add_row(*cells, style="bold" if platform == "all" else None)
    return table


def _cell(f: Figure, side: str, currency: str) -> str:
    v = getattr(f, side)
    return number(v.value, f.unit, currency) + (" *" if v.thin else "")


def headline_renderables(h: Headline) -> list[RenderableType]:
    thin = any(v.thin for f in h.figures for v in (f.before, f.after))
    notes = (
        "Ratios are ratios of the sums in the table above them: CPM = 1000 × spend ÷ impressions, "
        "CPC = spend ÷ clicks, CTR = clicks ÷ impressions."
    )
    if thin:
        notes += " * the base is below the metric's minimum: too thin to read."
    return [
        Text(f"{_period_name(h.after)} against {_period_name(h.before)}, spend in {h.currency}", style="bold"),
        _table(h, VOLUMES, "Volume"),
        _table(h, RATIOS, "Price and response"),
        Text(notes, style="dim"),
    ]


@renders(Headline)
def render_headline(h: Headline) -> Iterable[RenderableType]:
    return headline_renderables(h)
