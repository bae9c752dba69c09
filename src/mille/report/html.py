"""A self-contained HTML report: one file, inline CSS, no scripts, nothing fetched from a network.

``render_html(result)`` turns any result into a page. Result types register a body renderer with
:func:`renders_html` (the headline's is here; shells such as the demo register their own page
sections); anything else is shown as the table of its ``rows()``. The dashboard adds charts
later; this page is what ``mille demo`` writes as ``report.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from mille import __version__
from mille.analysis.headline import Figure, Headline
from mille.report.term_headline import RATIOS, VOLUMES, number, signed_pct
from mille.results import Result

HtmlRenderer = Callable[[Any], str]
_HTML: dict[type, HtmlRenderer] = {}

CSS = """
:root { --ink: #1d2330; --muted: #5d6778; --line: #dde2ea; --band: #f5f7fa; --up: #9a3412; --down: #1e40af; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1180px; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
p, li { max-width: 72ch; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { padding: .35rem .6rem; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { font-weight: 600; vertical-align: bottom; border-bottom: 2px solid var(--ink); }
tbody tr.total td { font-weight: 700; background: var(--band); }
td.big { font-weight: 700; }
td.up { color: var(--up); }
td.down { color: var(--down); }
td.thin::after { content: " *"; color: var(--muted); }
code { background: var(--band); padding: 0 .25rem; border-radius: 3px; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
"""


def renders_html(result_type: type) -> Callable[[HtmlRenderer], HtmlRenderer]:
    def register(fn: HtmlRenderer) -> HtmlRenderer:
        _HTML[result_type] = fn
        return fn

    return register


def render_html(result: Result, *, title: str | None = None) -> str:
    """A complete HTML document for ``result``."""
    body = None
    for cls in type(result).__mro__:
        fn = _HTML.get(cls)
        if fn is not None:
            body = fn(result)
            break
    if body is None:
        body = rows_table(result.rows())
    return page(title or type(result).__name__, body)


_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_PAGE = _ENV.from_string(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
{{ body }}
<footer>Made with mille {{ version }}. Every ratio is a ratio of sums; the sums are shown beside it.</footer>
</body>
</html>
"""
)
_TABLE = _ENV.from_string(
    """<table>
{% if caption %}<caption>{{ caption }}</caption>{% endif %}
<thead><tr>{% for h in headers %}<th>{% for line in h.split("\n") %}{{ line }}{% if not loop.last %}<br>{% endif %}{% endfor %}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}
<tr{% if loop.index0 < total_rows %} class="total"{% endif %}>{% for text, css in row %}<td{% if css %} class="{{ css }}"{% endif %}>{{ text }}</td>{% endfor %}</tr>
{% endfor %}
</tbody>
</table>"""
)


def page(title: str, body: str) -> str:
    """The document around ``body`` (HTML already escaped by the fragment renderers)."""
    return _PAGE.render(title=title, css=Markup(CSS), body=Markup(body), version=__version__)


def table(headers: Sequence[str], rows: Sequence[Sequence[tuple[str, str] | str]], *,
          caption: str | None = None, total_rows: int = 0) -> str:
    """An HTML table; a cell is text or (text, css class). The first ``total_rows`` are totals."""
    cells = [[(c, "") if isinstance(c, str) else c for c in row] for row in rows]
    return Markup(_TABLE.render(headers=headers, rows=cells, caption=caption, total_rows=total_rows))


def rows_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return Markup('<p class="muted">No rows.</p>')
    columns = list(rows[0])
    return table(columns, [["" if r.get(c) is None else str(r.get(c)) for c in columns] for r in rows])


def _change(f: Figure) -> tuple[str, str]:
    pct = f.change_pct
    if pct is None:
        return "—", ""
    css = ("up" if pct > 0 else "down") + (" big" if abs(pct) >= 10 else "")
    return signed_pct(pct), css


def _value(f: Figure, side: str, currency: str) -> tuple[str, str]:
    v = getattr(f, side)
    return number(v.value, f.unit, currency), "thin" if v.thin else ""


def headline_html(h: Headline) -> str:
    before, after = h.before["label"], h.after["label"]
    parts = [f"<h2>{escape(after)} against {escape(before)}</h2>",
             f"<p class=\"muted\">Spend in {escape(h.currency)}. Ratios are computed from the sums "
             "in the volume table: CPM = 1000 × spend ÷ impressions, CPC = spend ÷ clicks, "
             "CTR = clicks ÷ impressions.</p>"]
    for caption, metrics in (("Volume", VOLUMES), ("Price and response", RATIOS)):
        headers = ["Platform"]
        for name in metrics:
            label = h.figure(name).metric_label
            headers += [f"{label}\n{before}", f"{label}\n{after}", "change"]
        rows = []
        for platform in h.platforms:
            row: list[tuple[str, str] | str] = [h.figure(metrics[0], platform).label]
            for name in metrics:
                f = h.figure(name, platform)
                row += [_value(f, "before", h.currency), _value(f, "after", h.currency), _change(f)]
            rows.append(row)
        parts.append(table(headers, rows, caption=caption, total_rows=1))
    if any(v.thin for f in h.figures for v in (f.before, f.after)):
        parts.append("<p class=\"muted\">* The base is below the metric's minimum: too thin to read.</p>")
    return "\n".join(parts)


@renders_html(Headline)
def _headline_page(h: Headline) -> str:
    return "<h1>Headline</h1>\n" + headline_html(h)
