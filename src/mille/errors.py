"""The errors mille raises on purpose.

Every error a user can cause is a :class:`MilleError`. The CLI prints its message (no traceback
unless ``--debug``) and exits with :attr:`MilleError.exit_code`; the web app shows it as a message.
Anything else escaping is a bug in mille and is allowed to crash loudly.

Messages follow one shape so that a user can act on them without reading code::

    <file>, row <n>, column "<col>": <what is wrong> (expected <what>). Hint: <what to do>
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


class MilleError(Exception):
    """Base class of errors caused by input, configuration or environment, not by mille bugs."""

    exit_code: int = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        line: int | None = None,
        key: str | None = None,
        expected: str | None = None,
        value: object | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.line = line
        self.key = key
        self.expected = expected
        self.value = value
        self.hint = hint
        super().__init__(self.render())

    def location(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f'column "{self.column}"')
        if self.key is not None:
            parts.append(f"key `{self.key}`")
        return ", ".join(parts)

    def render(self) -> str:
        text = self.message
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        where = self.location()
        if where:
            text = f"{where}: {text}"
        if self.hint:
            text += f". Hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        """The error as a JSON-ready object (the web app and `--format json` use it)."""
        out: dict[str, object] = {"error": type(self).__name__, "message": self.render()}
        for name in ("file", "line", "row", "column", "key", "expected", "hint"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.value is not None:
            out["value"] = str(self.value)
        return out


class ConfigError(MilleError):
    """mille.yaml or metrics.yaml is wrong: unknown key, bad value, unknown engine."""


class WorkspaceError(MilleError):
    """The workspace is missing, is a file, or its database is corrupt or locked."""


class InputError(MilleError):
    """A file or table given to mille cannot be read as what it claims to be."""


class FormatNotDetected(InputError):
    """No known export format matched the file's header."""


class IngestError(InputError):
    """A row of an export cannot be ingested (bad number, date, negative count...)."""


class MetricError(MilleError):
    """A metric definition or a filter expression is invalid."""


class QueryError(MilleError):
    """A report or analysis was asked for something that cannot be computed (unknown dimension,
    empty period...)."""


class EngineUnavailable(MilleError):
    """An engine's optional package is not installed or its cluster cannot be reached."""


def did_you_mean(word: str, choices: Iterable[str], *, n: int = 1) -> str | None:
    """The nearest valid spelling, for hints like ``did you mean `impressions`?``."""
    options = sorted(set(choices))
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)
    return lowered[close[0]] if close else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    """A hint sentence naming the nearest choice, or listing the choices when nothing is close."""
    options = sorted(set(choices))
    near = did_you_mean(word, options)
    if near:
        return f"did you mean `{near}`?"
    shown = ", ".join(options[:20]) + (" …" if len(options) > 20 else "")
    return f"valid choices: {shown}"
