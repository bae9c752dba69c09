"""A page's inputs: the query string read into the same arguments the CLI passes.

Each page declares its parameters by name and kind; a value is only *read* here (text, a whole
number, a flag, a list). What it means — a metric name, a dimension, a filter, a period — is
checked by the library function the page calls, exactly as for the CLI, so the dashboard
accepts what ``mille report`` accepts and rejects it with the same message. An unknown
parameter is an error too (a typo must not silently fall back to a default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from starlette.datastructures import QueryParams

from mille.errors import QueryError, suggestion

Kind = Literal["text", "int", "flag", "list"]
TOKEN_PARAM = "token"  # read by the token guard, never by a page
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
MAX_LENGTH = 2000


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind = "text"
    help: str = ""


def read(query: QueryParams, params: tuple[Param, ...]) -> dict[str, Any]:
    """The page's arguments from ``query``: absent or empty values are None."""
    known = {p.name: p for p in params}
    for name in query:
        if name not in known and name != TOKEN_PARAM:
            raise QueryError(f"unknown parameter `{name}`", key=name, hint=suggestion(name, known))
    out: dict[str, Any] = {}
    for p in params:
        values = [v.strip() for v in query.getlist(p.name)]
        if any(len(v) > MAX_LENGTH for v in values):
            raise QueryError(f"`{p.name}` is too long", key=p.name, expected=f"at most {MAX_LENGTH} characters")
        out[p.name] = _value(p, values)
    return out


def _value(p: Param, values: list[str]) -> Any:
    if p.kind == "list":
        items = [item.strip() for v in values for item in v.split(",") if item.strip()]
        return ",".join(items) or None
    if len(values) > 1:
        raise QueryError(f"`{p.name}` is given {len(values)} times", key=p.name, hint="give it once")
    text = values[0] if values else ""
    if p.kind == "flag":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise QueryError(f"`{p.name}` is not yes or no", key=p.name, value=text, expected="true or false")
    if not text:
        return None
    if p.kind == "int":
        try:
            return int(text)
        except ValueError:
            raise QueryError(f"`{p.name}` is not a whole number", key=p.name, value=text) from None
    return text


def query_string(values: Mapping[str, Any]) -> str:
    """Arguments back into a query string (for links between pages); None and False are left out."""
    from urllib.parse import urlencode

    pairs = []
    for name, value in values.items():
        if value is None or value is False or value == "":
            continue
        pairs.append((name, "true" if value is True else str(value)))
    return urlencode(pairs)
