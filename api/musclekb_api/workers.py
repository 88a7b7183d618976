"""Several worker processes sharing one listening socket, with connections spread evenly.

uvicorn's own multi-worker mode shares one listening socket too, but whichever worker wakes first
accepts every connection waiting, so a burst of keep-alive clients can all land on one worker while
the others stay idle (measured with ``bench/bench_api.py``: one worker at 100%, the other at 0%).
Here each worker takes its turn (``musclekb_api.balance``): it accepts only while no other worker
holds fewer open connections.

The supervisor binds the address once, starts the workers, restarts one that dies after it has
been serving (in the same slot of the connection table), and stops them all on SIGINT or SIGTERM.
A worker that dies before it serves (before its lifespan has started and it has written its slot
of the connection table) stops the service instead: a worker that cannot start would otherwise
be restarted forever. How long it had been running does not matter.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import threading
import time
from collections.abc import Mapping, MutableSequence
from typing import Any

__all__ = [
    "WorkerStartError",
    "balanced_workers_supported",
    "bind",
    "run_workers",
]

_STOP_WAIT = 20.0


class WorkerStartError(RuntimeError):
    """A worker process exited while starting."""


def balanced_workers_supported() -> bool:
    """Whether workers here can share a listening socket passed to them (not on Windows)."""
    return sys.platform != "win32"


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _serve(
    options: Mapping[str, Any],
    listener: socket.socket,
    shared: MutableSequence[float],
    slot: int,
) -> None:
    """One worker: uvicorn, accepting from the shared socket in its turn, until told to stop."""
    import uvicorn

    from musclekb_api.balance import BalancedServer, ConnectionTable

    host, port = listener.getsockname()[:2]
    config = uvicorn.Config(host=host, port=port, **options)
    BalancedServer(config, listener, ConnectionTable(shared), slot).run()


def _has_served(shared: MutableSequence[float], slot: int, started: float) -> bool:
    """Whether the worker started at ``started`` (``time.monotonic``) in ``slot`` wrote its slot
    of the connection table, which it does once its lifespan has started, before it accepts."""
    return shared[2 * slot + 1] >= started


def run_workers(options: Mapping[str, Any], host: str, port: int, workers: int) -> None:
    """Serve with ``workers`` processes until SIGINT or SIGTERM. ``options`` are the keyword
    arguments of ``uvicorn.Config`` (besides host and port). Raises ``OSError`` when the address
    cannot be bound and :class:`WorkerStartError` when a worker exits while starting."""
    listener = bind(host, port)  # an address in use fails here, once, with the reason
    listener.listen(2048)
    context = multiprocessing.get_context("spawn")
    shared = context.RawArray("d", 2 * workers)  # the connection table (musclekb_api.balance)
    stop = threading.Event()

    def start(slot: int) -> tuple[Any, float]:
        process = context.Process(
            target=_serve, args=(dict(options), listener, shared, slot), daemon=False
        )
        process.start()
        return process, time.monotonic()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    running = [start(slot) for slot in range(workers)]
    failure: WorkerStartError | None = None
    try:
        while not stop.wait(0.5):
            for i, (process, started) in enumerate(running):
                if process.is_alive():
                    continue
                if not _has_served(shared, i, started):
                    failure = WorkerStartError(
                        f"worker process {process.pid} exited with code {process.exitcode} "
                        f"while starting"
                    )
                    stop.set()
                    break
                running[i] = start(i)
    finally:
        for process, _ in running:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + _STOP_WAIT
        for process, _ in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for s, handler in previous.items():
            signal.signal(s, handler)
        listener.close()
    if failure is not None:
        raise failure
