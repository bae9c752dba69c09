"""Published benchmark ranges, shown beside a report's figures as context — never as truth.

The table is ``benchmarks.yaml`` beside this module: per platform (and network where the figures
differ by network, like Google Search and Display), a low–high range for CPM, CPC or CTR with its
source, the year of its data and what it covers. A report cell is placed against the range that
matches its platform (and network, when the report is broken down by network): ``below``,
``within`` or ``above``, or ``far_below`` / ``far_above`` when it is more than ten times outside
— which is far more often a unit mistake (micros not divided, a decimal comma read as a thousands
separator) than a real price.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict

FAR = 10.0


class Benchmark(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    platform: str
    network: str | None = None
    metric: str
    low: float
    high: float
    currency: str = "USD"
    source: str
    year: int
    note: str = ""


class BenchmarkTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    currency: str
    entries: list[Benchmark]

    def matching(self, metric: str, platform: str | None, network: str | None = None) -> list[Benchmark]:
        """Entries for ``metric`` on ``platform``.

        With a known ``network``: that network's range, else the platform-wide one (never another
        network's — Google Display's CPM says nothing about Search). Without one: the
        platform-wide range, else every network's side by side (the caller does not place the
        value against several ranges)."""
        if platform is None:
            return []
        found = [e for e in self.entries if e.metric == metric and e.platform == platform]
        wide = [e for e in found if e.network is None]
        if network is not None:
            return [e for e in found if e.network == network] or wide
        return wide or found


@cache
def load_benchmarks() -> BenchmarkTable:
    text = (resources.files("mille.analysis") / "benchmarks.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    table = BenchmarkTable.model_validate(
        {"currency": data["currency"], "entries": [{"currency": data["currency"], **e} for e in data["entries"]]}
    )
    return table


def position(value: float, low: float, high: float) -> str | None:
    """Where ``value`` sits against [low, high]; None when there is no value."""
    if value != value:  # NaN
        return None
    if value < low / FAR:
        return "far_below"
    if value > high * FAR:
        return "far_above"
    if value < low:
        return "below"
    if value > high:
        return "above"
    return "within"
