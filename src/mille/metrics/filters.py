"""Filters: expressions over known columns, parsed into a syntax tree, never pasted into SQL.

Accepted: comparisons (``= != <> < <= > >=``), ``IN (…)``, ``NOT IN``, ``BETWEEN``, ``LIKE`` /
``ILIKE``, ``IS [NOT] NULL``, ``AND`` / ``OR`` / ``NOT``, parentheses, string and number literals,
``TRUE``/``FALSE`` and ``DATE '2026-09-01'``. The left side of a condition is a column of the
table; the right side is a literal of the column's type. Everything else — subqueries,
functions, arithmetic, casts, comments, parameters, several statements — is rejected with a
message that says why.

The text is tokenised and parsed by sqlglot (so quoting and precedence follow SQL), checked node
by node against that allow-list, and translated to an Ibis predicate with typed Python values:
the engine prints its own literals, so no definition text ever reaches SQL.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp
from sqlglot.tokens import TokenType

from mille.errors import MetricError, suggestion
from mille.schema import Table

if TYPE_CHECKING:
    import ibis.expr.types as ir

MAX_LENGTH = 2000
MAX_TOKENS = 600
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
_ORDERED = (exp.GT, exp.GTE, exp.LT, exp.LTE)
HINT = (
    "write e.g. platform = 'linkedin_ads' AND device IN ('mobile', 'tablet'); "
    "allowed: = != < <= > >= IN BETWEEN LIKE ILIKE IS NULL AND OR NOT"
)


def parse_filter(text: str, table: Table) -> exp.Expression:
    """Parse and check a filter against ``table``'s columns; returns the checked syntax tree."""
    if not isinstance(text, str):
        raise MetricError(f"a filter is text, got {type(text).__name__}", hint=HINT)
    if not text.strip():
        raise MetricError("empty filter", hint=HINT)
    if len(text) > MAX_LENGTH:
        raise MetricError(
            f"filter longer than {MAX_LENGTH} characters", hint="split it into simpler filters or use IN"
        )
    _check_characters(text)
    _check_tokens(text)
    try:
        statements = sqlglot.parse(text, dialect="duckdb")
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        raise MetricError(f"cannot parse filter `{text}`: {_first_line(exc)}", hint=HINT) from None
    except RecursionError:
        raise MetricError(f"filter nested too deeply to read (`{_short(text)}`)", hint="simplify the filter") from None
    statements = [s for s in statements if s is not None]
    if len(statements) != 1:
        raise MetricError(f"filter `{_short(text)}` must be one condition, not several statements", hint=HINT)
    tree = statements[0]
    _check(tree, table, text, depth=0)
    return tree


def compile_filter(text: str, t: ir.Table, table: Table) -> ir.BooleanValue:
    """The Ibis predicate for a filter on table expression ``t`` (whose columns follow ``table``)."""
    return _to_ibis(parse_filter(text, table), t, table)


def filter_columns(text: str, table: Table) -> set[str]:
    tree = parse_filter(text, table)
    return {c.name for c in tree.find_all(exp.Column)}


def _short(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _check_characters(text: str) -> None:
    """Invisible and direction-changing characters make a filter read differently than it runs."""
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if ch in "\t\n\r":
            continue
        if category in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") or (category == "Zs" and ch != " "):
            name = unicodedata.name(ch, "control character")
            raise MetricError(
                f"filter contains an invisible or control character U+{ord(ch):04X} ({name}) "
                f"at position {i + 1}",
                hint="retype the filter with plain characters; copy-paste from documents often brings these",
            )


def _check_tokens(text: str) -> None:
    try:
        tokens = sqlglot.tokenize(text, dialect="duckdb")
    except sqlglot.errors.TokenError as exc:
        raise MetricError(f"cannot read filter `{_short(text)}`: {_first_line(exc)}", hint=HINT) from None
    if len(tokens) > MAX_TOKENS:
        raise MetricError(
            f"filter has more than {MAX_TOKENS} parts", hint="use IN (…) instead of long OR chains"
        )
    depth = 0
    for tok in tokens:
        if tok.comments:
            raise MetricError(
                f"comments are not allowed in filters (`{_short(text)}`)",
                hint="put explanations in the metric's description or caveats",
            )
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
            if depth > MAX_DEPTH:
                raise MetricError(f"filter nested deeper than {MAX_DEPTH} parentheses", hint="simplify the filter")
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1
        elif tok.token_type in (TokenType.PLACEHOLDER, TokenType.PARAMETER):
            raise MetricError(f"parameters (`{tok.text}`) are not allowed in filters", hint=HINT)
        elif tok.token_type in (TokenType.VAR, TokenType.IDENTIFIER) and not tok.text.isascii():
            bad = next(c for c in tok.text if not c.isascii())
            raise MetricError(
                f"`{tok.text}` contains the non-ASCII character '{bad}' "
                f"({unicodedata.name(bad, 'unknown')}); column names are plain ASCII",
                hint="retype the column name" + _near_hint(tok.text),
            )


def _near_hint(word: str) -> str:
    from mille.schema import AD_PERFORMANCE

    ascii_word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    hint = suggestion(ascii_word, AD_PERFORMANCE.names) if ascii_word else ""
    return f"; {hint}" if hint.startswith("did you mean") else ""


def _check(node: exp.Expression, table: Table, text: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise MetricError(f"filter nested deeper than {MAX_DEPTH} levels", hint="simplify the filter")
    if isinstance(node, exp.And | exp.Or):
        # A flat chain (a OR b OR c …) is one level, not one per term.
        for part in node.flatten():
            _check(part, table, text, depth + 1)
    elif isinstance(node, exp.Not | exp.Paren):
        _check(node.this, table, text, depth + 1)
    elif type(node) in _COMPARISONS:
        col = _column(node.this, table, text)
        if isinstance(node.expression, exp.Null):
            raise MetricError(
                f"`{_short(node.sql(dialect='duckdb'))}` is never true: comparing with NULL gives NULL",
                hint=f"write {col} IS NULL or {col} IS NOT NULL",
            )
        dtype = table.column(col).dtype
        if dtype == "boolean" and isinstance(node, _ORDERED):
            raise MetricError(f"`{col}` is true/false; it can only be compared with = or !=", hint=HINT)
        _value(node.expression, col, dtype, text)
    elif isinstance(node, exp.Like | exp.ILike):
        col = _column(node.this, table, text)
        if table.column(col).dtype != "string":
            raise MetricError(f"LIKE applies to text columns; `{col}` is {table.column(col).dtype}", hint=HINT)
        if node.args.get("escape") is not None:
            raise MetricError("LIKE … ESCAPE is not supported in filters", hint="use _ and % only")
        _value(node.expression, col, "string", text)
    elif isinstance(node, exp.In):
        col = _column(node.this, table, text)
        if node.args.get("query") is not None or node.args.get("unnest") is not None or node.args.get("field") is not None:
            raise MetricError(f"subqueries are not allowed in filters (`{_short(text)}`)", hint=HINT)
        values = node.expressions
        if not values:
            raise MetricError(f"IN needs at least one value (`{_short(text)}`)", hint=HINT)
        if len(values) > MAX_IN_VALUES:
            raise MetricError(f"IN lists are limited to {MAX_IN_VALUES} values", hint="use a broader condition")
        for v in values:
            if isinstance(v, exp.Null):
                raise MetricError("NULL inside IN (…) matches nothing", hint=f"add OR {col} IS NULL")
            _value(v, col, table.column(col).dtype, text)
    elif isinstance(node, exp.Between):
        col = _column(node.this, table, text)
        dtype = table.column(col).dtype
        if dtype in ("boolean", "string"):
            raise MetricError(f"BETWEEN applies to numbers and dates; `{col}` is {dtype}", hint=HINT)
        low = _value(node.args["low"], col, dtype, text)
        high = _value(node.args["high"], col, dtype, text)
        if low > high:
            raise MetricError(
                f"BETWEEN {low} AND {high} is empty (the low bound comes first)",
                hint=f"write {col} BETWEEN {high} AND {low}",
            )
    elif isinstance(node, exp.Is):
        _column(node.this, table, text)
        if not isinstance(node.expression, exp.Null):
            raise MetricError(f"only IS NULL / IS NOT NULL are allowed (`{_short(text)}`)", hint=HINT)
    elif isinstance(node, exp.Boolean):
        return
    elif isinstance(node, exp.Column):
        col = _column(node, table, text)
        if table.column(col).dtype != "boolean":
            raise MetricError(f"`{col}` alone is not a condition (`{_short(text)}`)", hint=HINT)
    else:
        raise MetricError(f"{_describe(node)} is not allowed in filters (`{_short(text)}`)", hint=HINT)


def _describe(node: exp.Expression) -> str:
    if isinstance(node, exp.Select | exp.Subquery | exp.Exists | exp.Query):
        return "a subquery"
    if isinstance(node, exp.Func | exp.Anonymous):
        name = node.sql(dialect="duckdb").split("(")[0]
        return f"the function {_short(name, 40)}()"
    if isinstance(node, exp.Command | exp.Drop | exp.Insert | exp.Update | exp.Delete | exp.Create):
        return "an SQL statement"
    return f"`{_short(node.sql(dialect='duckdb'), 60)}` ({type(node).__name__})"


def _column(node: exp.Expression, table: Table, text: str) -> str:
    if not isinstance(node, exp.Column) or node.table or not isinstance(node.this, exp.Identifier):
        raise MetricError(
            f"the left side of a condition must be a column name, got {_describe(node)} (`{_short(text)}`)",
            hint=HINT,
        )
    name = node.name
    if not table.has(name):
        raise MetricError(
            f"unknown column `{name}` in filter `{_short(text)}` ({table.name})",
            hint=suggestion(name, table.names),
        )
    return name


def _value(node: exp.Expression, col: str, dtype: str, text: str) -> Any:
    """The typed Python value of a literal compared with ``col``; wrong types are errors."""
    if isinstance(node, exp.Paren):
        return _value(node.this, col, dtype, text)
    if isinstance(node, exp.Cast) and node.to.is_type("date") and isinstance(node.this, exp.Literal):
        if dtype != "date":
            raise MetricError(f"`{col}` is {_kind(dtype)}, not a date", hint=HINT)
        return _date(node.this.this)
    if isinstance(node, exp.Boolean):
        if dtype != "boolean":
            raise MetricError(f"`{col}` is {_kind(dtype)}; TRUE/FALSE compare with true/false columns only", hint=HINT)
        return bool(node.this)
    negative = isinstance(node, exp.Neg)
    inner = node.this if negative else node
    if not isinstance(inner, exp.Literal) or (negative and inner.is_string):
        raise MetricError(
            f"only literal values may be compared, got {_describe(node)} (`{_short(text)}`)", hint=HINT
        )
    raw = str(inner.this)
    if dtype in ("int64", "float64"):
        if inner.is_string:
            raise MetricError(f"'{_short(raw, 30)}' is text but `{col}` is a number", hint="drop the quotes")
        number = _number(raw)
        if dtype == "int64" and number == int(number):
            number = int(number)
        return -number if negative else number
    if negative:
        raise MetricError(f"`{col}` is {_kind(dtype)}; a negative number does not apply", hint=HINT)
    if dtype == "boolean":
        raise MetricError(f"`{col}` is true/false: compare it with TRUE or FALSE", hint=f"write {col} = TRUE")
    if not inner.is_string:
        raise MetricError(
            f"`{col}` is {_kind(dtype)}: quote the value ('{raw}')", hint=HINT
        )
    if dtype == "date":
        return _date(raw)
    if dtype == "timestamp":
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            raise MetricError(f"'{raw}' is not a date and time", expected="YYYY-MM-DD HH:MM:SS") from None
    return raw


def _kind(dtype: str) -> str:
    return {"string": "text", "int64": "a number", "float64": "a number", "boolean": "true/false",
            "date": "a date", "timestamp": "a date and time"}.get(dtype, dtype)


def _number(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise MetricError(f"`{raw}` is not a number", hint=HINT) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise MetricError(f"`{raw}` is not a finite number", hint=HINT)
    return value


def _date(raw: object) -> date:
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise MetricError(f"'{raw}' is not a date", expected="YYYY-MM-DD") from None


def _to_ibis(node: exp.Expression, t: ir.Table, table: Table) -> ir.BooleanValue:
    import ibis

    if isinstance(node, exp.And | exp.Or):
        parts = [_to_ibis(p, t, table) for p in node.flatten()]
        out = parts[0]
        for p in parts[1:]:
            out = (out & p) if isinstance(node, exp.And) else (out | p)
        return out
    if isinstance(node, exp.Not):
        return ~_to_ibis(node.this, t, table)
    if isinstance(node, exp.Paren):
        return _to_ibis(node.this, t, table)
    if isinstance(node, exp.Boolean):
        return ibis.literal(bool(node.this))
    if isinstance(node, exp.Column):
        return t[node.name]
    name = node.this.name
    col = t[name]
    dtype = table.column(name).dtype
    if type(node) in _COMPARISONS:
        return getattr(col, _COMPARISONS[type(node)])(_value(node.expression, name, dtype, ""))
    if isinstance(node, exp.In):
        return col.isin([_value(v, name, dtype, "") for v in node.expressions])
    if isinstance(node, exp.Between):
        return col.between(_value(node.args["low"], name, dtype, ""), _value(node.args["high"], name, dtype, ""))
    if isinstance(node, exp.Like):
        return col.like(_value(node.expression, name, "string", ""))
    if isinstance(node, exp.ILike):
        return col.ilike(_value(node.expression, name, "string", ""))
    if isinstance(node, exp.Is):
        return col.isnull()
    raise MetricError(f"{_describe(node)} is not allowed in filters", hint=HINT)
