"""Metric definition files on disk: read them safely, write them back.

Reading goes through :mod:`mille.yamldoc` (lines for every key) after three guards a plain YAML
load does not give: a size cap, a refusal of duplicated keys (PyYAML silently keeps the last
``label:`` of two, so a reviewer reads one definition and mille runs another), and a cap on what
YAML aliases expand to (a few hundred bytes of nested ``*alias`` can expand to billions of nodes).

Writing (:func:`dump_definitions`) prints definitions with only the keys that differ from their
defaults, in the order of the model, so ``load → dump → load`` gives the same definitions.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from mille import yamldoc
from mille.errors import MetricError
from mille.metrics.model import Measure, Metric

MAX_FILE_BYTES = 1_000_000
MAX_EXPANDED_NODES = 200_000


def read_file(path: Path) -> yamldoc.Document:
    """A definitions file as a line-aware document; unreadable or unsafe files are errors."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MetricError(f"cannot read the file: {exc.strerror}", file=path) from None
    if size > MAX_FILE_BYTES:
        raise MetricError(
            f"the file is {size:,} bytes; metric definitions are limited to {MAX_FILE_BYTES:,}",
            file=path,
            hint="split definitions into fewer, shorter entries",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise MetricError("not UTF-8 text", file=path, hint="save the file as UTF-8") from None
    except OSError as exc:
        raise MetricError(f"cannot read the file: {exc.strerror}", file=path) from None
    return read_text(text, path=path)


def read_text(text: str, *, path: Path | None = None) -> yamldoc.Document:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise MetricError(f"definitions are limited to {MAX_FILE_BYTES:,} bytes", file=path)
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        node = None  # yamldoc.load reports the syntax error with its line
    if node is not None:
        if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
            raise MetricError(
                "YAML aliases expand to too many values",
                file=path,
                line=node.start_mark.line + 1,
                hint="write the values out instead of nesting *aliases",
            )
        _refuse_duplicate_keys(node, path)
    return yamldoc.load(text, path=path, error=MetricError)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    # Aliased nodes are the same object; memoising on identity counts the expansion without doing it.
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias (not possible with SafeLoader, but cheap to bound)
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(v, memo) for v in node.value)
    else:
        size = 1
    memo[key] = size
    return size


def _refuse_duplicate_keys(root: yaml.Node, path: Path | None) -> None:
    stack: list[tuple[yaml.Node, tuple[str, ...]]] = [(root, ())]
    seen_nodes: set[int] = set()
    while stack:
        node, where = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for k, v in node.value:
                name = k.value if isinstance(k, yaml.ScalarNode) else str(k)
                if name in keys:
                    raise MetricError(
                        f"`{name}` is written twice in the same entry (first on line {keys[name]})",
                        file=path,
                        line=k.start_mark.line + 1,
                        key=".".join([*where, str(name)]),
                        hint="keep one; YAML would silently use the last",
                    )
                keys[name] = k.start_mark.line + 1
                stack.append((v, (*where, str(name))))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, where) for v in node.value)


def entry_dict(model: Measure | Metric | Any) -> dict[str, Any]:
    """A definition as YAML-ready data: keys that differ from their defaults, in model order."""
    data = model.model_dump(mode="python", exclude_defaults=True)
    if "display" in data and not data["display"]:
        del data["display"]
    return {k: data[k] for k in type(model).model_fields if k in data}


def dump_definitions(
    measures: Iterable[Measure] = (),
    metrics: Iterable[Metric] = (),
    overrides: Iterable[Any] = (),
) -> str:
    """YAML text of definitions, readable back by :func:`read_text` into equal models."""
    doc: dict[str, list[dict[str, Any]]] = {}
    for key, items in (("measures", measures), ("metrics", metrics), ("overrides", overrides)):
        entries = [entry_dict(m) for m in items]
        if entries:
            doc[key] = entries
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
