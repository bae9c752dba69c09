"""The localiser on synthetic data generated here, with a planted cause known in advance."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from mille.analysis.localize import localize


def planted_module() -> ModuleType:
    """fixtures/explain/planted.py, imported by path (tests/analysis is not a package)."""
    name = "mille_tests_explain_planted"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).parent / "fixtures" / "explain" / "planted.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


P = planted_module()

CAUSES = {
    1: {"d1": "v1c"},
    2: {"d0": "v0b", "d2": "v2e"},
    3: {"d0": "v0a", "d1": "v1d", "d3": "v3b"},
}


def _found(frame):
    return [f.segment for f in localize(P.to_leaves(frame)).causes]


@pytest.mark.parametrize("kind", ["additive", "proportion", "cost"])
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_a_planted_cause_is_found_exactly_at_each_depth(kind, depth):
    frame = P.planted(kind, CAUSES[depth], seed=depth)
    assert _found(frame) == [CAUSES[depth]]


@pytest.mark.parametrize("kind", ["additive", "proportion", "cost"])
def test_pure_noise_gives_no_causes_and_says_so(kind):
    result = localize(P.to_leaves(P.planted(kind, None, seed=7)))
    assert result.causes == []
    assert result.within_noise


def test_a_share_shift_to_a_pricier_segment_is_a_mix_cause():
    # d0=v0d is the most expensive segment (price grows with d0); its impressions grow by 60 %
    # while every price stays put: CPM rises through mix alone.
    result = localize(P.to_leaves(P.planted("mix", {"d0": "v0d"}, seed=3)))
    assert [(f.segment, f.channel) for f in result.causes] == [({"d0": "v0d"}, "mix")]


def test_parent_when_all_children_move_child_when_only_it_moves():
    together = P.planted("proportion", {"d0": "v0c"}, seed=11)  # every d0=v0c leaf moved
    assert _found(together) == [{"d0": "v0c"}]
    alone = P.planted("proportion", {"d0": "v0c", "d1": "v1a"}, seed=11)  # one child only
    assert _found(alone) == [{"d0": "v0c", "d1": "v1a"}]


def test_two_causes_in_different_branches_are_both_found():
    frame = P.planted("additive", {"d0": "v0a", "d1": "v1b"}, seed=5)
    other = P.planted("additive", {"d2": "v2f"}, seed=5, factor=0.5)
    frame["num1"] = np.where(other["d2"] == "v2f", other["num1"], frame["num1"])
    found = _found(frame)
    assert sorted(found, key=len) == [{"d2": "v2f"}, {"d0": "v0a", "d1": "v1b"}]


def test_a_change_spread_evenly_has_no_segment_cause():
    frame = P.planted("additive", None, seed=2)
    frame["num1"] = np.random.default_rng(2).poisson(frame["num0"] * 1.3).astype(float)
    result = localize(P.to_leaves(frame))
    assert result.causes == []
    assert result.everywhere and not result.within_noise


@pytest.mark.parametrize("kind", ["additive", "proportion"])
def test_causes_do_not_depend_on_row_order_or_on_value_names(kind):
    cause = CAUSES[2]
    frame = P.planted(kind, cause, seed=4)
    base = _found(frame)
    assert base == [cause]
    shuffled = frame.sample(frac=1.0, random_state=9).reset_index(drop=True)
    assert _found(shuffled) == base
    # Rename every value with a bijection that also reverses their sort order.
    renamed = frame.copy()
    for dim in ("d0", "d1", "d2", "d3"):
        renamed[dim] = "z" + renamed[dim].map(lambda v: "".join(chr(219 - ord(ch)) for ch in v))
    back = {("z" + "".join(chr(219 - ord(ch)) for ch in v)): v for d in ("d0", "d1", "d2", "d3") for v in frame[d]}
    found = [{k: back[v] for k, v in seg.items()} for seg in _found(renamed)]
    assert found == base
