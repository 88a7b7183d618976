"""Interactive API documentation at ``/docs`` (Swagger UI), served by this server alone.

FastAPI's own ``/docs`` and ``/redoc`` load their scripts, styles and fonts from public CDNs, so
on a machine without internet they stay blank, and elsewhere every visit tells those hosts about
it. Here the page loads Swagger UI from the ``fastapi-swagger`` package's files, served under
``/docs/``, and a Content-Security-Policy allows nothing from other origins. The page's one inline
script (which starts Swagger UI on ``/openapi.json``) is allowed by its hash, not by
``'unsafe-inline'``. ReDoc is not offered: no package ships it for Python.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from musclekb_api.files import content_policy, send_file

__all__ = ["ASSETS", "ASSETS_DIR", "router"]

ASSETS_DIR = Path(str(files("fastapi_swagger") / "resources"))
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css")
"""The files of Swagger UI that the page loads, from :data:`ASSETS_DIR`, under ``/docs/``."""

ASSET_CACHE = "public, max-age=86400, must-revalidate"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

router = APIRouter(include_in_schema=False)


def _policy(html: str) -> str:
    """A Content-Security-Policy for ``html``: this origin only, and its inline scripts by hash
    (Swagger UI sets style attributes and draws icons from data: URIs)."""
    digests = [hashlib.sha256(s.encode()).digest() for s in _INLINE_SCRIPT.findall(html)]
    hashes = " ".join(f"'sha256-{base64.b64encode(d).decode()}'" for d in digests)
    return content_policy(scripts=f"'self' {hashes}", styles="'self' 'unsafe-inline'")


@lru_cache(maxsize=8)
def _page(root: str, openapi_url: str, title: str) -> tuple[str, str]:
    """The page for an app served under ``root``, and its Content-Security-Policy."""
    html = get_swagger_ui_html(
        openapi_url=root + openapi_url,
        title=f"{title} API",
        swagger_js_url=f"{root}/docs/{ASSETS[0]}",
        swagger_css_url=f"{root}/docs/{ASSETS[1]}",
        swagger_favicon_url=f"{root}/static/icon.svg",
    ).body
    text = bytes(html).decode()
    return text, _policy(text)


@router.get("/docs", response_class=HTMLResponse)
async def docs(request: Request) -> Response:
    """The interactive documentation of every route, with "Try it out" against this server."""
    app = request.app
    html, policy = _page(request.scope.get("root_path", ""), app.openapi_url, app.title)
    headers = {
        "Cache-Control": "no-cache",
        "Content-Security-Policy": policy,
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }
    return HTMLResponse(html, headers=headers)


@router.get("/docs/{name}")
async def asset(name: str, if_none_match: Annotated[str | None, Header()] = None) -> Response:
    """A file of Swagger UI."""
    if name not in ASSETS:
        raise HTTPException(
            404, f"no documentation file {name!r}: /docs/ serves {', '.join(ASSETS)}"
        )
    return send_file(ASSETS_DIR / name, ASSET_CACHE, if_none_match)
