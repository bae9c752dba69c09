"""Read-only workspaces shared by the dashboard's requests, and the results they computed.

A DuckDB connection serves one query at a time, so the dashboard keeps a small pool of
read-only connections to the workspace (two by default: the machine's cores do the rest) and a
request borrows one for the time of its analysis.

While ``mille serve`` runs, other read commands run beside it; a writer (``mille ingest``) waits
for the requests in flight, the pool lets go of the file, and the writer runs (see
:class:`WorkspacePool`). The same inputs give the same result until the data or the definitions
(``metrics.yaml``, ``mille.yaml``) change or the day turns (the audit's freshness checks count
days behind today). :class:`ResultCache` keeps recent results under exactly that key, and when
several requests ask for the same result at once, one computes it and the others wait for it.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeVar

from mille.config import CONFIG_FILE, Config
from mille.engine import DATABASE_FILE
from mille.engine.locking import wait_seconds, writer_waiting
from mille.metrics.catalogue import WORKSPACE_FILE
from mille.workspace import Workspace

T = TypeVar("T")


class WorkspacePool:
    """Up to ``size`` read-only connections to the workspace at ``path``, lent one per request.

    Connections are opened when a request needs one and kept for the next, except while a writer
    waits for the file (see :mod:`mille.engine.locking`): a watcher thread then closes the idle
    ones, borrowed ones are closed when they come back, and new requests wait until the writer is
    done. So ``mille ingest`` beside ``mille serve`` waits for the requests in flight, then runs.
    """

    POLL_SECONDS = 0.2

    def __init__(self, path: Path, *, size: int = 2, engine: str | None = None) -> None:
        if size < 1:
            raise ValueError("a pool holds at least one workspace")
        self._engine = engine
        self._size = size
        self._idle: queue.Queue[Workspace] = queue.Queue()
        self._open = 0
        self._lock = threading.Lock()
        first = Workspace.open(path, read_only=True, engine=engine)  # a bad workspace fails here, once
        self.config: Config = first.config
        self.path = first.path
        self._database = self.path / DATABASE_FILE if first.engine.name == "duckdb" else None
        self._open = 1
        self._idle.put(first)
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        if self._database is not None:
            self._watcher = threading.Thread(target=self._watch, name="mille-pool-watch", daemon=True)
            self._watcher.start()

    @contextmanager
    def workspace(self) -> Iterator[Workspace]:
        ws = self._borrow()
        try:
            yield ws
        finally:
            self._give_back(ws)

    def _borrow(self) -> Workspace:
        self._yield_to_writer()
        while True:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            with self._lock:
                if self._open < self._size:
                    self._open += 1
                    break
            try:  # every connection is lent: wait for one to come back
                return self._idle.get(timeout=self.POLL_SECONDS)
            except queue.Empty:
                continue
        try:
            return Workspace.open(self.path, read_only=True, engine=self._engine)
        except BaseException:
            with self._lock:
                self._open -= 1
            raise

    def _give_back(self, ws: Workspace) -> None:
        if self._database is not None and writer_waiting(self._database):
            self._discard(ws)
        else:
            self._idle.put(ws)

    def _discard(self, ws: Workspace) -> None:
        ws.close()
        with self._lock:
            self._open -= 1

    def _yield_to_writer(self) -> None:
        """Wait (bounded) while a writer waits for the file, so requests do not starve it."""
        if self._database is None:
            return
        deadline = time.monotonic() + wait_seconds()
        while writer_waiting(self._database) and time.monotonic() < deadline:
            self._close_idle()
            time.sleep(self.POLL_SECONDS)

    def _close_idle(self) -> None:
        while True:
            try:
                ws = self._idle.get_nowait()
            except queue.Empty:
                return
            self._discard(ws)

    def _watch(self) -> None:
        assert self._database is not None
        while not self._stop.wait(self.POLL_SECONDS):
            if writer_waiting(self._database):
                self._close_idle()

    def close(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=2)
        self._close_idle()

    def stamp(self) -> tuple[float, float, float, date]:
        """What a cached result depends on besides its inputs: the definitions' and the data's
        modification times (an ingest while serving changes the database file) and today's date."""
        data = 0.0
        if self._database is not None:
            data = max(_mtime(self._database), _mtime(self._database.with_name(self._database.name + ".wal")))
        return (_mtime(self.path / CONFIG_FILE), _mtime(self.path / WORKSPACE_FILE), data, date.today())


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
