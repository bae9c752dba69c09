"""What every check reads: the audited rows, one shared daily roll-up, names and spend per source.

Checks are engine queries (Ibis → engine → Arrow). Most of them look at the same thing — spend
and delivery per platform × account × campaign × day × export — so that roll-up is computed once
per audit, in one engine query, and shared; the row-level checks (negative values, clicks above
impressions…) run their own filtered aggregate queries. The roll-up has one row per campaign-day
and export, a few hundred thousand rows for a ten-million-row workspace, and is handled with
vectorised pandas/numpy from there.

Keys: exports often carry names but no ids (Meta and LinkedIn UI exports), so an account is
identified by its id, else its name (``account_id`` in findings), and a campaign likewise. The
empty string stands for "none" in the roll-up so that no group is lost to a null key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import ibis
import numpy as np
import pandas as pd

from mille.periods import Period
from mille.platforms import label as platform_label

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from mille.workspace import Workspace

T = TypeVar("T")
EPOCH = date(1970, 1, 1)
MARGIN_DAYS = 35  # days read either side of the period, to judge "delivered before and after"
MEASURES = ("spend", "spend_basis", "unconverted", "impressions", "clicks", "conversions", "leads")


def account_key(t: ir.Table) -> ir.StringValue:
    return ibis.coalesce(t.account_id, t.account_name, ibis.literal(""))


def campaign_key(t: ir.Table) -> ir.StringValue:
    return ibis.coalesce(t.campaign_id, t.campaign_name, ibis.literal(""))


def spend_basis(t: ir.Table) -> ir.FloatingValue:
    """Spend in the reporting currency, or in the account's currency where no rate was applied
    (the ``currency.missing_fx`` check reports those rows)."""
    return ibis.coalesce(t.spend_reporting, t.spend)


def day_number(values: Any) -> np.ndarray:
    """Dates (datetime64 or date objects) → days since 1970-01-01 as int64."""
    return np.asarray(pd.to_datetime(values).values.astype("datetime64[D]").astype(np.int64))


def as_date(n: int | np.integer) -> date:
    return EPOCH + timedelta(days=int(n))


def blank_to_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value)
    return text if text else None


@dataclass
class AuditContext:
    ws: Workspace
    period: Period | None
    as_of: date
    data_last_day: date | None = None  # the newest day held in the whole workspace
    _cache: dict[str, Any] = field(default_factory=dict)

    # -- rows ------------------------------------------------------------------------------
    @property
    def engine(self):  # -> mille.engine.Engine
        return self.ws.engine

    def bounds(self, *, margin: bool = False) -> tuple[date | None, date | None]:
        if self.period is None:
            return None, None
        pad = timedelta(days=MARGIN_DAYS if margin else 0)
        return self.period.start - pad, self.period.end + pad

    def within(self, t: ir.Table, *, margin: bool = False) -> ir.Table:
        """Rows whose days overlap the period (or its margin)."""
        start, end = self.bounds(margin=margin)
        if start is None or end is None:
            return t
        return t.filter((t.date_day <= end) & (t.period_end >= start))

    def figures(self, *, margin: bool = False) -> ir.Table:
        """The rows figures are computed from (not superseded), in the period."""
        return self.within(self.ws.ad_performance(), margin=margin)

    def stored(self, *, margin: bool = False) -> ir.Table:
        """Every stored row, superseded ones included, in the period."""
        return self.within(self.engine.table("ad_performance"), margin=margin)

    def frame(self, expr: ir.Table) -> pd.DataFrame:
        return self.engine.to_arrow(expr).to_pandas(date_as_object=False)

    def count(self, table: str) -> int:
        return int(self.engine.scalar(self.engine.table(table).count()))

    def cached(self, key: str, build: Callable[[], T]) -> T:
        """Work several checks share (a roll-up, a series table), computed once per audit."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    # -- the shared roll-up ------------------------------------------------------------------
    def daily(self) -> pd.DataFrame:
        """Spend and delivery per platform × account × campaign × day × export (with margin)."""
        return self.cached("daily", self._rollup)

    def _rollup(self) -> pd.DataFrame:
        t = self.figures(margin=True)
        expr = t.group_by(
            platform=t.platform,
            account_id=account_key(t),
            campaign_id=campaign_key(t),
            date_day=t.date_day,
            period_end=t.period_end,
            granularity=t.granularity,
            level=t.level.fill_null(""),
            ingest_id=t.ingest_id,
            currency=t.currency.fill_null(""),
            report_timezone=t.report_timezone.fill_null(""),
        ).aggregate(
            account_name=t.account_name.max(),
            campaign_name=t.campaign_name.max(),
            source_relation=t.source_relation.max(),
            spend=t.spend.sum(),
            spend_basis=spend_basis(t).sum(),
            unconverted=t.spend.sum(where=t.spend_reporting.isnull() & (t.spend != 0)),
            impressions=t.impressions.sum(),
            impressions_rows=t.impressions.count(),
            clicks=t.clicks.sum(),
            clicks_rows=t.clicks.count(),
            conversions=t.conversions.sum(),
            leads=t.leads.sum(),
            rows=t.count(),
        )
        df = self.frame(expr)
        for m in MEASURES:
            df[m] = df[m].astype("float64").fillna(0.0)
        df["day"] = day_number(df["date_day"])
        df["end_day"] = day_number(df["period_end"])
        start, end = self.bounds()
        if start is None or end is None:
            df["in_period"] = True
        else:
            df["in_period"] = (df["day"] <= (end - EPOCH).days) & (df["end_day"] >= (start - EPOCH).days)
        return df

    def daily_in_period(self) -> pd.DataFrame:
        d = self.daily()
        return d[d["in_period"].to_numpy()]

    # -- names and spend per source ------------------------------------------------------------
    def names(self) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str, str], str]]:
        """Account and campaign names by key, for findings to show names rather than ids."""

        def build() -> tuple[dict[tuple[str, str], str], dict[tuple[str, str, str], str]]:
            d = self.daily()
            acc = d.groupby(["platform", "account_id"], sort=False)["account_name"].max()
            cmp = d.groupby(["platform", "account_id", "campaign_id"], sort=False)["campaign_name"].max()
            return ({k: v for k, v in acc.items() if isinstance(v, str)},
                    {k: v for k, v in cmp.items() if isinstance(v, str)})

        return self.cached("names", build)

    def entity(self, platform: str | None, account_id: str | None = None, campaign_id: str | None = None) -> dict[str, Any]:
        """Finding fields naming a platform / account / campaign, names looked up."""
        accounts, campaigns = self.names()
        acc = blank_to_none(account_id)
        cmp = blank_to_none(campaign_id)
        out: dict[str, Any] = {"platform": platform, "account_id": acc, "account": None}
        if platform is not None and acc is not None:
            out["account"] = accounts.get((platform, acc), acc)
        if cmp is not None:
            out["campaign_id"] = cmp
            out["campaign"] = campaigns.get((platform or "", account_id or "", cmp), cmp)
        return out

    def source_spend(self) -> pd.DataFrame:
        """Spend (reporting currency) and impressions held in the period per platform × account."""
        return self.cached("source_spend", lambda: self.daily_in_period().groupby(
            ["platform", "account_id"], sort=True, as_index=False).agg(
                spend=("spend_basis", "sum"), impressions=("impressions", "sum"),
                account_name=("account_name", "max"), first_day=("day", "min"), last_day=("end_day", "max")))

    def platform_spend(self) -> dict[str, float]:
        s = self.source_spend()
        return {str(k): float(v) for k, v in s.groupby("platform")["spend"].sum().items()}

    def total_spend(self) -> float:
        return float(self.source_spend()["spend"].sum())

    def period_days(self) -> tuple[int, int] | None:
        """The period as day numbers (inclusive), or None for all data."""
        start, end = self.bounds()
        if start is None or end is None:
            return None
        return (start - EPOCH).days, (end - EPOCH).days


def who(ent: dict[str, Any]) -> str:
    """"Meta Ads account Northwind EMEA, campaign X" for a finding's entity fields."""
    platform = ent.get("platform")
    if platform is None:
        return "all sources"
    text = platform_label(platform, platform)
    if ent.get("account_id") is not None or ent.get("account"):
        text += f" account {ent.get('account') or ent.get('account_id')}"
    if ent.get("campaign"):
        text += f", campaign {ent['campaign']}"
    return text


def grouped(df: pd.DataFrame, keys: list[str]) -> Iterator[tuple[dict[str, Any], pd.DataFrame]]:
    """Sub-frames per key combination — one per finding, never one per row."""
    if df.empty:
        return
    for values, sub in df.groupby(keys, sort=True, dropna=False):
        values = values if isinstance(values, tuple) else (values,)
        yield dict(zip(keys, values, strict=True)), sub


def days_of(sub: pd.DataFrame, column: str = "day") -> list[date]:
    return [as_date(n) for n in np.unique(sub[column].to_numpy())]


def files_of(sub: pd.DataFrame) -> list[str]:
    return sorted({str(v) for v in sub["source_relation"].dropna().unique()})
