"""Answers compressed with gzip for clients that accept it.

An assessment with its explanations is over a hundred kilobytes of JSON that compresses about
elevenfold, which matters to an app on a phone network. A request whose ``Accept-Encoding`` accepts
gzip (``gzip``, ``x-gzip`` or ``*`` with a weight above 0) gets answers from
``MUSCLEKB_GZIP_MIN_BYTES`` up compressed at ``MUSCLEKB_GZIP_LEVEL``; any other request, and every
request when the level is 0, passes straight through, untouched and at no cost. A strong
``ETag`` on a compressed answer is made weak (the two bodies differ; see
:func:`_weak_tags_when_compressed`).
"""

from __future__ import annotations

import sys

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from musclekb_api.negotiation import weighted

__all__ = ["Compression", "accepts_gzip"]

# Compress on the event loop, never in a thread: a worker's requests are CPU-bound, so a thread
# only adds the cost of handing the body over (measured: about 3 ms more per assessment than
# the 1 ms of compressing its 170 KiB at level 3) and buys no time for other requests.
_INLINE = sys.maxsize


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value accepts gzip: named (or as ``x-gzip``) with a weight
    above 0, or not named and ``*`` accepted. A weight that is not a number counts as 0."""
    weights = dict(weighted(accept_encoding))
    for coding in ("gzip", "x-gzip", "*"):
        if coding in weights:
            return weights[coding] > 0
    return False


def _weak_tags_when_compressed(send: Send) -> Send:
    """``send``, with a strong ``ETag`` made weak on an answer sent compressed: a strong tag
    names one exact body (RFC 9110), and the compressed and the plain answers differ byte for
    byte. ``If-None-Match`` compares tags weakly, so the weak tag still earns a 304."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(raw=message["headers"])
            tag = headers.get("etag")
            if tag and not tag.startswith("W/") and headers.get("content-encoding"):
                headers["etag"] = f"W/{tag}"
        await send(message)

    return sending


class Compression:
    """ASGI middleware: gzip for the requests that accept it (see the module's docstring)."""

    def __init__(self, app: ASGIApp, level: int, min_bytes: int) -> None:
        self.app, self.level, self.min_bytes = app, level, min_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.level
            and scope["type"] == "http"
            and accepts_gzip(",".join(Headers(scope=scope).getlist("accept-encoding")))
        ):
            responder = GZipResponder(
                self.app, self.min_bytes, compresslevel=self.level, thread_minimum_size=_INLINE
            )
            await responder(scope, receive, _weak_tags_when_compressed(send))
        else:
            await self.app(scope, receive, send)
