"""The clinician page: ``GET /`` and its assets under ``/static/`` (kept out of the OpenAPI schema).

Only files inside the package's ``static`` folder with a known extension are served; anything else,
including any path that tries to step outside the folder, is a 404 problem. Responses are sent by
:func:`~musclekb_api.files.send_file` (ETag and Last-Modified, 304, ``nosniff``), the page itself
with a Content-Security-Policy that allows nothing from other origins.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException
from fastapi.responses import FileResponse, Response

from musclekb_api.files import MEDIA_TYPES, content_policy, send_file

__all__ = ["MEDIA_TYPES", "STATIC_DIR", "resolve_static", "router"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# The page revalidates on every load; assets may be reused for a short while, then revalidated.
PAGE_CACHE = "no-cache"
ASSET_CACHE = "public, max-age=300, must-revalidate"

CSP = content_policy()

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


@router.get("/", response_class=FileResponse)
def index(if_none_match: IfNoneMatch = None) -> Response:
    """The clinician page."""
    return send_file(STATIC_DIR / "index.html", PAGE_CACHE, if_none_match, csp=CSP)


@router.get("/static/{path:path}", response_class=FileResponse)
def static(path: str, if_none_match: IfNoneMatch = None) -> Response:
    """A file of the page (scripts, styles, icons)."""
    file = resolve_static(path)
    return send_file(file, ASSET_CACHE, if_none_match, csp=CSP if file.suffix == ".html" else None)
