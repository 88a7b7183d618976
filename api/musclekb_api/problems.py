"""One error format everywhere: RFC 9457 problem details, mapped from domain errors in one place."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from musclekb import LookupFailedError, MuscleKBError

__all__ = ["install_problem_handlers", "problem"]

PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error the service can meet to a problem-details response."""

    @app.exception_handler(LookupFailedError)
    async def _lookup(_: Request, exc: LookupFailedError) -> JSONResponse:
        return problem(404, "Not found", str(exc), suggestions=list(exc.suggestions))

    @app.exception_handler(MuscleKBError)
    async def _domain(_: Request, exc: MuscleKBError) -> JSONResponse:
        return problem(422, "Unprocessable request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        where = "; ".join(f"{'/'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in errors)
        return problem(422, "Invalid request", where or "the request is not valid", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail))
