"""Turn any result into terminal output, JSON or CSV.

Result types register a terminal renderer with :func:`renders`; anything without one is shown as
a plain table of its ``rows()``. JSON is always ``Result.to_json()`` (the documented contract);
CSV is always ``rows()``.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

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


# -- fitting the terminal ----------------------------------------------------------------------
# A table is laid out for the width it is printed at. Numbers are never wrapped or cut: a numeric
# column is at least as wide as its widest line. Names (campaign, account, labels) give way first,
# down to NAME_MIN characters with an ellipsis; when the table still does not fit, the renderer's
# next layout drops its low-priority columns (intervals, then secondary bases) and says so.
# --wide (WIDE) shows everything: no layout is dropped and names are never cut.
NAME_MIN = 12
NAME_MAX = 40
WIDE: ContextVar[bool] = ContextVar("mille_wide_tables", default=False)
WIDE_WIDTH = 10_000


def line_width(cell: RenderableType) -> int:
    """The widest line of a cell's text (what a no-wrap column must hold whole)."""
    plain = cell.plain if isinstance(cell, Text) else str(cell)
    return max((cell_len(line) for line in plain.split("\n")), default=0)


def number_columns(table: Table, first: int = 1) -> Table:
    """Columns from ``first`` on hold numbers: as wide as their widest line, never wrapped."""
    for column in table.columns[first:]:
        cells = list(column.cells)
        column.no_wrap = True
        column.overflow = "ellipsis"
        widest = max((line_width(c) for c in cells), default=0)
        column.min_width = widest or None
        if isinstance(column.header, str) and cell_len(column.header) > widest:
            # The header wraps at its words to the numbers' width; only the numbers are whole.
            column.header = "\n".join(textwrap.wrap(column.header, max(widest, 1), break_long_words=False))
    return table


def name_column(table: Table, index: int = 0, width: int | None = None) -> Table:
    """A name column: one line, cut with an ellipsis at ``width`` (not at all when wide)."""
    column = table.columns[index]
    column.no_wrap = True
    column.overflow = "ellipsis"
    column.max_width = None if WIDE.get() else width
    return table


class Fitted:
    """The first of a renderer's layouts that fits the width it is printed at.

    ``build(level, name_width)`` returns the renderables of layout ``level`` (0 shows everything,
    each next one drops more) with its name column at most ``name_width`` wide; ``levels`` is how
    many layouts there are, ``names`` how many name columns share what is left. Names take the width the numbers leave, between NAME_MIN and NAME_MAX.
    """

    def __init__(self, build: Callable[[int, int | None], list[RenderableType]], levels: int = 1,
                 names: int = 1) -> None:
        self.build = build
        self.levels = levels
        self.names = names  # name columns sharing the width left over

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if WIDE.get():
            yield from self.build(0, None)
            return
        width = options.max_width
        for level in range(self.levels):
            narrowest = self._need(console, options, self.build(level, NAME_MIN))
            if narrowest <= width or level == self.levels - 1:
                name_width = min(NAME_MAX, NAME_MIN + max(0, width - narrowest) // self.names)
                yield from self.build(level, name_width)
                return

    @staticmethod
    def _need(console: Console, options: ConsoleOptions, items: list[RenderableType]) -> int:
        # Lay the tables out with room to spare and read the width they took: exact, where
        # rich's measurement is a column or two short when headers wrap.
        scratch = Console(file=io.StringIO(), width=WIDE_WIDTH, highlight=False, color_system=None)
        for table in (t for t in items if isinstance(t, Table)):
            scratch.print(table)
        return max((cell_len(line.rstrip()) for line in scratch.file.getvalue().splitlines()), default=0)  # type: ignore[attr-defined]


def rows_table(rows: list[dict[str, Any]], *, title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False, header_style="bold")
    if not rows:
        table.add_column("(no rows)")
        return table
    columns = list(rows[0])
    for name in columns:
        numeric = all(isinstance(r.get(name), int | float) or r.get(name) is None for r in rows)
        # Numbers whole on one line; text cut with an ellipsis rather than folded mid-word.
        table.add_column(name, justify="right" if numeric else "left", no_wrap=numeric, overflow="ellipsis",
                         max_width=None if numeric or WIDE.get() else NAME_MAX)
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


# -- CSV ---------------------------------------------------------------------------------------
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection"):
# campaign names come from ad accounts anyone with access can edit, so text cells starting with
# one get a leading ' (shown literally, never run). Numbers are written as numbers: -12.5 stays.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SIGNIFICANT = 15


def csv_cell(value: Any) -> str:
    """One CSV cell: numbers at full precision without float noise, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def number_text(value: float) -> str:
    """The shortest decimal that round-trips ``value`` rounded to 15 significant digits: the sum
    0.1 + 0.2 (0.30000000000000004) is written 0.3. NaN and infinities are empty cells."""
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    shown = repr(float(f"{value:.{SIGNIFICANT}g}"))
    return "0.0" if shown == "-0.0" else shown


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
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(f) for f in fields])
    writer.writerows([csv_cell(r.get(k)) for k in fields] for r in rows)
    return out.getvalue()


def print_result(console: Any, result: Result, *, wide: bool = False) -> None:
    """Print a result's terminal renderables on ``console``, fitted to its width unless ``wide``."""
    token = WIDE.set(wide)
    try:
        for item in renderables(result):
            console.print(item)
    finally:
        WIDE.reset(token)


def render(result: Result, fmt: str, *, width: int | None = None, wide: bool = False) -> str:
    if fmt == "json":
        return result.to_json()
    if fmt == "csv":
        return to_csv(result)
    if fmt == "table":
        console = Console(file=io.StringIO(), width=WIDE_WIDTH if wide else width or _width(), highlight=False)
        print_result(console, result, wide=wide)
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
