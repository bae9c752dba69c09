"""Self-contained HTML: one file, inline styles and scripts, nothing fetched from a network.

``render_html(result, locale=…)`` turns any result into a page. Result types register a body
renderer with :func:`renders_html` (breakdowns, explanations, audits, glossary pages and the
headline register theirs in :mod:`mille.report.html_sections`; shells such as the demo register
their own); anything else is shown as the table of its ``rows()``. Charts are Vega-Lite specs
(:mod:`mille.report.charts`) embedded as JSON and drawn by the bundled Vega libraries, which a
page inlines only when it holds a chart — so the file opens offline, from an e-mail attachment.

The dashboard (``mille serve``) uses the same body renderers through :func:`section` and serves
the same scripts from ``/assets/`` instead of inlining them.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from mille import __version__
from mille.analysis.headline import Figure, Headline
from mille.report.html_locale import Formats, formats
from mille.report.term_headline import RATIOS, VOLUMES, number, signed_pct
from mille.results import Result

_HTML: dict[type, Callable[..., str]] = {}
_ARITY: dict[type, int] = {}
# Script files in the order a page loads them: the libraries, then the glue that draws charts.
VENDOR_SCRIPTS = ("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js")
CHART_SCRIPT = "mille-charts.js"
STYLESHEET = "mille.css"
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


@cache
def asset_text(name: str) -> str:
    """A file of ``mille/report/static`` (scripts, the stylesheet) as text."""
    return (resources.files("mille.report") / "static" / name).read_text(encoding="utf-8")


def static_dir() -> Path:
    """Where the report's static files live on disk (the dashboard serves them)."""
    return Path(str(resources.files("mille.report") / "static"))


CSS = asset_text(STYLESHEET)


class Links:
    """Where a section's links point. A standalone report has no other pages, so every link is
    None (the text is shown plain); the dashboard gives its own URLs."""

    def metric(self, name: str) -> str | None:
        return None

    def explain(self, **params: Any) -> str | None:
        return None

    def breakdown(self, **params: Any) -> str | None:
        return None

    def audit(self, **params: Any) -> str | None:
        return None


def renders_html(result_type: type) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Register the body renderer of ``result_type``: ``fn(result)``, ``fn(result, formats)``
    or ``fn(result, formats, links)``."""

    def register(fn: Callable[..., str]) -> Callable[..., str]:
        _HTML[result_type] = fn
        _ARITY[result_type] = len(inspect.signature(fn).parameters)
        return fn

    return register


def _load_sections() -> None:
    from mille.report import html_pipeline, html_sections  # noqa: F401 (they register renderers)


def section(result: Result, fmt: Formats | None = None, links: Links | None = None) -> Markup:
    """The body of ``result``'s page: headings, charts, tables (no document around it)."""
    _load_sections()
    fmt = fmt or formats(currency=currency_of(result))
    for cls in type(result).__mro__:
        fn = _HTML.get(cls)
        if fn is not None:
            args = (result, fmt, links or Links())[: _ARITY[cls]]
            return Markup(fn(*args))
    return rows_table(result.rows())


def render_html(result: Result, *, title: str | None = None, locale: str = "en-US") -> str:
    """A complete, self-contained HTML document for ``result`` in ``locale`` (mille.yaml's)."""
    fmt = formats(locale, currency_of(result))
    return page(title or title_of(result), section(result, fmt), fmt=fmt)


def write_report(result: Result, output: str | Path | None, *, locale: str = "en-US") -> str:
    """Write ``render_html(result)`` to ``output`` atomically (or return it when None)."""
    text = render_html(result, locale=locale)
    if output is not None:
        path = Path(output)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return text


def currency_of(result: Result) -> str:
    live = getattr(result, "live", None)
    return getattr(result, "currency", None) or getattr(live, "currency", None) or "USD"


def title_of(result: Result) -> str:
    label = getattr(result, "label", None)
    names = {"Breakdown": "Breakdown", "Explanation": f"What moved {label}", "AuditResult": "Audit",
             "GlossaryPage": f"{label} — glossary", "MetricList": "Metrics", "Headline": "Headline"}
    return f"mille — {names.get(type(result).__name__, type(result).__name__)}"


_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
TEMPLATES = Environment(loader=PackageLoader("mille.report", "templates"), autoescape=True,
                        trim_blocks=True, lstrip_blocks=True)
_PAGE = _ENV.from_string(
    """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<main>
{{ body }}
</main>
<footer>Made with mille {{ version }}. Every ratio is a ratio of sums; the sums are shown beside it.
{% if scripts %}Charts drawn offline with Vega {{ vega }}, Vega-Lite {{ vega_lite }} and vega-embed {{ vega_embed }} (BSD-3-Clause), included in this file.{% endif %}</footer>
{% if scripts %}
<script type="application/json" id="mille-locale">{{ locale }}</script>
{% for script in scripts %}
<script>{{ script }}</script>
{% endfor %}
{% endif %}
</body>
</html>
"""
)
_TABLE = _ENV.from_string(
    """<table>
{% if caption %}<caption>{{ caption }}</caption>{% endif %}
<thead><tr>{% for h in headers %}<th scope="col">{% for line in h.split("\n") %}{{ line }}{% if not loop.last %}<br>{% endif %}{% endfor %}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}
<tr{% if loop.index0 < total_rows %} class="total"{% endif %}>{% for text, css in row %}<td{% if css %} class="{{ css }}"{% endif %}>{{ text }}</td>{% endfor %}</tr>
{% endfor %}
</tbody>
</table>"""
)


@cache
def vendor_versions() -> dict[str, str]:
    data = json.loads(asset_text("vendor/vendor.json"))
    return {p["name"]: p["version"] for p in data["packages"]}


def inline_script(text: str) -> Markup:
    """Script text safe inside <script>: no closing tag can end it early; no source-map fetch.
    Text holding ``<!--`` or ``<script`` could put the HTML parser into its "double escaped"
    state and is refused (the bundled files hold neither; a test keeps it so)."""
    text = _SOURCE_MAP.sub("", text)
    lowered = text.lower()
    if "<!--" in text or "<script" in lowered:
        raise ValueError("script text holds <!-- or <script and cannot be inlined safely")
    return Markup(text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT"))


def page(title: str, body: str, *, fmt: Formats | None = None) -> str:
    """The document around ``body`` (HTML already escaped by the fragment renderers). When the
    body holds a chart, the chart libraries and the locale are inlined after it."""
    fmt = fmt or formats()
    scripts = []
    if 'class="chart"' in body:
        scripts = [inline_script(asset_text(name)) for name in (*VENDOR_SCRIPTS, CHART_SCRIPT)]
    versions = vendor_versions()
    return _PAGE.render(
        title=title, css=Markup(CSS), body=Markup(body), version=__version__, scripts=scripts,
        lang=fmt.tag, locale=json_script(fmt.chart_locale()), vega=versions["vega"],
        vega_lite=versions["vega-lite"], vega_embed=versions["vega-embed"],
    )


def json_script(value: Any) -> Markup:
    """JSON for a <script type="application/json"> element: `<`, `>` and `&` escaped so the
    text can never close the element or open a comment."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def chart(spec: dict[str, Any], caption: str = "") -> Markup:
    """A figure the chart script draws: the spec as JSON, an empty canvas, the caption."""
    meta = spec.get("usermeta", {}).get("mille", {})
    return Markup(
        f'<figure class="chart" data-kind="{escape(meta.get("kind", ""))}" data-marks="{int(meta.get("marks", 0))}">'
        f'<div class="chart-canvas"></div>'
        f'<script type="application/json">{json_script(spec)}</script>'
        + (f"<figcaption>{escape(caption)}</figcaption>" if caption else "")
        + "</figure>"
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[tuple[str, str] | str]], *,
          caption: str | None = None, total_rows: int = 0) -> str:
    """An HTML table; a cell is text or (text, css class). The first ``total_rows`` are totals."""
    cells = [[(c, "") if isinstance(c, str) else c for c in row] for row in rows]
    return Markup(_TABLE.render(headers=headers, rows=cells, caption=caption, total_rows=total_rows))


def rows_table(rows: list[dict[str, Any]]) -> Markup:
    if not rows:
        return Markup('<p class="muted">No rows.</p>')
    columns = list(rows[0])
    return Markup(table(columns, [["" if r.get(c) is None else str(r.get(c)) for c in columns] for r in rows]))


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
