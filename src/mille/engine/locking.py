"""Sharing one DuckDB workspace file between processes: readers together, a writer alone.

DuckDB lets many processes open a database read-only at once, or one process read-write. So
every read command opens the workspace read-only and runs beside ``mille serve`` and beside other
readers; a writer (``mille ingest``, ``mille sources remove``) needs the file to itself. Rather
than failing at once, a command that finds the file locked waits a bounded time
(:data:`WAIT_SECONDS`, ``MILLE_LOCK_WAIT`` to change it), says once that it is waiting, and then
fails with one clear message. Nothing is half-written either way: a write is one transaction.

A waiting writer also leaves a marker file beside the database (``mille.duckdb.writer-waiting``,
holding its process id). ``mille serve`` watches for it and closes its idle read-only connections
until the writer is done, so an ingest while serving waits for the requests in flight and then
succeeds; pages asked for meanwhile wait for the writer. A marker whose process is gone, or that
has not been refreshed for longer than the wait, is ignored.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

WAIT_SECONDS = 30.0
MARKER_SUFFIX = ".writer-waiting"


def wait_seconds() -> float:
    text = os.environ.get("MILLE_LOCK_WAIT")
    try:
        return max(0.0, float(text)) if text else WAIT_SECONDS
    except ValueError:
        return WAIT_SECONDS


def marker_path(database: Path) -> Path:
    return database.with_name(database.name + MARKER_SUFFIX)


def writer_waiting(database: Path) -> bool:
    """A live writer is waiting for the database (readers should let go of it)."""
    marker = marker_path(database)
    try:
        age = time.time() - marker.stat().st_mtime
        pid = int(marker.read_text(encoding="ascii").strip() or "0")
    except (FileNotFoundError, ValueError, OSError):
        return False
    if age > wait_seconds() + 5 or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def open_with_wait(
    attempt: Callable[[], T],
    is_locked: Callable[[Exception], bool],
    *,
    database: Path | None,
    writer: bool,
    wait: float | None = None,
    on_wait: Callable[[], None] | None = None,
) -> T:
    """``attempt()`` until it stops failing because the file is locked, for at most ``wait``
    seconds; a writer marks itself waiting meanwhile. The last lock error is re-raised."""
    limit = wait_seconds() if wait is None else wait
    deadline = time.monotonic() + limit
    marker = marker_path(database) if (writer and database is not None) else None
    delay, announced, marked = 0.05, False, False
    try:
        while True:
            try:
                return attempt()
            except Exception as exc:
                if not is_locked(exc) or time.monotonic() >= deadline:
                    raise
                if marker is not None:
                    marker.write_text(str(os.getpid()), encoding="ascii")  # also refreshes its age
                    marked = True
                if not announced and on_wait is not None:
                    on_wait()
                    announced = True
                time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
                delay = min(delay * 2, 0.5)
    finally:
        if marked and marker is not None:
            with contextlib.suppress(FileNotFoundError):
                marker.unlink()
