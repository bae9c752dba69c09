"""Column work done once per distinct value, and constant columns built without copies per row.

Export columns that need cleaning are mostly low-cardinality — a few hundred days, a handful of
devices and countries, a few hundred campaign names — over millions of rows. Hashing a column to
its distinct values is several times cheaper than trimming, matching or mapping every cell, so
those steps run on the distinct values and the results are spread back with one ``take``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def per_value(values: pa.Array | pa.ChunkedArray, fn: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``fn`` applied to the distinct values of ``values``, spread back to every row."""
    distinct = pc.unique(values)
    result = fn(distinct)
    return pc.take(result, pc.index_in(values, value_set=distinct))


def first_row_of(values: pa.Array | pa.ChunkedArray, value: Any) -> int:
    """Index of the first row holding ``value`` (to report an error found on distinct values)."""
    if value is None:
        return int(pc.index(pc.is_null(values), True).as_py())
    return int(pc.index(values, value).as_py())


def constant(value: Any, n: int, arrow_type: pa.DataType) -> pa.Array:
    """One value n times. Strings are built from two buffers, never n Python objects."""
    if value is None:
        return pa.nulls(n, arrow_type)
    if pa.types.is_string(arrow_type):
        data = str(value).encode("utf-8")
        if len(data) * n < 2**31 - 1:
            offsets = np.arange(0, (n + 1) * len(data), len(data), dtype=np.int32) if data else \
                np.zeros(n + 1, dtype=np.int32)
            return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data * n)])
    return pc.take(pa.array([value], arrow_type), pa.array(np.zeros(n, dtype=np.int32)))


def constant_label(value: str, n: int) -> pa.Array:
    """A lineage label (file name, hash, ingest id) repeated n times, dictionary-encoded: one copy
    of the text whatever n is. Arrow compute and DuckDB read it as the string it holds."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([value], pa.string()))
