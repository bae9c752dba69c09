"""Which segments' share shifts moved a ratio: the mix causes.

A ratio moves through mix when the denominator's split across segments changes between
segments priced differently — budget leaving cheap display inventory raises the blended CPM even
if no price changed. Share shifts are not anomalies to be detected against noise (they are
usually decisions, and impressions are counted in millions, so nearly every share "moved
significantly"); what matters is how much each one moved the headline. So the search is on
effect size:

* a segment's mix effect is its term of the symmetric split, ``(w₁ − w₀) · (r̄ − R̄)``: its
  share moving, priced at the gap between its mean rate and the headline's (see
  :mod:`mille.analysis.decompose`); the terms of disjoint segments add up, so the share that
  left Display and the share that went to LinkedIn are each credited once;
* the largest effect over every conjunction up to ``max_depth`` is taken, its leaves set
  aside, and the search repeats on what is left, with shares now taken within what is left:
  when Display loses share, every other segment gains in proportion, and that proportional
  gain is not a second cause;
* a shift has two sides and several descriptions (Display losing share is leadgen campaigns
  gaining it); among candidates within 20 % of the strongest, the one with the fewest
  conditions on the earliest dimensions is taken (the order of ``--dims``; by default
  platform and the delivery breakdowns before the targeting ones);
* a candidate counts only if its share moved more than the other leaves' shares move: its
  denominator against the rest's growth, in standard deviations of the rest's own leaves
  (noise fitted on the rest alone), by more than 4 of them (few candidates are tested: the
  effect size picks them, so the allowance for multiple tests is small);
* it stops when the next effect is below 10 % of the headline's movement (the largest of the
  change itself and its total mix and rate parts) or no candidate's share moved beyond noise.

A parent beats its children when they shifted the same way and are priced alike (their terms
add up in the parent's); a child that alone shifted, or that is priced unlike its siblings,
keeps the larger effect.
"""

from __future__ import annotations

import itertools

import numpy as np

from mille.analysis.decompose import by_leaf, headline
from mille.analysis.leafmodel import share_z
from mille.analysis.leaves import Leaves
from mille.analysis.localize import MAX_CAUSES, MAX_DEPTH, Finding, Search

MATERIAL = 0.10
RIVALS = 5  # candidates kept per cuboid
CHECKED = 10  # candidates tested for significance per step, in order of preference
SHIFT_Z = 4.0  # a share shift must exceed 4 standard deviations of how the other shares move
TIE = 0.2  # effects within 20 % of the strongest are descriptions of the same shift


def mix_search(
    leaves: Leaves, *, max_depth: int = MAX_DEPTH, material: float = MATERIAL,
    max_causes: int = MAX_CAUSES,
) -> Search:
    assert leaves.den0 is not None and leaves.den1 is not None
    n0, n1, d0, d1 = leaves.num0, leaves.num1, leaves.den0, leaves.den1
    # The centre is the headline over what has a base, as in decompose.split.
    big = (float(n0[d0 > 0].sum()), float(n1[d1 > 0].sum()), float(d0.sum()), float(d1.sum()))
    parts = by_leaf(leaves)
    scale = max(abs(headline(leaves).change), abs(float(parts.mix.sum())), abs(float(parts.rate.sum())))
    floor = material * scale
    k = len(leaves.dims)
    cuboids = [leaves.cuboid(c) for depth in range(1, max(1, min(max_depth, k)) + 1)
               for c in itertools.combinations(range(k), depth)]
    candidates = sum(c.size for c in cuboids)
    result = Search("mix", floor, candidates, 0.0)
    if scale == 0:
        return result
    active = np.ones(leaves.n, dtype=bool)
    for _ in range(max_causes):
        # What is left is the new universe: shares and the centre are taken within it, so the
        # segments that merely received a removed segment's share in proportion do not count.
        on = active.astype(np.float64)
        universe = (float(n0[active & (d0 > 0)].sum()), float(n1[active & (d1 > 0)].sum()),
                    float(d0[active].sum()), float(d1[active].sum()))
        if universe[2] <= 0 or universe[3] <= 0:
            break
        weight = (universe[2] / big[2] + universe[3] / big[3]) / 2
        growth = universe[3] / universe[2]
        top: list[tuple[float, float, dict[str, str], float, float]] = []
        for cuboid in cuboids:
            s = [cuboid.sum(a * on) for a in (n0, n1, d0, d1)]
            effect = weight * centred_mix(*s, *universe)
            score = np.abs(effect)
            for j in np.argsort(-score)[:RIVALS]:
                if score[j] < floor:
                    break
                shift = float(np.log((s[3][j] + 1) / (s[2][j] * growth + 1)))
                top.append((float(score[j]), 0.0,
                            leaves.segment_label(cuboid.dim_idx, cuboid.seg_codes[j]), float(effect[j]), shift))
        if not top:
            break
        # One shift has two sides (what Display lost, the rest gained) and often several
        # descriptions about as strong; among those within TIE of the strongest, the fewest
        # conditions on the earliest dimensions come first (list the dimensions budgets are
        # set on first: platform, network, campaign before targeting breakdowns).
        strongest = max(t[0] for t in top)
        order = {d: i for i, d in enumerate(leaves.dims)}
        top.sort(key=lambda t: (t[0] < (1 - TIE) * strongest, len(t[2]), [order[d] for d in t[2]], -t[0]))
        best = None
        for _, _, segment, effect, shift in top[:CHECKED]:
            # A share moves for real when it moved more than the other leaves' shares do.
            z = share_z(leaves, leaves.mask(segment) & active, active)
            if abs(z) >= SHIFT_Z:
                best = (z, segment, effect, shift)
                break
        if best is None:
            break
        z, segment, effect, shift = best
        result.causes.append(Finding(segment, "mix", z * z / 2, z * z / 2, shift, effect))
        active &= ~leaves.mask(segment)
    return result


def centred_mix(
    sn0: np.ndarray, sn1: np.ndarray, sd0: np.ndarray, sd1: np.ndarray,
    big_n0: float, big_n1: float, big_d0: float, big_d1: float,
) -> np.ndarray:
    """Each segment's mix term (vectorised over segments): (w₁ − w₀) · (r̄ − R̄)."""
    seg0, seg1 = _rates(sn0, sn1, sd0, sd1)
    centre = (big_n0 / big_d0 + big_n1 / big_d1) / 2
    shares = sd1 / big_d1 - sd0 / big_d0
    return shares * ((seg0 + seg1) / 2 - centre)


def _rates(n0: np.ndarray, n1: np.ndarray, d0: np.ndarray, d1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # A side without a base borrows the other period's rate, as in decompose.split.
    has0, has1 = d0 > 0, d1 > 0
    r0 = np.divide(n0, d0, out=np.zeros_like(n0, dtype=np.float64), where=has0)
    r1 = np.divide(n1, d1, out=np.zeros_like(n1, dtype=np.float64), where=has1)
    return np.where(has0, r0, r1), np.where(has1, r1, r0)
