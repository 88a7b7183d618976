"""Conditional GET: an answer sent again only when it changed.

Every ``GET`` answered 200 with a body (entities, lists, search, graph, SPARQL results, the
OpenAPI document...) gets a weak ``ETag`` made from a hash of its body, and ``Cache-Control:
no-cache`` unless the route set its own: a client or cache may keep the answer but asks again
each time. A request whose ``If-None-Match`` holds that tag (or ``*``) gets ``304 Not Modified``
with no body. Routes that set an ``ETag`` of their own (the export, the web page) keep it and
answer ``If-None-Match`` themselves.

The knowledge base does not change while the process runs, so the same URL gets the same answer,
as long as the request headers the answer's ``Vary`` names are the same. The tags given are kept
(the latest :data:`KNOWN_TAGS`, by URL, with those headers' values), and a request that sends
back the tag kept for its URL gets its 304 at once, without the answer being worked out again:
a SPARQL query polled with ``If-None-Match`` runs once. Any other conditional request works the
answer out and compares its tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import blake2b

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from musclekb.bounded import put

__all__ = ["KNOWN_TAGS", "ConditionalGet", "body_tag", "tag_matches"]

KNOWN_TAGS = 4096
"""How many URLs' tags are kept, to answer a current one without working the answer out."""

# what a 304 keeps of the 200's headers (RFC 9110, section 15.4.5): the validators and what
# caches need; not the body's type or length
_KEPT_ON_304 = ("cache-control", "content-location", "date", "etag", "expires", "vary")


@dataclass(frozen=True)
class _Given:
    """A tag given for a URL: the headers of its 304, and the request headers (named by the
    answer's ``Vary``) with the values the tag holds for."""

    tag: str
    kept: list[tuple[bytes, bytes]]
    varies: tuple[tuple[str, str], ...]

    def current(self, if_none_match: str, request: Headers) -> bool:
        """Whether ``If-None-Match`` holds the tag, for a request that the tag holds for."""
        return tag_matches(if_none_match, self.tag) and all(
            ",".join(request.getlist(name)) == value for name, value in self.varies
        )


def _varies(vary: str, request: Headers) -> tuple[tuple[str, str], ...]:
    names = sorted({n.strip().lower() for n in vary.split(",") if n.strip()})
    return tuple((name, ",".join(request.getlist(name))) for name in names)


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

    def __init__(self, app: ASGIApp, known_tags: int = KNOWN_TAGS) -> None:
        self.app = app
        self.known_tags = known_tags
        self._given: dict[tuple[bytes, bytes], _Given] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        request = Headers(scope=scope)
        if_none_match = ",".join(request.getlist("if-none-match"))
        url = (scope.get("raw_path") or scope["path"].encode(), scope["query_string"])
        given = self._given.get(url) if if_none_match else None
        if given is not None and given.current(if_none_match, request):
            await _not_modified(send, given.kept)
            return
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
                    kept = [(k, v) for k, v in start["headers"] if k.decode() in _KEPT_ON_304]
                    varies = _varies(headers.get("vary", ""), request)
                    put(self._given, url, _Given(tag, kept, varies), self.known_tags)
                    if if_none_match and tag_matches(if_none_match, tag):
                        await _not_modified(send, kept)
                        return
                await send(start)
            await send(message)

        await self.app(scope, receive, tagged)


async def _not_modified(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
