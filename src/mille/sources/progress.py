"""What ``mille ingest --progress`` shows: each file as it is read, and inside a large file the
rows written so far and the speed (MB/s of the file's bytes, rows/s).

A small file is read whole in a blink, so it only advances the file count; a file read in chunks
(see :mod:`mille.sources.stream`) reports after every chunk, from the byte position its reader
has reached. The bar goes to standard error so that ``--format json`` on standard output stays
clean, and nothing is drawn when progress is off (the library default).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Position:
    """How far a chunked reader has got in its file, in bytes of the file (not of decoded text)."""

    bytes: int = 0


@dataclass
class Meter:
    """Progress of one ingest call, in bytes of its files; does nothing when ``bar`` is None."""

    bar: Any = None
    task: Any = None
    started: float = field(default_factory=time.perf_counter)
    _base: int = 0  # bytes of the files finished before the current one

    def reading(self, name: str) -> None:
        """A file starts being read (its header, or all of it when small)."""
        if self.bar is not None:
            self.bar.update(self.task, description=f"reading {Path(name).name}", rows="")

    def read(self, size: int) -> None:
        """A file read whole: all its bytes are done."""
        if self.bar is not None:
            self._base += size
            self.bar.update(self.task, completed=self._base)

    def writing(self, name: str) -> None:
        """A chunked file starts being read and written, chunk by chunk."""
        if self.bar is not None:
            self.started = time.perf_counter()
            self.bar.update(self.task, description=f"writing {Path(name).name}", rows="0 rows")

    def chunk(self, rows: int, position: int) -> None:
        """After each chunk: rows written so far and how far the reader is in the file."""
        if self.bar is None:
            return
        seconds = max(time.perf_counter() - self.started, 1e-9)
        self.bar.update(self.task, completed=self._base + position,
                        rows=f"{rows:,} rows · {rows / seconds:,.0f} rows/s")

    def written(self, size: int) -> None:
        if self.bar is not None:
            self._base += size
            self.bar.update(self.task, completed=self._base)


@contextmanager
def meter(enabled: bool, total_bytes: int) -> Iterator[Meter]:
    if not enabled:
        yield Meter()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TransferSpeedColumn,
    )

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(binary_units=False),
                  TransferSpeedColumn(), TextColumn("{task.fields[rows]}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        yield Meter(bar, bar.add_task("reading", total=max(total_bytes, 1), rows=""))
