"""Read-only workspaces shared by the dashboard's requests, and the results they computed.

A DuckDB connection serves one query at a time, so the dashboard keeps a small pool of
read-only connections to the workspace (two by default: the machine's cores do the rest) and a
request borrows one for the time of its analysis.

While ``mille serve`` runs, the workspace is open read-only in this process and DuckDB's file
lock keeps every writer out, so the same inputs give the same result until the definitions
(``metrics.yaml``, ``mille.yaml``) change or the day turns (the audit's freshness checks count
days behind today). :class:`ResultCache` keeps recent results under exactly that key, and when
several requests ask for the same result at once, one computes it and the others wait for it.
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeVar

from mille.config import CONFIG_FILE, Config
from mille.metrics.catalogue import WORKSPACE_FILE
from mille.workspace import Workspace

T = TypeVar("T")


class WorkspacePool:
    """``size`` read-only connections to the workspace at ``path``, lent one per request."""

    def __init__(self, path: Path, *, size: int = 2, engine: str | None = None) -> None:
        if size < 1:
            raise ValueError("a pool holds at least one workspace")
        self.path = path
        self._idle: queue.Queue[Workspace] = queue.Queue()
        self._all: list[Workspace] = []
        try:
            for _ in range(size):
                ws = Workspace.open(path, read_only=True, engine=engine)
                self._all.append(ws)
                self._idle.put(ws)
        except BaseException:
            self.close()
            raise
        self.config: Config = self._all[0].config
        self.path = self._all[0].path

    @contextmanager
    def workspace(self) -> Iterator[Workspace]:
        ws = self._idle.get()
        try:
            yield ws
        finally:
            self._idle.put(ws)

    def close(self) -> None:
        for ws in self._all:
            ws.close()
        self._all.clear()

    def stamp(self) -> tuple[float, float, date]:
        """What a cached result depends on besides its inputs: the definitions' modification
        times and today's date."""
        return (_mtime(self.path / CONFIG_FILE), _mtime(self.path / WORKSPACE_FILE), date.today())


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


class ResultCache:
    """A bounded LRU of computed results with single-flight computation. ``size`` 0 disables
    keeping results (concurrent identical requests still share one computation)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._done: OrderedDict[Hashable, object] = OrderedDict()
        self._running: dict[Hashable, Future[object]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                self.hits += 1
                return self._done[key]  # type: ignore[return-value]
            running = self._running.get(key)
            owner = running is None
            if owner:
                running = self._running[key] = Future()
                self.misses += 1
        assert running is not None
        if not owner:
            return running.result()  # type: ignore[return-value]
        try:
            value = compute()
        except BaseException as exc:
            # Errors are not cached (a bad input costs little to reject again), but whoever
            # waited on this computation gets the same error.
            running.set_exception(exc)
            with self._lock:
                self._running.pop(key, None)
            raise
        running.set_result(value)
        with self._lock:
            self._running.pop(key, None)
            if self.size > 0:
                self._done[key] = value
                while len(self._done) > self.size:
                    self._done.popitem(last=False)
        return value
