"""The knowledge graph around one entity: ``GET /v1/graph/{id}``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from musclekb import LookupFailedError
from musclekb.projection import distances, edges_among
from musclekb_api.problems import not_found_doc
from musclekb_api.query_params import only_parameters
from musclekb_api.routers.browse import PROBLEM_RESPONSES
from musclekb_api.state import KB, Index

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["graph"])

SOURCE_RELATION = "source"
DEFAULT_MAX_NODES = 150

_EXAMPLE = {
    "center": "example-sign",
    "depth": 1,
    "nodes": [
        {"id": "example-sign", "kind": "sign", "label": "<label>"},
        {"id": "example-test", "kind": "test", "label": "<label>"},
    ],
    "edges": [{"source": "example-sign", "target": "example-test", "relation": "observedIn"}],
    "truncated": False,
}


@router.get(
    "/graph/{id}",
    name="get_graph",
    summary="The entities within a few links of one entity, and the links between them",
    description=(
        "Links are followed in both directions. Citations (`source`) link almost everything, so "
        "they are left out unless `include_sources` is set. Nodes come nearest first (then by "
        "id); when there are more than `max_nodes`, the farthest are dropped, with their edges, "
        "and `truncated` is true."
    ),
    dependencies=[Depends(only_parameters(("depth", "include_sources", "max_nodes")))],
    responses={
        200: {"content": {"application/json": {"example": _EXAMPLE}}},
        **not_found_doc("entity", "entity"),
        **PROBLEM_RESPONSES,
    },
)
def graph(
    kb: KB,
    index: Index,
    id: Annotated[str, Path(description="The id of the entity at the centre.", max_length=300)],
    depth: Annotated[int, Query(ge=0, le=3, description="How many links out to go (0-3).")] = 1,
    include_sources: Annotated[
        bool, Query(description="Follow and show `source` links (citations) too.")
    ] = False,
    max_nodes: Annotated[
        int, Query(ge=1, le=2000, description="At most this many nodes (1-2000).")
    ] = DEFAULT_MAX_NODES,
) -> dict[str, Any]:
    whole = kb.nx
    if id not in whole:
        raise LookupFailedError("entity", id, index.suggest(id), by="id")
    skip = frozenset() if include_sources else frozenset({SOURCE_RELATION})
    distance = distances(whole, id, depth, skip)
    ordered = sorted(distance, key=lambda n: (distance[n], n))
    kept = ordered[:max_nodes]
    edges = edges_among(whole, set(kept), skip)
    return {
        "center": id,
        "depth": depth,
        "nodes": [
            {
                "id": n,
                "kind": whole.nodes[n].get("kind", ""),
                "label": whole.nodes[n].get("label", n),
            }
            for n in kept
        ],
        "edges": [{"source": s, "target": t, "relation": r} for s, t, r in edges],
        "truncated": len(ordered) > len(kept),
    }
