"""Query parameters: refuse the ones an endpoint does not take, or takes once but was given twice,
and report a bad one in the same shape as FastAPI's own validation errors.

Without these checks a misspelt parameter (``/v1/kb/export?fromat=jsonld``) or a repeated one
(``?kind=muscle&kind=sign``, where FastAPI keeps the last) would be ignored in silence and the
answer would not be the one asked for.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Coroutine, Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from musclekb.words import normalise

__all__ = ["check_searchable", "invalid_query", "only_parameters"]


def check_searchable(q: str) -> None:
    """A 422 for a ``q`` with nothing to search for: no letter or digit (``---``, an emoji),
    which would otherwise find nothing and not say why."""
    if not normalise(q):
        raise invalid_query(
            "q",
            q,
            f"q {q!r} has no letter or digit to search for: give a label, synonym or id",
        )


def invalid_query(
    param: str, value: str, message: str, suggestions: Sequence[str] = ()
) -> RequestValidationError:
    """A 422 for one query parameter, in the same shape as FastAPI's own validation errors."""
    hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    return RequestValidationError(
        [
            {
                "type": "value_error",
                "loc": ("query", param),
                "msg": message + hint,
                "input": value,
                "ctx": {"suggestions": list(suggestions)},
            }
        ]
    )


def only_parameters(
    allowed: Collection[str],
) -> Callable[[Request], Coroutine[Any, Any, None]]:
    """A dependency that refuses query parameters the endpoint does not take, and any of its own
    given more than once (each takes one value; the lists are comma-separated). Every such
    parameter is reported in one 422."""
    names = sorted(allowed)

    async def check(request: Request) -> None:
        errors: list[Any] = []
        seen: set[str] = set()
        for param, value in request.query_params.multi_items():
            if param not in allowed:
                close = difflib.get_close_matches(param, names, n=1, cutoff=0.5)
                takes = ", ".join(names) if names else "no query parameters"
                message = f"unknown query parameter (this endpoint takes {takes})"
                errors.extend(invalid_query(param, value, message, close).errors())
            elif param in seen:
                message = (
                    f"{param} is given more than once; give it once "
                    "(separate several values with commas where it takes a list)"
                )
                errors.extend(invalid_query(param, value, message).errors())
            seen.add(param)
        if errors:
            raise RequestValidationError(errors)

    return check
