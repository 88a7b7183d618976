"""``musclekb serve --workers N``: the workers share one listening socket and take turns, so
keep-alive connections spread evenly over them; the supervisor stops them all on SIGTERM, and an
address in use is a clear error. (The connection counts are read from Linux's /proc.)"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from musclekb.cli import app
from musclekb_api.workers import _has_served, bind

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads sockets and processes from /proc"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _listening(port: int) -> int:
    """How many sockets listen on ``port`` (from /proc/net/tcp)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":
            count += 1
    return count


def _connections(pids: list[int], port: int) -> dict[int, int]:
    """How many established connections to ``port`` each process in ``pids`` holds."""
    inodes: dict[str, int] = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "01":
            inodes[fields[9]] = 0
    held = {}
    for pid in pids:
        links = []
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                links.append(fd.readlink().name)
            except OSError:  # closed since the listing
                continue
        held[pid] = sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in inodes)
    return held


def _get(conn: socket.socket, path: str) -> bytes:
    """One keep-alive GET on an open connection; the answer's head and body."""
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += conn.recv(65536)
    return head + b"\r\n\r\n" + body


def _workers(pid: int) -> list[int]:
    """The worker processes among ``pid``'s children (not multiprocessing's resource tracker)."""
    return [
        child
        for child in _children(pid)
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            out.append(int(stat.parent.name))
    return out


def test_two_workers_share_connections_evenly_and_all_stop_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "musclekb.cli", "serve", "--port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*command, "--workers", "2", "--no-access-log", "--log-level", "info"], stderr=out
        )
    conns: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 90
        # each worker takes connections once its lifespan has loaded the knowledge base
        while log.read_text().count("Application startup complete") < 2:
            assert server.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        workers = _workers(server.pid)
        assert len(workers) == 2
        time.sleep(0.3)  # past the first tick, on which each worker writes its slot
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            assert json.loads(r.read())["status"] == "ok"
        # keep-alive clients, opened one after another: hashing them over two sockets would split
        # 64 connections anywhere around 32:32 (outside 31..33 seven times in ten)
        for _ in range(64):
            conn = socket.create_connection(("127.0.0.1", port), timeout=10)
            conns.append(conn)
            assert b" 200 " in _get(conn, "/healthz").split(b"\r\n", 1)[0]
        held = _connections(workers, port)
        assert sum(held.values()) == 64
        assert max(held.values()) - min(held.values()) <= 2, held
        for conn in conns:  # each connection still answers
            assert b" 200 " in _get(conn, "/healthz").split(b"\r\n", 1)[0]
        # a worker that dies after it has served is replaced, however soon after start
        os.kill(workers[0], signal.SIGKILL)
        while len(replaced := _workers(server.pid)) < 2 or workers[0] in replaced:
            assert server.poll() is None, "the service stopped when a serving worker died"
            assert time.monotonic() < deadline, "the worker was not replaced"
            time.sleep(0.2)
        while log.read_text().count("Application startup complete") < 3:
            assert time.monotonic() < deadline, "the new worker did not start"
            time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            assert json.loads(r.read())["status"] == "ok"
        workers = replaced
    finally:
        for conn in conns:
            conn.close()
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    assert code == 0
    assert _listening(port) == 0
    # The workers stop before the supervisor exits.
    deadline = time.monotonic() + 10
    while running := [pid for pid in workers if not _exited(pid)]:
        assert time.monotonic() < deadline, f"still running after the supervisor exited: {running}"
        time.sleep(0.05)


def _exited(pid: int) -> bool:
    """Whether a process has exited: gone, or a zombie its parent has not reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def test_a_worker_has_served_once_it_wrote_its_slot_after_it_started() -> None:
    shared = [0.0, 0.0, 3.0, 105.0]
    assert not _has_served(shared, 0, started=100.0)
    assert _has_served(shared, 1, started=100.0)
    assert not _has_served(shared, 1, started=106.0)  # written by the worker before it


def test_an_address_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(OSError):
            bind("127.0.0.1", port).close()
        result = CliRunner().invoke(app, ["serve", "--port", str(port), "--workers", "2"])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
