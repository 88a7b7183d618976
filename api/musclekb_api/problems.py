"""One error format everywhere: RFC 9457 problem details, mapped from domain errors in one place.

Request errors (422) carry ``errors: [{"loc", "msg", "suggestions"}]`` whether FastAPI found them
(wrong types, malformed JSON) or the library did (unknown ids, contradictory findings, ...):
``loc`` is a path such as ``["body", "findings", 0, "sign"]``, ``suggestions`` the closest valid
values when there are any. At most ``max_problems`` (a setting) are listed; ``unlisted`` counts
the others when there are any.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from musclekb import AssessmentInputError, InputProblem, LookupFailedError, MuscleKBError
from musclekb_api.graphstore import SparqlError
from musclekb_api.state import current_settings

__all__ = [
    "ApiProblem",
    "install_problem_handlers",
    "json_position",
    "location",
    "not_found_doc",
    "problem",
    "problem_doc",
]

PROBLEM_JSON = "application/problem+json"
_P = TypeVar("_P")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_QUOTED = re.compile(r"'([^']*)'")


class ApiProblem(Exception):
    """An HTTP-level refusal raised by a route (too large, wrong media type, ...)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.headers = dict(headers or {})
        self.extra = extra


def problem_doc(
    status: int, description: str, title: str, detail: str, **extra: Any
) -> dict[str, Any]:
    """An OpenAPI response entry for a problem, with an example body."""
    example = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return {"description": description, "content": {PROBLEM_JSON: {"example": example}}}


def not_found_doc(noun: str, kind: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI 404 entry for a lookup by id that fails (with the closest ids)."""
    return {
        404: problem_doc(
            404,
            f"No {noun} has this id (problem+json with the closest ids).",
            "Not found",
            f"no {kind} with id 'exampel'; did you mean 'example'?",
            suggestions=["example"],
        )
    }


def problem(
    status: int,
    title: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {})
    )


def location(where: str) -> list[str | int]:
    """``findings[2].sign`` -> ``["body", "findings", 2, "sign"]`` (``request`` is the body)."""
    steps: list[str | int] = ["body"]
    if where != "request":
        for name, index in _STEP.findall(where):
            steps.append(int(index) if index else name)
    return steps


def _input_error_item(p: InputProblem) -> dict[str, Any]:
    return {"loc": location(p.location), "msg": p.message, "suggestions": list(p.suggestions)}


def json_position(doc: object, pos: int) -> str:
    """Where character ``pos`` of a JSON text is, as a person reads it: line and column."""
    if not isinstance(doc, str | bytes):
        return f"character {pos}"
    text = doc if isinstance(doc, str) else doc.decode("utf-8", "replace")
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {column}"


def _validation_item(error: Mapping[str, Any], body: object) -> dict[str, Any]:
    loc = list(error.get("loc", ()))
    msg = str(error.get("msg", ""))
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    suggestions: list[str] = []
    if kind == "json_invalid":
        pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
        msg = f"invalid JSON at {json_position(body, pos)}: {ctx.get('error', 'cannot parse')}"
        loc = loc[:1]
    elif kind == "missing" and loc == ["body"]:
        msg = "a JSON body is required (send {} for an empty assessment)"
    elif kind in ("literal_error", "enum") and isinstance(error.get("input"), str):
        valid = _QUOTED.findall(str(ctx.get("expected", "")))
        suggestions = difflib.get_close_matches(error["input"], valid, n=3, cutoff=0.3)
    elif isinstance(ctx.get("suggestions"), list):  # our own query-parameter checks
        suggestions = [str(s) for s in ctx["suggestions"]]
    return {"loc": loc, "msg": msg, "suggestions": suggestions}


def _listing(
    request: Request, found: Sequence[_P], item: Callable[[_P], dict[str, Any]]
) -> dict[str, Any]:
    """The fields of a 422 that list its problems: ``errors`` for the first ``max_problems`` of
    ``found`` (each written by ``item``), and ``unlisted`` counting the rest when there are any."""
    limit = current_settings(request).max_problems
    errors = [item(p) for p in found[:limit]]
    unlisted = len(found) - len(errors)
    return {"errors": errors, "unlisted": unlisted} if unlisted else {"errors": errors}


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error the service can meet to a problem-details response."""

    @app.exception_handler(LookupFailedError)
    async def _lookup(_: Request, exc: LookupFailedError) -> JSONResponse:
        return problem(404, "Not found", str(exc), suggestions=list(exc.suggestions))

    @app.exception_handler(AssessmentInputError)
    async def _assessment_input(request: Request, exc: AssessmentInputError) -> JSONResponse:
        listing = _listing(request, exc.problems, _input_error_item)
        detail = exc.render(len(listing["errors"]))
        return problem(422, "Invalid assessment request", detail, **listing)

    @app.exception_handler(MuscleKBError)
    async def _domain(_: Request, exc: MuscleKBError) -> JSONResponse:
        return problem(422, "Unprocessable request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        body = getattr(exc, "body", None)
        listing = _listing(request, exc.errors(), lambda e: _validation_item(e, body))
        errors = listing["errors"]
        where = "; ".join(f"{'/'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in errors)
        if "unlisted" in listing:
            where += f"; ... and {listing['unlisted']} more"
        return problem(422, "Invalid request", where or "the request is not valid", **listing)

    @app.exception_handler(ApiProblem)
    async def _api(_: Request, exc: ApiProblem) -> JSONResponse:
        return problem(exc.status, exc.title, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(SparqlError)
    async def _sparql(_: Request, exc: SparqlError) -> JSONResponse:
        return problem(exc.status, exc.title, str(exc), exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = detail = str(exc.detail)
        headers = _allow_head(exc.headers)
        if exc.status_code == 404 and detail == "Not Found":  # no route, or no such file
            detail = not_found(request.url.path)
        elif exc.status_code == 405 and headers and "Allow" in headers:
            detail = (
                f"{request.method} is not allowed on {request.url.path!r}; "
                f"it answers {headers['Allow']}"
            )
        return problem(exc.status_code, title, detail, headers)


def not_found(path: str) -> str:
    """What a 404 for ``path`` says when nothing is served there: where the routes are listed,
    and, for an id with a ``/`` in it (an IRI, say), that ids are the short ones."""
    parts = path.split("/")
    if len(parts) > 4 and parts[1] == "v1":  # /v1/<collection>/<id with a slash>
        last = next((p for p in reversed(parts) if p), "")
        return (
            f"nothing is served at {path!r}: an id has no '/' (for an IRI, give its last "
            f"segment, {last!r}: /{parts[1]}/{parts[2]}/{last}); the routes are listed at /docs"
        )
    return f"nothing is served at {path!r}; the routes are listed at /docs"


def _allow_head(headers: Mapping[str, str] | None) -> Mapping[str, str] | None:
    """A 405's ``Allow`` with ``HEAD`` beside ``GET``: every ``GET`` route answers ``HEAD``
    (``musclekb_api.head``), but the router lists only the methods routes declare."""
    allow = (headers or {}).get("Allow")
    if allow is None:
        return headers
    methods = [m.strip() for m in allow.split(",")]
    if "GET" in methods and "HEAD" not in methods:
        methods.insert(methods.index("GET") + 1, "HEAD")
    return {**(headers or {}), "Allow": ", ".join(methods)}
