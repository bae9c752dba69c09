"""The standard root-cause scoring protocol, and readers for the public benchmark folders.

Protocol (``../shared/datasets/rca/README.md`` §3, as in ``NetManAIOps/Squeeze`` and
``shaido987/riskloc``): canonicalise each element by sorting its ``attr=value`` parts,
deduplicate the true and the predicted elements, count per case TP = true elements predicted
exactly, FP = |pred| − TP, FN = |true| − TP (a parent or child of a true element is one FP and
one FN), and micro-average: sum TP, FP, FN over the cases, then F1 = 2TP / (2TP + FP + FN).

Readers build :class:`mille.analysis.leaves.Leaves` for each case; reading is not timed.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from mille.analysis.leaves import Leaves

Element = str  # canonical "a=x&b=y"


def canonical(element: str | Mapping[str, object]) -> Element:
    """``b=b2&a=a1`` and ``{"a": "a1", "b": "b2"}`` both become ``a=a1&b=b2``."""
    if isinstance(element, Mapping):
        parts = [f"{k}={v}" for k, v in element.items()]
    else:
        parts = [p.strip() for p in element.split("&") if p.strip()]
    return "&".join(sorted(parts))


def parse_set(text: str) -> set[Element]:
    """A ground-truth ``set`` cell: elements joined by ``;``, deduplicated."""
    return {canonical(e) for e in text.split(";") if e.strip()}


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    cases: int = 0

    def add(self, predicted: Iterable[str | Mapping[str, object]], truth: Iterable[str]) -> None:
        pred = {canonical(p) for p in predicted}
        true = {canonical(t) for t in truth}
        hit = len(pred & true)
        self.tp += hit
        self.fp += len(pred) - hit
        self.fn += len(true) - hit
        self.cases += 1

    def __iadd__(self, other: Tally) -> Tally:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.cases += other.cases
        return self

    @property
    def f1(self) -> float:
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


@dataclass(frozen=True)
class Case:
    folder: str
    setting: str
    name: str
    leaves: Leaves
    truth: frozenset[Element]


def read_folder(folder: Path) -> Iterator[Case]:
    """Every case of a Squeeze-style (``*/injection_info.csv``) or RobustSpot-style
    (``anomaly.yaml``) folder."""
    if (folder / "anomaly.yaml").exists():
        yield from _robustspot(folder)
    else:
        yield from _squeeze(folder)


def _squeeze(folder: Path) -> Iterator[Case]:
    settings = sorted(p for p in folder.iterdir() if (p / "injection_info.csv").exists())
    if not settings:
        raise SystemExit(f"{folder}: no */injection_info.csv and no anomaly.yaml")
    for setting in settings:
        info = pd.read_csv(setting / "injection_info.csv", dtype={"timestamp": str, "set": str})
        for ts, label in zip(info["timestamp"], info["set"], strict=True):
            path = setting / f"{ts}.csv.gz"
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                df = pd.read_csv(fh, dtype=str)
            attrs = [c for c in df.columns if c not in ("real", "predict")]
            leaves = Leaves.from_columns(
                {a: df[a].to_numpy() for a in attrs},
                pd.to_numeric(df["predict"]).to_numpy(),
                pd.to_numeric(df["real"]).to_numpy(),
            )
            yield Case(folder.name, setting.name, str(ts), leaves, frozenset(parse_set(label)))


def _robustspot(folder: Path) -> Iterator[Case]:
    """Periods as RobustSpot/RiskLoc build them (README §2): numerator = cnt − value
    (non-stalling viewers), after = the anomalous minute, before = each leaf's mean over the
    4 preceding minutes (0 where there is no history)."""
    entries = yaml.safe_load((folder / "anomaly.yaml").read_text(encoding="utf-8"))
    for entry in entries:
        df = pd.read_csv(folder / f"{entry['data']}.csv", dtype=str)
        for col in ("min", "value", "cnt"):
            df[col] = pd.to_numeric(df[col])
        ts = int(entry["timestamp"])
        attrs = [c for c in df.columns if c not in ("min", "value", "cnt")]
        df["value"] = df["cnt"] - df["value"]
        after = df[df["min"] == ts].groupby(attrs)[["value", "cnt"]].sum()
        history = df[(df["min"] >= ts - 240) & (df["min"] < ts)]
        before = history.groupby(attrs)[["value", "cnt"]].sum() / 4
        both = after.merge(before, how="outer", left_index=True, right_index=True,
                           suffixes=("_1", "_0")).fillna(0.0).reset_index()
        causes = entry["cause"] if isinstance(entry["cause"], list) else [entry["cause"]]
        truth = frozenset(canonical({k: str(v) for k, v in c.items()}) for c in causes)
        leaves = Leaves.from_columns(
            {a: both[a].astype(str).to_numpy() for a in attrs},
            both["value_0"].to_numpy(np.float64),
            both["value_1"].to_numpy(np.float64),
            both["cnt_0"].to_numpy(np.float64),
            both["cnt_1"].to_numpy(np.float64),
        )
        yield Case(folder.name, "RS", str(entry["data"]), leaves, truth)
