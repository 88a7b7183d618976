"""Reading request bodies under a byte limit (413 as soon as the limit is passed), uncompressed
(415 for a body sent with a ``Content-Encoding``), and a connection that closes before the body's
end answered without an error in the log (400)."""

from __future__ import annotations

import anyio
from fastapi import Request
from starlette.requests import ClientDisconnect

from musclekb_api.problems import ApiProblem

__all__ = ["read_body"]


async def read_body(request: Request, limit: int, timeout: float) -> bytes:
    """The whole body, refused with 408 when it has not all come within ``timeout`` seconds,
    with 413 when ``Content-Length`` or the bytes read pass ``limit``
    (the rest of an oversized body is never read into memory); refused with 415 when it comes
    with a ``Content-Encoding`` other than ``identity``, which would otherwise be read as is."""
    codings = [
        c.strip()
        for value in request.headers.getlist("content-encoding")
        for c in value.split(",")
        if c.strip() and c.strip().lower() != "identity"
    ]
    if codings:
        raise ApiProblem(
            415,
            "Unsupported content encoding",
            f"the request body is sent with Content-Encoding {', '.join(codings)}; "
            "this service reads bodies only as they are: send it uncompressed, without "
            "Content-Encoding",
            {"Accept-Encoding": "identity"},  # what RFC 9110 asks a 415 for a coding to say
        )
    too_large = ApiProblem(
        413,
        "Request body too large",
        f"the request body is larger than the limit of {limit} bytes",
        limit_bytes=limit,
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    try:
        with anyio.move_on_after(timeout) as waiting:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_large
                chunks.append(chunk)
    except ClientDisconnect:
        # the connection closed before the body ended (the client left, or what it sent could
        # not be parsed and was refused already): answered for the record, read by no one
        raise ApiProblem(
            400,
            "Incomplete request body",
            f"the connection closed after {size} bytes of the body, before its end",
            {"Connection": "close"},
        ) from None
    if waiting.cancelled_caught:  # a client that sends slowly holds the connection no longer
        raise ApiProblem(
            408,
            "Request timeout",
            f"the request body did not arrive within {timeout:g} s ({size} bytes came); "
            "send it whole, at once",
            {"Connection": "close"},
        )
    return b"".join(chunks)
