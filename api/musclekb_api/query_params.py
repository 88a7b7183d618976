"""Query parameters: refuse the ones an endpoint does not take, or takes once but was given twice,
or that are not UTF-8 (and a path that is not), and report a bad one in the same shape as
FastAPI's own validation errors.

Without these checks a misspelt parameter (``/v1/kb/export?fromat=jsonld``) or a repeated one
(``?kind=muscle&kind=sign``, where FastAPI keeps the last) would be ignored in silence and the
answer would not be the one asked for.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Coroutine, Sequence
from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from musclekb.words import normalise

__all__ = ["check_searchable", "invalid_query", "not_utf8", "only_parameters"]


# a percent-escape of a byte outside ASCII, or such a byte as it is: what may not be UTF-8
_NON_ASCII = re.compile(rb"%[89a-fA-F][0-9a-fA-F]|[\x80-\xff]")


def _not_utf8(request: Request) -> list[Any]:
    """An error for the path, and for each query parameter, that is not UTF-8 once
    percent-decoded (the decoding puts U+FFFD in place of each bad byte and goes on, so
    ``?query=...%FF...`` would run a query other than the one sent)."""
    errors: list[Any] = []
    raw_path: bytes = request.scope.get("raw_path") or b""
    query: bytes = request.scope.get("query_string") or b""
    if _NON_ASCII.search(raw_path):
        message = not_utf8("the path", unquote_to_bytes(raw_path))
        if message is not None:
            errors.append(
                {"type": "value_error", "loc": ("path",), "msg": message, "input": request.url.path}
            )
    if not _NON_ASCII.search(query):
        return errors
    for part in query.split(b"&"):
        name, _, value = part.partition(b"=")
        param = unquote_to_bytes(name).decode("utf-8", "replace")
        message = not_utf8(param, unquote_to_bytes(value.replace(b"+", b" ")))
        if message is not None:
            shown = unquote_to_bytes(value).decode("utf-8", "backslashreplace")
            errors.extend(invalid_query(param, shown, message).errors())
    return errors


def not_utf8(what: str, data: bytes) -> str | None:
    """What to say of ``what`` (a parameter, the path, a form) when ``data``, its bytes once
    percent-decoded, are not UTF-8; None when they are."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return (
            f"{what} is not UTF-8 once percent-decoded (byte 0x{data[exc.start]:02X} at "
            f"{exc.start}): percent-encode the UTF-8 bytes of each character (é is %C3%A9)"
        )
    return None


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
        errors: list[Any] = _not_utf8(request)
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
