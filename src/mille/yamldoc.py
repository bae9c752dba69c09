"""YAML documents that remember where each key was written.

Definitions and configuration are written by people, so their errors must point at a line.
:func:`load` returns plain Python data plus a map from key paths (``("metrics", 2, "formula")``)
to 1-based line numbers, and :func:`validation_error` turns a pydantic error into a
:class:`~mille.errors.MilleError` that names the file, the line, the key and the nearest valid key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from mille.errors import ConfigError, MilleError, did_you_mean

KeyPath = tuple[str | int, ...]


class Document:
    """Parsed YAML with the line of every mapping key and sequence item."""

    def __init__(self, data: Any, lines: dict[KeyPath, int], path: Path | None) -> None:
        self.data = data
        self.lines = lines
        self.path = path

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """Line of the deepest known prefix of ``path``."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)


def load(text: str, *, path: Path | None = None, error: type[MilleError] = ConfigError) -> Document:
    """Parse YAML text; a syntax error becomes ``error`` with its line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
            file=path,
            line=(mark.line + 1) if mark is not None else None,
            hint="check indentation and quoting; a value with ':' or '#' needs quotes",
        ) from None
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return Document(data, lines, path)


def load_file(path: Path, *, error: type[MilleError] = ConfigError) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise error("not UTF-8 text", file=path, hint="save the file as UTF-8") from None
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror}", file=path) from None
    return load(text, path=path, error=error)


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _walk(item, (*path, i), lines)


def validation_error(
    exc: Any,  # pydantic.ValidationError; typed loosely so this module needs no pydantic import
    doc: Document,
    *,
    prefix: KeyPath = (),
    error: type[MilleError] = ConfigError,
    known_keys: dict[KeyPath, Iterable[str]] | None = None,
) -> MilleError:
    """The first problem of a pydantic ``ValidationError`` as one clear message."""
    problem = exc.errors()[0]
    loc: KeyPath = tuple(problem.get("loc", ()))
    full = (*prefix, *loc)
    key = ".".join(str(p) for p in full if not isinstance(p, int)) or None
    kind = problem.get("type", "")
    hint = None
    message = str(problem.get("msg", "invalid value")).removeprefix("Value error, ")
    if kind == "extra_forbidden" and loc:
        bad = str(loc[-1])
        parent = full[:-1]
        options = list((known_keys or {}).get(tuple(p for p in parent if not isinstance(p, int)), []))
        near = did_you_mean(bad, options) if options else None
        message = f"unknown key `{bad}`"
        hint = f"did you mean `{near}`?" if near else (
            f"valid keys here: {', '.join(sorted(options))}" if options else None
        )
    elif kind == "missing":
        message = f"missing required key `{loc[-1]}`" if loc else "missing required key"
    return error(message, file=doc.path, line=doc.line_of(full), key=key, hint=hint)


def model_keys(model: Any) -> dict[KeyPath, list[str]]:
    """Valid keys at every nesting level of a pydantic model, for "did you mean" hints."""
    import typing

    from pydantic import BaseModel

    out: dict[KeyPath, list[str]] = {}

    def visit(cls: Any, path: KeyPath, depth: int) -> None:
        if depth > 6:
            return
        out[path] = list(cls.model_fields)
        for name, info in cls.model_fields.items():
            for arg in _flatten(info.annotation, typing):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    visit(arg, (*path, name), depth + 1)

    visit(model, (), 0)
    return out


def _flatten(annotation: Any, typing: Any) -> list[Any]:
    args = typing.get_args(annotation)
    if not args:
        return [annotation]
    out: list[Any] = []
    for a in args:
        out.extend(_flatten(a, typing))
    return out
