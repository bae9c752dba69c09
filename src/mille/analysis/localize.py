"""Which segments explain a change: the smallest set of conjunctions of dimension values.

The method (documented for analysts in ``docs/explain.md``):

1. **Score every segment at once.** For every conjunction of up to ``max_depth`` dimension
   values, the leaves' score-test sums ``A = Σ wa`` and ``B = Σ wb`` (see
   :mod:`mille.analysis.leafmodel`) are one ``bincount`` per cuboid. ``A²/2B`` is the
   likelihood-ratio statistic of "this segment shifted by a common δ" against "nothing moved":
   it is largest at the level where the movement concentrates — a parent holding unmoved
   siblings dilutes it, a child missing moved siblings loses part of it.
2. **Greedy, with removal.** Take the best segment; if it clears the threshold
   ``ln(#candidates) + 10`` (a multiple-testing allowance plus a margin), keep it, remove its
   leaves, and search again — so a second cause is judged on what the first leaves unexplained.
3. **Parent when the children move together.** Before keeping a segment S, look at each
   ancestor A (S with one condition dropped, repeatedly): if the rest of A moved in the same
   direction by at least a quarter of S's shift, the children moved together and A is the
   cause. Otherwise S stays: only it moved. When all the other leaves moved with S by at least
   three quarters of its shift, everything moved alike and the search stops: no segment
   explains the change better than the total.
4. **Stand out from the drift.** Real segments wander more than counting noise explains. Once
   the search stops, the spread τ of segment shifts among the remaining (unexplained) leaves is
   measured on the best-measured quarter of segments, and every kept cause must still clear the
   threshold with τ added to its variance. What fails goes to ``others``.

Nothing here loops over leaves in Python; the loops are over cuboids and over the handful of
causes found.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from mille.analysis.leafmodel import Channel
from mille.analysis.leaves import Cuboid, Leaves

MAX_DEPTH = 3
MARGIN = 10.0  # added to ln(#candidates): how far beyond chance a cause must stand out
TOGETHER = 0.25  # siblings moving ≥ this fraction of a child's shift make the parent the cause
ALIKE = 0.75  # everything else moving ≥ this fraction of the best segment's shift: no cause
MAX_CAUSES = 10
DRIFT_QUANTILE = 0.25  # drift τ is measured on the best-measured quarter of segments
_MEDIAN_CHI2_1 = 0.4549


@dataclass(frozen=True)
class Finding:
    """One segment that moved, as the search saw it."""

    segment: dict[str, str]
    channel: str  # "total", "rate" or "mix"
    score: float  # likelihood-ratio statistic against "nothing moved", leaf noise only
    drift_score: float  # the same with the segment drift τ² added to the variance
    shift: float  # δ on the channel's link scale (log or logit)
    deviation: float  # Σ (observed − expected) over the segment's unexplained leaves

    @property
    def key(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self.segment.items()))


@dataclass
class Search:
    """The outcome of localising one channel."""

    channel: str
    threshold: float
    candidates: int
    drift: float  # τ, the standard deviation of segment shifts beyond noise (link scale)
    everywhere: bool = False  # the movement was spread over all segments alike
    model: Channel | None = None  # the leaf model searched (expectations, noise)
    causes: list[Finding] = field(default_factory=list)
    others: list[Finding] = field(default_factory=list)


class Scanner:
    """Every segment up to ``max_depth`` over a set of leaves, scored for one channel."""

    def __init__(self, leaves: Leaves, channel: Channel, max_depth: int = MAX_DEPTH) -> None:
        self.leaves = leaves
        self.channel = channel
        k = len(leaves.dims)
        depth = max(1, min(max_depth, k))
        self.cuboids: list[Cuboid] = [
            leaves.cuboid(combo)
            for d in range(1, depth + 1)
            for combo in itertools.combinations(range(k), d)
        ]
        self.candidates = sum(c.size for c in self.cuboids)

    def sums(self, active: np.ndarray) -> list[tuple[Cuboid, np.ndarray, np.ndarray]]:
        on = active.astype(np.float64)
        wa, wb = self.channel.wa * on, self.channel.wb * on
        return [(c, c.sum(wa), c.sum(wb)) for c in self.cuboids]

    def best(self, active: np.ndarray) -> tuple[float, dict[str, str]] | None:
        top: tuple[float, Cuboid, int] | None = None
        for cuboid, a, b in self.sums(active):
            lr = a**2 / (2 * np.maximum(b, 1e-300))
            lr[b <= 0] = 0.0
            j = int(np.argmax(lr))
            if top is None or lr[j] > top[0]:
                top = (float(lr[j]), cuboid, j)
        if top is None:
            return None
        score, cuboid, j = top
        return score, self.leaves.segment_label(cuboid.dim_idx, cuboid.seg_codes[j])

    def drift(self, active: np.ndarray) -> float:
        """τ²: the variance of segment shifts beyond leaf noise, among ``active`` leaves."""
        parts = self.sums(active)
        a = np.concatenate([p[1] for p in parts])
        b = np.concatenate([p[2] for p in parts])
        keep = b > 0
        a, b = a[keep], b[keep]
        if a.size < 5:
            return 0.0
        # Shares add up to one: when one segment's share grows, all the others shrink together,
        # and that common shift is not drift. (Rates are free: a common rate shift is drift.)
        common = 0.0
        if self.channel.name == "mix":
            total_b = float(self.channel.wb[active].sum())
            common = float(self.channel.wa[active].sum()) / total_b if total_b > 0 else 0.0
        well = b >= np.quantile(b, 1 - DRIFT_QUANTILE)
        shift2 = (a[well] / b[well] - common) ** 2
        sampling = 1.0 / b[well]

        def median_z2(tau2: float) -> float:
            return float(np.median(shift2 / (sampling + tau2)))

        if median_z2(0.0) <= _MEDIAN_CHI2_1:
            return 0.0
        lo, hi = 0.0, float(shift2.max())
        for _ in range(100):  # bisection, geometric while the bracket spans decades
            mid = math.sqrt(max(lo, 1e-300) * hi) if hi > 4 * max(lo, 1e-300) else (lo + hi) / 2
            if median_z2(mid) > _MEDIAN_CHI2_1:
                lo = mid
            else:
                hi = mid
            if hi - lo <= 1e-9 * hi:
                break
        return hi


def search(
    leaves: Leaves,
    channel: Channel,
    *,
    max_depth: int = MAX_DEPTH,
    margin: float = MARGIN,
    together: float = TOGETHER,
    max_causes: int = MAX_CAUSES,
) -> Search:
    """Localise the movement of one channel: the causes, and significant segments that were not."""
    scanner = Scanner(leaves, channel, max_depth)
    threshold = math.log(max(scanner.candidates, 2)) + margin
    active = np.ones(leaves.n, dtype=bool)
    kept: list[tuple[dict[str, str], float, np.ndarray]] = []
    everywhere = False
    for _ in range(max_causes):
        top = scanner.best(active)
        if top is None or top[0] < threshold:
            break
        score, segment = top
        segment = _level(leaves, channel, segment, active, together)
        if not segment:
            # The whole of what is left moved together: no segment explains it better than
            # the total does, so the search stops here.
            everywhere = True
            break
        members = leaves.mask(segment) & active
        if not members.any():
            break
        kept.append((segment, score, members))
        active &= ~leaves.mask(segment)
    tau2 = scanner.drift(active) if kept else 0.0
    result = Search(channel.name, threshold, scanner.candidates, math.sqrt(tau2), everywhere, channel)
    for segment, score, members in kept:
        a = float(channel.wa[members].sum())
        b = float(channel.wb[members].sum())
        finding = Finding(
            segment=segment,
            channel=channel.name,
            score=score,
            drift_score=a * a / (2 * (b + tau2 * b * b)) if b > 0 else 0.0,
            shift=channel.shift(members),
            deviation=float(channel.dev[members].sum()),
        )
        (result.causes if finding.drift_score >= threshold else result.others).append(finding)
    result.causes = _minimal(result.causes)
    return result


def _level(
    leaves: Leaves, channel: Channel, segment: dict[str, str], active: np.ndarray, together: float
) -> dict[str, str]:
    """Climb to the coarsest ancestor whose other leaves moved with ``segment``."""
    current = dict(segment)
    while current:
        inside = leaves.mask(current) & active
        shift = channel.shift(inside)
        if shift == 0.0:
            break
        best: tuple[float, dict[str, str]] | None = None
        items = list(current.items())
        for drop in range(len(items)):
            # Dropping the last condition leaves the empty segment: everything moved alike.
            ancestor = dict(items[:drop] + items[drop + 1 :])
            rest = leaves.mask(ancestor) & active & ~inside
            if not rest.any():
                continue
            ratio = channel.shift(rest) / shift
            # The empty segment asks more: everything else moving nearly as much (ALIKE), not
            # just a quarter as much, before the change is called "across the board".
            needed = together if ancestor else ALIKE
            if ratio >= needed and (best is None or ratio > best[0]):
                best = (ratio, ancestor)
        if best is None:
            break
        current = best[1]
    return current


def _minimal(findings: list[Finding]) -> list[Finding]:
    """Drop a finding contained in another one (the ancestor already explains it) and repeats."""
    out: list[Finding] = []
    seen: set[tuple[tuple[str, str], ...]] = set()
    for f in findings:
        items = set(f.segment.items())
        if any(set(o.segment.items()) < items for o in findings):
            continue
        if f.key in seen:
            continue
        seen.add(f.key)
        out.append(f)
    return out


NOISE_Z = 3.0  # a total change under 3 standard errors of leaf noise is "within noise"


@dataclass
class Localization:
    """Causes over every channel of a metric, with what did not qualify and why."""

    causes: list[Finding]
    others: list[Finding]
    searches: list[Search]
    headline_z: float

    @property
    def within_noise(self) -> bool:
        """Nothing stands out: no segment moved beyond noise and neither did the total."""
        return not self.causes and abs(self.headline_z) < NOISE_Z

    @property
    def everywhere(self) -> bool:
        """The total moved, but alike in every segment (or no segment qualified)."""
        return not self.causes and not self.within_noise


def localize(
    leaves: Leaves, *, max_depth: int = MAX_DEPTH, proportion: bool | None = None
) -> Localization:
    """The smallest set of segments explaining the change of the metric held in ``leaves``.

    An additive metric is searched on its totals; a ratio on its rate (each segment's own ratio,
    against noise) and on its mix (each segment's share of the denominator, by effect size: see
    :mod:`mille.analysis.mix`). A segment can stand out even when the total barely moved (it
    was offset, or is small); then it is still a cause and ``headline_z`` says the total is
    within noise. ``proportion``: whether the ratio is a rate of counts (see
    :func:`mille.analysis.leafmodel.rate_channel`); inferred from the numbers when not given.
    """
    from mille.analysis.leafmodel import mix_channel, rate_channel, total_channel
    from mille.analysis.mix import mix_search

    if not leaves.is_ratio:
        channels = [total_channel(leaves)]
        searches = [search(leaves, channels[0], max_depth=max_depth)]
    else:
        rate = rate_channel(leaves, proportion=proportion)
        searches = [search(leaves, rate, max_depth=max_depth), mix_search(leaves, max_depth=max_depth)]
        shifted = np.zeros(leaves.n, dtype=bool)
        for f in searches[1].causes:
            shifted |= leaves.mask(f.segment)
        channels = [rate, mix_channel(leaves, shifted=shifted)]
        searches[1].model = channels[1]
    causes = [f for s in searches for f in s.causes]
    others = [f for s in searches for f in s.others]
    return Localization(_merge(causes), others, searches, _headline_z(leaves, channels))


def _merge(findings: list[Finding]) -> list[Finding]:
    """The minimal set within each channel (a rate cause inside a mix cause is a different
    finding, not a descendant), then one finding per segment, strongest first."""
    minimal: list[Finding] = []
    for name in dict.fromkeys(f.channel for f in findings):
        minimal.extend(_minimal([f for f in findings if f.channel == name]))
    best: dict[tuple[tuple[str, str], ...], Finding] = {}
    for f in minimal:
        if f.key not in best:
            best[f.key] = f
    return list(best.values())


def _headline_z(leaves: Leaves, channels: list[Channel]) -> float:
    """The headline change in standard errors of leaf noise."""
    first = channels[0]
    if not leaves.is_ratio:
        sd = math.sqrt(float(first.var.sum()))
        return float(first.dev.sum()) / sd if sd > 0 else math.inf
    assert leaves.den0 is not None and leaves.den1 is not None
    d0, d1 = float(leaves.den0.sum()), float(leaves.den1.sum())
    change = float(leaves.num1.sum()) / d1 - float(leaves.num0.sum()) / d0
    rate_var = float(first.var.sum()) / d1**2
    # Noise in where the denominator went moves the ratio by (leaf rate − overall rate) per unit.
    leaf_rate = np.divide(first.exp, leaves.den1, out=np.full(leaves.n, np.nan), where=leaves.den1 > 0)
    after = float(leaves.num1.sum()) / d1
    leaf_rate = np.where(np.isfinite(leaf_rate), leaf_rate, after)
    mix_var = float((channels[1].var * (leaf_rate - after) ** 2).sum()) / d1**2 if len(channels) > 1 else 0.0
    sd = math.sqrt(rate_var + mix_var)
    return change / sd if sd > 0 else (0.0 if change == 0 else math.inf)
