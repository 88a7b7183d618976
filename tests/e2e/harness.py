"""The browser set-up shared by the end-to-end tests and the screenshot script.

The real app runs under uvicorn on a free port of 127.0.0.1, in a background thread; the browser is
Debian's Chromium (never a downloaded one), headless, with everything that would reach the network
on its own switched off.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

CHROMIUM = Path(os.environ.get("MUSCLEKB_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 120.0


def browser_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.is_file():
        return (
            f"Chromium is not installed at {CHROMIUM}: run .ci/browser "
            "(apt-get install chromium) to enable the browser tests"
        )
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def live_server(**options: Any) -> Iterator[str]:
    """Serve the real app on a free local port, as ``musclekb serve`` does (one process); yields
    its base URL, stops it afterwards.
    ``options``: more of uvicorn's settings (``http``, ``log_config``, ...)."""
    import uvicorn

    from musclekb_api.app import create_app
    from musclekb_api.protocol import uvicorn_options

    port = free_port()
    # as serve runs it, in this process: the app made here, on asyncio's own loop
    served = uvicorn_options(log_level="warning")
    for name in ("app", "factory", "loop"):
        served.pop(name)
    config = uvicorn.Config(
        create_app(), host="127.0.0.1", port=port, **{"loop": "asyncio", **served, **options}
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="musclekb-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server stopped while starting; see the log above")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the server did not start within {START_TIMEOUT_S:.0f} s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
    )
