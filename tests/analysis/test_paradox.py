"""Mix and Simpson's paradox: an exact split, and warnings on the textbook cases only."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mille.analysis import paradox

NONE = np.array([np.nan, np.nan])


def test_pure_mix_by_hand() -> None:
    # Two platforms with flat CPMs of $5 and $40; impressions move from 900k/100k to 500k/500k.
    # Blended CPM: (4500 + 4000)/1e6·1000 = 8.5 → (2500 + 20000)/1e6·1000 = 22.5; change +14.
    # Mix = Σ Δw · r̄ = (-0.4)·5 + (+0.4)·40 = 14; rate = 0.
    split = paradox.mix_rate(
        num0=np.array([4500.0, 4000.0]), den0=np.array([900_000.0, 100_000.0]),
        num1=np.array([2500.0, 20000.0]), den1=np.array([500_000.0, 500_000.0]), multiplier=1000,
    )
    assert split.change == pytest.approx(14.0)
    assert split.mix == pytest.approx(14.0) and split.rate == pytest.approx(0.0, abs=1e-12)
    found = paradox.check(
        np.array([4500.0, 4000.0]), np.array([900_000.0, 100_000.0]),
        np.array([2500.0, 20000.0]), np.array([500_000.0, 500_000.0]),
        multiplier=1000, segment_noise=np.array([1.0, 1.0]), blended_noise=0.0,
    )
    assert found is not None and found.kind == "mix" and found.mix_share == pytest.approx(1.0)


def test_simpson_both_segments_improve_blend_worsens() -> None:
    # CTR: search 5 % → 6 %, display 0.3 % → 0.35 %: both rise. Impressions move to display
    # (10k/90k → 90k/910k... shares 10 % → 9 %? no: 50/50 → 5/95), so the blended CTR falls.
    num0, den0 = np.array([2500.0, 150.0]), np.array([50_000.0, 50_000.0])  # 5 %, 0.3 %
    num1, den1 = np.array([300.0, 332.5]), np.array([5_000.0, 95_000.0])  # 6 %, 0.35 %
    found = paradox.check(num0, den0, num1, den1, multiplier=100, segment_noise=np.array([0.0, 0.0]), blended_noise=0.0)
    assert found is not None and found.kind == "simpson"
    assert found.change < 0 and found.opposite_share == pytest.approx(1.0)
    assert found.mix + found.rate == pytest.approx(found.change)


def test_opposite_moves_that_are_noise_do_not_count() -> None:
    num0, den0 = np.array([2500.0, 150.0]), np.array([50_000.0, 50_000.0])
    num1, den1 = np.array([300.0, 332.5]), np.array([5_000.0, 95_000.0])
    found = paradox.check(num0, den0, num1, den1, multiplier=100, segment_noise=np.array([1.0, 1.0]), blended_noise=0.0)
    # No segment really moved, but the blend did, entirely through mix: a mix warning instead.
    assert found is not None and found.kind == "mix"


def test_rate_change_is_not_flagged() -> None:
    num0, den0 = np.array([100.0, 200.0]), np.array([10_000.0, 20_000.0])
    num1, den1 = np.array([150.0, 300.0]), np.array([10_000.0, 20_000.0])
    assert paradox.check(num0, den0, num1, den1, multiplier=1, segment_noise=NONE, blended_noise=0.0) is None


def test_noise_blend_and_single_segment_are_not_flagged() -> None:
    num0, den0 = np.array([4500.0, 4000.0]), np.array([900_000.0, 100_000.0])
    num1, den1 = np.array([2500.0, 20000.0]), np.array([500_000.0, 500_000.0])
    assert paradox.check(num0, den0, num1, den1, multiplier=1000, segment_noise=NONE, blended_noise=1.0) is None
    assert paradox.check(num0[:1], den0[:1], num1[:1], den1[:1], multiplier=1000, segment_noise=NONE[:1], blended_noise=0.0) is None


def test_segments_that_appear_or_vanish_are_mix() -> None:
    # A new platform appears in the second period at $50 CPM; the old one stays at $10.
    split = paradox.mix_rate(
        np.array([10.0, 0.0]), np.array([1000.0, 0.0]), np.array([10.0, 50.0]), np.array([1000.0, 1000.0]), 1000
    )
    assert split.change == pytest.approx(20.0)
    assert split.rate == pytest.approx(0.0) and split.mix == pytest.approx(20.0)


money = st.integers(0, 10**8).map(lambda cents: cents / 100)
counts = st.integers(0, 10**7).map(float)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(money, counts, money, counts), min_size=1, max_size=12))
def test_mix_and_rate_add_up_exactly(segments) -> None:
    a = np.array(segments)
    num0, den0, num1, den1 = a[:, 0], a[:, 1], a[:, 2], a[:, 3]
    if den0.sum() == 0 or den1.sum() == 0:
        return
    split = paradox.mix_rate(num0, den0, num1, den1, 1000)
    ratios = np.concatenate([num0[den0 > 0] / den0[den0 > 0], num1[den1 > 0] / den1[den1 > 0], [1.0]])
    scale = 1000 * ratios.max()  # the size of the numbers being added
    assert split.mix + split.rate == pytest.approx(split.change, abs=1e-9 * scale)
    assert split.mix_by_segment.sum() == pytest.approx(split.mix, abs=1e-9 * scale)
