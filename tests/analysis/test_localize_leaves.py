"""Leaves: duplicates summed, any cuboid's aggregates equal a pandas groupby."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mille.analysis.leaves import MISSING, Leaves, combined_key


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from(["1", "2", 3, None]), st.sampled_from("xy"),
                  st.integers(0, 100), st.integers(0, 100)),
        min_size=1, max_size=40,
    )
)
def test_cuboid_sums_match_pandas_groupby(rows):
    frame = pd.DataFrame(rows, columns=["p", "q", "r", "n0", "n1"])
    leaves = Leaves.from_columns({c: frame[c].to_numpy() for c in "pqr"}, frame["n0"], frame["n1"])
    # Text comparison: 3 and "3" are one value, a missing value is its own label.
    frame["q"] = frame["q"].map(lambda v: MISSING if pd.isna(v) else str(v))
    assert leaves.n == len(frame.drop_duplicates(["p", "q", "r"]))
    for dims in ((0,), (1, 2), (0, 1, 2)):
        cuboid = leaves.cuboid(dims)
        names = [["p", "q", "r"][d] for d in dims]
        grouped = frame.groupby(names)[["n0", "n1"]].sum().reset_index()
        oracle = {tuple(r[n] for n in names): (r["n0"], r["n1"]) for _, r in grouped.iterrows()}
        got0, got1 = cuboid.sum(leaves.num0), cuboid.sum(leaves.num1)
        assert cuboid.size == len(oracle)
        for s in range(cuboid.size):
            key = tuple(leaves.segment_label(dims, cuboid.seg_codes[s]).values())
            assert (got0[s], got1[s]) == oracle[key]


def test_mask_and_unknown_values():
    leaves = Leaves.from_columns({"p": ["a", "b", "a"], "q": ["x", "x", "y"]}, [1, 2, 3], [1, 2, 3])
    assert leaves.mask({"p": "a"}).sum() == 2
    assert leaves.mask({"p": "a", "q": "y"}).sum() == 1
    assert leaves.mask({"p": "zzz"}).sum() == 0
    assert leaves.mask({}).all()


def test_combined_key_never_collides_even_past_int64():
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 3_000_000, size=(5000, 4))
    key = combined_key(codes, [3_000_000] * 4)  # 8e25 combinations: compaction kicks in
    distinct_rows = len(np.unique(codes, axis=0))
    assert len(np.unique(key)) == distinct_rows
