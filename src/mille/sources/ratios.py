"""Ratio columns (CTR, CPC, CPM, cost per conversion) are never stored: they cross-check.

mille recomputes every ratio from summed bases, so a printed ratio is only evidence: where a row
prints one, it must agree with the row's own bases to within the printing's rounding. A mismatch
means the bases were edited, or a column was mapped to the wrong meaning; either way the user
hears about it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

# kind -> (numerator, denominator, multiplier)
FORMULAS: dict[str, tuple[str, str, float]] = {
    "ctr": ("clicks", "impressions", 1.0),
    "cpc": ("spend", "clicks", 1.0),
    "cpm": ("spend", "impressions", 1000.0),
    "cost_per_conversion": ("spend", "conversions", 1.0),
    "cost_per_lead": ("spend", "leads", 1.0),
}
_LABELS = {"ctr": "CTR", "cpc": "CPC", "cpm": "CPM", "cost_per_conversion": "cost per conversion",
           "cost_per_lead": "cost per lead"}


def cross_check(
    printed: dict[str, pa.Array],
    measures: dict[str, pa.Array],
    row_numbers: np.ndarray,
    headers: dict[str, str],
) -> list[str]:
    """Warnings for printed ratios that disagree with their row's bases beyond rounding."""
    warnings: list[str] = []
    for kind, values in printed.items():
        num_name, den_name, scale = FORMULAS[kind]
        if num_name not in measures or den_name not in measures:
            continue
        p = _np(values)
        num = _np(measures[num_name])
        den = _np(measures[den_name])
        ok = ~np.isnan(p) & ~np.isnan(num) & ~np.isnan(den) & (den > 0)
        if not ok.any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = num / den * scale
        # CTR is printed as a fraction or in percent (with or without the % sign): accept either.
        candidates = [expected, expected * 100.0] if kind == "ctr" else [expected]
        tol_abs = 0.0051 if kind != "ctr" else 0.00051
        close = np.zeros(len(p), dtype=bool)
        for c in candidates:
            close |= np.abs(p - c) <= np.maximum(tol_abs * (100.0 if c is not expected else 1.0), 0.005 * np.abs(c))
        bad = ok & ~close
        if bad.any():
            i = int(np.argmax(bad))
            warnings.append(
                f"{headers.get(kind, kind)} printed on {int(bad.sum())} of {int(ok.sum())} rows "
                f"disagrees with the row's own {num_name}/{den_name} (first: line {int(row_numbers[i])}, "
                f"printed {p[i]:g}, recomputed {expected[i] * (100.0 if kind == 'ctr' and p[i] > 1.0 else 1.0):g}); "
                f"mille uses the recomputed {_LABELS[kind]}"
            )
    return warnings


def _np(values: pa.Array) -> np.ndarray:
    return values.cast(pa.float64()).to_numpy(zero_copy_only=False).astype(float)
