"""Reading request bodies under a byte limit (413 as soon as the limit is passed)."""

from __future__ import annotations

from fastapi import Request

from musclekb_api.problems import ApiProblem

__all__ = ["read_body"]


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 when ``Content-Length`` or the bytes read pass ``limit``
    (the rest of an oversized body is never read into memory)."""
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
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
