"""The headline in the terminal: volumes, then the ratios computed from them.

Two tables with the same rows (all platforms, then each platform): the sums (spend,
impressions, clicks) in both periods, and the ratios (CPM, CPC, CTR) built from exactly those
sums, so the base of every ratio is on screen beside it. Nothing is computed here beyond
formatting.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
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


def _header(label: str) -> str:
    """Platform labels over two lines when long, so the table fits an 80-column terminal."""
    if label == "All platforms":
        return "All\nplatforms"
    first, _, rest = label.partition(" ")
    return f"{first}\n{rest}" if len(label) > 10 and rest else label


def _table(h: Headline, metrics: tuple[str, ...], title: str) -> Table:
    """Platforms across, each metric down as before / after / change."""
    before, after = _period_name(h.before), _period_name(h.after)
    table = Table(title=title, title_justify="left", title_style="bold", header_style="bold",
                  box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("")
    for platform in h.platforms:
        table.add_column(_header(h.figure(metrics[0], platform).label), justify="right",
                         style="bold" if platform == "all" else None)
    for name in metrics:
        table.add_row(Text(h.figure(name).metric_label, style="bold"), *[""] * len(h.platforms))
        for side, period in (("before", before), ("after", after)):
            table.add_row(f"  {period}", *(_cell(h.figure(name, p), side, h.currency) for p in h.platforms))
        table.add_row("  change", *(change(h.figure(name, p)) for p in h.platforms),
                      end_section=name != metrics[-1])
    return table


def _cell(f: Figure, side: str, currency: str) -> str:
    v = getattr(f, side)
    return number(v.value, f.unit, currency) + (" *" if v.thin else "")


def headline_renderables(h: Headline) -> list[RenderableType]:
    thin = any(v.thin for f in h.figures for v in (f.before, f.after))
    notes = (
        "Each ratio is computed from the sums in the volume table, in the same column: "
        "CPM = 1000 × spend ÷ impressions, CPC = spend ÷ clicks, CTR = clicks ÷ impressions."
    )
    if thin:
        notes += " * the base is below the metric's minimum: too thin to read."
    return [
        Text(f"{_period_name(h.after)} against {_period_name(h.before)}, spend in {h.currency}", style="bold"),
        _table(h, VOLUMES, "Volume"),
        Text(""),
        _table(h, RATIOS, "Price and response"),
        Text(notes, style="dim"),
    ]


@renders(Headline)
def render_headline(h: Headline) -> Iterable[RenderableType]:
    return headline_renderables(h)
