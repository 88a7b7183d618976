"""Connections spread evenly over worker processes that share one listening socket.

The kernel gives a new connection to whichever process accepts it first. Left to itself, the
worker that wakes first takes every connection waiting; and a listening socket per worker, with
Linux's ``SO_REUSEPORT`` hashing each connection to one of them, split five bursts of sixteen
keep-alive connections 8:8, 7:9, 7:9, 6:10 and 4:12. A worker that holds three quarters of the
connections gets three quarters of the requests, and its queue, not the service's capacity, sets
the latency (``bench/bench_api.py`` at 500 requests/s offered: one worker 93% busy, the other
32%).

Here each worker accepts a connection only when no other live worker holds fewer open connections
than it does (:meth:`ConnectionTable.may_accept`). The counts live in shared memory, one slot per
worker: its open connections and when it last wrote them. A worker writes its slot after every
connection it accepts and on uvicorn's tick (ten times a second), so a closed connection counts
within a tick. A slot not written for :data:`STALE_AFTER` seconds is not waited for (a worker that
has stopped or is still starting), and a worker that has waited :data:`TURN_WAIT` seconds for
another to take a connection takes it itself, so a busy worker delays a new connection by at most
that much and never refuses it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable, MutableSequence
from typing import Any

import uvicorn

__all__ = ["STALE_AFTER", "TURN_WAIT", "BalancedServer", "ConnectionTable"]

STALE_AFTER = 2.0  # seconds without a write after which a worker's slot is not waited for
TURN_WAIT = 0.02  # seconds a worker waits for a less loaded one to take a connection
_POLL = 0.002  # seconds between looks at the table while waiting

logger = logging.getLogger("musclekb.serve")


class ConnectionTable:
    """Each worker's open connections and the time it last wrote them, two numbers per slot in
    ``shared`` (a ``multiprocessing`` shared array of doubles, or any list in tests); ``clock``
    must be one clock for all the processes (``time.monotonic`` is, on one machine)."""

    def __init__(
        self, shared: MutableSequence[float], clock: Callable[[], float] = time.monotonic
    ) -> None:
        if len(shared) % 2:
            raise ValueError("a connection table holds two numbers per worker")
        self.shared = shared
        self.clock = clock

    @property
    def slots(self) -> int:
        return len(self.shared) // 2

    def write(self, slot: int, connections: int) -> None:
        """Record that worker ``slot`` holds ``connections`` open connections, now."""
        self.shared[2 * slot] = float(connections)
        self.shared[2 * slot + 1] = self.clock()

    def may_accept(self, slot: int) -> bool:
        """Whether worker ``slot`` holds no more open connections than any other live worker."""
        shared = self.shared
        mine = shared[2 * slot]
        live_since = self.clock() - STALE_AFTER
        for other in range(self.slots):
            if other != slot and shared[2 * other + 1] > live_since and shared[2 * other] < mine:
                return False
        return True


class BalancedServer(uvicorn.Server):
    """uvicorn's server for one worker, accepting from a listening socket shared with the other
    workers only when its turn comes (see :class:`ConnectionTable`). Everything else (the
    lifespan, the protocol, graceful shutdown) is uvicorn's."""

    def __init__(
        self, config: uvicorn.Config, listener: socket.socket, table: ConnectionTable, slot: int
    ) -> None:
        super().__init__(config)
        self.listener = listener
        self.table = table
        self.slot = slot
        self._acceptor: asyncio.Task[None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # the lifespan, and no listener of uvicorn's own
        self.listener.setblocking(False)
        self._write_count()  # none yet
        self._acceptor = asyncio.create_task(self._accept_forever())
        self._acceptor.add_done_callback(self._acceptor_done)

    async def on_tick(self, counter: int) -> bool:
        self._write_count()
        return await super().on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self._acceptor is not None:
            self._acceptor.cancel()
            await asyncio.gather(self._acceptor, return_exceptions=True)
        await super().shutdown(sockets=[])

    def _write_count(self) -> None:
        """Write this worker's open connections to its slot of the table."""
        self.table.write(self.slot, len(self.server_state.connections))

    def _acceptor_done(self, task: asyncio.Task[None]) -> None:
        """A worker that can no longer accept stops, and its supervisor starts another."""
        if not task.cancelled() and task.exception() is not None:
            logger.error("stopped accepting connections", exc_info=task.exception())
            self.should_exit = True

    def _protocol(self) -> asyncio.Protocol:
        """A connection's protocol, made as uvicorn's own listener makes it."""
        config = self.config
        protocol: asyncio.Protocol = config.http_protocol_class(  # type: ignore[call-arg]
            config=config, server_state=self.server_state, app_state=self.lifespan.state
        )
        return protocol

    async def _accept_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await _readable(loop, self.listener)
            # connections closed since the last tick no longer count
            self._write_count()
            waited = 0.0
            while waited < TURN_WAIT and not self.table.may_accept(self.slot):
                await asyncio.sleep(_POLL)
                waited += _POLL
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                continue  # another worker took it
            except OSError as exc:  # out of file descriptors, say: the connection stays queued
                logger.warning("cannot accept a connection: %s", exc)
                await asyncio.sleep(0.1)
                continue
            await self._take(loop, conn)

    async def _take(self, loop: asyncio.AbstractEventLoop, conn: socket.socket) -> None:
        conn.setblocking(False)
        if conn.family in (socket.AF_INET, socket.AF_INET6):
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            await loop.connect_accepted_socket(self._protocol, conn)
        except OSError as exc:  # the client went away before the connection was set up
            logger.debug("connection dropped while being set up: %s", exc)
            conn.close()
            return
        self._write_count()


async def _readable(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> None:
    """Wait until ``sock`` has a connection to accept (or another worker has just taken it)."""
    ready: asyncio.Future[Any] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    fd = sock.fileno()
    loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        loop.remove_reader(fd)
