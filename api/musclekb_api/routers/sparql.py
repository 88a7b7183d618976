"""A read-only SPARQL 1.1 protocol endpoint over the knowledge graph.

``GET /v1/sparql?query=...``, or ``POST`` with a form (``query=...``) or an
``application/sparql-query`` body. SELECT and ASK answer in SPARQL JSON results; CONSTRUCT and
DESCRIBE in Turtle (or N-Triples when the Accept header asks for it). Updates (in a query, or as
the protocol's update operation) and ``SERVICE`` are refused (403); time, row and size limits
come from the settings (see ``graphstore``).
"""

from __future__ import annotations

from typing import Annotated, Any, NoReturn
from urllib.parse import parse_qs, unquote_to_bytes

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from musclekb_api.bodies import read_body
from musclekb_api.examples import EXAMPLES
from musclekb_api.graphstore import RESULTS_JSON, GraphStore, SparqlForbidden
from musclekb_api.negotiation import preferred_media
from musclekb_api.problems import ApiProblem, problem_doc
from musclekb_api.query_params import not_utf8, only_parameters
from musclekb_api.state import Store, current_settings

__all__ = ["router"]

router = APIRouter(prefix="/v1/sparql", tags=["sparql"])

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


def _refuse_update(how: str) -> NoReturn:
    """The SPARQL 1.1 protocol's update operation (``how`` it was asked for), refused as an
    update in a query is: the endpoint is read-only."""
    raise SparqlForbidden(
        f"this endpoint is read-only: the SPARQL update operation ({how}) is refused; "
        "send a SELECT, ASK, CONSTRUCT or DESCRIBE query as 'query'"
    )


async def _no_update_parameter(request: Request) -> None:
    """An ``update`` query parameter is an update asked for, not a misspelt parameter."""
    if "update" in request.query_params:
        _refuse_update("an 'update' parameter")


GRAPH_ANSWERS = ("text/turtle", "application/n-triples")
RESULT_ANSWERS = (RESULTS_JSON, "application/json")
"""What a CONSTRUCT or DESCRIBE query, and a SELECT or ASK query, can be answered in, the default
first (results are SPARQL 1.1 JSON whichever of the two is asked for)."""


def _problem(status: int, title: str, detail: str) -> dict[str, Any]:
    return problem_doc(status, title, title, detail)


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "SELECT and ASK: SPARQL 1.1 JSON results. CONSTRUCT and DESCRIBE: Turtle, "
        "or N-Triples when Accept prefers it (read with its weights). `MuscleKB-Truncated: true` "
        "when rows were cut at the row limit (`MuscleKB-Row-Limit`) or the size limit "
        "(`MuscleKB-Byte-Limit`, about what the rows' terms may take).",
        "content": {
            RESULTS_JSON: {
                "schema": {"type": "object"},
                "example": {
                    "head": {"vars": ["muscle", "label"]},
                    "results": {
                        "bindings": [
                            {
                                "muscle": {"type": "uri", "value": "https://w3id.org/..."},
                                "label": {"type": "literal", "value": "...", "xml:lang": "en"},
                            }
                        ]
                    },
                },
            },
            "text/turtle": {"schema": {"type": "string"}},
            "application/n-triples": {"schema": {"type": "string"}},
        },
    },
    400: problem_doc(
        400,
        "The query does not parse (title `SPARQL syntax error`), or nests groups, blank nodes, "
        "collections or parentheses deeper than `MUSCLEKB_SPARQL_MAX_DEPTH` levels (title "
        "`Query nested too deeply`, refused before it runs).",
        "SPARQL syntax error",
        "the query does not parse: error at 1:8: ...",
    ),
    403: problem_doc(
        403,
        "An update (in the query, as an `update` form field or parameter, or as an "
        "`application/sparql-update` body), or a federated query (`SERVICE`).",
        "Read-only SPARQL endpoint",
        "this endpoint is read-only: SPARQL updates are refused",
    ),
    422: _problem(
        422,
        "Invalid request",
        "query/default-graph-uri: unknown query parameter (this endpoint takes query)",
    ),
    406: problem_doc(
        406,
        "The request's `Accept` takes none of the types the query's form is answered in.",
        "Not acceptable",
        "a SELECT query is answered in application/sparql-results+json or application/json; "
        "the request's Accept ('application/sparql-results+xml') takes neither: send Accept: "
        "application/sparql-results+json, or leave it out",
        available=list(RESULT_ANSWERS),
    ),
    408: _problem(
        408, "Request timeout", "the request body did not arrive within 10 s (14 bytes came)"
    ),
    413: _problem(413, "Query too large", "the query is 70000 bytes; the limit is 65536 bytes"),
    415: _problem(415, "Unsupported media type", "send the query as a form or a SPARQL query"),
    503: _problem(
        503,
        "Query limit exceeded",
        "the query ran longer than the time limit of 5 s and was stopped",
    ),
}


def _graph_format(form: str, accept: str | None) -> str:
    """The format of a graph answer that ``accept`` prefers for a query of ``form``, or a 406
    problem naming what the query can be answered in."""
    offered = GRAPH_ANSWERS if form in ("CONSTRUCT", "DESCRIBE") else RESULT_ANSWERS
    chosen = preferred_media(accept, offered)
    if chosen is None and form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        raise ApiProblem(
            406,
            "Not acceptable",
            f"a {form} query is answered in {' or '.join(offered)}; the request's Accept "
            f"({accept!r}) takes neither: send Accept: {offered[0]}, or leave it out",
            {"Vary": "Accept"},
            available=list(offered),
        )
    return "ntriples" if chosen == "application/n-triples" else "turtle"


async def _run(store: GraphStore, query: str, accept: str | None) -> Response:
    result = await store.run(query, lambda form: _graph_format(form, accept))
    headers = {
        "MuscleKB-Row-Limit": str(store.max_rows),
        "MuscleKB-Byte-Limit": str(store.max_bytes),
        "Vary": "Accept",
    }
    if result.truncated:
        headers["MuscleKB-Truncated"] = "true"
    return Response(result.body, media_type=result.media_type, headers=headers)


@router.get(
    "",
    summary="Run a read-only SPARQL query (query string)",
    response_class=Response,
    dependencies=[Depends(_no_update_parameter), Depends(only_parameters(("query",)))],
    responses=RESPONSES,
)
async def sparql_get(
    store: Store,
    query: Annotated[
        str,
        Query(
            description="A SELECT, ASK, CONSTRUCT or DESCRIBE query.",
            examples=[EXAMPLES["sparql"]],
        ),
    ],
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """The prefixes `kb:`, `mk:`, `rdf:`, `rdfs:`, `skos:`, `dcterms:`, `owl:` and `xsd:` are
    predefined."""
    return await _run(store, query, accept)


@router.post(
    "",
    summary="Run a read-only SPARQL query (form or application/sparql-query body)",
    response_class=Response,
    dependencies=[Depends(_no_update_parameter), Depends(only_parameters(()))],
    responses=RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {"query": {"type": "string"}},
                        "required": ["query"],
                    },
                    "example": {"query": EXAMPLES["sparql"]},
                },
                SPARQL_QUERY: {"schema": {"type": "string"}, "example": EXAMPLES["sparql"]},
            },
        }
    },
)
async def sparql_post(request: Request, store: Store) -> Response:
    """The query as a form field `query`, or the whole body with `Content-Type:
    application/sparql-query`. The same prefixes as for `GET` are predefined."""
    body = await read_body(request, store.max_query_bytes, current_settings(request).body_timeout)
    media = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiProblem(400, "Invalid request", f"the body is not UTF-8: {exc}") from None
    if media == SPARQL_QUERY:
        query = text
    elif media == SPARQL_UPDATE:
        _refuse_update(f"an {SPARQL_UPDATE} body")
    elif media == FORM:
        # checked first: parse_qs puts U+FFFD in place of a bad byte, and another query runs
        message = not_utf8("the form", unquote_to_bytes(text.replace("+", " ")))
        if message is not None:
            raise ApiProblem(400, "Invalid request", message)
        fields = parse_qs(text, keep_blank_values=True)
        if "update" in fields:
            _refuse_update("an 'update' form field")
        others = sorted(set(fields) - {"query"})
        if others:
            raise ApiProblem(
                400,
                "Invalid request",
                f"unknown form field(s) {', '.join(repr(f) for f in others)}: this endpoint "
                "takes only 'query' (named graphs and default-graph-uri are not supported)",
            )
        values = fields.get("query")
        if not values:
            raise ApiProblem(400, "Missing query", "the form has no 'query' field")
        if len(values) > 1:
            raise ApiProblem(400, "Invalid request", "give the 'query' field once")
        query = values[0]
    else:
        raise ApiProblem(
            415,
            "Unsupported media type",
            f"send the query as a form ({FORM}, field 'query') or as {SPARQL_QUERY} "
            f"(got {media or 'no Content-Type'!r})",
        )
    return await _run(store, query, request.headers.get("accept"))
