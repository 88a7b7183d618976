"""Conditional GET: an answer sent again only when it changed.

Every ``GET`` answered 200 with a body (entities, lists, search, graph, SPARQL results, the
OpenAPI document...) gets a weak ``ETag`` made from a hash of its body, and ``Cache-Control:
no-cache`` unless the route set its own: a client or cache may keep the answer but asks again
each time. A request whose ``If-None-Match`` holds that tag (or ``*``) gets ``304 Not Modified``
with no body. The answer is still worked out (the tag is its hash), but not sent: a client that
reads the same lists again and again downloads them once per knowledge base. Routes that set an
``ETag`` of their own (the export, the web page) keep it and answer ``If-None-Match`` themselves.
"""

from __future__ import annotations

from hashlib import blake2b

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ConditionalGet", "body_tag", "tag_matches"]

# what a 304 keeps of the 200's headers (RFC 9110, section 15.4.5): the validators and what
# caches need; not the body's type or length
_KEPT_ON_304 = ("cache-control", "content-location", "date", "etag", "expires", "vary")


def body_tag(body: bytes) -> str:
    """The weak entity tag of a body: the same bytes always get the same tag."""
    return f'W/"{blake2b(body, digest_size=12).hexdigest()}"'


def tag_matches(if_none_match: str, tag: str) -> bool:
    """Whether ``If-None-Match`` holds ``tag`` by weak comparison (``W/`` ignored), or is ``*``."""
    opaque = tag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False


class ConditionalGet:
    """ASGI middleware: ``ETag`` on ``GET`` answers and ``304`` for a current one (see the
    module's docstring). Other methods, other statuses and streamed bodies pass through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        if_none_match = ",".join(Headers(scope=scope).getlist("if-none-match"))
        held: Message | None = None  # the start of a 200 without a tag, until its body comes

        async def tagged(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=message["headers"])
                if message["status"] == 200 and "etag" not in headers:
                    held = message
                    return
            elif held is not None:
                start, held = held, None
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    headers = MutableHeaders(raw=start["headers"])
                    tag = headers["etag"] = body_tag(message.get("body", b""))
                    headers.setdefault("cache-control", "no-cache")
                    if if_none_match and tag_matches(if_none_match, tag):
                        kept = [(k, v) for k, v in start["headers"] if k.decode() in _KEPT_ON_304]
                        await send({"type": "http.response.start", "status": 304, "headers": kept})
                        await send({"type": "http.response.body", "body": b""})
                        return
                await send(start)
            await send(message)

        await self.app(scope, receive, tagged)
