"""Cells as the platforms print them, whole columns at a time.

Each exporter formats numbers its own way (``"12,345"`` with thousands separators and quotes in
Google Ads, ``69.8`` with trailing zeros dropped in Meta, ``4.12%``, `` --`` or an empty cell for
a missing ratio). These helpers turn numpy columns into arrays of cell text, and assemble lines
and files, without a Python loop over rows.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

MONTH_NAMES = tuple(calendar.month_name)  # "", "January", …


def text(values: np.ndarray | Sequence[object]) -> np.ndarray:
    """Strings, with None as an empty cell."""
    arr = np.asarray(values, dtype=object)
    return np.where(arr == None, "", arr).astype(str)  # noqa: E711 — elementwise


def lookup(values: Sequence[object], mapping: dict[str, str]) -> np.ndarray:
    """Labels for codes (``US`` → ``United States``), one lookup per distinct code."""
    keys, inverse = np.unique(np.asarray(values).astype(str), return_inverse=True)
    return np.array([mapping[k] for k in keys], dtype=object)[inverse]


def integers(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype(str)


def fixed(values: np.ndarray, decimals: int) -> np.ndarray:
    return np.char.mod(f"%.{decimals}f", np.asarray(values, dtype=np.float64))


def grouped(values: np.ndarray, decimals: int = 0) -> np.ndarray:
    """``12345`` → ``12,345``; with decimals, ``2121.55`` → ``2,121.55`` (non-negative values)."""
    v = np.asarray(values, dtype=np.float64)
    scaled = np.round(v * 10**decimals).astype(np.int64)
    whole, frac = np.divmod(scaled, 10**decimals)
    out = (whole % 1000).astype(str)
    rest = whole // 1000
    while (rest > 0).any():
        chunk = np.char.zfill((rest % 1000).astype(str), 3)
        head = np.where(rest >= 1000, chunk, (rest % 1000).astype(str))
        out = np.where(rest > 0, np.char.add(np.char.add(head, ","), np.char.zfill(out, 3)), out)
        rest = rest // 1000
    if decimals:
        out = np.char.add(np.char.add(out, "."), np.char.zfill(frac.astype(str), decimals))
    return out


def trimmed(values: np.ndarray, decimals: int) -> np.ndarray:
    """Meta's numbers: ``69.80`` → ``69.8``, ``70.00`` → ``70``."""
    s = np.char.rstrip(np.char.rstrip(fixed(values, decimals), "0"), ".")
    return np.where(s == "", "0", s)


def ratio(num: np.ndarray, den: np.ndarray, *, scale: float, decimals: int, suffix: str = "",
          missing: str = "", grouped_thousands: bool = False) -> np.ndarray:
    """``scale × num / den`` as text; ``missing`` where ``den`` is zero."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(den > 0, scale * num / den, 0.0)
    body = grouped(value, decimals) if grouped_thousands else fixed(value, decimals)
    return np.where(den > 0, np.char.add(body, suffix), missing)


def quoted(values: np.ndarray) -> np.ndarray:
    """Every value in double quotes (embedded quotes doubled), as Microsoft writes every field."""
    inner = np.char.replace(np.asarray(values, dtype=str), '"', '""')
    return np.char.add(np.char.add('"', inner), '"')


def quoted_if(values: np.ndarray, chars: str) -> np.ndarray:
    """Quote only the values containing one of ``chars`` (or a quote), like a minimal CSV writer."""
    arr = np.asarray(values, dtype=str)
    needs = np.zeros(arr.shape, dtype=bool)
    for ch in chars + '"':
        needs |= np.char.find(arr, ch) >= 0
    return np.where(needs, quoted(arr), arr)


def lines(columns: Sequence[np.ndarray], sep: str) -> list[str]:
    """Join cell columns into lines."""
    if not columns or len(columns[0]) == 0:
        return []
    out = np.asarray(columns[0], dtype=str)
    for col in columns[1:]:
        out = np.char.add(np.char.add(out, sep), np.asarray(col, dtype=str))
    return out.tolist()


def days_of(table: pa.Table, column: str = "date_day") -> np.ndarray:
    return table.column(column).to_numpy().astype("datetime64[D]")


def iso_days(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D")


def us_days(days: np.ndarray) -> np.ndarray:
    """``2026-05-03`` → ``5/3/2026`` (LinkedIn's and Microsoft's en-US dates)."""
    d = days.astype("datetime64[D]")
    year = d.astype("datetime64[Y]").astype(int) + 1970
    month = d.astype("datetime64[M]").astype(int) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(int) + 1
    return np.char.add(np.char.add(np.char.add(np.char.add(month.astype(str), "/"), day.astype(str)), "/"),
                       year.astype(str))


def long_date(d: date) -> str:
    """``May 1, 2026`` (en-US UI)."""
    return f"{MONTH_NAMES[d.month]} {d.day}, {d.year}"


def long_date_gb(d: date) -> str:
    """``1 June 2026`` (en-GB UI)."""
    return f"{d.day} {MONTH_NAMES[d.month]} {d.year}"


def us_date(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def encode(content: str, encoding: str) -> bytes:
    """``utf-8``, ``utf-8-sig`` (BOM) or ``utf-16`` (little-endian with BOM, as Excel writes)."""
    if encoding == "utf-16":
        return b"\xff\xfe" + content.encode("utf-16-le")
    return content.encode(encoding)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
