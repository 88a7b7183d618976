"""``musclekb_api.balance``: a worker takes a connection only while no other live worker holds
fewer; slots not written lately are not waited for."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
import uvicorn

from musclekb_api import balance
from musclekb_api.balance import STALE_AFTER, BalancedServer, ConnectionTable


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def table(workers: int) -> tuple[ConnectionTable, Clock]:
    clock = Clock()
    return ConnectionTable([0.0] * (2 * workers), clock), clock


def test_the_worker_with_fewest_connections_takes_the_next() -> None:
    t, _ = table(3)
    for slot, held in enumerate((4, 2, 3)):
        t.write(slot, held)
    assert [t.may_accept(slot) for slot in range(3)] == [False, True, False]


def test_workers_level_take_turns() -> None:
    t, _ = table(2)
    t.write(0, 5)
    t.write(1, 5)
    assert t.may_accept(0) and t.may_accept(1)
    t.write(0, 6)
    assert not t.may_accept(0)
    assert t.may_accept(1)


def test_taking_turns_spreads_a_burst_evenly() -> None:
    t, _ = table(2)
    t.write(0, 0)
    t.write(1, 0)
    held = [0, 0]
    for _ in range(16):  # each connection goes to the first worker whose turn it is
        slot = next(s for s in (0, 1) if t.may_accept(s))
        held[slot] += 1
        t.write(slot, held[slot])
    assert held == [8, 8]


def test_a_worker_not_heard_from_lately_is_not_waited_for() -> None:
    t, clock = table(2)
    t.write(0, 3)
    t.write(1, 0)
    assert not t.may_accept(0)
    clock.now += STALE_AFTER + 0.1  # worker 1 stopped writing: stopped, or stuck
    t.write(0, 3)
    assert t.may_accept(0)


def test_a_slot_never_written_is_not_waited_for() -> None:
    t, _ = table(2)  # worker 1 still starting: its slot holds zeros
    t.write(0, 7)
    assert t.may_accept(0)


def test_a_table_holds_two_numbers_per_worker() -> None:
    with pytest.raises(ValueError, match="two numbers per worker"):
        ConnectionTable([0.0] * 3)


T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: the browser tests of this suite keep an event loop
    running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result(timeout=60)


async def _hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A trivial ASGI app."""
    headers = [(b"content-length", b"5")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"hello"})


def _server(listener: socket.socket, table: ConnectionTable, slot: int) -> BalancedServer:
    config = uvicorn.Config(_hello, lifespan="off", log_level="warning", access_log=False)
    config.load()
    server = BalancedServer(config, listener, table, slot)
    server.lifespan = config.lifespan_class(config)
    return server


def test_two_servers_on_one_socket_take_turns() -> None:
    """Two workers' servers (here in one event loop) sharing a listening socket and a table:
    keep-alive connections opened one after another alternate between them, and each answers."""

    async def run() -> list[int]:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        port = listener.getsockname()[1]
        table = ConnectionTable([0.0] * 4)
        # each worker process has its own descriptor of the shared socket
        servers = [
            _server(sock, table, slot) for slot, sock in enumerate((listener, listener.dup()))
        ]
        for server in servers:
            await server.startup()
        streams = []
        try:
            for _ in range(10):
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                streams.append(writer)
                writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                head = await reader.readuntil(b"\r\n\r\n")
                assert head.startswith(b"HTTP/1.1 200")
                assert await reader.readexactly(5) == b"hello"
            return [len(server.server_state.connections) for server in servers]
        finally:
            for writer in streams:
                writer.close()
            for server in servers:
                await server.shutdown()
                server.listener.close()

    assert _run(run()) == [5, 5]


def test_a_worker_whose_accepting_fails_stops() -> None:
    with socket.socket() as listener:
        server = _server(listener, ConnectionTable([0.0] * 2), 0)

        async def fail() -> None:
            raise RuntimeError("broken")

        async def run() -> None:
            failed = asyncio.ensure_future(fail())
            await asyncio.gather(failed, return_exceptions=True)
            server._acceptor_done(failed)
            assert server.should_exit
            server.should_exit = False
            cancelled = asyncio.ensure_future(asyncio.sleep(10))
            cancelled.cancel()
            await asyncio.gather(cancelled, return_exceptions=True)
            server._acceptor_done(cancelled)
            assert not server.should_exit

        _run(run())


def test_a_worker_counts_its_closed_connections_before_it_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker whose slot still shows connections that have closed since (its tick has not
    come) counts again before deciding whether to wait for another worker."""
    monkeypatch.setattr(balance, "TURN_WAIT", 30.0)  # waiting would outlast the test

    async def run() -> bytes:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        table = ConnectionTable([0.0] * 4)
        server = _server(listener, table, 0)
        await server.startup()
        table.write(0, 5)  # what it held at its last write
        table.write(1, 2)  # another worker, live, with fewer
        try:
            reader, writer = await asyncio.open_connection(*listener.getsockname())
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), STALE_AFTER / 2)
            writer.close()
            return head
        finally:
            await server.shutdown()
            listener.close()

    assert _run(run()).startswith(b"HTTP/1.1 200")
