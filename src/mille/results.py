"""The base of every result mille returns.

Analyses return typed, JSON-serialisable results; the terminal, HTML, CSV and JSON renderers all
draw from the same object. ``rows()`` is the result's main table as flat records (what
``--format csv`` writes); ``to_json()`` is the stable JSON contract documented per command.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class Result(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def to_dict(self) -> dict[str, Any]:
        return _clean(self.model_dump(mode="json"))

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    def rows(self) -> list[dict[str, Any]]:
        """The main table of the result as flat records; override where there is one."""
        return [self.to_dict()]


def _clean(value: Any) -> Any:
    """NaN and infinity are not JSON: they become null (a ratio over zero is undefined)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
