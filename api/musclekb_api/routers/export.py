"""The whole knowledge graph as a download: Turtle, JSON-LD or N-Triples."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Response

from musclekb_api.conditional import tag_matches
from musclekb_api.graphstore import EXPORT_FORMATS
from musclekb_api.problems import problem_doc
from musclekb_api.query_params import only_parameters
from musclekb_api.state import Store

__all__ = ["router"]

router = APIRouter(prefix="/v1/kb", tags=["service"])

Format = Literal["turtle", "jsonld", "ntriples"]

_CONTENT: dict[str, Any] = {
    media.split(";", 1)[0]: {
        "schema": {"type": ["array", "object"]} if "json" in media else {"type": "string"}
    }
    for _, media, _ in EXPORT_FORMATS.values()
}


@router.get(
    "/export",
    name="export_kb",
    summary="Download the knowledge graph (Turtle, JSON-LD or N-Triples)",
    response_class=Response,
    dependencies=[Depends(only_parameters(("format",)))],
    responses={
        200: {
            "description": "The whole graph, as an attachment named after the content hash.",
            "content": _CONTENT,
        },
        304: {"description": "Not modified (the ETag in If-None-Match is current)."},
        422: problem_doc(
            422,
            "Unknown format (problem+json naming the valid ones), or a query parameter that "
            "the export does not take or that is given twice.",
            "Invalid request",
            "query/format: Input should be 'turtle', 'jsonld' or 'ntriples'",
            errors=[
                {
                    "loc": ["query", "format"],
                    "msg": "Input should be 'turtle', 'jsonld' or 'ntriples'",
                    "suggestions": ["turtle"],
                }
            ],
        ),
    },
)
def export(
    store: Store,
    fmt: Annotated[
        Format,
        Query(alias="format", description="turtle (default), jsonld or ntriples."),
    ] = "turtle",
    if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """Every triple of the loaded knowledge base, serialized once per format and kept."""
    _, media, extension = EXPORT_FORMATS[fmt]
    etag = f'"{store.content_hash[:16]}-{fmt}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if if_none_match and tag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    name = f"musclekb-{store.content_hash[:12]}.{extension}"
    headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(store.export(fmt), media_type=media, headers=headers)
