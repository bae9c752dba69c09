"""Published benchmark ranges, shown beside a report's figures as context — never as truth.

The ranges are the ``benchmarks`` of each platform module (:mod:`mille.platforms`): per platform
(and network family where the figures differ by network, like Google Search and Display), a
low–high range for CPM, CPC or CTR with its source, the year of its data and what it covers. They
are the *typical* published ranges, narrower than the *plausible* sanity ranges the audit uses
to catch unit errors. A report cell is placed against the range that matches its platform (and
network, when the report is broken down by network): ``below``, ``within`` or ``above``, or
``far_below`` / ``far_above`` when it is more than ten times outside — which is far more often a
unit mistake (micros not divided, a decimal comma read as a thousands separator) than a real
price.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict

from mille.platforms import all_platforms, find

CURRENCY = "USD"
# The catalogue's CTR is a percent; the platform modules hold it as a fraction.
PERCENT_METRICS: frozenset[str] = frozenset({"ctr"})
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

        With a known ``network`` (a value like ``Search Network`` or ``Red de Display`` counts as
        its family): that network's range, else the platform-wide one (never another network's —
        Google Display's CPM says nothing about Search). Without one: the platform-wide range,
        else every network's side by side (the caller does not place the value against several
        ranges)."""
        if platform is None:
            return []
        found = [e for e in self.entries if e.metric == metric and e.platform == platform]
        wide = [e for e in found if e.network is None]
        if network is not None:
            known = find(platform)
            family = known.network_family(network) if known is not None else None
            return [e for e in found if e.network in (network, family)] or wide
        return wide or found


@cache
def load_benchmarks() -> BenchmarkTable:
    """Every platform's benchmark ranges, in the metrics' own units (currency, CTR in percent)."""
    entries = []
    for p in all_platforms():
        for r in p.benchmarks:
            scale = 100.0 if r.metric in PERCENT_METRICS else 1.0
            # Rounded so 0.0046 shows as 0.46 %, not 0.45999999999999996 %.
            entries.append(Benchmark(platform=p.id, network=r.network, metric=r.metric,
                                     low=round(r.low * scale, 9), high=round(r.high * scale, 9),
                                     currency=CURRENCY, source=r.source, year=r.year, note=r.note))
    return BenchmarkTable(currency=CURRENCY, entries=entries)


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
