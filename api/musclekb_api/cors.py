"""Calls from web pages on other origins (CORS), with a refused preflight answered as a problem."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from musclekb_api.problems import problem

__all__ = ["Cors"]

_ASKED = {
    "origin": "origin",
    "method": "access-control-request-method",
    "headers": "access-control-request-headers",
}


class Cors(CORSMiddleware):
    """Starlette's CORS middleware; a preflight it refuses gets a 400 problem that names what
    the page asked for and what is allowed, instead of the plain text ``Disallowed CORS ...``."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        refused = bytes(response.body).decode().removeprefix("Disallowed CORS ").split(", ")
        asked = [
            f"{what} {request_headers.get(_ASKED[what], '')!r}"
            for what in refused
            if what in _ASKED
        ]
        allowed = {
            "origin": "*" if self.allow_all_origins else ", ".join(self.allow_origins),
            "method": ", ".join(sorted(self.allow_methods)),
            "headers": ", ".join(sorted(self.allow_headers)),
        }
        detail = (
            f"this service does not allow the {' and '.join(asked or refused)} of this "
            "cross-origin request; allowed: "
            + "; ".join(f"{what}s {allowed[what]}" for what in refused if what in allowed)
        )
        headers = {
            k: v for k, v in response.headers.items() if k not in ("content-type", "content-length")
        }
        return problem(400, "Cross-origin request not allowed", detail, headers)
