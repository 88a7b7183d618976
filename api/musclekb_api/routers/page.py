"""The clinician page: ``GET /`` and its assets under ``/static/`` (kept out of the OpenAPI schema).

Only files inside the package's ``static`` folder with a known extension are served; anything else,
including any path that tries to step outside the folder, is a 404 problem. Responses carry an
ETag and Last-Modified (a matching ``If-None-Match`` gets a 304), ``X-Content-Type-Options: nosniff``
and, for the page itself, a Content-Security-Policy that allows nothing from other origins.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException
from fastapi.responses import FileResponse, Response

from musclekb_api.conditional import tag_matches

__all__ = ["STATIC_DIR", "router"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

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

# The page revalidates on every load; assets may be reused for a short while, then revalidated.
PAGE_CACHE = "no-cache"
ASSET_CACHE = "public, max-age=300, must-revalidate"

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

router = APIRouter(include_in_schema=False)

IfNoneMatch = Annotated[str | None, Header()]


def _not_found(path: str) -> HTTPException:
    return HTTPException(404, f"no static file {path!r}: the page's assets live under /static/")


def resolve_static(path: str) -> Path:
    """The file under ``STATIC_DIR`` that ``path`` names, or a 404 if there is none or it escapes."""
    parts = PurePosixPath(path).parts
    if (
        not parts
        or "\\" in path
        or "\x00" in path
        or any(part in ("", ".", "..") or part.startswith(".") for part in parts)
        or PurePosixPath(path).is_absolute()
    ):
        raise _not_found(path)
    candidate = (STATIC_DIR / Path(*parts)).resolve()
    if not candidate.is_relative_to(STATIC_DIR) or not candidate.is_file():
        raise _not_found(path)
    if candidate.suffix.lower() not in MEDIA_TYPES:
        raise _not_found(path)
    return candidate


def _send(file: Path, cache: str, if_none_match: str | None, *, page: bool = False) -> Response:
    stat = file.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    headers = {"Cache-Control": cache, "ETag": etag, "X-Content-Type-Options": "nosniff"}
    if page:
        headers["Content-Security-Policy"] = CSP
        headers["Referrer-Policy"] = "no-referrer"
    if if_none_match is not None and tag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    media_type = MEDIA_TYPES[file.suffix.lower()]
    return FileResponse(file, media_type=media_type, headers=headers, stat_result=stat)


@router.get("/", response_class=FileResponse)
def index(if_none_match: IfNoneMatch = None) -> Response:
    """The clinician page."""
    return _send(STATIC_DIR / "index.html", PAGE_CACHE, if_none_match, page=True)


@router.get("/static/{path:path}", response_class=FileResponse)
def static(path: str, if_none_match: IfNoneMatch = None) -> Response:
    """A file of the page (scripts, styles, icons)."""
    file = resolve_static(path)
    return _send(file, ASSET_CACHE, if_none_match, page=file.suffix == ".html")
