"""``HEAD`` on every ``GET`` route: the headers ``GET`` would send, without the body.

HTTP servers are expected to answer ``HEAD`` wherever they answer ``GET`` (RFC 9110, section
9.1); monitors and link checkers use it. The request goes in as ``GET``, so the answer's status,
``ETag``, ``Content-Type``, ``Content-Length`` and ``Content-Encoding`` are the ones ``GET`` gets
(and ``If-None-Match`` gives 304 the same way); only the body is left out.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HeadAsGet"]


class HeadAsGet:
    """ASGI middleware: ``HEAD`` answered as ``GET`` would be, with no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] in ("http.response.body", "http.response.pathsend"):
                if message.get("more_body"):
                    return  # a streamed body: nothing until its end
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
