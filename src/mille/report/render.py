"""Turn any result into terminal output, JSON or CSV.

Result types register a terminal renderer with :func:`renders`; anything without one is shown as
a plain table of its ``rows()``. JSON is always ``Result.to_json()`` (the documented contract);
CSV is always ``rows()``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from rich.console import Console, RenderableType
from rich.table import Table

from mille.results import Result

TableRenderer = Callable[[Any], Iterable[RenderableType]]
_RENDERERS: dict[type, TableRenderer] = {}
# Renderers registered from outside mille.report (e.g. the demo's) must not stop the term_*
# modules from loading, so whether they are loaded is tracked on its own.
_LOADED: list[bool] = []


def renders(result_type: type) -> Callable[[TableRenderer], TableRenderer]:
    def register(fn: TableRenderer) -> TableRenderer:
        _RENDERERS[result_type] = fn
        return fn

    return register


def _load_renderers() -> None:
    # Renderer modules register themselves on import; import them all once.
    import importlib
    import pkgutil
    from pathlib import Path

    here = Path(__file__).parent
    for info in pkgutil.iter_modules([str(here)]):
        if info.name.startswith("term_"):
            importlib.import_module(f"mille.report.{info.name}")


def renderables(result: Result) -> list[RenderableType]:
    if not _LOADED:
        _load_renderers()
        _LOADED.append(True)
    for cls in type(result).__mro__:
        fn = _RENDERERS.get(cls)
        if fn is not None:
            return list(fn(result))
    return [rows_table(result.rows())]


def rows_table(rows: list[dict[str, Any]], *, title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False, header_style="bold")
    if not rows:
        table.add_column("(no rows)")
        return table
    columns = list(rows[0])
    for name in columns:
        numeric = all(isinstance(r.get(name), int | float) or r.get(name) is None for r in rows)
        table.add_column(name, justify="right" if numeric else "left")
    for r in rows:
        table.add_row(*(_cell(r.get(c)) for c in columns))
    return table


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 100 else f"{value:,.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def to_csv(result: Result) -> str:
    rows = result.rows()
    out = io.StringIO()
    if not rows:
        return ""
    fields: list[str] = []
    for r in rows:
        for k in r:
            if k not in fields:
                fields.append(k)
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return out.getvalue()


def render(result: Result, fmt: str, *, width: int | None = None) -> str:
    if fmt == "json":
        return result.to_json()
    if fmt == "csv":
        return to_csv(result)
    if fmt == "table":
        console = Console(file=io.StringIO(), width=width or _width(), highlight=False)
        for item in renderables(result):
            console.print(item)
        return console.file.getvalue()  # type: ignore[attr-defined]
    if fmt == "html":
        from mille.report.html import render_html

        return render_html(result)
    if fmt == "markdown":
        from mille.report.markdown import render_markdown

        return render_markdown(result)
    raise ValueError(f"unknown format {fmt}")


def _width() -> int:
    import shutil

    return max(100, min(shutil.get_terminal_size((120, 40)).columns, 200))
