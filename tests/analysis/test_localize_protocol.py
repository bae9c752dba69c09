"""The benchmark's scorer, on hand-made cases, and its readers on real public cases."""

from __future__ import annotations

import sys
from itertools import islice
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from mille.analysis.localize import localize
from rca_protocol import Tally, canonical, parse_set, read_folder


def test_canonical_sorts_parts_and_accepts_mappings():
    assert canonical("b=b2&a=a1") == "a=a1&b=b2"
    assert canonical({"b": 2000, "a": "x"}) == "a=x&b=2000"
    assert canonical(" c=1 ") == "c=1"


def test_parse_set_splits_and_deduplicates():
    assert parse_set("a=a6;d=d2;a=a6") == {"a=a6", "d=d2"}
    assert parse_set("b=b10&c=c4;a=a2&b=b12") == {"b=b10&c=c4", "a=a2&b=b12"}


def test_exact_match_only_parents_and_children_count_twice():
    t = Tally()
    t.add(["c=c4&b=b10"], {"b=b10&c=c4"})  # same element, other order: TP
    assert (t.tp, t.fp, t.fn) == (1, 0, 0)
    t = Tally()
    t.add(["b=b10"], {"b=b10&c=c4"})  # a parent: one FP and one FN, no partial credit
    assert (t.tp, t.fp, t.fn) == (0, 1, 1)
    t = Tally()
    t.add([], {"a=a1", "b=b2"})  # nothing predicted: every true element is a FN
    assert (t.tp, t.fp, t.fn) == (0, 0, 2)
    t = Tally()
    t.add(["a=a1", "a=a1", "x=1"], {"a=a1"})  # duplicates collapse before counting
    assert (t.tp, t.fp, t.fn) == (1, 1, 0)


def test_micro_average_sums_counts_before_dividing():
    t = Tally()
    t.add(["a=1"], {"a=1"})  # TP 1
    t.add(["b=1", "c=1", "d=1"], {"e=1"})  # FP 3, FN 1
    # Micro: F1 = 2·1 / (2·1 + 3 + 1) = 1/3 (a macro average of per-case F1 would be 0.5).
    assert t.f1 == pytest.approx(1 / 3)
    assert t.precision == pytest.approx(1 / 4)
    assert t.recall == pytest.approx(1 / 2)
    assert t.cases == 2


def test_readers_and_localiser_on_real_public_cases(datasets):
    folder = datasets / "rca" / "squeeze-B0"
    squeeze = next(iter(read_folder(folder)))
    assert squeeze.leaves.n == 21600 and squeeze.leaves.dims == ("a", "b", "c", "d")
    # The label read from injection_info.csv agrees with the folder's manifest.
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    row = manifest[(manifest["setting"] == squeeze.setting) & (manifest["timestamp"] == squeeze.name)]
    assert squeeze.truth == parse_set(row["root_cause"].iloc[0])
    assert {canonical(f.segment) for f in localize(squeeze.leaves).causes} == squeeze.truth
    # RobustSpot case 1: periods built as README §2 (before = mean of the 4 previous minutes).
    rs = next(islice(read_folder(datasets / "rca" / "robustspot-RS"), 0, None))
    assert rs.truth == frozenset({"bitrate=2000&p2p=1"})
    assert rs.leaves.is_ratio and rs.leaves.n == 107
    assert rs.leaves.num1.sum() <= rs.leaves.den1.sum()  # non-stalling viewers ≤ viewers
