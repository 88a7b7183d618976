"""Load test of the HTTP API on this machine only (127.0.0.1), bounded in time.

Starts ``musclekb serve --workers 2`` on a free port, waits for /healthz, then runs phases of
``--clients`` concurrent keep-alive clients for ``--duration`` seconds each:

- ``GET /healthz``: what the server and this client manage on a trivial route (if it is far above
  the assessment rate, the client is not what limits the assessments);
- ``POST /v1/assessments`` with 10-finding requests (signs drawn with a fixed seed from
  ``GET /v1/signs``), each phase with requests of its own that the server has not seen before, as
  when every person brings their own findings: the phase the targets are for;
- different requests again with ``?explain=none`` (no explanations written);
- one of those requests sent again and again;
- different requests again, from clients that accept gzip (as most HTTP libraries do), to show
  what compressing the answers costs;
- different requests again, offered at ``--rate`` requests/s (500) on a fixed schedule by the
  same number of clients, latency counted from each request's scheduled time.

Before the phases, ``--warmup-requests`` other different requests (4000, never measured) bring the
server to the state it is in after running a while: the reasoner keeps pieces of explanations and
plans that recur from one request to the next (bounded tables, ``docs/reasoning.md``), and a server
that has just started has none yet. ``--warmup-requests 0`` measures a server just started.

Prints requests/s, p50, p99 and errors for each, the client's own CPU time per request, the
server's CPU time per request, and each worker's resident memory at the end (the tables of pieces
fill up to ``MUSCLEKB_TABLE_ENTRIES`` entries each, which the server reads from the environment);
stops the server at the end.

    uv run python bench/bench_api.py [--duration 10] [--clients 16] [--workers 2]
        [--warmup-requests 4000] [--distinct 10000]

Targets for the assessments (different requests): at least 500 requests/s when the clients keep
the server saturated, p99 <= 25 ms when 500 requests/s are offered, no errors. (With 16 clients
and no pause between requests, each request waits behind the other 15, so the saturated p99 is at
least 16 / throughput: 32 ms at 500/s. The paced phase measures the latency at the target rate.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

HOST = "127.0.0.1"
MAX_DURATION = 60.0
TARGET_RPS, TARGET_P99_MS = 500.0, 25.0
OPENING = 1000  # different requests for the unmeasured second before each phase
GZIP = "Accept-Encoding: gzip\r\n"  # what most HTTP libraries send


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def request_bytes(method: str, path: str, body: bytes = b"", headers: str = "") -> bytes:
    """A request; ``headers``: more header lines, each ending in CRLF."""
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: keep-alive\r\n{headers}"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


class _Exchange(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection's reading side: each response is parsed as it arrives
    (status line and Content-Length from the head, then the body counted off), and its body kept
    only when asked for. The load phases throw the body away: buffering a few hundred kilobytes
    per answer would cost this process CPU time that the server, on the same cores, could use."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.keep = False
        self.head = b""
        self.status = 0
        self.left = -1  # body bytes still to come; -1 while the head is being read
        self.body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def expect(self, keep: bool) -> asyncio.Future[tuple[int, bytes]]:
        self.waiter = asyncio.get_running_loop().create_future()
        self.keep, self.head, self.left, self.body = keep, b"", -1, []
        return self.waiter

    def data_received(self, data: bytes) -> None:
        if self.left < 0:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = self.head[:end].decode("latin-1").split("\r\n")
            data = self.head[end + 4 :]
            try:
                self.status = int(lines[0].split(" ", 2)[1])
                self.left = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        self.left = int(value)
            except (IndexError, ValueError) as exc:
                self._finish(exc)
                return
        self.left -= len(data)
        if self.keep:
            self.body.append(data)
        if self.left <= 0:
            self._finish(None)

    def _finish(self, error: BaseException | None) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is None or waiter.done():
            return
        if error is not None:
            waiter.set_exception(error)
        elif self.left < 0:
            waiter.set_exception(ValueError("more bytes than the Content-Length"))
        else:
            waiter.set_result((self.status, b"".join(self.body)))

    def connection_lost(self, exc: Exception | None) -> None:
        self._finish(exc or ConnectionResetError("the server closed the connection"))


class Connection:
    """One keep-alive HTTP/1.1 connection: send a request, read one Content-Length response."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.protocol: _Exchange | None = None

    async def exchange(self, data: bytes, keep: bool = True) -> tuple[int, bytes]:
        """Send ``data``; the answer's status and (when ``keep``) its body."""
        if self.protocol is None or self.protocol.transport is None:
            loop = asyncio.get_running_loop()
            _, self.protocol = await loop.create_connection(_Exchange, HOST, self.port)
        protocol = self.protocol
        answer = protocol.expect(keep)
        assert protocol.transport is not None
        protocol.transport.write(data)
        return await answer

    def close(self) -> None:
        if self.protocol is not None and self.protocol.transport is not None:
            self.protocol.transport.close()
        self.protocol = None


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    client_cpu: float = 0.0

    def report(self) -> str:
        n = len(self.latencies)
        xs = sorted(self.latencies)
        p50 = statistics.median(xs) * 1000 if xs else float("nan")
        p99 = xs[min(n - 1, int(0.99 * n))] * 1000 if xs else float("nan")
        rps = n / self.seconds if self.seconds else 0.0
        cpu = self.client_cpu / max(1, n + self.errors) * 1e6
        return (
            f"{self.name:<24} {rps:8.1f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   "
            f"errors {self.errors}   ({n} ok, client CPU {cpu:.0f} us/request)"
        )

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def p99_ms(self) -> float:
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(0.99 * len(xs)))] * 1000 if xs else float("inf")


async def exchange(conn: Connection, data: bytes, phase: Phase, since: float) -> None:
    """Send one request and count its answer in ``phase``: the latency from ``since`` when it
    is 200, else an error (a broken connection is closed, to be opened again)."""
    try:
        status, _ = await conn.exchange(data, keep=False)
    except (OSError, ValueError):
        phase.errors += 1
        conn.close()
        return
    if status == 200:
        phase.latencies.append(time.perf_counter() - since)
    else:
        phase.errors += 1


async def clients_together(phase: Phase, clients: Iterable[Awaitable[None]], start: float) -> None:
    """Run the clients to the end; record the phase's length from ``start`` and the CPU time this
    process spent."""
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.gather(*clients)
    phase.seconds = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    phase.client_cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)


async def run_phase(
    port: int, phase: Phase, requests: list[bytes], clients: int, duration: float
) -> None:
    """``clients`` keep-alive clients for ``duration`` seconds; client ``k`` sends the requests
    in turn, starting at its own offset, so with many distinct requests no two clients send the
    same one at the same time."""
    deadline = time.perf_counter() + duration

    async def client(k: int) -> None:
        conn = Connection(port)
        turn = k * len(requests) // clients
        while time.perf_counter() < deadline:
            data = requests[turn % len(requests)]
            turn += 1
            await exchange(conn, data, phase, time.perf_counter())
        conn.close()

    await clients_together(phase, (client(k) for k in range(clients)), time.perf_counter())


async def send_all(port: int, requests: list[bytes], clients: int) -> None:
    """Send every request once, over ``clients`` keep-alive connections, answers not counted."""
    queue = iter(requests)
    ignored = Phase("ignored")

    async def client() -> None:
        conn = Connection(port)
        for data in queue:  # the clients share one iterator: each request goes out once
            await exchange(conn, data, ignored, time.perf_counter())
        conn.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    if ignored.errors:
        raise RuntimeError(f"{ignored.errors} of the warm-up requests failed")


async def run_paced(
    port: int, phase: Phase, requests: list[bytes], clients: int, duration: float, rate: float
) -> None:
    """``clients`` keep-alive clients that together send ``rate`` requests/s on a fixed schedule
    for ``duration`` seconds (an open loop: the load does not ease off when the server slows).
    Client ``k`` sends its ``i``-th request at ``start + (i * clients + k) / rate``, or as soon as
    its previous answer is in if that is later, and each latency is counted from the scheduled
    time, so time spent waiting behind a slow answer counts too. The phase lasts until the last
    answer is in, so the rate it reports is what the server kept up with."""
    start = time.perf_counter() + 0.05

    async def client(k: int) -> None:
        conn = Connection(port)
        turn = k * len(requests) // clients
        i = 0
        while (due := start + (i * clients + k) / rate) - start < duration:
            i += 1
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            await exchange(conn, requests[turn % len(requests)], phase, due)
            turn += 1
        conn.close()

    await clients_together(phase, (client(k) for k in range(clients)), start)


async def get_json(port: int, path: str) -> object:
    conn = Connection(port)
    try:
        status, body = await conn.exchange(request_bytes("GET", path))
    finally:
        conn.close()
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body[:200]!r}")
    return json.loads(body)


async def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            await get_json(port, "/healthz")
            return
        except (OSError, RuntimeError, ValueError):
            await asyncio.sleep(0.2)
    raise RuntimeError(f"the server did not answer /healthz within {timeout:g} s")


async def assessment_bodies(port: int, findings: int, seed: int, count: int) -> list[bytes]:
    """``count`` different requests of ``findings`` findings each (signs from ``GET /v1/signs``,
    drawn with a fixed seed; the first is the same whatever ``count`` is)."""
    listing = await get_json(port, "/v1/signs?limit=500")
    assert isinstance(listing, dict)
    signs = sorted(listing["items"], key=lambda s: s["id"])
    rng = random.Random(seed)
    bodies: dict[bytes, None] = {}
    while len(bodies) < count:
        chosen = []
        for sign in rng.sample(signs, findings):
            side = rng.choice(["left", "right", "bilateral"]) if sign["lateral"] else None
            chosen.append({"sign": sign["id"], "side": side, "present": True})
        bodies[json.dumps({"findings": chosen}).encode()] = None
    return list(bodies)


def worker_pids(server: subprocess.Popen[bytes]) -> list[int]:
    """The server's worker processes (Linux: from /proc; empty elsewhere)."""
    proc = Path("/proc")
    pids = []
    for child in proc.glob("[0-9]*") if proc.is_dir() else ():
        try:
            stat = (child / "stat").read_text()
            cmdline = (child / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == server.pid and b"spawn_main" in cmdline:
            pids.append(int(child.name))
    return sorted(pids)


def worker_loops(pids: list[int]) -> str:
    """Which workers have uvloop and httptools loaded."""
    out = []
    for pid in pids:
        maps = Path(f"/proc/{pid}/maps").read_text()
        out.append(f"pid {pid}: uvloop {'uvloop' in maps}, httptools {'httptools' in maps}")
    return "; ".join(out) or "no worker processes found"


def cpu_seconds(pids: list[int]) -> list[tuple[float, float]]:
    """User and system CPU time of each process so far."""
    tick = os.sysconf("SC_CLK_TCK")
    out = []
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        out.append((int(fields[11]) / tick, int(fields[12]) / tick))
    return out


def resident_mib(pids: list[int]) -> str:
    """Each process's resident memory, in MiB (Linux: from /proc)."""
    page = os.sysconf("SC_PAGE_SIZE")
    out = []
    for pid in pids:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        out.append(f"{pages * page / 2**20:.0f}")
    return ", ".join(out)


async def main_async(args: argparse.Namespace, port: int, server: subprocess.Popen[bytes]) -> None:
    await wait_ready(port, server, 90.0)
    pids = worker_pids(server)
    print(f"server on {HOST}:{port}, {args.workers} workers ({worker_loops(pids)})")
    print(f"python {sys.version.split()[0]} at {sys.executable} (the server's too)")
    distinct = max(1, args.distinct)
    warmup = max(0, args.warmup_requests)
    # one pool of different requests, cut into the server's warm-up and a share for each phase
    # of different requests, so that no measured request has been sent before
    # (then OPENING more for the second before each phase, and one more: the request whose
    # answer sizes are shown, and that is repeated)
    pool = await assessment_bodies(port, 10, args.seed, warmup + 4 * distinct + OPENING + 1)
    body = pool[-1]
    probe = Connection(port)
    status, answer = await probe.exchange(request_bytes("POST", "/v1/assessments", body))
    probe.close()
    if status != 200:
        raise RuntimeError(f"the assessment request failed ({status}): {answer[:300]!r}")
    sizes = []
    for form in ("linked", "nested", "sentences", "none"):
        conn = Connection(port)
        path = f"/v1/assessments?explain={form}"
        _, answer = await conn.exchange(request_bytes("POST", path, body))
        conn.close()
        sizes.append(f"{form} {len(answer) / 1024:.0f} KiB")
    conn = Connection(port)
    _, answer = await conn.exchange(request_bytes("POST", "/v1/assessments", body, GZIP))
    conn.close()
    sizes.append(f"linked with gzip accepted {len(answer) / 1024:.0f} KiB")
    print(
        f"assessment: 10 findings, {len(body)} B request; response with explain= {', '.join(sizes)}"
    )
    posts = [request_bytes("POST", "/v1/assessments", b) for b in pool]
    if warmup:
        started = time.perf_counter()
        await send_all(port, posts[:warmup], args.clients)
        print(
            f"server warm-up: {warmup} other different requests in "
            f"{time.perf_counter() - started:.1f} s (not measured)"
        )
    starts = [warmup + i * distinct for i in range(5)]  # each phase's share, then the openings
    openings = posts[starts[4] : -1]
    duration = min(args.duration, MAX_DURATION)
    assess = Phase("POST /v1/assessments, different requests")
    phases = [
        (Phase("GET /healthz"), [request_bytes("GET", "/healthz")]),
        (assess, posts[starts[0] : starts[1]]),
        (
            Phase("  different, ?explain=none"),
            [
                request_bytes("POST", "/v1/assessments?explain=none", b)
                for b in pool[starts[1] : starts[2]]
            ],
        ),
        (Phase("  one request, repeated"), posts[-1:]),
        (
            Phase("  different, gzip accepted"),
            [
                request_bytes("POST", "/v1/assessments", b, GZIP)
                for b in pool[starts[3] : starts[4]]
            ],
        ),
    ]
    # then different requests at the target rate, on a fixed schedule: the latency a client sees
    # when 500 assessments/s arrive, rather than when 16 clients keep the server saturated (where
    # every request waits behind the other 15 and the p99 cannot fall below 16 / throughput)
    paced = Phase(f"  at {args.rate:g}/s offered")
    runs: list[tuple[Phase, list[bytes], Callable[[Phase, list[bytes]], Awaitable[None]]]] = [
        (phase, data, lambda p, d: run_phase(port, p, d, args.clients, duration))
        for phase, data in phases
    ]
    runs.append(
        (
            paced,
            posts[starts[2] : starts[3]],
            lambda p, d: run_paced(port, p, d, args.clients, duration, args.rate),
        )
    )
    for phase, data, run in runs:
        # a second of the same kind of request, not counted (connections opened, code paths
        # run); different requests come from a set of their own, not from the phase's
        opening = data if len(data) == 1 else openings
        await run_phase(
            port, Phase("warm-up"), opening, min(args.warmup_clients, args.clients), 1.0
        )
        before = cpu_seconds(pids)
        await run(phase, data)
        after = cpu_seconds(pids)
        user = [b[0] - a[0] for a, b in zip(before, after, strict=True)]
        system = [b[1] - a[1] for a, b in zip(before, after, strict=True)]
        print(phase.report())
        sent = len(phase.latencies) + phase.errors
        if len(data) > 1 and sent > len(data):
            print(
                f"{'':26} note: {sent} requests sent from {len(data)} different ones, so some "
                f"were repeated; raise --distinct"
            )
        if user and phase.latencies:
            shares = ", ".join(
                f"{(u + s) / phase.seconds:.0%}" for u, s in zip(user, system, strict=True)
            )
            n = len(phase.latencies) / 1000
            print(
                f"{'':26} server CPU {(sum(user) + sum(system)) / n:.2f} ms/request "
                f"(user {sum(user) / n:.2f}, system {sum(system) / n:.2f}); "
                f"each worker busy {shares}"
            )
    if pids:
        # the tables of explanation pieces fill as different requests come in (up to
        # MUSCLEKB_TABLE_ENTRIES entries each): memory against the time to write pieces again
        print(f"resident memory of each worker at the end: {resident_mib(pids)} MiB")
    most = assess.rps >= TARGET_RPS and assess.errors == 0
    at_rate = paced.rps >= 0.98 * args.rate and paced.p99_ms <= TARGET_P99_MS and paced.errors == 0
    print(
        f"target for different requests: >= {TARGET_RPS:g} assessments/s with 16 clients "
        f"saturating the server: {'met' if most else 'missed'} ({assess.rps:.0f}/s); "
        f"p99 <= {TARGET_P99_MS:g} ms with no errors at {args.rate:g}/s offered: "
        f"{'met' if at_rate else 'missed'} ({paced.rps:.0f}/s achieved, p99 {paced.p99_ms:.1f} ms)"
    )


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase (max 60)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--warmup-clients", type=int, default=4)
    parser.add_argument(
        "--distinct",
        type=int,
        default=10000,
        help="different 10-finding requests for each phase of different requests",
    )
    parser.add_argument(
        "--warmup-requests",
        type=int,
        default=4000,
        help="different requests sent before the phases, not measured (0: a server just started)",
    )
    parser.add_argument(
        "--rate", type=float, default=TARGET_RPS, help="requests/s offered in the paced phase"
    )
    args = parser.parse_args()
    port = free_port()
    command = [sys.executable, "-m", "musclekb.cli", "serve", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(args.workers), "--no-access-log", "--log-level", "warning"]
    server = subprocess.Popen(command, start_new_session=True)
    try:
        try:
            import uvloop

            uvloop.run(main_async(args, port, server))
        except ImportError:
            asyncio.run(main_async(args, port, server))
    finally:
        stop(server)


if __name__ == "__main__":
    main()
