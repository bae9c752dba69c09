"""The user docs keep up with the code: every definition key and built-in metric is documented.

`docs/metrics.md` has a table of measure keys and a table of metric keys (rows starting with
``| `key` |``). Each table must list exactly the keys of its model — a new key without a row
fails, and so does a row for a key that no longer exists. Nested keys (``display.decimals``)
and the file's top-level keys must be mentioned, and every built-in metric must appear in the
glossary table and in the built-in catalogue with its prose filled in.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mille.metrics import DefinitionFile, Measure, Metric, load_catalogue
from mille.metrics.filters import HINT
from mille.metrics.model import Display

DOCS = Path(__file__).resolve().parents[1] / "docs"
METRICS_DOC = DOCS / "metrics.md"
ROW = re.compile(r"^\| `([a-z_.]+)` \|", re.MULTILINE)


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    rest = text[start + len(heading):]
    nxt = re.search(r"^#{2,3} ", rest, re.MULTILINE)
    return rest[: nxt.start()] if nxt else rest


@pytest.fixture(scope="module")
def doc() -> str:
    return METRICS_DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize(("heading", "model"), [("### Measure keys", Measure), ("### Metric keys", Metric)])
def test_key_tables_match_the_models(doc: str, heading: str, model: type) -> None:
    documented = ROW.findall(_section(doc, heading))
    fields = list(model.model_fields)
    missing = [k for k in fields if k not in documented]
    stale = [k for k in documented if k not in fields]
    assert not missing, f"{heading}: undocumented keys {missing}"
    assert not stale, f"{heading}: documented keys that do not exist {stale}"
    assert documented == fields, f"{heading}: keep the rows in the model's order"


def test_nested_and_top_level_keys_are_documented(doc: str) -> None:
    for key in Display.model_fields:
        assert f"`display.{key}`" in doc, f"display.{key}"
    for key in DefinitionFile.model_fields:
        assert f"{key}:" in _section(doc, "## The definition file"), key


def test_every_builtin_metric_is_in_the_glossary(doc: str) -> None:
    table = _section(doc, "## The built-in glossary")
    documented = ROW.findall(table)
    cat = load_catalogue()
    assert documented == list(cat.metrics)
    for name in cat.metrics:
        metric = cat.metrics[name]
        assert metric.description and metric.how_to_read and metric.what_moves_it and metric.related, name
        for alias in metric.aliases:
            assert f"`{alias}`" in doc, alias


def test_every_choice_of_every_enumerated_key_is_documented(doc: str) -> None:
    import typing

    for model in (Measure, Metric):
        for key, info in model.model_fields.items():
            annotation = info.annotation
            args = [annotation] if typing.get_origin(annotation) is typing.Literal else [
                a for a in typing.get_args(annotation) if a is not type(None)
            ]
            for arg in args:
                if typing.get_origin(arg) is typing.Literal:
                    for choice in typing.get_args(arg):
                        assert f"`{choice}`" in doc, f"{model.__name__}.{key}: `{choice}`"


def test_filter_operators_in_the_error_hint_are_documented(doc: str) -> None:
    filters = _section(doc, "## Filters")
    for op in HINT.split("allowed: ")[1].split():
        if op in ("IS", "NULL"):
            continue
        assert f"`{op}" in filters or f" {op} " in filters, op
