"""Several worker processes, each listening on its own socket, so that connections spread evenly.

uvicorn's own multi-worker mode shares one listening socket between the workers: whichever wakes
first accepts every connection waiting, so a burst of keep-alive clients can all land on one
worker while the others stay idle (measured with ``bench/bench_api.py``: one worker at 100%, the
other at 0%). Where the platform has ``SO_REUSEPORT`` (Linux), each worker here binds the address
itself and the kernel spreads new connections over the workers' sockets.

The supervisor starts the workers, restarts one that dies after it has been serving, and stops
them all on SIGINT or SIGTERM. A worker that dies within ``STARTUP_GRACE`` seconds of starting
stops the service instead (a worker that cannot start would otherwise be restarted forever).
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

__all__ = ["STARTUP_GRACE", "WorkerStartError", "bind", "reuse_port_supported", "run_workers"]

STARTUP_GRACE = 30.0
_STOP_WAIT = 20.0


class WorkerStartError(RuntimeError):
    """A worker process exited while starting."""


def reuse_port_supported() -> bool:
    """Whether connections to one address can be spread over several listening sockets."""
    return hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` that other sockets of this user may bind too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _serve(options: Mapping[str, Any], host: str, port: int) -> None:
    """One worker: its own listening socket, then uvicorn until it is told to stop."""
    import uvicorn

    sock = bind(host, port)
    sock.listen(2048)
    config = uvicorn.Config(host=host, port=port, **options)
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(options: Mapping[str, Any], host: str, port: int, workers: int) -> None:
    """Serve with ``workers`` processes until SIGINT or SIGTERM. ``options`` are the keyword
    arguments of ``uvicorn.Config`` (besides host and port). Raises ``OSError`` when the address
    cannot be bound and :class:`WorkerStartError` when a worker exits while starting."""
    bind(host, port).close()  # an address in use fails here, once, with the reason
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()

    def start() -> tuple[Any, float]:
        process = context.Process(target=_serve, args=(dict(options), host, port), daemon=False)
        process.start()
        return process, time.monotonic()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    running = [start() for _ in range(workers)]
    failure: WorkerStartError | None = None
    try:
        while not stop.wait(0.5):
            for i, (process, started) in enumerate(running):
                if process.is_alive():
                    continue
                if time.monotonic() - started < STARTUP_GRACE:
                    failure = WorkerStartError(
                        f"worker process {process.pid} exited with code {process.exitcode} "
                        f"while starting"
                    )
                    stop.set()
                    break
                running[i] = start()
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
    if failure is not None:
        raise failure
