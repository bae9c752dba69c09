"""How the dashboard's pages look: the layout, each page's controls, and the result's section.

The section under the controls is the self-contained report's own (:func:`mille.report.html.
section`), so the dashboard and the HTML file a user e-mails show the same tables and charts.
The controls offer what the workspace holds (its metrics, the dimensions with values, the months
of data) but any value typed in the URL is accepted or rejected by the library, never by the form.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from mille import __version__
from mille.analysis.audit import CHECKS
from mille.analysis.comparison import default_dims
from mille.errors import MilleError
from mille.metrics import load_catalogue
from mille.periods import GRAINS
from mille.report.html import Links, json_script, section, vendor_versions
from mille.report.html_locale import Formats, formats
from mille.report.html_sections import tiles_html
from mille.results import Result
from mille.schema import TABLES
from mille.web.pages import NAV, PAGES, Overview, Page, explain_defaults
from mille.web.params import query_string
from mille.web.pool import WorkspacePool

# campaign and ad_group: one segment per platform + account + id (mille.metrics.identity)
ENTITY_DIMS = ("platform", "account_name", "campaign", "campaign_name", "ad_group", "ad_group_name")


class DashboardLinks(Links):
    """Links between the dashboard's pages (the standalone report has none)."""

    def metric(self, name: str) -> str:
        return f"/metrics/{quote(name)}"

    def explain(self, **params: Any) -> str:
        return "/explain?" + query_string(params)

    def breakdown(self, **params: Any) -> str:
        return "/breakdown?" + query_string(params)

    def audit(self, **params: Any) -> str:
        return "/audit?" + query_string(params)


@dataclass(frozen=True)
class Choices:
    """What the controls offer: metrics (name, label), dimensions with values, months held."""

    metrics: list[tuple[str, str]]
    headline: list[str]
    dims: list[tuple[str, str]]
    grains: list[tuple[str, str]]
    months: list[str]
    checks: list[str]
    explain: dict[str, str]
    first: date | None
    last: date | None


class View:
    def __init__(self, pool: WorkspacePool) -> None:
        self.pool = pool
        self.links = DashboardLinks()
        self._lock = threading.Lock()
        self._choices_for: tuple[object, Choices] | None = None
        self.env = Environment(loader=PackageLoader("mille.web", "templates"), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(links=self.links, version=__version__, vendor=vendor_versions())

    @property
    def fmt(self) -> Formats:
        return formats(self.pool.config.locale, self.pool.config.reporting_currency)

    def choices(self) -> Choices:
        """The controls' options, computed once per state of the definitions (kept apart from
        the result cache, which may be off)."""
        stamp = self.pool.stamp()
        with self._lock:
            if self._choices_for is not None and self._choices_for[0] == stamp:
                return self._choices_for[1]
        made = self._choices()
        with self._lock:
            self._choices_for = (stamp, made)
        return made

    def _choices(self) -> Choices:
        with self.pool.workspace() as ws:
            cat = load_catalogue(ws.path)
            t = ws.ad_performance()
            held = default_dims(t, TABLES["ad_performance"], ws.engine, workspace=True)
            row = ws.engine.to_arrow(t.aggregate(first=t.date_day.min(), last=t.period_end.max())).to_pylist()[0]
            defaults = explain_defaults(ws)
        first, last = row["first"], row["last"]
        months = []
        if first is not None and last is not None:
            y, m = last.year, last.month
            while (y, m) >= (first.year, first.month) and len(months) < 36:
                months.append(f"{y:04d}-{m:02d}")
                y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        dims = [(d, d.replace("_", " ")) for d in dict.fromkeys([*ENTITY_DIMS, *held])]
        return Choices(metrics=[(m.name, m.label) for m in cat.metrics.values() if not cat.tables_of(m) - {"ad_performance"}],
                       headline=[m.name for m in cat.headline()], dims=dims, months=months,
                       grains=[(g, g) for g in GRAINS if g != "year"],
                       checks=sorted(CHECKS), explain=defaults, first=first, last=last)

    # -- pages -------------------------------------------------------------------------------
    def page(self, page: Page, args: dict[str, Any], result: Result) -> str:
        fmt = self.fmt
        if isinstance(result, Overview):
            body = self.env.get_template("overview.html.j2").render(
                o=result, fmt=fmt, tiles=tiles_html(result.report, fmt, self.links),
                pipeline=section(result.pipeline, fmt, self.links) if result.pipeline is not None else None)
        else:
            body = section(result, fmt, self.links)
        return self._layout(page, args, Markup(body), None, result)

    def error_page(self, page: Page, raw: dict[str, Any], error: MilleError) -> str:
        return self._layout(page, raw, Markup(""), error, None)

    def message_page(self, title: str, message: str) -> str:
        return self.env.get_template("message.html.j2").render(
            title=title, message=message, nav=self._nav(None), fmt=self.fmt)

    def _layout(self, page: Page, values: dict[str, Any], body: Markup, error: MilleError | None,
                result: Result | None) -> str:
        fmt = self.fmt
        path = self._path(page, values)
        shown = {k: v for k, v in values.items() if k != "name"}
        json_url = f"{path}.json" + (f"?{query_string(shown)}" if query_string(shown) else "")
        title = page.title
        if page.name == "metric":
            title = getattr(result, "label", None) or str(values.get("name", "Metric"))
        return self.env.get_template("layout.html.j2").render(
            page=page, title=title, v=_form_values(values), body=body, error=error, c=self.choices(),
            nav=self._nav(page), fmt=fmt, json_url=json_url, action=path,
            locale=json_script(fmt.chart_locale()), workspace=str(self.pool.path), result=result,
        )

    @staticmethod
    def _path(page: Page, values: dict[str, Any]) -> str:
        if page.name == "metric":
            return f"/metrics/{quote(str(values.get('name', '')))}"
        return "/" if page.name == "overview" else f"/{page.name}"

    def _nav(self, page: Page | None) -> list[dict[str, Any]]:
        current = "metrics" if page is not None and page.name == "metric" else (page.name if page else None)
        return [{"title": PAGES[n].title, "url": "/" if n == "overview" else f"/{n}", "current": n == current}
                for n in NAV]


def _form_values(values: dict[str, Any]) -> dict[str, str]:
    """Values as the controls show them: text, lists split back into their items."""
    out: dict[str, Any] = {}
    for k, v in values.items():
        if v is None or v is False:
            continue
        out[k] = "true" if v is True else str(v)
    return out
