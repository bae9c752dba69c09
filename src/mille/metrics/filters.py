"""Filters: expressions over known columns, parsed into a syntax tree, never pasted into SQL.

Accepted: comparisons (``= != <> < <= > >=``), ``IN (…)``, ``NOT IN``, ``BETWEEN``, ``LIKE`` /
``ILIKE``, ``IS [NOT] NULL``, ``AND`` / ``OR`` / ``NOT``, parentheses, string and number literals,
``TRUE``/``FALSE``. Columns must belong to the table. Everything else — subqueries, functions,
arithmetic, casts, several statements — is rejected with a message that says why.

The text is parsed by sqlglot (so quoting and precedence follow SQL) and each node is translated
to an Ibis predicate; the engine compiles that to its own SQL with proper literals.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp

from mille.errors import MetricError, suggestion
from mille.schema import Table

if TYPE_CHECKING:
    import ibis.expr.types as ir

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_IN_VALUES = 1000

_COMPARISONS: dict[type, str] = {
    exp.EQ: "__eq__",
    exp.NEQ: "__ne__",
    exp.GT: "__gt__",
    exp.GTE: "__ge__",
    exp.LT: "__lt__",
    exp.LTE: "__le__",
}
HINT = (
    "write e.g. platform = 'linkedin_ads' AND device IN ('mobile', 'tablet'); "
    "allowed: = != < <= > >= IN BETWEEN LIKE ILIKE IS NULL AND OR NOT"
)


def parse_filter(text: str, table: Table) -> exp.Expression:
    """Parse and check a filter against ``table``'s columns; returns the checked syntax tree."""
    if not isinstance(text, str) or not text.strip():
        raise MetricError("empty filter", hint=HINT)
    if len(text) > MAX_LENGTH:
        raise MetricError(f"filter longer than {MAX_LENGTH} characters", hint="split it into simpler filters")
    try:
        statements = sqlglot.parse(text, dialect="duckdb")
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        raise MetricError(f"cannot parse filter `{text}`: {_first_line(exc)}", hint=HINT) from None
    statements = [s for s in statements if s is not None]
    if len(statements) != 1:
        raise MetricError(f"filter `{text}` must be one expression, not several statements", hint=HINT)
    tree = statements[0]
    _check(tree, table, text, depth=0)
    return tree


def compile_filter(text: str, t: ir.Table, table: Table) -> ir.BooleanValue:
    """The Ibis predicate for a filter on table expression ``t`` (whose columns follow ``table``)."""
    return _to_ibis(parse_filter(text, table), t, table)


def filter_columns(text: str, table: Table) -> set[str]:
    tree = parse_filter(text, table)
    return {c.name for c in tree.find_all(exp.Column)}


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _check(node: exp.Expression, table: Table, text: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise MetricError(f"filter nested deeper than {MAX_DEPTH} levels", hint="simplify the filter")
    if isinstance(node, exp.And | exp.Or):
        _check(node.this, table, text, depth + 1)
        _check(node.expression, table, text, depth + 1)
    elif isinstance(node, exp.Not | exp.Paren):
        _check(node.this, table, text, depth + 1)
    elif type(node) in _COMPARISONS or isinstance(node, exp.Like | exp.ILike):
        _column(node.this, table, text)
        _literal(node.expression, text)
    elif isinstance(node, exp.In):
        _column(node.this, table, text)
        if node.args.get("query") is not None or node.args.get("unnest") is not None:
            raise MetricError(f"subqueries are not allowed in filters (`{text}`)", hint=HINT)
        values = node.expressions
        if not values:
            raise MetricError(f"IN needs at least one value (`{text}`)", hint=HINT)
        if len(values) > MAX_IN_VALUES:
            raise MetricError(f"IN lists are limited to {MAX_IN_VALUES} values", hint="use a broader condition")
        for v in values:
            _literal(v, text)
    elif isinstance(node, exp.Between):
        _column(node.this, table, text)
        _literal(node.args["low"], text)
        _literal(node.args["high"], text)
    elif isinstance(node, exp.Is):
        _column(node.this, table, text)
        if not isinstance(node.expression, exp.Null):
            raise MetricError(f"only IS NULL / IS NOT NULL are allowed (`{text}`)", hint=HINT)
    elif isinstance(node, exp.Boolean):
        return
    elif isinstance(node, exp.Column):
        col = _column(node, table, text)
        if table.column(col).dtype != "boolean":
            raise MetricError(f"`{col}` alone is not a condition (`{text}`)", hint=HINT)
    else:
        raise MetricError(f"{_describe(node)} is not allowed in filters (`{text}`)", hint=HINT)


def _describe(node: exp.Expression) -> str:
    if isinstance(node, exp.Select | exp.Subquery):
        return "a subquery"
    if isinstance(node, exp.Func | exp.Anonymous):
        return f"the function {node.sql(dialect='duckdb').split('(')[0]}()"
    return f"`{node.sql(dialect='duckdb')}` ({type(node).__name__})"


def _column(node: exp.Expression, table: Table, text: str) -> str:
    if not isinstance(node, exp.Column) or node.table:
        raise MetricError(
            f"the left side of a condition must be a column name, got {_describe(node)} (`{text}`)",
            hint=HINT,
        )
    name = node.name
    if not table.has(name):
        raise MetricError(
            f"unknown column `{name}` in filter `{text}`", hint=suggestion(name, table.names)
        )
    return name


def _literal(node: exp.Expression, text: str) -> None:
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return
    if not isinstance(node, exp.Literal | exp.Boolean | exp.Null):
        raise MetricError(
            f"only literal values may be compared, got {_describe(node)} (`{text}`)", hint=HINT
        )


def _value(node: exp.Expression, dtype: str) -> Any:
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Neg):
        return -_value(node.this, dtype)
    assert isinstance(node, exp.Literal)
    raw = node.this
    if dtype == "date":
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            raise MetricError(f"`{raw}` is not a date", expected="YYYY-MM-DD") from None
    if dtype in ("int64", "float64"):
        if node.is_string:
            raise MetricError(f"'{raw}' is text but the column is numeric", hint="drop the quotes")
        return float(raw) if dtype == "float64" or "." in str(raw) else int(raw)
    if not node.is_string and dtype == "string":
        return str(raw)
    return raw


def _to_ibis(node: exp.Expression, t: ir.Table, table: Table) -> ir.BooleanValue:
    import ibis

    if isinstance(node, exp.And):
        return _to_ibis(node.this, t, table) & _to_ibis(node.expression, t, table)
    if isinstance(node, exp.Or):
        return _to_ibis(node.this, t, table) | _to_ibis(node.expression, t, table)
    if isinstance(node, exp.Not):
        return ~_to_ibis(node.this, t, table)
    if isinstance(node, exp.Paren):
        return _to_ibis(node.this, t, table)
    if isinstance(node, exp.Boolean):
        return ibis.literal(bool(node.this))
    name = node.this.name if not isinstance(node, exp.Column) else node.name
    col = t[name]
    dtype = table.column(name).dtype
    if isinstance(node, exp.Column):
        return col
    if type(node) in _COMPARISONS:
        return getattr(col, _COMPARISONS[type(node)])(_value(node.expression, dtype))
    if isinstance(node, exp.In):
        return col.isin([_value(v, dtype) for v in node.expressions])
    if isinstance(node, exp.Between):
        return col.between(_value(node.args["low"], dtype), _value(node.args["high"], dtype))
    if isinstance(node, exp.Like):
        return col.like(_value(node.expression, "string"))
    if isinstance(node, exp.ILike):
        return col.ilike(_value(node.expression, "string"))
    if isinstance(node, exp.Is):
        return col.isnull()
    raise MetricError(f"{_describe(node)} is not allowed in filters", hint=HINT)
