"""Forgiving search across the knowledge base: ``GET /v1/search``."""

from __future__ import annotations

import difflib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError

from musclekb.search import DEFAULT_MIN_SCORE, KIND_ORDER
from musclekb_api.query_params import check_searchable, invalid_query, only_parameters
from musclekb_api.routers.browse import PROBLEM_RESPONSES
from musclekb_api.state import Index

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["search"])

_EXAMPLE = {
    "query": "knee cavs in",
    "results": [
        {
            "id": "example-sign",
            "iri": "https://w3id.org/musclekb/id/example-sign",
            "kind": "sign",
            "label": "<label>",
            "score": 0.8123,
            "matched": "<the label or synonym that matched>",
        }
    ],
}


def _kinds(raw: str | None) -> tuple[str, ...]:
    """The kinds asked for (comma-separated), each checked; none asked: every searchable kind."""
    asked = [part.strip() for part in (raw or "").split(",") if part.strip()]
    errors: list[dict[str, Any]] = []
    for kind in asked:
        if kind not in KIND_ORDER:
            close = difflib.get_close_matches(kind.removesuffix("s"), KIND_ORDER, n=1)
            message = f"{kind!r} is not a kind; the kinds are {', '.join(KIND_ORDER)}"
            errors.extend(invalid_query("kind", kind, message, close).errors())
    if errors:
        raise RequestValidationError(errors)
    return tuple(dict.fromkeys(asked)) or KIND_ORDER


@router.get(
    "/search",
    summary="Search every entity by label, synonym or id, forgiving typos, plurals and word order",
    description=(
        "Results come best first with a `score` from 0 to 1: 1 when the query is a label or "
        "synonym (case and punctuation ignored), 0.98 for the same words up to plurals, and at "
        "most 0.95 for a partial or approximate match, which weighs how much of the query the "
        "name holds and how much of the name the query covers (rare words count more), with a "
        f"small bonus for words in the same order. Results under {DEFAULT_MIN_SCORE} are left "
        "out. `matched` is the label or synonym that matched; ties go by kind, label and id."
    ),
    dependencies=[Depends(only_parameters(("q", "kind", "limit")))],
    responses={200: {"content": {"application/json": {"example": _EXAMPLE}}}, **PROBLEM_RESPONSES},
)
def search(
    index: Index,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="What to look for: a label, synonym or id, in any case and word order.",
        ),
    ],
    kind: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Only these kinds, comma-separated: " + ", ".join(KIND_ORDER) + ".",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="How many results (1-100).")] = 20,
) -> dict[str, Any]:
    check_searchable(q)
    hits = index.search(q, _kinds(kind), limit=limit)
    return {"query": q, "results": [hit.to_dict() for hit in hits]}
