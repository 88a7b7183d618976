"""``musclekb serve --workers N``: on Linux each worker listens on its own socket (SO_REUSEPORT),
so connections spread over the workers; the supervisor stops them all on SIGTERM, and an address
in use is a clear error."""

from __future__ import annotations

import json
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
from musclekb_api.workers import bind, reuse_port_supported

pytestmark = pytest.mark.skipif(not reuse_port_supported(), reason="needs SO_REUSEPORT (Linux)")


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


def test_two_workers_each_listen_and_all_stop_on_sigterm() -> None:
    port = _free_port()
    command = [sys.executable, "-m", "musclekb.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", "2", "--no-access-log", "--log-level", "warning"]
    )
    try:
        deadline = time.monotonic() + 90
        while _listening(port) < 2:
            assert server.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the workers did not start listening"
            time.sleep(0.2)
        workers = _children(server.pid)
        assert len(workers) >= 2
        while True:  # listening comes before the lifespan has loaded the knowledge base
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    assert json.loads(r.read())["status"] == "ok"
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        for _ in range(8):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
                assert r.status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    assert code == 0
    assert _listening(port) == 0
    # The workers stop before the supervisor exits; multiprocessing's resource tracker, also one
    # of its children, exits when the supervisor's end of its pipe closes, a moment after.
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
