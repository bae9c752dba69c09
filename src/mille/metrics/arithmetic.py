"""Derived-metric expressions: plain arithmetic over other metrics, nothing else.

``cpc / cpm`` or ``(conversions_value - spend) / spend``: names, numbers, ``+ - * /``, unary
minus and parentheses. Parsed with Python's ``ast`` and checked node by node against that
allow-list, so no definition can call a function or reach an attribute. Evaluated over numpy
arrays (one value per report cell); division by zero gives NaN, shown as "no value".
"""

from __future__ import annotations

import ast
import math
import unicodedata
from collections.abc import Mapping

import numpy as np

from mille.errors import MetricError

MAX_LENGTH = 500
MAX_NODES = 200

_BINOPS = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: None}


HINT = "use metric names, numbers, + - * / and parentheses"


def parse_expression(text: str) -> ast.Expression:
    if not isinstance(text, str) or not text.strip():
        raise MetricError("empty expression", hint=HINT)
    if len(text) > MAX_LENGTH:
        raise MetricError(f"expression longer than {MAX_LENGTH} characters", hint="split it into derived metrics")
    # Python reads non-ASCII names after NFKC folding (a full-width ｃｐｍ *is* cpm to it), and
    # `#` starts a comment that would hide text: both make an expression read unlike it runs.
    for i, ch in enumerate(text):
        if not ch.isascii() or (not ch.isprintable() and ch != " "):
            raise MetricError(
                f"expression contains the character U+{ord(ch):04X} "
                f"({unicodedata.name(ch, 'control character')}) at position {i + 1}",
                hint="expressions use plain ASCII: metric names, numbers, + - * / and parentheses",
            )
    if "#" in text:
        raise MetricError("comments (#) are not allowed in expressions", hint=HINT)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise MetricError(f"cannot parse expression `{text}`: {exc.msg}", hint=HINT) from None
    except (RecursionError, MemoryError):
        raise MetricError("expression nested too deeply to read", hint="simplify it") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise MetricError(f"expression has more than {MAX_NODES} parts")
    for node in nodes:
        if isinstance(node, ast.Expression | ast.BinOp | ast.UnaryOp | ast.Name | ast.Load):
            if isinstance(node, ast.BinOp) and type(node.op) not in _BINOPS:
                raise MetricError(
                    f"operator `{type(node.op).__name__}` is not allowed in `{text}`",
                    hint="only + - * / are allowed",
                )
            if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.USub | ast.UAdd):
                raise MetricError(f"`{text}`: only unary minus is allowed")
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
            if not math.isfinite(node.value):
                raise MetricError(f"`{text}` contains a number too large to use", hint=HINT)
            continue
        if isinstance(node, ast.operator | ast.unaryop):
            continue
        raise MetricError(f"`{text}` contains {_describe(node)}, which is not allowed", hint=HINT)
    return tree


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        return "a function call"
    if isinstance(node, ast.Attribute):
        return f"an attribute (.{node.attr})"
    if isinstance(node, ast.Compare):
        return "a comparison"
    if isinstance(node, ast.Constant):
        return f"the value {node.value!r}"
    return f"a {type(node).__name__}"


def referenced_names(text: str) -> set[str]:
    return {n.id for n in ast.walk(parse_expression(text)) if isinstance(n, ast.Name)}


def evaluate(text: str, values: Mapping[str, np.ndarray]) -> np.ndarray:
    """Evaluate over arrays of equal length (float64; NaN where undefined)."""
    tree = parse_expression(text)

    def ev(node: ast.AST) -> np.ndarray | float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return np.asarray(values[node.id], dtype="float64")
        if isinstance(node, ast.UnaryOp):
            inner = ev(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        assert isinstance(node, ast.BinOp)
        left, right = ev(node.left), ev(node.right)
        if isinstance(node.op, ast.Div):
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.divide(left, right)
            return np.where(np.asarray(right) == 0, np.nan, out)
        return _BINOPS[type(node.op)](left, right)

    return np.asarray(ev(tree), dtype="float64")
