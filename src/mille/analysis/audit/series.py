"""Day series of an account or a campaign: which days hold rows, which delivered, and the holes.

A *series* is the daily delivery of one platform × account (or × campaign). Each day is one of:

* **delivering** — rows with impressions or spend (or a weekly/monthly row covering the day);
* **zero** — rows present, but no impressions and no spend;
* **missing** — no row at all.

A *gap* is a run of missing days with delivery on both sides; a *drop* is a run of zero days after
delivery. Two things keep these honest on real B2B data:

* **Ad schedules.** Many B2B campaigns don't run at weekends. A weekday on which a series
  delivered on fewer than half of the occurrences in its active span (at least three weeks) is
  *off-schedule* for that series, and a run made only of off-schedule days is not a hole.
* **Small series.** A series that shows a handful of impressions a day may have no delivery on a
  given day by chance. A hole is reported only when, at the series' normal daily impressions,
  seeing none on those days by chance has a Poisson probability below one in a million
  (expected impressions ≥ 14, since e⁻¹⁴ < 10⁻⁶).

Everything is vectorised over series and days (numpy), with no Python loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

POISSON_FLOOR = 14.0  # expected impressions below which "none" may be chance (e^-14 < 1e-6)
SCHEDULE_MIN_SPAN = 21  # days of activity needed before a weekday can be judged off-schedule
SCHEDULE_MIN_RATE = 0.5  # a weekday delivering less often than this is off-schedule
BASELINE_DAYS = 28  # a hole's normal day is read from this many days either side
_KEY = np.int64(1) << 32  # series id × _KEY + day number: one sortable key per series-day
SUDDEN = 0.25  # the day before a drop delivered at least this share of the series' normal day


def weekday(day: np.ndarray) -> np.ndarray:
    """Monday = 0 for day numbers counted from 1970-01-01 (a Thursday)."""
    return (day + 3) % 7


def weekday_counts(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """How many Mondays … Sundays each inclusive [start, end] holds: shape (n, 7)."""
    n = np.maximum(end - start + 1, 0)
    full, rest = np.divmod(n, 7)
    offset = (np.arange(7)[None, :] - weekday(start)[:, None]) % 7
    return full[:, None] + (offset < rest[:, None]).astype(np.int64)


@dataclass
class Series:
    """Series × day table (sorted) plus per-series figures."""

    keys: list[str]
    days: pd.DataFrame  # keys…, sid, day, spend, impressions, delivering, covered
    info: pd.DataFrame  # per sid: keys…, first, last, mean_impressions, mean_spend, off (bitmask)

    @classmethod
    def build(cls, daily: pd.DataFrame, keys: list[str]) -> Series:
        day_rows = daily[daily["granularity"].to_numpy() == "day"]
        per_day = day_rows.groupby([*keys, "day"], sort=False, as_index=False).agg(
            spend=("spend_basis", "sum"), impressions=("impressions", "sum")
        )
        per_day["covered"] = False
        longer = daily[daily["granularity"].to_numpy() != "day"]
        if not longer.empty:  # weekly/monthly rows count as present on every day they cover
            lengths = (longer["end_day"] - longer["day"] + 1).clip(lower=1).to_numpy()
            idx = np.repeat(np.arange(len(longer)), lengths)
            starts = np.repeat(longer["day"].to_numpy() - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
            expanded = longer[keys].iloc[idx].reset_index(drop=True)
            expanded["day"] = starts + np.arange(len(idx))
            expanded = expanded.drop_duplicates()
            expanded[["spend", "impressions"]] = 0.0
            expanded["covered"] = True
            per_day = pd.concat([per_day, expanded], ignore_index=True).groupby(
                [*keys, "day"], sort=False, as_index=False
            ).agg(spend=("spend", "sum"), impressions=("impressions", "sum"), covered=("covered", "max"))
        per_day = per_day.sort_values([*keys, "day"], kind="stable").reset_index(drop=True)
        per_day["sid"] = per_day.groupby(keys, sort=False).ngroup()
        per_day["delivering"] = (per_day["impressions"] > 0) | (per_day["spend"] > 0) | per_day["covered"]
        return cls(keys, per_day, _series_info(per_day, keys))

    # -- holes ---------------------------------------------------------------------------------
    def gaps(self) -> pd.DataFrame:
        """Runs of missing days with delivery before and after."""
        d = self.days
        sid = d["sid"].to_numpy()
        day = d["day"].to_numpy()
        if len(d) < 2:
            return _empty_runs(self.keys)
        same = sid[1:] == sid[:-1]
        jump = (day[1:] - day[:-1]) > 1
        at = np.flatnonzero(same & jump)
        runs = pd.DataFrame({"sid": sid[at], "start": day[at] + 1, "end": day[at + 1] - 1})
        info = self.info.set_index("sid")
        runs = runs[
            (info.loc[runs["sid"], "first"].to_numpy() < runs["start"].to_numpy())
            & (info.loc[runs["sid"], "last"].to_numpy() > runs["end"].to_numpy())
        ]
        return self._judge(runs, recovered=np.ones(len(runs), dtype=bool))

    def drops(self) -> pd.DataFrame:
        """Runs of zero-delivery days (rows present) after a normal delivering day."""
        d = self.days
        zero = ~d["delivering"].to_numpy()
        if not zero.any():
            return _empty_runs(self.keys)
        sid = d["sid"].to_numpy()
        day = d["day"].to_numpy()
        idx = np.flatnonzero(zero)
        # A new run starts where the previous zero day is not the previous row of the same series.
        starts = np.r_[True, (idx[1:] != idx[:-1] + 1) | (sid[idx[1:]] != sid[idx[:-1]])]
        first_idx = idx[starts]
        last_idx = idx[np.r_[starts[1:], True]]
        runs = pd.DataFrame({"sid": sid[first_idx], "start": day[first_idx], "end": day[last_idx]})
        prev = first_idx - 1
        has_prev = (prev >= 0) & (sid[np.maximum(prev, 0)] == runs["sid"].to_numpy())
        info = self.info.set_index("sid").loc[runs["sid"]]
        prev_impr = np.where(has_prev, d["impressions"].to_numpy()[np.maximum(prev, 0)], 0.0)
        prev_spend = np.where(has_prev, d["spend"].to_numpy()[np.maximum(prev, 0)], 0.0)
        sudden = (prev_impr >= SUDDEN * info["mean_impressions"].to_numpy()) & (
            prev_spend >= SUDDEN * info["mean_spend"].to_numpy()
        )
        keep = has_prev & sudden & (runs["start"].to_numpy() > info["first"].to_numpy())
        runs = runs[keep]
        recovered = self.info.set_index("sid").loc[runs["sid"], "last"].to_numpy() > runs["end"].to_numpy()
        return self._judge(runs, recovered=recovered)

    def _judge(self, runs: pd.DataFrame, *, recovered: np.ndarray) -> pd.DataFrame:
        """Keep runs with on-schedule days whose expected delivery makes "none" implausible."""
        if runs.empty:
            return _empty_runs(self.keys)
        info = self.info.set_index("sid").loc[runs["sid"]]
        off = info["off"].to_numpy()
        bits = (off[:, None] >> np.arange(7)[None, :]) & 1
        counts = weekday_counts(runs["start"].to_numpy(), runs["end"].to_numpy())
        on_days = (counts * (1 - bits)).sum(axis=1)
        mean_impr, mean_spend = self._local_means(runs, info)
        exp_impr = mean_impr * on_days
        exp_spend = mean_spend * on_days
        no_impressions = mean_impr == 0
        plausible = (exp_impr >= POISSON_FLOOR) | (no_impressions & (exp_spend > 0))
        out = runs.assign(
            on_days=on_days, exp_impressions=exp_impr, exp_spend=exp_spend, off=off, recovered=recovered
        )[(on_days > 0) & plausible]
        keys = self.info.set_index("sid")[self.keys]
        return pd.concat([keys.loc[out["sid"]].reset_index(drop=True), out.reset_index(drop=True)], axis=1)

    def _local_means(self, runs: pd.DataFrame, info: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """A hole's normal day: the series' delivering days within ``BASELINE_DAYS`` either side.

        The same hole gets the same estimate whatever period is audited (the audit reads
        ``MARGIN_DAYS`` ≥ ``BASELINE_DAYS`` around its period), so explain's "about $X missing"
        and the audit's figure are one number. Without delivery nearby, the series' mean.
        """
        d = self.days
        key = d["sid"].to_numpy().astype(np.int64) * _KEY + d["day"].to_numpy().astype(np.int64)
        on = d["delivering"].to_numpy()
        sums = {c: np.r_[0.0, np.cumsum(np.where(on, d[c].to_numpy(dtype="float64"), 0.0))]
                for c in ("spend", "impressions")}
        n = np.r_[0, np.cumsum(on)]
        sid = runs["sid"].to_numpy().astype(np.int64) * _KEY
        start, end = runs["start"].to_numpy().astype(np.int64), runs["end"].to_numpy().astype(np.int64)
        spans = [(start - BASELINE_DAYS, start - 1), (end + 1, end + BASELINE_DAYS)]
        lo = [np.searchsorted(key, sid + a, "left") for a, _ in spans]
        hi = [np.searchsorted(key, sid + b, "right") for _, b in spans]
        count = sum(n[h] - n[low] for low, h in zip(lo, hi, strict=True))
        out = []
        for c, fallback in (("impressions", "mean_impressions"), ("spend", "mean_spend")):
            total = sum(sums[c][h] - sums[c][low] for low, h in zip(lo, hi, strict=True))
            with np.errstate(divide="ignore", invalid="ignore"):
                out.append(np.where(count > 0, total / np.maximum(count, 1), info[fallback].to_numpy()))
        return out[0], out[1]

    def present(self) -> pd.DataFrame:
        """Days with delivery: keys…, day."""
        d = self.days
        return d.loc[d["delivering"].to_numpy(), [*self.keys, "day"]]


def _series_info(d: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    deliv = d[d["delivering"].to_numpy()]
    g = deliv.groupby("sid", sort=True).agg(
        first=("day", "min"), last=("day", "max"), n=("day", "size"),
        impressions=("impressions", "sum"), spend=("spend", "sum"),
    )
    g["mean_impressions"] = g["impressions"] / g["n"]
    g["mean_spend"] = g["spend"] / g["n"]
    # Off-schedule weekdays: how often the series delivered on each weekday of its active span.
    sid = deliv["sid"].to_numpy()
    wd = (deliv["day"].to_numpy() + 3) % 7
    n_series = int(d["sid"].max()) + 1 if len(d) else 0
    hits = np.bincount(sid * 7 + wd, minlength=n_series * 7).reshape(n_series, 7)[g.index.to_numpy()]
    span = weekday_counts(g["first"].to_numpy(), g["last"].to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(span > 0, hits / np.maximum(span, 1), 1.0)
    long_enough = (g["last"] - g["first"] + 1).to_numpy() >= SCHEDULE_MIN_SPAN
    off_bits = ((rate < SCHEDULE_MIN_RATE) & long_enough[:, None]).astype(np.int64)
    g["off"] = (off_bits << np.arange(7)[None, :]).sum(axis=1)
    # Series that never delivered keep a row too (first after last: no run can sit inside them).
    g = g.reindex(pd.RangeIndex(n_series, name="sid"))
    g = g.fillna({"first": np.iinfo(np.int64).max // 2, "last": -1, "n": 0, "impressions": 0.0,
                  "spend": 0.0, "mean_impressions": 0.0, "mean_spend": 0.0, "off": 0})
    g[["first", "last", "n", "off"]] = g[["first", "last", "n", "off"]].astype(np.int64)
    names = d.drop_duplicates("sid").set_index("sid")[keys]
    return g.join(names).reset_index()


def _empty_runs(keys: list[str]) -> pd.DataFrame:
    cols = [*keys, "sid", "start", "end", "on_days", "exp_impressions", "exp_spend", "off", "recovered"]
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})


def on_schedule_days(start: int, end: int, off: int, window: tuple[int, int] | None) -> list[int]:
    """The run's days that are on the series' schedule and inside the audited period."""
    lo, hi = (start, end) if window is None else (max(start, window[0]), min(end, window[1]))
    return [n for n in range(lo, hi + 1) if not (int(off) >> ((n + 3) % 7)) & 1]
