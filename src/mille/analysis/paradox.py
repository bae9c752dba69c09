"""Simpson's paradox and mix: when the blended number hides what happened inside.

A blended ratio R = Σnum / Σden is a weighted average of its segments' ratios rⱼ with weights
wⱼ = denⱼ / Σden (each segment's share of the impressions, clicks…). Between two periods

    R₁ − R₀ = Σⱼ (w₁ⱼ − w₀ⱼ) · r̄ⱼ  +  Σⱼ w̄ⱼ · (r₁ⱼ − r₀ⱼ)
              └──── mix ────┘        └──── rate ────┘

with r̄ⱼ, w̄ⱼ the averages of the two periods (per segment the mix term is centred on the
blended ratio, (w₁ⱼ − w₀ⱼ)·(r̄ⱼ − R̄), which changes no total since Σⱼ(w₁ⱼ − w₀ⱼ) = 0: volume moving
to a segment dearer than the blend counts as mix up). The split is exact (the two parts add up to the
blended change). A segment present in one period only has no ratio in the other; we give it the
ratio it has, so all of its effect is mix (it arrived or left). A numerator without any
denominator (spend on a day without impressions) adds num/Σden to the blend; its change counts
as rate — money paid for nothing is a price effect.

The report warns, in one sentence pointing to ``mille explain``, when

* **Simpson**: the blended ratio moved one way while segments holding most of the volume
  (more than half of the average denominator share, counting only segments whose own change is
  not noise) moved the other way; or
* **mix**: more than half of the blended change is mix — the segments' shares moved, not their
  ratios.

Nothing is said when the blended change is itself noise or there are fewer than two segments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mille.analysis.decompose import split

MIX_SHARE = 0.5
OPPOSITE_SHARE = 0.5


@dataclass(frozen=True)
class MixSplit:
    change: float
    mix: float
    rate: float
    mix_by_segment: np.ndarray
    rate_by_segment: np.ndarray
    weight: np.ndarray  # w̄ⱼ, the average share of the denominator


def mix_rate(
    num0: np.ndarray, den0: np.ndarray, num1: np.ndarray, den1: np.ndarray, multiplier: float = 1.0
) -> MixSplit:
    """Exact mix/rate split of the change in Σnum/Σden between two periods (metric units).

    The split itself is :func:`mille.analysis.decompose.split`, the one explain uses, so the
    report's "N % of that change is mix" and explain's mix over the same segments are one
    figure. A numerator without a denominator (spend without impressions) is paying for
    nothing: here it counts as rate.
    """
    num0, den0, num1, den1 = (np.asarray(a, dtype="float64") for a in (num0, den0, num1, den1))
    if den0.sum() <= 0 or den1.sum() <= 0:
        nan = np.full(len(den0), np.nan)
        return MixSplit(float("nan"), float("nan"), float("nan"), nan, nan, nan)
    s = split(num0, num1, den0, den1)
    mix, rate = s.mix * multiplier, (s.rate + s.no_base) * multiplier
    change = multiplier * (num1.sum() / den1.sum() - num0.sum() / den0.sum())
    weight = (den0 / den0.sum() + den1 / den1.sum()) / 2
    return MixSplit(float(change), float(mix.sum()), float(rate.sum()), mix, rate, weight)


@dataclass(frozen=True)
class MixFinding:
    kind: str  # "simpson" | "mix"
    change: float
    mix: float
    rate: float
    mix_share: float
    opposite_share: float


def check(
    num0: np.ndarray,
    den0: np.ndarray,
    num1: np.ndarray,
    den1: np.ndarray,
    *,
    multiplier: float,
    segment_noise: np.ndarray,
    blended_noise: float,
) -> MixFinding | None:
    """The finding for one metric over one set of segments, or None when the blend is honest.

    ``segment_noise`` is 1 where a segment's own change is noise, 0 where it is not, NaN when
    unknown (treated as a real move).
    """
    den0 = np.asarray(den0, dtype="float64")
    den1 = np.asarray(den1, dtype="float64")
    if len(den0) < 2 or blended_noise == 1.0:
        return None
    split = mix_rate(num0, den0, num1, den1, multiplier)
    if not np.isfinite(split.change) or split.change == 0:
        return None
    both = (den0 > 0) & (den1 > 0)
    seg_change = split.rate_by_segment  # same sign as r₁ − r₀ where both exist
    opposite = both & (np.sign(seg_change) == -np.sign(split.change)) & (np.asarray(segment_noise) != 1.0)
    volume = split.weight[both].sum()
    opposite_share = float(split.weight[opposite].sum() / volume) if volume > 0 else 0.0
    mix_share = split.mix / split.change
    kind = None
    if opposite_share > OPPOSITE_SHARE:
        kind = "simpson"
    elif mix_share > MIX_SHARE:
        kind = "mix"
    if kind is None:
        return None
    return MixFinding(kind, split.change, split.mix, split.rate, float(mix_share), opposite_share)


def sentence(
    f: MixFinding, *, subject: str, label: str, before: str, after: str, relative: float | None,
    volume: str, across: str, command: str,
) -> str:
    """The warning in words: ``subject`` is "Blended CPM" or "google_ads: CPM"."""
    verb = ("rose" if f.change > 0 else "fell") + (f" {abs(relative) * 100:.1f} %" if relative is not None else "")
    other_verb = "fall" if f.change > 0 else "rise"
    if f.kind == "simpson":
        body = (
            f"{subject} {verb} ({before} → {after}), but {across} holding {f.opposite_share * 100:.0f} % "
            f"of the {volume} saw their {label} {other_verb}: the move comes from the mix, not from "
            f"the {across} themselves."
        )
    else:
        body = (
            f"{subject} {verb} ({before} → {after}), and {f.mix_share * 100:.0f} % of that change is mix "
            f"— {volume} moving between {across} with different {label} — not their own {label} changing."
        )
    return f"{body} See `{command}`."


def explain_command(metric: str, before: str, after: str, dims: list[str], filters: list[str]) -> str:
    """The `mille explain` command that splits the same change by the same dimensions."""
    cmd = f"mille explain {metric} --before {before} --after {after} --dims {','.join(dims)}"
    if filters:
        text = " AND ".join(f"({x})" if len(filters) > 1 else x for x in filters)
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")
        cmd += f' --filter "{escaped}"'
    return cmd


def segment_filter(segment: dict[str, str | None]) -> str:
    """A filter expression selecting one segment (``platform = 'google_ads' AND country IS NULL``)."""
    parts = []
    for dim, value in segment.items():
        if value is None:
            parts.append(f"{dim} IS NULL")
        else:
            quoted = value.replace("'", "''")
            parts.append(f"{dim} = '{quoted}'")
    return " AND ".join(parts)
