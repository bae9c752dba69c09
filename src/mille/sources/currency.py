"""Spend in the reporting currency: native ``spend`` × the rate of its currency on ``date_day``.

Rates come from ``mille.yaml``'s ``fx``: a rates file (``date,currency,rate``; 1 unit of the
currency = ``rate`` units of the reporting currency; the nearest earlier date applies) or fixed
rates (``fx.fixed: {EUR: 1.08}``). The reporting currency converts at 1. A row whose rate is
missing is an error that lists the missing currency/date pairs — never a silent 1.0.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from mille.config import FxConfig
from mille.errors import ConfigError, IngestError

_EPOCH = date(1970, 1, 1)


class Rates:
    """The workspace's exchange rates, loaded once per ingest."""

    def __init__(self, fx: FxConfig, reporting: str, root: Path) -> None:
        self.reporting = reporting
        self.fixed = dict(fx.fixed)
        self.series: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.file: Path | None = None
        if fx.rates_file:
            self.file = (root / fx.rates_file) if not Path(fx.rates_file).is_absolute() else Path(fx.rates_file)
            self.series = _load(self.file)

    def convert(self, spend: pa.Array, currency: pa.Array | None, days: pa.Array, *, file: str) -> pa.Array:
        """spend × rate(currency, day) for every row; raises listing every missing pair."""
        n = len(spend)
        if n == 0:
            return pa.array([], pa.float64())
        if currency is None or currency.null_count:
            where = 0 if currency is None else int(pc.index(pc.is_null(currency), True).as_py())
            raise IngestError(
                "the export does not say which currency its spend is in",
                file=file,
                row=None if currency is None else where + 1,
                column="currency",
                hint="pass --account-currency CODE (e.g. --account-currency EUR) for files without a currency",
            )
        encoded = pc.dictionary_encode(currency)
        codes = encoded.dictionary.to_pylist()
        index = encoded.indices.to_numpy(zero_copy_only=False)
        day_numbers = days.cast(pa.int32()).to_numpy(zero_copy_only=False)
        rate = np.full(n, np.nan)
        missing: list[tuple[str, np.ndarray]] = []
        for k, code in enumerate(codes):
            rows = index == k
            if code == self.reporting:
                rate[rows] = 1.0
            elif code in self.series:
                rate_days, values = self.series[code]
                pos = np.searchsorted(rate_days, day_numbers[rows], side="right") - 1
                found = pos >= 0
                picked = np.full(pos.shape, np.nan)
                picked[found] = values[pos[found]]
                rate[rows] = picked
                if not found.all():
                    missing.append((code, np.unique(day_numbers[rows][~found])))
            elif code in self.fixed:
                rate[rows] = self.fixed[code]
            else:
                missing.append((code, np.unique(day_numbers[rows])))
        if missing:
            raise self._missing(missing, file)
        values = spend.to_numpy(zero_copy_only=False).astype(float) * rate
        return pa.array(values, pa.float64(), mask=np.isnan(values))

    def _missing(self, missing: list[tuple[str, np.ndarray]], file: str) -> IngestError:
        pairs = [(code, int(d)) for code, days in missing for d in days]
        shown = ", ".join(f"{code} {_day(d)}" for code, d in pairs[:10])
        more = f" and {len(pairs) - 10} more" if len(pairs) > 10 else ""
        where = f"add them to {self.file}" if self.file else "add a rates file (fx.rates_file) or fx.fixed rates to mille.yaml"
        return IngestError(
            f"no exchange rate into {self.reporting} for {len(pairs)} currency/date pairs: {shown}{more}",
            file=file,
            expected=f"a rate on or before each day, for {', '.join(sorted({c for c, _ in missing}))}",
            hint=where,
        )


def _day(number: int) -> str:
    return (_EPOCH + timedelta(days=number)).isoformat()


def _load(path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    if not path.exists():
        raise ConfigError("the fx rates file does not exist", file=path, key="fx.rates_file",
                          hint="fix the path in mille.yaml (relative paths start at the workspace)")
    try:
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={"date": pa.date32(), "currency": pa.string(), "rate": pa.float64()},
                include_columns=["date", "currency", "rate"],
            ),
        )
    except (pa.ArrowInvalid, KeyError) as exc:
        raise ConfigError(
            f"the fx rates file cannot be read: {str(exc).splitlines()[0]}",
            file=path,
            expected="a CSV with columns date,currency,rate (date as YYYY-MM-DD, rate as a number)",
        ) from None
    if table.num_rows and (pc.any(pc.less_equal(table["rate"], 0)).as_py() or table["rate"].null_count):
        bad = int(pc.index(pc.fill_null(pc.less_equal(table["rate"], 0), True), True).as_py())
        raise ConfigError("an exchange rate must be a positive number", file=path, line=bad + 2, column="rate",
                          value=table["rate"][bad].as_py())
    series: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    table = table.sort_by([("currency", "ascending"), ("date", "ascending")])
    for code in pc.unique(table["currency"]).to_pylist():
        part = table.filter(pc.equal(table["currency"], code))
        series[str(code).strip().upper()] = (
            part["date"].cast(pa.int32()).to_numpy(),
            part["rate"].to_numpy(),
        )
    return series
