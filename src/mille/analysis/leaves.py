"""Leaves: the finest segments of a comparison, and fast aggregates over any coarser segment.

A *leaf* is one full combination of dimension values (platform × audience × device …). Every
analysis that explains a change works on leaves: each carries four numbers, the metric's
numerator and denominator in the period before and the period after (an additive metric such
as spend has no denominator). A *segment* is a conjunction of some dimensions' values, e.g.
``platform=linkedin_ads & seniority=c_suite``; its figures are sums over the leaves it holds.

Dimension values are stored as small integer codes per dimension, so the aggregates of a whole
cuboid (every segment over the same dimensions) are one ``np.bincount`` per measure; nothing
here loops over leaves in Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mille.errors import QueryError

FloatArray = np.ndarray
MISSING = "(none)"


@dataclass(frozen=True)
class Leaves:
    """Leaf figures for two periods. ``den0``/``den1`` are ``None`` for an additive metric."""

    dims: tuple[str, ...]
    codes: np.ndarray  # (n_leaves, n_dims) int64; codes[:, j] indexes labels[j]
    labels: tuple[np.ndarray, ...]  # per dimension: the distinct values, as strings
    num0: FloatArray
    num1: FloatArray
    den0: FloatArray | None = None
    den1: FloatArray | None = None

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def from_columns(
        cls,
        dims: Mapping[str, Sequence[Any] | np.ndarray],
        num0: Sequence[float] | np.ndarray,
        num1: Sequence[float] | np.ndarray,
        den0: Sequence[float] | np.ndarray | None = None,
        den1: Sequence[float] | np.ndarray | None = None,
    ) -> Leaves:
        """Build leaves from column arrays; rows sharing every dimension value are summed.

        Values are compared as text, so ``2000`` and ``"2000"`` are the same value, and a
        missing value becomes the label ``(none)`` rather than disappearing from the totals.
        """
        if (den0 is None) != (den1 is None):
            raise ValueError("give both denominators or neither")
        names = tuple(dims)
        if not names:
            raise QueryError("explaining a change needs at least one dimension to segment by",
                             hint="name dimensions with --dims, e.g. --dims platform,device")
        arrays = [_as_float(num0), _as_float(num1)]
        if den0 is not None and den1 is not None:
            arrays += [_as_float(den0), _as_float(den1)]
        n = len(arrays[0])
        if any(len(a) != n for a in arrays) or any(len(dims[d]) != n for d in names):
            raise ValueError("every column must have the same length")
        codes = np.empty((n, len(names)), dtype=np.int64)
        labels: list[np.ndarray] = []
        for j, name in enumerate(names):
            values = _as_text(dims[name])
            uniq, inverse = np.unique(values, return_inverse=True)
            codes[:, j] = inverse
            labels.append(uniq)
        # Duplicate leaves (the same combination on several rows, or days) are summed so that
        # every leaf's own ratio is a ratio of sums.
        key = combined_key(codes, [len(lab) for lab in labels])
        uniq_key, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        if len(uniq_key) != n:
            codes = codes[first]
            arrays = [np.bincount(inverse, weights=a, minlength=len(uniq_key)) for a in arrays]
        dens = (arrays[2], arrays[3]) if len(arrays) == 4 else (None, None)
        return cls(names, codes, tuple(labels), arrays[0], arrays[1], *dens)

    # -- properties ------------------------------------------------------------------------
    @property
    def is_ratio(self) -> bool:
        return self.den0 is not None

    @property
    def n(self) -> int:
        return int(self.codes.shape[0])

    def totals(self) -> tuple[float, float, float | None, float | None]:
        d0 = float(self.den0.sum()) if self.den0 is not None else None
        d1 = float(self.den1.sum()) if self.den1 is not None else None
        return float(self.num0.sum()), float(self.num1.sum()), d0, d1

    def cardinalities(self) -> list[int]:
        return [len(lab) for lab in self.labels]

    # -- segments --------------------------------------------------------------------------
    def cuboid(self, dim_idx: Sequence[int]) -> Cuboid:
        """Every segment over the dimensions ``dim_idx`` and which of them each leaf is in."""
        dim_idx = tuple(dim_idx)
        sub = self.codes[:, list(dim_idx)]
        cards = [len(self.labels[j]) for j in dim_idx]
        key = combined_key(sub, cards)
        size = int(np.prod(cards, dtype=np.float64)) if cards else 1
        if size <= 4 * self.n + 1024:
            # Dense keys: use them directly and drop empty combinations afterwards.
            present = np.bincount(key, minlength=size) > 0
            remap = np.cumsum(present) - 1
            seg_of_leaf = remap[key]
            seg_codes = _unravel(np.flatnonzero(present), cards)
        else:
            uniq, seg_of_leaf = np.unique(key, return_inverse=True)
            seg_codes = _unravel(uniq, cards)
        return Cuboid(dim_idx, seg_of_leaf.astype(np.int64), seg_codes)

    def segment_label(self, dim_idx: Sequence[int], codes: Sequence[int]) -> dict[str, str]:
        return {self.dims[j]: str(self.labels[j][c]) for j, c in zip(dim_idx, codes, strict=True)}

    def mask(self, segment: Mapping[str, str]) -> np.ndarray:
        """Which leaves a segment ``{dim: value}`` holds (all leaves for the empty segment)."""
        keep = np.ones(self.n, dtype=bool)
        for dim, value in segment.items():
            if dim not in self.dims:
                raise QueryError(f"`{dim}` is not one of the dimensions", expected=", ".join(self.dims))
            j = self.dims.index(dim)
            hit = np.flatnonzero(self.labels[j] == str(value))
            keep &= self.codes[:, j] == (hit[0] if len(hit) else -1)
        return keep


@dataclass(frozen=True)
class Cuboid:
    """All segments over one set of dimensions: ``seg_of_leaf[i]`` is leaf i's segment."""

    dim_idx: tuple[int, ...]
    seg_of_leaf: np.ndarray
    seg_codes: np.ndarray  # (n_segments, len(dim_idx)) codes of each segment

    @property
    def size(self) -> int:
        return int(self.seg_codes.shape[0])

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Per-segment sums of a per-leaf array."""
        return np.bincount(self.seg_of_leaf, weights=values, minlength=self.size)


def combined_key(codes: np.ndarray, cards: Sequence[int]) -> np.ndarray:
    """One int64 per row for a tuple of codes (mixed radix); collisions are impossible."""
    key = np.zeros(codes.shape[0], dtype=np.int64)
    capacity = 1.0
    for j, card in enumerate(cards):
        capacity *= max(card, 1)
        if capacity >= 2**62:
            # Too many combinations for one integer: compact what we have so far and go on.
            _, key = np.unique(key, return_inverse=True)
            capacity = float(key.max() + 1 if key.size else 1) * max(card, 1)
        key = key * max(card, 1) + codes[:, j]
    return key


def _unravel(keys: np.ndarray, cards: Sequence[int]) -> np.ndarray:
    out = np.empty((len(keys), len(cards)), dtype=np.int64)
    rest = keys.copy()
    for j in range(len(cards) - 1, -1, -1):
        out[:, j] = rest % max(cards[j], 1)
        rest //= max(cards[j], 1)
    return out


def _as_float(values: Sequence[float] | np.ndarray) -> FloatArray:
    out = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(out), out, 0.0) if out.size else out


def _as_text(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    text = arr.astype(str)
    missing = pd.isna(arr)
    if missing.any():
        # Widen the fixed-width strings first, or the label would be cut to the longest value.
        width = max(text.dtype.itemsize // 4, len(MISSING))
        text = text.astype(f"<U{width}")
        text[missing] = MISSING
    return text
