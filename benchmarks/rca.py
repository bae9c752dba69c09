"""Root-cause accuracy of ``mille explain``'s localiser on the public benchmark folders.

    .venv/bin/python benchmarks/rca.py ../shared/datasets/rca/squeeze-B0 \\
        ../shared/datasets/rca/robustspot-RS ../shared/datasets/rca/squeeze-B0-holdout \\
        ../shared/datasets/rca/robustspot-RS-holdout
    .venv/bin/python benchmarks/rca.py --synthetic     # 5 dimensions × 100,000 leaves

Every case runs :func:`mille.analysis.localize.localize` with its default parameters, and is
scored by the standard protocol (``rca_protocol.py``): exact match of canonical ``attr=value``
conjunctions, deduplicated, micro-averaged F1, precision and recall, per setting and per folder.
Seconds are wall-clock per case for the localisation call only (file reading and the
RobustSpot baseline construction are excluded, as in the protocol). Folders whose name ends in
``-holdout`` are reported separately; the method was never tuned on them.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mille.analysis.leaves import Leaves
from mille.analysis.localize import localize
from rca_protocol import Case, Tally, canonical, read_folder

TARGETS = {"squeeze-B0": (0.975, 0.5), "robustspot-RS": (0.55, None)}


def run_case(case: Case) -> tuple[list[str], float]:
    start = time.perf_counter()
    found = localize(case.leaves)
    seconds = time.perf_counter() - start
    return [canonical(f.segment) for f in found.causes], seconds


def run_folder(folder: Path, *, verbose: bool) -> None:
    by_setting: dict[str, Tally] = defaultdict(Tally)
    times: dict[str, list[float]] = defaultdict(list)
    for case in read_folder(folder):
        predicted, seconds = run_case(case)
        by_setting[case.setting].add(predicted, case.truth)
        times[case.setting].append(seconds)
        if verbose and set(predicted) != set(case.truth):
            print(f"  miss {case.setting}/{case.name}: predicted {sorted(predicted)} "
                  f"true {sorted(case.truth)}")
    split = "HOLDOUT (untuned)" if folder.name.endswith("-holdout") else "dev"
    print(f"\n{folder.name}  [{split}]")
    header = f"{'setting':<28}{'cases':>6}{'TP':>6}{'FP':>5}{'FN':>5}{'F1':>8}{'P':>8}{'R':>8}{'s/case':>9}{'max s':>8}"
    print(header)
    print("-" * len(header))
    overall = Tally()
    all_times: list[float] = []
    for setting in sorted(by_setting):
        t, s = by_setting[setting], times[setting]
        overall += t
        all_times += s
        if len(by_setting) > 1:
            print(_row(setting, t, s))
    print(_row("overall", overall, all_times))
    target = TARGETS.get(folder.name.removesuffix("-holdout"))
    if target:
        f1_goal, seconds_goal = target
        verdict = "meets" if overall.f1 >= f1_goal and (
            seconds_goal is None or float(np.mean(all_times)) < seconds_goal) else "MISSES"
        goal = f"F1 ≥ {f1_goal}" + (f", mean < {seconds_goal} s/case" if seconds_goal else "")
        print(f"target {goal}: {verdict}")


def _row(name: str, t: Tally, seconds: list[float]) -> str:
    return (f"{name:<28}{t.cases:>6}{t.tp:>6}{t.fp:>5}{t.fn:>5}{t.f1:>8.3f}{t.precision:>8.3f}"
            f"{t.recall:>8.3f}{float(np.mean(seconds)):>9.4f}{float(np.max(seconds)):>8.3f}")


def synthetic(n_dims: int = 5, card: int = 10, seed: int = 0, repeats: int = 3) -> None:
    """Time the localiser on a full 5-dimensional cube of 100,000 leaves, additive and ratio."""
    rng = np.random.default_rng(seed)
    grids = np.meshgrid(*[np.arange(card)] * n_dims, indexing="ij")
    codes = [g.ravel() for g in grids]
    n = codes[0].size
    dims = {f"d{j}": np.char.add(f"v{j}_", codes[j].astype(str)) for j in range(n_dims)}
    cause = (codes[0] == 3) & (codes[2] == 7)
    den0 = rng.gamma(2.0, 500.0, n)
    den1 = den0 * rng.normal(1.0, 0.02, n)
    rate = rng.beta(2, 60, n)
    num0 = rng.binomial(den0.astype(np.int64), rate).astype(float)
    rate1 = np.where(cause, rate * 1.6, rate)
    num1 = rng.binomial(den1.astype(np.int64).clip(0), rate1.clip(0, 1)).astype(float)
    print(f"\nsynthetic: {n_dims} dimensions × {n:,} leaves, planted cause d0=v0_3&d2=v2_7")
    for label, args in (("additive (numerator only)", (num0, num1)),
                        ("ratio (numerator/denominator)", (num0, num1, den0, den1))):
        best = []
        for _ in range(repeats):
            start = time.perf_counter()
            leaves = Leaves.from_columns(dims, *args)
            found = localize(leaves)
            best.append(time.perf_counter() - start)
        names = [canonical(f.segment) for f in found.causes]
        print(f"  {label:<32} {min(best):6.2f} s (best of {repeats}, leaves built + localised)"
              f"  causes: {names}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--synthetic", action="store_true", help="time 5 dims × 100,000 leaves")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every missed case")
    args = parser.parse_args()
    if not args.folders and not args.synthetic:
        parser.error("give dataset folders, --synthetic, or both")
    dev = [f for f in args.folders if not f.name.endswith("-holdout")]
    holdout = [f for f in args.folders if f.name.endswith("-holdout")]
    for folder in dev + holdout:
        run_folder(folder, verbose=args.verbose)
    if args.synthetic:
        synthetic()


if __name__ == "__main__":
    main()
