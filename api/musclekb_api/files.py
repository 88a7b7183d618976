"""Files sent as they are on disk: their media types, and an answer with validators.

An answer carries an ``ETag`` made from the file's modification time and size (a matching
``If-None-Match`` gets a 304 with the same headers), the whole file whatever ``Range`` asks
(``Accept-Ranges: none``), ``X-Content-Type-Options: nosniff``, the
cache policy it is given and, for a page, its Content-Security-Policy and ``no-referrer``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import FileResponse, Response
from starlette.types import Receive, Scope, Send

from musclekb_api.conditional import tag_matches

__all__ = ["MEDIA_TYPES", "content_policy", "send_file"]

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}


def content_policy(scripts: str = "'self'", styles: str = "'self'") -> str:
    """A Content-Security-Policy that lets a page load from its own origin only: its scripts
    and styles from ``scripts`` and ``styles`` (source lists), images also from data: URIs."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {scripts}",
            f"style-src {styles}",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class _WholeFile(FileResponse):
    """A file always sent whole: ranges are not offered (``Accept-Ranges: none``) and a
    ``Range`` header is ignored, as RFC 9110 lets a server do. These files are small and cached;
    Starlette would answer a malformed range with a plain-text 400 and one past the end with an
    empty 416."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(name, value) for name, value in scope["headers"] if name != b"range"]
        await super().__call__({**scope, "headers": headers}, receive, send)


def send_file(
    file: Path, cache: str, if_none_match: str | None, *, csp: str | None = None
) -> Response:
    """``file`` (its suffix a key of :data:`MEDIA_TYPES`), or a 304 when ``if_none_match``
    holds its tag; ``csp``: the Content-Security-Policy of a page."""
    stat = file.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    headers = {
        "Cache-Control": cache,
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        "Accept-Ranges": "none",
    }
    if csp is not None:
        headers["Content-Security-Policy"] = csp
        headers["Referrer-Policy"] = "no-referrer"
    if if_none_match is not None and tag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    media_type = MEDIA_TYPES[file.suffix.lower()]
    return _WholeFile(file, media_type=media_type, headers=headers, stat_result=stat)
