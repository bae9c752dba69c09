"""From a format's cells to unified ``ad_performance`` columns.

One pass per column, all vectorised: measures through the file's locale, dates through its date
formats, names trimmed, ids unwrapped (``[123]``), device and network values mapped to mille's
vocabulary, countries to ISO codes, then the rows' time span (``date_day``..``period_end``) and
granularity, currency, time zone and hierarchy level. What a format does differently is declared
in its module; this module is the same for every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.errors import IngestError
from mille.platforms import PLATFORMS
from mille.schema import AD_PERFORMANCE
from mille.sources.countries import to_codes
from mille.sources.dates import month_end, month_start, parse_dates, shift_days
from mille.sources.distinct import constant, constant_label, per_value
from mille.sources.format import Format, Locale
from mille.sources.layout import Layout
from mille.sources.numbers import parse_numbers, to_int
from mille.sources.preamble import iana_zone, period_of

MEASURES = ("spend", "spend_micros", "spend_usd", "impressions", "clicks", "clicks_all", "conversions",
            "conversions_value", "leads", "reach", "avg_daily_spend", "conversions_fallback")
COUNTS = ("impressions", "clicks", "clicks_all", "reach")
DATES = ("date_day", "period_end", "week_start", "month_start")
# Delivery measures whose absence an ingest reports (a missing column loads NULL, never 0), and the
# ratios each one is the base of.
DELIVERY = ("impressions", "clicks", "conversions")
RATIO_BASES = {"impressions": ("CPM", "CTR"), "clicks": ("CPC", "CTR")}
ID_FIELDS = ("account_id", "campaign_id", "ad_group_id", "ad_id", "geo_id")
DEMOGRAPHICS = ("job_function", "seniority", "industry", "company_size")
MONTH_FORMATS = ("%Y-%m-%d", "%Y-%m", "%B %Y", "%b %Y", "%b-%y", "%m/%d/%Y", "%d/%m/%Y")
ARROW_TYPES = {"string": pa.string(), "date": pa.date32(), "int64": pa.int64(), "float64": pa.float64(),
                "boolean": pa.bool_(), "timestamp": pa.timestamp("us")}


@dataclass
class Options:
    account_currency: str | None = None
    period: tuple[date, date] | None = None
    lookups: Any = None


@dataclass
class Unified:
    columns: dict[str, pa.Array]
    rows: int
    level: str
    warnings: list[str] = field(default_factory=list)
    measures: dict[str, pa.Array] = field(default_factory=dict)  # float64, for checks
    absent: list[str] = field(default_factory=list)  # delivery measures the export has no column for


def text_column(column: pa.Array | pa.ChunkedArray, missing: tuple[str, ...]) -> pa.Array:
    """Trimmed text; missing-value markers and blanks become null (worked on distinct values;
    chunked columns stay chunked, so an unchanged column is never copied)."""
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    blanks = pa.array(sorted({m.strip() for m in missing} | {""}), pa.string())

    distinct = pc.unique(column)
    text = pc.utf8_trim_whitespace(distinct)
    cleaned = pc.if_else(pc.is_in(text, blanks), pa.scalar(None, pa.string()), text)
    if cleaned.null_count == distinct.null_count and pc.all(pc.equal(cleaned, distinct)).as_py() is not False:
        return column  # nothing to trim or blank out: keep the column as read, no copy
    return pc.take(cleaned, pc.index_in(column, value_set=distinct))


def unify(kept: pa.Table, rows: np.ndarray, layout: Layout, locale: Locale, meta: dict[str, Any],
          options: Options, *, file: str | Path) -> Unified:
    fmt = layout.format
    n = kept.num_rows
    warnings: list[str] = []
    cols: dict[str, pa.Array] = {}
    for name, header in layout.fields.items():
        if name in DATES:
            continue
        if name in MEASURES:
            parsed = parse_numbers(kept.column(header), locale, missing=fmt.missing, name=header, file=file,
                                   row_numbers=rows)
            cols[name] = parsed.values
            if parsed.censored:
                warnings.append(f"{parsed.censored} censored values (< or >) in {header} read as missing")
        else:
            cols[name] = text_column(kept.column(header), fmt.missing)
    for name in ID_FIELDS:
        if name in cols:
            cols[name] = _clean_id(cols[name])
    _dates(cols, kept, rows, layout, locale, meta, options, file=file)
    from mille.sources.lookups import apply_joins

    warnings += apply_joins(cols, fmt.joins, options.lookups)
    warnings += fmt.finish(cols, kept, layout, meta, options.lookups)
    _check_dates(cols, rows, file=file, layout=layout)
    cols["granularity"] = granularity(cols["date_day"], cols["period_end"])
    if "spend" not in cols and "spend_micros" in cols:
        cols["spend"] = pc.divide(cols["spend_micros"], 1e6)
    measures = {m: cols[m] for m in ("spend", "impressions", "clicks", "conversions", "leads") if m in cols}
    for name in COUNTS:
        if name in cols:
            cols[name] = to_int(cols[name], name=layout.fields.get(name, name), file=file, row_numbers=rows)
    if "spend" in cols and pc.any(pc.less(cols["spend"], 0)).as_py():
        warnings.append("some rows have negative spend (refunds or credits?); they are kept as printed")
    _vocabulary(cols, fmt, warnings)
    _currency(cols, layout, fmt, options, n, file=file, rows=rows)
    _identity(cols, fmt, meta, n, file=file, rows=rows)
    level = fmt.level_of(layout) or hierarchy_level(cols)
    absent = [m for m in DELIVERY if m not in cols]
    warnings += [_absent_warning(m) for m in absent if m in RATIO_BASES]
    return Unified(cols, n, level, warnings, measures, absent)


def _absent_warning(measure: str) -> str:
    needs = " and ".join(RATIO_BASES[measure])
    return (f"the export has no {measure} column: {measure} are empty (not zero) on its rows, so "
            f"{needs} cannot be computed from it; re-export with the {measure} column to get them")


def _clean_id(ids: pa.Array) -> pa.Array:
    # Microsoft grids wrap ids in brackets so Excel keeps them; spreadsheets add `.0` to numbers.
    # The regexes run only when a cheap prefix/suffix test finds such an id: on millions of clean
    # ids they were a tenth of an ingest's time.
    if pc.any(pc.starts_with(ids, "[")).as_py():
        ids = pc.replace_substring_regex(ids, r"^\[(.*)\]$", r"\1")
    if pc.any(pc.ends_with(ids, ".0")).as_py():
        ids = pc.replace_substring_regex(ids, r"^(\d+)\.0$", r"\1")
    return ids


def _dates(cols: dict[str, pa.Array], kept: pa.Table, rows: np.ndarray, layout: Layout, locale: Locale,
           meta: dict[str, Any], options: Options, *, file: str | Path) -> None:
    f = layout.fields
    fmt = layout.format
    n = kept.num_rows

    def parse(field: str, formats: tuple[str, ...]) -> pa.Array:
        days, _ = parse_dates(kept.column(f[field]), formats, missing=fmt.missing, name=f[field],
                              file=file, row_numbers=rows)
        return days

    end: pa.Array | None = None
    if "date_day" in f:
        start = parse("date_day", locale.date_formats)
    elif "week_start" in f:
        start = parse("week_start", locale.date_formats)
        end = shift_days(start, 6)
    elif "month_start" in f:
        start = month_start(parse("month_start", MONTH_FORMATS))
        end = month_end(start)
    else:
        span = period_of(meta) or options.period
        if span is None:
            raise IngestError(
                "the file has no dates: no date column, and no date range above the header"
                + (" (it says `All time`)" if meta.get("all_time") else ""),
                file=file,
                expected="a Day/Date column or a date-range line",
                hint="re-export with a date range or a Day segment, or tell mille the period the "
                "file covers: --period YYYY-MM-DD:YYYY-MM-DD (or YYYY-MM)",
            )
        start = repeat(span[0], n, pa.date32())
        end = repeat(span[1], n, pa.date32())
    if "period_end" in f:
        explicit = parse("period_end", locale.date_formats)
        end = pc.coalesce(explicit, end if end is not None else start)
    if end is None:
        end = start
        span = period_of(meta)
        # Rows of a whole-range report are stamped with the range's first day.
        if (fmt.date_is_period_start and span and span[1] > span[0] and n
                and pc.all(pc.equal(start, pa.scalar(span[0], pa.date32()))).as_py()):
            end = repeat(span[1], n, pa.date32())
    cols["date_day"] = start
    cols["period_end"] = end


def _check_dates(cols: dict[str, pa.Array], rows: np.ndarray, *, file: str | Path, layout: Layout) -> None:
    start, end = cols["date_day"], cols["period_end"]
    if start.null_count:
        i = int(pc.index(pc.is_null(start), True).as_py())
        raise IngestError("a row has no date", file=file, row=int(rows[i]),
                          column=layout.fields.get("date_day"), expected="a date on every data row",
                          hint="fill the cell or delete the row")
    backwards = pc.fill_null(pc.less(end, start), False)
    if pc.any(backwards).as_py():
        i = int(pc.index(backwards, True).as_py())
        raise IngestError("the row ends before it starts", file=file, row=int(rows[i]),
                          column=layout.fields.get("period_end"), value=str(end[i].as_py()),
                          expected=f"an end on or after {start[i].as_py()}")


def granularity(start: pa.Array, end: pa.Array) -> pa.Array:
    """day, week, month or period for each row's span."""
    if len(start) == 0:
        return pa.array([], pa.string())
    if pc.all(pc.equal(start, end)).as_py():
        return constant("day", len(start), pa.string())
    s = start.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    e = end.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    span = (e - s).astype(np.int64)
    first_of_month = s == s.astype("datetime64[M]").astype("datetime64[D]")
    last_of_month = e == (e.astype("datetime64[M]") + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    same_month = s.astype("datetime64[M]") == e.astype("datetime64[M]")
    out = np.where(span == 0, "day", np.where(first_of_month & last_of_month & same_month, "month",
                                               np.where(span == 6, "week", "period")))
    return pa.array(out, pa.string())


def _vocabulary(cols: dict[str, pa.Array], fmt: type[Format], warnings: list[str]) -> None:
    for name, mapping in fmt.value_maps.items():
        if name in cols:
            cols[name] = map_values(cols[name], mapping)
    for name in ("device", "network", "placement", "objective", "gender", "age"):
        if name in cols and name not in fmt.value_maps:
            cols[name] = _slug(cols[name])
    if "campaign_type" in cols:
        kind = cols["campaign_type"] if "campaign_type" in fmt.value_maps else _slug(cols["campaign_type"])
        cols["network"] = pc.coalesce(cols["network"], kind) if "network" in cols else kind
    if "country" in cols:
        cols["country"], unknown = to_codes(cols["country"])
        if unknown:
            shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
            warnings.append(f"{len(unknown)} country names kept as written (no ISO code known): {shown}")


def map_values(values: pa.Array, mapping: dict[str, str] | Any) -> pa.Array:
    """Map case-insensitively; unmapped values become lower-case slugs."""
    keys = pa.array(list(mapping), pa.string())
    targets = pa.array(list(mapping.values()), pa.string())

    def mapped(distinct: pa.Array) -> pa.Array:
        index = pc.index_in(pc.utf8_lower(distinct), value_set=keys)
        return pc.coalesce(pc.take(targets, index), _slug_values(distinct))

    return per_value(values, mapped)


def _slug(values: pa.Array) -> pa.Array:
    return per_value(values, _slug_values)


def _slug_values(values: pa.Array) -> pa.Array:
    return pc.replace_substring_regex(pc.utf8_lower(values), r"[\s\-/]+", "_")


def _currency(cols: dict[str, pa.Array], layout: Layout, fmt: type[Format], options: Options, n: int, *,
              file: str | Path, rows: np.ndarray) -> None:
    fallback = layout.captured.get("currency") or fmt.default_currency or options.account_currency
    current = cols.get("currency")
    if current is not None:
        valid = pc.match_substring_regex(current, "^[A-Za-z]{3}$")
        bad = pc.and_(pc.is_valid(current), pc.invert(pc.fill_null(valid, False)))
        if pc.any(bad).as_py():
            i = int(pc.index(bad, True).as_py())
            raise IngestError("not a currency code", file=file, row=int(rows[i]), column=layout.fields["currency"],
                              value=current[i].as_py(), expected="an ISO 4217 code such as USD or EUR")
        current = pc.utf8_upper(current)
    if fallback:
        filler = _repeat(fallback.upper(), n)
        current = filler if current is None else pc.coalesce(current, filler)
    if current is not None:
        cols["currency"] = current


def _identity(cols: dict[str, pa.Array], fmt: type[Format], meta: dict[str, Any], n: int, *,
              file: str | Path, rows: np.ndarray) -> None:
    if fmt.platform:
        cols["platform"] = _repeat(fmt.platform, n)
    elif "platform" in cols:
        bad = pc.invert(pc.fill_null(pc.is_in(cols["platform"], pa.array(PLATFORMS)), False))
        if pc.any(bad).as_py():
            i = int(pc.index(bad, True).as_py())
            raise IngestError("not a platform mille knows", file=file, row=int(rows[i]), column="platform",
                              value=cols["platform"][i].as_py(), expected=", ".join(PLATFORMS))
    if "account_name" not in cols and meta.get("account_name"):
        cols["account_name"] = _repeat(str(meta["account_name"]), n)
    zone = cols.get("report_timezone")
    if zone is not None:
        zone = _zones(zone)
    if fmt.timezone == "UTC":
        cols["report_timezone"] = _repeat("UTC", n)
        return
    if fmt.timezone in ("account", "preamble"):
        default = meta.get("time_zone") or "account"
    else:
        default = fmt.timezone
    filler = _repeat(default, n)
    cols["report_timezone"] = filler if zone is None else pc.coalesce(zone, filler)


def _zones(zone: pa.Array) -> pa.Array:
    return per_value(zone, lambda distinct: pa.array([iana_zone(z) if z else z for z in distinct.to_pylist()],
                                                     pa.string()))


def hierarchy_level(cols: dict[str, pa.Array]) -> str:
    if any(d in cols for d in DEMOGRAPHICS):
        return "breakdown"
    if "keyword" in cols or "search_term" in cols:
        return "keyword"
    if "ad_id" in cols or "ad_name" in cols:
        return "ad"
    if "ad_group_id" in cols or "ad_group_name" in cols:
        return "ad_group"
    if "campaign_id" in cols or "campaign_name" in cols:
        return "campaign"
    return "account"


def repeat(value: Any, n: int, arrow_type: pa.DataType) -> pa.Array:
    """One value n times, without building a Python list of n items."""
    return constant(value, n, arrow_type)


def _repeat(value: str, n: int) -> pa.Array:
    return repeat(value, n, pa.string())


def build_table(cols: dict[str, pa.Array], n: int, lineage: dict[str, Any], rows: np.ndarray) -> pa.Table:
    """The unified columns in schema order and types; lineage constants repeated per row."""
    arrays: list[pa.Array] = []
    nulls: dict[pa.DataType, pa.Array] = {}  # arrays are immutable: one all-null array per type

    def empty(arrow_type: pa.DataType) -> pa.Array:
        if arrow_type not in nulls:
            nulls[arrow_type] = pa.nulls(n, arrow_type)
        return nulls[arrow_type]

    for col in AD_PERFORMANCE.columns:
        arrow_type = ARROW_TYPES[col.dtype]
        if col.name == "row_number":
            arrays.append(pa.array(rows, pa.int64()))
        elif col.name in lineage:
            value = lineage[col.name]
            arrays.append(empty(arrow_type) if value is None else constant_label(str(value), n))
        elif col.name in cols:
            value_column = cols[col.name]
            arrays.append(value_column if value_column.type == arrow_type else value_column.cast(arrow_type))
        else:
            arrays.append(empty(arrow_type))
    return pa.Table.from_arrays(arrays, names=AD_PERFORMANCE.names)
