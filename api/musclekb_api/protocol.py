"""The HTTP/1.1 connection: uvicorn's httptools protocol, with the refusals it makes itself
answered as problem details too, and bounds on a request's head.

- uvicorn answers a request it cannot parse (an unknown method, a bad header, a URL over 64 KiB,
  a chunk size that is not hexadecimal, ...) before the application sees it, with a plain-text
  ``400 Invalid HTTP request received.``. Here the same refusal is a problem that says what the
  parser found and what to change.
- uvicorn takes a request line and headers of any length, and parsing a head grows slower the
  longer it gets (a 40 MiB header took a worker 1.3 s of CPU). A head over
  ``MUSCLEKB_MAX_HEAD_BYTES`` is refused when it has come whole, or as soon as one read more
  than that has come without its end: 414 while the request line is what is long, else 431.
- uvicorn waits for a head for ever: a connection that sends part of one, or nothing at all,
  stays open, and enough of them leave the server no connections to accept. A head that has not
  ended ``MUSCLEKB_HEAD_TIMEOUT`` seconds after the connection opened or the message began is
  refused with a 408 (a connection on which nothing came is just closed).
- uvicorn writes an answer whole into the connection's buffer and keeps it there for as long as
  the client takes to read it: a client that stops reading holds an assessment (up to a few
  MiB) or the graph's export in memory for ever, and thousands of them exhaust it. When the
  client has taken nothing of what waits for ``MUSCLEKB_SEND_TIMEOUT`` seconds, the connection
  is dropped, and what waits with it.

Each refusal is logged as a warning naming the client, the status and the reason (in place of
uvicorn's ``Invalid HTTP request received.``, which gives none of them). After a refusal the
connection is closed, since what the client sends next cannot be read. The answers to the
requests that came before it on the connection (pipelined) are sent first, and the refusal after
them.

``musclekb serve`` runs uvicorn with :func:`uvicorn_options`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from http import HTTPStatus
from typing import Any

import httptools
import orjson
from uvicorn._types import ASGI3Application
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.server import ServerState

from musclekb_api.problems import PROBLEM_JSON
from musclekb_api.settings import get_settings

__all__ = [
    "PROTOCOL",
    "HeadTooLarge",
    "ProblemHttpProtocol",
    "unreadable_detail",
    "uvicorn_options",
]

PROTOCOL = "musclekb_api.protocol:ProblemHttpProtocol"
"""What ``musclekb serve`` gives uvicorn as its ``http`` option."""

_UVICORN_REFUSAL = "Invalid HTTP request received."  # what uvicorn logs, saying not why


def _not_uvicorns_refusal(record: logging.LogRecord) -> bool:
    return record.msg != _UVICORN_REFUSAL


_LOG = logging.getLogger("uvicorn.error.http")
"""The connections' logger, under uvicorn's (whose level and handlers it follows), less the line
uvicorn logs for every request it cannot parse: the refusal logs one that names the client, the
status and the reason."""
_LOG.addFilter(_not_uvicorns_refusal)


def uvicorn_options(*, access_log: bool = True, log_level: str = "info") -> dict[str, Any]:
    """The options ``musclekb serve`` runs uvicorn with (the app by its factory's name, so that
    each worker process builds its own)."""
    return {
        "app": "musclekb_api.app:create_app",
        "factory": True,
        "loop": "auto" if sys.platform == "win32" else "uvloop",
        "http": PROTOCOL,
        "ws": "none",  # no WebSocket routes: an Upgrade is answered as plain HTTP/1.1
        "lifespan": "on",
        "access_log": access_log,
        "log_level": log_level,
    }


_METHODS = "GET, HEAD, POST or OPTIONS"


class HeadTooLarge(Exception):
    """A request's head is over the limit (raised from the parser's callback, to stop it)."""

    def __init__(self, status: int, size: int, limit: int) -> None:
        super().__init__(f"{size} bytes, limit {limit}")
        self.status, self.size, self.limit = status, size, limit


def unreadable_detail(exc: BaseException | None) -> str:
    """What a 400 for a request the parser refused says: the parser's reason and what to
    change. ``exc`` is the parser's error (a callback's error carries the cause it met)."""
    cause = exc
    if isinstance(exc, httptools.HttpParserCallbackError) and exc.__context__ is not None:
        cause = exc.__context__
    reason = str(cause).strip() or type(cause).__name__
    if "PRI" in reason:  # llhttp pauses on the HTTP/2 connection preface, "PRI * HTTP/2.0"
        advice = "this service speaks HTTP/1.1, not HTTP/2: connect with HTTP/1.1"
    elif isinstance(cause, httptools.HttpParserInvalidMethodError):
        advice = f"start the request line with a method this service answers: {_METHODS}"
    elif isinstance(cause, httptools.HttpParserInvalidURLError):
        advice = (
            "give a path that starts with '/', percent-encode what is not ASCII, and keep the "
            "URL under 64 KiB (send a long SPARQL query by POST)"
        )
    else:
        advice = (
            "send HTTP/1.1 with well-formed headers and one way to frame the body "
            "(Content-Length or Transfer-Encoding: chunked, not both)"
        )
    return f"the request could not be read as HTTP/1.1 ({reason}); {advice}"


def _problem_bytes(status: int, detail: str, **extra: object) -> bytes:
    title = HTTPStatus(status).phrase
    return orjson.dumps(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    )


class ProblemHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol whose own refusals are problem details (see the module).

    ``max_head_bytes``, ``head_timeout`` and ``send_timeout``: the bounds on a head's size, on
    the time it may take to come, and on the time a client may take nothing of what waits for it;
    None (the default) takes the settings' values when the connection opens."""

    max_head_bytes: int | None = None
    head_timeout: float | None = None
    send_timeout: float | None = None

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.logger = _LOG
        settings = get_settings()
        limit, timeout, send = self.max_head_bytes, self.head_timeout, self.send_timeout
        self._head_limit = settings.max_head_bytes if limit is None else limit
        self._head_timeout = settings.head_timeout if timeout is None else timeout
        self._send_timeout = settings.send_timeout if send is None else send
        self._send_timer: asyncio.TimerHandle | None = None
        self._send_left = 0  # bytes waiting for the client when it last took some
        self._send_since = 0.0  # when that was
        self._in_head = False  # from a message's first byte to the end of its headers
        self._begun = 0  # messages begun on this connection
        self._head_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None
        self._last_word: bytes | None = None  # a refusal waiting for the answers before it
        self._running: RequestResponseCycle | None = None  # the request being answered

    # ------------------------------------------------------------------ the head's time

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_timer()  # a connection that sends nothing is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        self._stop_send_watch()
        super().connection_lost(exc)

    def _start_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self._head_timeout, self._head_late)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_late(self) -> None:
        """The head has not all come in time: 408 when part of it came, else just closed."""
        self._head_timer = None
        if self.transport.is_closing():
            return
        if not self._in_head:  # nothing sent since the connection opened
            self.transport.close()
            return
        detail = (
            f"the request line and headers did not all arrive within {self._head_timeout:g} s "
            "(MUSCLEKB_HEAD_TIMEOUT); send the request whole, at once"
        )
        self._send_problem(408, detail)

    # ------------------------------------------------------------------ a client that stops reading

    def pause_writing(self) -> None:
        """The transport holds more than its high-water mark: watch that the client takes it."""
        super().pause_writing()
        if self._send_timer is None:
            self._send_left = self.transport.get_write_buffer_size()
            self._send_since = self.loop.time()
            self._send_timer = self.loop.call_later(self._send_timeout / 4, self._check_send)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._stop_send_watch()

    def _stop_send_watch(self) -> None:
        if self._send_timer is not None:
            self._send_timer.cancel()
            self._send_timer = None

    def _check_send(self) -> None:
        """Drop the connection when the client has taken nothing for the send time-out (a
        transport closed after its answer still holds what waits, so it is watched too)."""
        self._send_timer = None
        left, now = self.transport.get_write_buffer_size(), self.loop.time()
        if left == 0:
            return
        if left < self._send_left:
            self._send_left, self._send_since = left, now
        elif now - self._send_since >= self._send_timeout:
            self.transport.abort()
            return
        self._send_timer = self.loop.call_later(self._send_timeout / 4, self._check_send)

    # ------------------------------------------------------------------ the head's size

    def data_received(self, data: bytes) -> None:
        if self._last_word is not None:  # refused: nothing more is read
            return
        began = self._begun
        super().data_received(data)
        if not self._in_head or self._begun != began or self.transport.is_closing():
            return
        # the whole read belongs to a head that has not ended (a read in which a message began
        # may hold the end of the one before: it is not counted, so the bound is exceeded by
        # at most one read before the refusal)
        self._head_bytes += len(data)
        if self._head_bytes > self._head_limit:
            self._refuse_head(self._status_for_head())

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._start_head_timer()
        self._in_head = True
        self._begun += 1
        self._head_bytes = 0

    def on_headers_complete(self) -> None:
        self._stop_head_timer()
        self._in_head = False
        size = len(self.url) + sum(len(n) + len(v) + 4 for n, v in self.headers)
        if size > self._head_limit:  # a head that came within one read
            raise HeadTooLarge(self._status_for_head(), size, self._head_limit)
        super().on_headers_complete()

    def _status_for_head(self) -> int:
        """414 while the request line is what is long (no header has ended yet), else 431."""
        url_over = len(getattr(self, "url", b"")) > self._head_limit // 2
        return 414 if not self.headers or url_over else 431

    def _refuse_head(self, status: int) -> None:
        limit = self._head_limit
        if status == 414:
            detail = (
                f"the request line is over {limit} bytes (MUSCLEKB_MAX_HEAD_BYTES); shorten the "
                "URL, or send a long SPARQL query by POST (Content-Type: application/sparql-query)"
            )
        else:
            detail = (
                f"the request's headers are over {limit} bytes (MUSCLEKB_MAX_HEAD_BYTES) "
                f"with the request line; send fewer or shorter headers"
            )
        self._send_problem(status, detail, limit=limit)

    # ------------------------------------------------------------------ refusals

    def _unsupported_upgrade_warning(self) -> None:
        """uvicorn warns of every request with an ``Upgrade`` header, and advises installing a
        WebSocket library; here no route takes one, and the request is answered as HTTP/1.1
        (``ws="none"``), as intended: a debug line says so."""
        upgrade = self._get_upgrade()
        wanted = upgrade.decode("latin-1") if upgrade is not None else ""
        self.logger.debug("%sanswered as HTTP/1.1, Upgrade: %s ignored", self._who(), wanted)

    def _who(self) -> str:
        """The client's address, as uvicorn starts its lines with it ("" when unknown)."""
        return f"{self.client[0]}:{self.client[1]} - " if self.client else ""

    def send_400_response(self, msg: str) -> None:
        """uvicorn calls this while it handles the parser's error, which says what was wrong."""
        exc = sys.exception()
        cause = exc.__context__ if exc is not None else None
        if isinstance(cause, HeadTooLarge):
            self._refuse_head(cause.status)
            return
        self._send_problem(400, unreadable_detail(exc))

    def _send_problem(self, status: int, detail: str, **extra: object) -> None:
        """Answer a problem (``detail``, and ``extra`` fields) and close, once the answers to
        the requests before are sent; the refusal is logged as a warning, with its reason."""
        if self.transport.is_closing() or self._last_word is not None:
            return
        self.logger.warning("%srefused with %d: %s", self._who(), status, detail)
        body = _problem_bytes(status, detail, **extra)
        self._stop_head_timer()
        head = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n".encode("ascii")]
        for name, value in self.server_state.default_headers:
            head.append(b"%s: %s\r\n" % (name, value))
        head.append(
            b"content-type: %s\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
            % (PROBLEM_JSON.encode("ascii"), len(body))
        )
        self._last_word = b"".join(head) + body
        self.flow.pause_reading()
        if not self._answers_before_refusal():
            self._say_last_word()

    def _answers_before_refusal(self) -> bool:
        """Drop a waiting request whose body the refusal cut short (it would wait for the rest
        for ever); then whether answers to earlier requests must go before the refusal: one
        under way, or requests waiting for theirs (pipelined)."""
        latest, running = self.cycle, self._running
        if latest is not None and latest.more_body:  # the refusal falls inside its body
            if self.pipeline and self.pipeline[0][0] is latest:
                self.pipeline.popleft()
            elif latest is running:
                return False  # the request under way is the broken one: refused at once
        return bool(self.pipeline) or (running is not None and not running.response_complete)

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: ASGI3Application) -> None:
        self._running = cycle
        super()._start_asgi_task(cycle, app)

    def _say_last_word(self) -> None:
        assert self._last_word is not None
        self.transport.write(self._last_word)
        self.transport.close()

    def on_response_complete(self) -> None:
        if self._last_word is None or self.transport.is_closing():
            super().on_response_complete()
        elif self.pipeline:  # the next waiting request is answered before the refusal
            super().on_response_complete()
            self.flow.pause_reading()  # resumed by uvicorn to read more: nothing more is read
        else:
            self.server_state.total_requests += 1
            self._say_last_word()
