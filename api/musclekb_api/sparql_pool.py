"""A few SPARQL child processes (see ``sparql_worker``), each killed when its query overruns.

``SparqlPool.run`` hands a query to an idle child (starting one when none is idle and fewer than
``size`` exist), waits for the answer until a deadline, and kills the child when the deadline
passes; the next query starts a fresh one. Blocking: call it from a worker thread.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["PoolBusy", "QueryOverran", "SparqlPool", "WorkerDied"]

_WORKER = Path(__file__).with_name("sparql_worker.py")
_START_SECONDS = 60.0


class PoolBusy(Exception):
    """Every child was busy for as long as a query may run."""


class QueryOverran(Exception):
    """The query ran past its deadline; its child was killed."""


class WorkerDied(Exception):
    """The child ended before answering: out of memory, most likely, or its parser ran out of
    stack on a query nested thousands of levels deep."""


class _Worker:
    def __init__(self, graph: bytes, memory_mb: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(_WORKER), str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()
        try:
            self._send(graph)
            ready = self._receive(time.monotonic() + _START_SECONDS)
        except (OSError, QueryOverran, WorkerDied) as exc:
            self.kill()
            raise WorkerDied(f"the SPARQL process did not start: {exc}") from exc
        if ready != b"ready":
            self.kill()
            raise WorkerDied("the SPARQL process did not start")

    def _send(self, data: bytes) -> None:
        view = memoryview(struct.pack(">I", len(data)) + data)
        while view:
            written = os.write(self._in, view)
            view = view[written:]

    def _exact(self, size: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        while size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryOverran
            ready, _, _ = select.select([self._out], [], [], remaining)
            if not ready:
                raise QueryOverran
            chunk = os.read(self._out, min(size, 1 << 20))
            if not chunk:
                raise WorkerDied("the SPARQL process ended before it answered")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _receive(self, deadline: float) -> bytes:
        (size,) = struct.unpack(">I", self._exact(4, deadline))
        return self._exact(size, deadline)

    def ask(self, request: dict[str, Any], deadline: float) -> tuple[dict[str, Any], bytes]:
        try:
            self._send(json.dumps(request).encode("utf-8"))
        except OSError as exc:
            raise WorkerDied(f"the SPARQL process is gone: {exc}") from exc
        header: dict[str, Any] = json.loads(self._receive(deadline))
        return header, self._receive(deadline)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


class SparqlPool:
    """At most ``size`` child processes, started on demand, each holding the graph ``graph``."""

    def __init__(self, graph: bytes, size: int, memory_mb: int) -> None:
        self._graph = graph
        self._memory_mb = memory_mb
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self.started = 0
        self.killed = 0

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        worker = _Worker(self._graph, self._memory_mb)
        self.started += 1
        return worker

    def _give(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(worker)
                return
        worker.kill()

    def run(
        self, request: dict[str, Any], seconds: float, wait: float
    ) -> tuple[dict[str, Any], bytes]:
        """Send ``request`` to a child; kill it if no answer comes within ``seconds``."""
        if not self._slots.acquire(timeout=wait):
            raise PoolBusy
        try:
            worker = self._take()
            try:
                answer = worker.ask(request, time.monotonic() + seconds)
            except BaseException:
                worker.kill()
                self.killed += 1
                raise
            self._give(worker)
            return answer
        finally:
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()
